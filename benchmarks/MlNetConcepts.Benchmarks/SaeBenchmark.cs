using System.Diagnostics;
using System.Globalization;
using MlNetConcepts.Compute;
using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Benchmarks;

/// <summary>
/// SAE training throughput: one full BatchTopK step of ours (forward, selection, AuxK, sparse
/// decoder, gradients, projection, clipping, Adam, renormalisation) against its encoder GEMM
/// alone and against the same step in PyTorch (benchmarks/python/sae_step.py), in one run.
/// Rounds interleave the step and the GEMM (each timed best of R), so a burst of outside load hits both alike; the
/// step/GEMM ratio is given for the best round (lowest ratio) and as the median over rounds.
///   dotnet MlNetConcepts.Benchmarks.dll sae [--shapes d:n:k:B,...] [--dead f,f,...] [--repeats R] [--rounds N] [--no-torch]
/// Wire into Program.cs with: case "sae": SaeBenchmark.Run(arguments); break;
/// </summary>
internal static class SaeBenchmark
{
    public static void Run(BenchArguments args)
    {
        Machine.PrintHeader("sae");
        int repeats = args.Int("repeats", 3), rounds = args.Int("rounds", 3);
        string shapes = args.Text("shapes") ?? "768:12288:32:4096,1024:8192:20:4096";
        var deadFractions = (args.Text("dead") ?? "0,0.01,0.25").Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var rows = new List<string>();
        var breakdowns = new List<string>();
        var threadRows = new List<string>();
        foreach (var shape in shapes.Split(','))
        {
            var p = shape.Split(':').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            int d = p[0], n = p[1], k = p[2], batch = p[3];
            foreach (double deadFraction in deadFractions)
            {
                var (stepSeconds, gemmSeconds, bestRatio, medianRatio, profile, optimizerMs) = Ours(d, n, k, batch, deadFraction, repeats, rounds);
                double ours = batch / stepSeconds;
                double gflops = 2.0 * batch * d * n / gemmSeconds / 1e9;
                double torch = args.Flag("no-torch") ? double.NaN : Torch(d, n, k, batch, deadFraction);
                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {d} | {n} | {k} | {batch} | {deadFraction:P0} | {ours:F0} | {gflops:F1} | {bestRatio:F2} ({medianRatio:F2}) | {torch:F0} | {ours / torch:F2} |"));
                breakdowns.Add(string.Create(CultureInfo.InvariantCulture, $"| {d}×{n}, k={k}, dead {deadFraction:P0} | ")
                    + string.Join(" | ", profile.Milliseconds.Select(ms => (ms / profile.Steps).ToString("F0", CultureInfo.InvariantCulture)))
                    + string.Create(CultureInfo.InvariantCulture, $" | {optimizerMs:F0} | {gemmSeconds * 1000:F0} |"));
                threadRows.Add(string.Create(CultureInfo.InvariantCulture, $"| {d}×{n}, k={k}, dead {deadFraction:P0} | ")
                    + string.Join(" | ", profile.Milliseconds.Zip(profile.CpuMilliseconds, (wall, cpu) =>
                        string.Create(CultureInfo.InvariantCulture, $"{cpu / profile.Steps:F0} ({(wall > 0 ? cpu / wall : 0):F2})")))
                    + " |");
                Console.WriteLine(rows[^1]);
            }
        }
        Console.WriteLine();
        Console.WriteLine("| d | n | k | batch | dead | ours samples/s | encoder GEMM GFLOP/s | step / GEMM, best round (median) | torch samples/s | ours / torch |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var row in rows) Console.WriteLine(row);
        Console.WriteLine();
        Console.WriteLine("Where a step's time goes (ms per step; the GEMM alone measured separately):");
        Console.WriteLine();
        Console.WriteLine("| shape | " + string.Join(" | ", StepProfile.Phases) + " | projection, clipping, Adam, renormalisation | encoder GEMM alone |");
        Console.WriteLine("|---" + string.Concat(Enumerable.Repeat("|---", StepProfile.Phases.Length + 2)) + "|");
        foreach (var row in breakdowns) Console.WriteLine(row);
        Console.WriteLine();
        Console.WriteLine("Process CPU ms per step and phase (threads busy: CPU time / wall time; 2 = both cores):");
        Console.WriteLine();
        Console.WriteLine("| shape | " + string.Join(" | ", StepProfile.Phases) + " |");
        Console.WriteLine("|---" + string.Concat(Enumerable.Repeat("|---", StepProfile.Phases.Length)) + "|");
        foreach (var row in threadRows) Console.WriteLine(row);
    }

    private static (double Step, double Gemm, double BestRatio, double MedianRatio, StepProfile Profile, double OptimizerMs) Ours(
        int d, int n, int k, int batch, double deadFraction, int repeats, int rounds)
    {
        var rng = new Random(1);
        var x = new float[batch * d];
        for (int q = 0; q < x.Length; q++) x[q] = (float)(rng.NextDouble() * 2 - 1);
        var o = new SaeOptions { Architecture = "batchtopk", K = k, BatchSize = batch };
        var variant = SaeVariants.Create("batchtopk");
        var w = new SaeWeights(d, n, 1);
        SaeRecipe.Initialize(w, 1);
        var grad = new SaeWeights(d, n, 1);
        var adam = new AdamOptimizer(w, false, o);
        var step = new SaeStep(variant, o, d, n);
        var dead = new bool[n];
        for (int i = 0; i < (int)(n * deadFraction); i++) dead[i] = true; // as the torch script: AuxK acts on these
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = ComputeSettings.Threads };
        int t = 0;
        var profile = new StepProfile();
        double optimizerTicks = 0;
        var pre = new float[(long)batch * n];
        double bestStep = double.MaxValue, bestGemm = double.MaxValue;
        var ratios = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            var full = Timing.Measure(() =>
            {
                if (t == 1) { step.Profile = profile; optimizerTicks = 0; } // profile the calls after the first warm-up
                step.Run(x, batch, w, grad, deadFraction > 0 ? dead : null, parallel);
                long t0 = Stopwatch.GetTimestamp();
                SaeUpdate.Apply(w, grad, adam, ++t, 1e-4, 1.0, parallel);
                if (step.Profile is not null) optimizerTicks += Stopwatch.GetTimestamp() - t0;
            }, repeats);
            var gemm = Timing.Measure(() => Gemm.MatMulTransB(x, w.EncoderWeight, pre, batch, d, n), repeats);
            bestStep = Math.Min(bestStep, full.BestSeconds);
            bestGemm = Math.Min(bestGemm, gemm.BestSeconds);
            ratios.Add(full.BestSeconds / gemm.BestSeconds);
        }
        step.Profile = null;
        ratios.Sort();
        return (bestStep, bestGemm, ratios[0], ratios[ratios.Count / 2], profile, optimizerTicks * 1000.0 / Stopwatch.Frequency / profile.Steps);
    }

    private static double Torch(int d, int n, int k, int batch, double deadFraction)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "python", "sae_step.py");
        if (!File.Exists(script)) script = Path.Combine("benchmarks", "python", "sae_step.py");
        var psi = new ProcessStartInfo("/usr/bin/python3",
            string.Create(CultureInfo.InvariantCulture, $"{script} --d {d} --n {n} --k {k} --batch {batch} --threads {ComputeSettings.Threads} --dead {deadFraction}"))
        { RedirectStandardOutput = true, RedirectStandardError = true };
        try
        {
            using var proc = Process.Start(psi)!;
            string output = proc.StandardOutput.ReadToEnd();
            proc.WaitForExit();
            var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("samples_per_second", StringComparison.Ordinal));
            return line is null ? double.NaN : double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (System.ComponentModel.Win32Exception) { return double.NaN; }
    }
    /// <summary>
    /// The AuxK products at a quarter of the latents dead, as one step runs them: the tiled sparse kernels
    /// (512-bit and 256-bit register kernels) against the dense GEMMs over the compacted dead latents that
    /// compute the same thing, and against the step's encoder GEMM (B×d · d×n) in the same run.
    ///   dotnet MlNetConcepts.Benchmarks.dll sae-kernels [--shapes d:n:kaux:B,...] [--repeats R]
    /// </summary>
    internal static void RunKernels(BenchArguments args)
    {
        Machine.PrintHeader("sae-kernels");
        int repeats = args.Int("repeats", 3);
        string shapes = args.Text("shapes") ?? "768:12288:384:4096,1024:8192:512:4096";
        Console.WriteLine("| d | dead m | k_aux | batch | density | decode ms (512 / 256 / GEMM) | column axpy + dots ms (512 / 256 / 2 GEMMs) | column axpy ms (512 / 256 / GEMM) | tiled 512 / dense | tiled 512 / encoder GEMM | encoder GEMM ms |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var shape in shapes.Split(','))
        {
            var p = shape.Split(':').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            int d = p[0], n = p[1], m = p[1] / 4, kAux = p[2], batch = p[3];
            var rng = new Random(2);
            var pre = new float[(long)batch * m];
            for (long q = 0; q < pre.LongLength; q++) pre[q] = (float)(rng.NextDouble() * 2 - 1);
            var z = new SparseCodes(batch, batch * kAux);
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = ComputeSettings.Threads };
            TopSelection.TopKPerRow(pre, batch, m, kAux, z, parallel);
            var w = new float[m * d];
            for (int q = 0; q < w.Length; q++) w[q] = (float)(rng.NextDouble() - 0.5);
            var a = new float[batch * d];
            for (int q = 0; q < a.Length; q++) a[q] = (float)(rng.NextDouble() - 0.5);
            var outRows = new float[batch * d];
            var dots = new float[z.Count];
            var gw = new float[m * d];
            var columns = new CodeColumns(z, m);
            var weights = columns.InColumnOrder(z.Value, 1f, new float[z.Count], parallel);
            var ms = new double[3, 3];
            for (int round = 0; round < 2; round++) // interleaved, best kept
                foreach (var (k, isa) in new[] { (0, TileIsa.Vector512), (1, TileIsa.Vector256) })
                {
                    Best(ref ms[0, k], Timing.Measure(() => TiledSparseProducts.Decode(z, w, null, m, d, a, outRows, parallel, isa), repeats));
                    Best(ref ms[1, k], Timing.Measure(() => TiledSparseProducts.ColumnAxpy(columns, weights, a, batch, d, gw, null, null, parallel, w, dots, isa), repeats));
                    Best(ref ms[2, k], Timing.Measure(() => TiledSparseProducts.ColumnAxpy(columns, weights, a, batch, d, gw, null, null, parallel, isa: isa), repeats));
                }
            var dense = z.ToDense(m);
            var gz = new float[(long)batch * m];
            Best(ref ms[0, 2], Timing.Measure(() => Gemm.MatMul(dense, w, outRows, batch, m, d), repeats));
            double gemmT = Timing.Measure(() => Gemm.MatMulTransB(a, w, gz, batch, d, m), repeats).BestSeconds * 1000;
            double gemmA = Timing.Measure(() => Gemm.MatMulTransA(dense, a, gw, batch, m, d), repeats).BestSeconds * 1000;
            ms[1, 2] = gemmT + gemmA;
            ms[2, 2] = gemmA;
            dense = null;
            gz = null;
            var encoderWeight = new float[(long)n * d];
            for (long q = 0; q < encoderWeight.LongLength; q++) encoderWeight[q] = (float)(rng.NextDouble() - 0.5);
            var preFull = new float[(long)batch * n];
            double encoder = Timing.Measure(() => Gemm.MatMulTransB(a, encoderWeight, preFull, batch, d, n), repeats).BestSeconds * 1000;
            double tiled = ms[0, 0] + ms[1, 0] + ms[2, 0], dense4 = ms[0, 2] + ms[1, 2] + ms[2, 2];
            string Trio(int row) => string.Create(CultureInfo.InvariantCulture, $"{ms[row, 0]:F0} / {ms[row, 1]:F0} / {ms[row, 2]:F0}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {d} | {m} | {kAux} | {batch} | {(double)z.Count / ((long)batch * m):P0} | {Trio(0)} | {Trio(1)} | {Trio(2)} | {tiled / dense4:F2} | {tiled / encoder:F2} | {encoder:F0} |"));
        }
    }

    /// <summary>best ← the smaller of best (0 = unset) and the measurement's best, in ms.</summary>
    private static void Best(ref double best, Timing measured)
    {
        double ms = measured.BestSeconds * 1000;
        best = best == 0 ? ms : Math.Min(best, ms);
    }
}
