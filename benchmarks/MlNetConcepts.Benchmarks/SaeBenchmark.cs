using System.Diagnostics;
using System.Globalization;
using MlNetConcepts.Compute;
using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Benchmarks;

/// <summary>
/// SAE training throughput: one full BatchTopK step of ours (forward, selection, AuxK, sparse
/// decoder, gradients, projection, clipping, Adam, renormalisation) against its encoder GEMM
/// alone and against the same step in PyTorch (benchmarks/python/sae_step.py), in one run.
///   dotnet MlNetConcepts.Benchmarks.dll sae [--shapes d:n:k:B,...] [--repeats R] [--no-torch]
/// Wire into Program.cs with: case "sae": SaeBenchmark.Run(arguments); break;
/// </summary>
internal static class SaeBenchmark
{
    public static void Run(BenchArguments args)
    {
        Machine.PrintHeader("sae");
        int repeats = args.Int("repeats", 3);
        string shapes = args.Text("shapes") ?? "768:12288:32:4096,1024:8192:20:4096";
        Console.WriteLine("| d | n | k | batch | ours samples/s | encoder GEMM GFLOP/s | step / GEMM | torch samples/s | ours / torch |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var shape in shapes.Split(','))
        {
            var p = shape.Split(':').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            int d = p[0], n = p[1], k = p[2], batch = p[3];
            var (stepSeconds, gemmSeconds) = Ours(d, n, k, batch, repeats);
            double ours = batch / stepSeconds;
            double gflops = 2.0 * batch * d * n / gemmSeconds / 1e9;
            double torch = args.Flag("no-torch") ? double.NaN : Torch(d, n, k, batch);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {d} | {n} | {k} | {batch} | {ours:F0} | {gflops:F1} | {stepSeconds / gemmSeconds:F2} | {torch:F0} | {ours / torch:F2} |"));
        }
    }

    private static (double Step, double Gemm) Ours(int d, int n, int k, int batch, int repeats)
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
        for (int i = 0; i < n / 4; i++) dead[i] = true; // as the torch script: a quarter dead, AuxK active
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = ComputeSettings.Threads };
        int t = 0;
        var full = Timing.Measure(() =>
        {
            step.Run(x, batch, w, grad, dead, parallel);
            SaeRecipe.ProjectDecoderGradient(w.DecoderWeight, grad.DecoderWeight, d, parallel);
            SaeRecipe.ClipGradientNorm(grad, adam.Trained, 1.0);
            adam.Step(w, grad, ++t, 1e-4, parallel);
            SaeRecipe.NormalizeRows(w.DecoderWeight, d);
        }, repeats);
        var pre = new float[(long)batch * n];
        var gemm = Timing.Measure(() => Gemm.MatMulTransB(x, w.EncoderWeight, pre, batch, d, n), repeats);
        return (full.BestSeconds, gemm.BestSeconds);
    }

    private static double Torch(int d, int n, int k, int batch)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "python", "sae_step.py");
        if (!File.Exists(script)) script = Path.Combine("benchmarks", "python", "sae_step.py");
        var psi = new ProcessStartInfo("/usr/bin/python3",
            string.Create(CultureInfo.InvariantCulture, $"{script} --d {d} --n {n} --k {k} --batch {batch} --threads {ComputeSettings.Threads}"))
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
}
