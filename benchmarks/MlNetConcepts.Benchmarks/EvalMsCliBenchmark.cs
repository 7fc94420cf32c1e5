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
        string script = Script("ms_numpy.py");
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
                    Case(dir, input, script, rounds);
        }
        finally { if (temp is not null) Directory.Delete(temp, true); }
    }

    // One input alternately through `mlnc eval ms` and the numpy script, compared score by score.
    private static void Case(string dir, string input, string script, int rounds)
    {
        string codes = Path.Combine(dir, input), emb = Path.Combine(dir, "emb.npy");
        string oursOut = Path.Combine(dir, "bench-ours.csv"), refOut = Path.Combine(dir, "bench-numpy.npy");
        Pair(dir, input, rounds, ["eval", "ms", "--activations", codes, "--embeddings", emb, "--out", oursOut], script, [codes, emb, refOut],
            () => Compare(ReadCsvColumn(oursOut, "ms"), NpyFile.Read(refOut).ToFloat64()));
        File.Delete(oursOut);
        File.Delete(refOut);
    }
}
