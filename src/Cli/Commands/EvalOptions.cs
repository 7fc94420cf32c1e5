using System.CommandLine;
using MlNetConcepts.Evaluators;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Cli;

/// <summary>Option builders and output helpers shared by the <c>mlnc eval</c> verbs.</summary>
internal static class EvalOptions
{
    public static Option<string> RequiredPath(string name, string description)
        => new(name) { Description = description, Required = true };

    public static Option<string?> OptionalPath(string name, string description)
        => new(name) { Description = description };

    public static Option<bool> Json() => new("--json") { Description = "Print the result as JSON on stdout." };

    /// <summary>Reads a required .npy matrix named after its file.</summary>
    public static DenseMatrix Matrix(ParseResult r, Option<string> option) => DenseMatrix.ReadNpy(r.GetValue(option)!);

    /// <summary>Reads an optional .npy matrix.</summary>
    public static DenseMatrix? OptionalMatrix(ParseResult r, Option<string?> option)
        => r.GetValue(option) is string path ? DenseMatrix.ReadNpy(path) : null;

    /// <summary>Writes a report to <paramref name="path"/> (format from the extension) and says where.</summary>
    public static void Save(ReportFrame frame, string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        frame.Save(path);
        Console.Error.WriteLine($"wrote {frame.Rows} rows to {path}");
    }

    /// <summary>Progress on stderr in steps of 10% (long MonoSemanticity runs).</summary>
    public static IProgress<double> Progress(string what)
    {
        int shown = 0;
        return new SyncProgress(p =>
        {
            int step = (int)(p * 10);
            if (step <= shown) return;
            shown = step;
            Console.Error.WriteLine($"{what}: {step * 10}%");
        });
    }

    private sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }

    /// <summary>Prints a frame as JSON or as a Markdown table on stdout.</summary>
    public static void Print(ReportFrame frame, bool json, int maxRows = 20)
    {
        if (json) Console.Out.WriteLine(frame.ToJson());
        else Console.Out.WriteLine((frame.Rows > maxRows ? frame.Head(maxRows) : frame).ToMarkdown());
    }
}
