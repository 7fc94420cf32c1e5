using System.Globalization;
using MlNetConcepts.IO;

namespace MlNetConcepts.Benchmarks;

/// <summary>
/// Whole-process suites for the one-pass evaluators (issue 13), each beside numpy's form of the same formulas
/// on the same files, alternating per round, with the ratio (best and median) and the largest difference
/// between the two results:
///   eval-ms-clusters-cli  <c>mlnc eval ms-clusters</c> against <c>benchmarks/python/ms_clusters_numpy.py</c>;
///   eval-overlap-cli      <c>mlnc eval overlap</c> against <c>benchmarks/python/overlap_numpy.py</c> (dense .npy and CSR .npz codes);
///   eval-energy-cli       <c>mlnc eval energy</c> against <c>benchmarks/python/energy_numpy.py</c> (dense and CSR).
/// Options: [--data DIR] [--rows 20000] [--latents 4096] [--width 768] [--clusters 100] [--rounds 3]. DIR holds
/// codes.npy, codes.npz, emb.npy (<c>streaming_ms_data.py DIR --npz</c>), acts.npy and centroids.npy
/// (<c>cluster_eval_data.py DIR</c>); without --data the suite writes such a folder to /tmp and deletes it afterwards.
/// </summary>
internal static partial class EvalBenchmark
{
    public static void RunMsClustersCli(BenchArguments a) => WithData(a, "eval-ms-clusters-cli", (dir, rounds) =>
    {
        string outCsv = Path.Combine(dir, "bench-ours.csv"), refOut = Path.Combine(dir, "bench-numpy.npy");
        string acts = Path.Combine(dir, "acts.npy"), cents = Path.Combine(dir, "centroids.npy"), emb = Path.Combine(dir, "emb.npy");
        Pair(dir, "acts.npy", rounds,
            ["eval", "ms-clusters", "--activations", acts, "--centroids", cents, "--embeddings", emb, "--out", outCsv],
            Script("ms_clusters_numpy.py"), [acts, cents, emb, refOut],
            () => Compare(ReadCsvColumn(outCsv, "ms"), NpyFile.Read(refOut).ToFloat64()));
    });

    public static void RunOverlapCli(BenchArguments a) => WithData(a, "eval-overlap-cli", (dir, rounds) =>
    {
        string oursDir = Path.Combine(dir, "bench-ours"), refDir = Path.Combine(dir, "bench-numpy");
        string acts = Path.Combine(dir, "acts.npy"), cents = Path.Combine(dir, "centroids.npy");
        foreach (var input in new[] { "codes.npy", "codes.npz" })
        {
            string codes = Path.Combine(dir, input);
            Pair(dir, input, rounds,
                ["eval", "overlap", "--codes", codes, "--activations", acts, "--centroids", cents, "--out", oursDir],
                Script("overlap_numpy.py"), [codes, acts, cents, refDir],
                () => Compare(NpyFile.Read(Path.Combine(oursDir, "overlap.npy")).ToFloat64(), NpyFile.Read(Path.Combine(refDir, "overlap.npy")).ToFloat64()));
            Directory.Delete(oursDir, true);
            Directory.Delete(refDir, true);
        }
    });

    public static void RunEnergyCli(BenchArguments a) => WithData(a, "eval-energy-cli", (dir, rounds) =>
    {
        string outCsv = Path.Combine(dir, "bench-ours.csv"), refOut = Path.Combine(dir, "bench-numpy.npy");
        foreach (var input in new[] { "codes.npy", "codes.npz" })
        {
            string codes = Path.Combine(dir, input);
            Pair(dir, input, rounds, ["eval", "energy", "--codes", codes, "--out", outCsv],
                Script("energy_numpy.py"), [codes, refOut],
                () => Compare(ReadCsvColumn(outCsv, "energy"), NpyFile.Read(refOut).ToFloat64()));
            File.Delete(outCsv);
            File.Delete(refOut);
        }
    });

    private static string Script(string name) => WholeProcess.Find(Path.Combine("benchmarks", "python", name))
        ?? throw new FileNotFoundException($"benchmarks/python/{name}");

