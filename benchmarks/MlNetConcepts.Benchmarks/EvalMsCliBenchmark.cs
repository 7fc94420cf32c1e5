using System.Globalization;
using MlNetConcepts.IO;

namespace MlNetConcepts.Benchmarks;

/// <summary>
/// <c>eval-ms-cli</c>: the whole <c>mlnc eval ms</c> process beside numpy's GEMM form of the same linear
/// formula (<c>benchmarks/python/ms_numpy.py</c>: one SGEMM and a few vector passes), on the same files,
/// alternating per round; prints both times, the ratio (best and median over rounds) and the largest
/// difference between the two sets of scores.
///   eval-ms-cli [--data DIR,...] [--rows 20000] [--latents 4096] [--width 768] [--rounds 3] [--npz]
/// Each DIR holds codes.npy and emb.npy (and codes.npz with --npz) as written by
/// <c>benchmarks/python/streaming_ms_data.py DIR --rows N --latents K [--npz]</c>; without --data the
/// suite writes one such folder of --rows × --latents to /tmp and deletes it afterwards.
/// </summary>
internal static partial class EvalBenchmark
{
    public static void RunMsCli(BenchArguments a)
    {
        Machine.PrintHeader("eval-ms-cli");
        int rounds = a.Int("rounds", 3);
        bool npz = a.Flag("npz");
        string mlnc = WholeProcess.Mlnc();
        string script = WholeProcess.Find(Path.Combine("benchmarks", "python", "ms_numpy.py")) ?? throw new FileNotFoundException("benchmarks/python/ms_numpy.py");
        string? temp = null;
        var dirs = a.Text("data")?.Split(',').ToList() ?? [];
        if (dirs.Count == 0)
        {
            temp = Directory.CreateTempSubdirectory("mlnc-ms-bench-").FullName;
            string gen = WholeProcess.Find(Path.Combine("benchmarks", "python", "streaming_ms_data.py"))!;
            var args = new List<string> { gen, temp, "--rows", a.Int("rows", 20_000).ToString(CultureInfo.InvariantCulture),
                "--latents", a.Int("latents", 4096).ToString(CultureInfo.InvariantCulture), "--width", a.Int("width", 768).ToString(CultureInfo.InvariantCulture) };
            if (npz) args.Add("--npz");
            Console.WriteLine($"data: {WholeProcess.Run("/usr/bin/python3", args).Output}");
            dirs.Add(temp);
        }
        try
        {
            Console.WriteLine("| data | input | ours (best / median wall) | numpy GEMM form (best / median wall) | numpy/ours best | numpy/ours median | ours CPU (best) | numpy CPU (best) | max abs diff | NaN same |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
            foreach (var dir in dirs)
                foreach (var input in npz && File.Exists(Path.Combine(dir, "codes.npz")) ? new[] { "codes.npy", "codes.npz" } : ["codes.npy"])
                    Case(dir, input, mlnc, script, rounds);
        }
        finally { if (temp is not null) Directory.Delete(temp, true); }
    }

    private static void Case(string dir, string input, string mlnc, string script, int rounds)
    {
        string codes = Path.Combine(dir, input), emb = Path.Combine(dir, "emb.npy");
        string oursOut = Path.Combine(dir, "bench-ours.csv"), refOut = Path.Combine(dir, "bench-numpy.npy");
        var ours = new List<WholeProcess.Timing>();
        var reference = new List<WholeProcess.Timing>();
        for (int r = 0; r < rounds; r++)
        {
            double load = Machine.LoadAverage();
            ours.Add(WholeProcess.Run("dotnet", [mlnc, "eval", "ms", "--activations", codes, "--embeddings", emb, "--out", oursOut]));
            reference.Add(WholeProcess.Run("/usr/bin/python3", [script, codes, emb, refOut]));
            Console.WriteLine($"round {r + 1} ({input}, load {load:0.0}): ours {ours[^1]}; numpy {reference[^1]}");
            if (ours[^1].ExitCode != 0 || reference[^1].ExitCode != 0) { Console.WriteLine(ours[^1].Output + "\n" + reference[^1].Output); return; }
        }
        var mine = ReadMsColumn(oursOut);
        var theirs = NpyFile.Read(refOut).ToFloat64();
        double maxDiff = 0;
        bool sameNaN = mine.Length == theirs.Length;
        for (int i = 0; i < Math.Min(mine.Length, theirs.Length); i++)
        {
            if (double.IsNaN(mine[i]) != double.IsNaN(theirs[i])) sameNaN = false;
            else if (!double.IsNaN(mine[i])) maxDiff = Math.Max(maxDiff, Math.Abs(mine[i] - theirs[i]));
        }
        double ob = ours.Min(t => t.Wall), om = Timing.Median(ours.Select(t => t.Wall));
        double rb = reference.Min(t => t.Wall), rm = Timing.Median(reference.Select(t => t.Wall));
        var shape = NpyFile.ReadShape(emb).Shape;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {Path.GetFileName(dir)} (N={shape[0]}) | {input} | {ob:0.00} / {om:0.00} s | {rb:0.00} / {rm:0.00} s | **{rb / ob:0.00}** | {rm / om:0.00} | {ours.Min(t => t.Cpu):0.00} s | {reference.Min(t => t.Cpu):0.00} s | {maxDiff:E1} | {sameNaN} |"));
        File.Delete(oursOut);
        File.Delete(refOut);
    }

    private static double[] ReadMsColumn(string csv)
    {
        var lines = File.ReadAllLines(csv);
        int col = Array.IndexOf(lines[0].Split(','), "ms");
        return lines.Skip(1).Select(l => double.TryParse(l.Split(',')[col], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN).ToArray();
    }
}