    // Runs the suite body on --data or on a folder written to /tmp for it (deleted afterwards).
    private static void WithData(BenchArguments a, string suite, Action<string, int> body)
    {
        Machine.PrintHeader(suite);
        int rounds = a.Int("rounds", 3);
        string? dir = a.Text("data"), temp = null;
        if (dir is null)
        {
            dir = temp = Directory.CreateTempSubdirectory("mlnc-eval-bench-").FullName;
            string I(string name, int fallback) => a.Int(name, fallback).ToString(CultureInfo.InvariantCulture);
            Console.WriteLine($"data: {WholeProcess.Run("/usr/bin/python3", [Script("streaming_ms_data.py"), dir, "--rows", I("rows", 20_000), "--latents", I("latents", 4096), "--width", I("width", 768), "--npz"]).Output}");
            Console.WriteLine($"data: {WholeProcess.Run("/usr/bin/python3", [Script("cluster_eval_data.py"), dir, "--clusters", I("clusters", 100), "--width", I("width", 768)]).Output}");
        }
        try
        {
            Console.WriteLine("| data | input | ours (best / median wall) | numpy form (best / median wall) | numpy/ours best | numpy/ours median | ours CPU (best) | numpy CPU (best) | max abs diff | NaN same |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
            body(dir, rounds);
        }
        finally { if (temp is not null) Directory.Delete(temp, true); }
    }

    // Alternates our command and the reference for the rounds, then prints one table row.
    private static void Pair(string dir, string input, int rounds, string[] oursArgs, string script, string[] refArgs, Func<(double MaxDiff, bool SameNaN)> compare)
    {
        string mlnc = WholeProcess.Mlnc();
        var ours = new List<WholeProcess.Timing>();
        var reference = new List<WholeProcess.Timing>();
        for (int r = 0; r < rounds; r++)
        {
            double load = Machine.LoadAverage();
            ours.Add(WholeProcess.Run("dotnet", [mlnc, .. oursArgs]));
            reference.Add(WholeProcess.Run("/usr/bin/python3", [script, .. refArgs]));
            Console.WriteLine($"round {r + 1} ({input}, load {load:0.0}): ours {ours[^1]}; numpy {reference[^1]}");
            if (ours[^1].ExitCode != 0 || reference[^1].ExitCode != 0) { Console.WriteLine(ours[^1].Output + "\n" + reference[^1].Output); return; }
        }
        var (maxDiff, sameNaN) = compare();
        double ob = ours.Min(t => t.Wall), om = Timing.Median(ours.Select(t => t.Wall));
        double rb = reference.Min(t => t.Wall), rm = Timing.Median(reference.Select(t => t.Wall));
        long rows = NpyFile.ReadShape(Path.Combine(dir, "emb.npy")).Shape[0];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {Path.GetFileName(dir)} (N={rows}) | {input} | {ob:0.00} / {om:0.00} s | {rb:0.00} / {rm:0.00} s | **{rb / ob:0.00}** | {rm / om:0.00} | {ours.Min(t => t.Cpu):0.00} s | {reference.Min(t => t.Cpu):0.00} s | {maxDiff:E1} | {sameNaN} |"));
    }

    private static (double, bool) Compare(double[] mine, double[] theirs)
    {
        double maxDiff = 0;
        bool sameNaN = mine.Length == theirs.Length;
        for (int i = 0; i < Math.Min(mine.Length, theirs.Length); i++)
        {
            if (double.IsNaN(mine[i]) != double.IsNaN(theirs[i])) sameNaN = false;
            else if (!double.IsNaN(mine[i])) maxDiff = Math.Max(maxDiff, Math.Abs(mine[i] - theirs[i]));
        }
        return (maxDiff, sameNaN);
    }

    private static double[] ReadCsvColumn(string csv, string name)
    {
        var lines = File.ReadAllLines(csv);
        int col = Array.IndexOf(lines[0].Split(','), name);
        return lines.Skip(1).Select(l => double.TryParse(l.Split(',')[col], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN).ToArray();
    }
}
