using MlNetConcepts.Views;
using Microsoft.ML;
using System.CommandLine;
using MlNetConcepts.Evaluators;
using MlNetConcepts.IO;
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

    /// <summary>The <c>--block-rows</c> option of the streaming verbs; <paramref name="memory"/> states what a block costs.</summary>
    public static Option<int?> BlockRows(string memory) => new("--block-rows")
    {
        Description = $"Rows read per block (default: blocks of about 64 MB). Inputs of any size are streamed; memory used ≈ {memory}.",
    };

    /// <summary>The <c>--block-rows</c> value, or rows for about 64 MB of the view's widest column.</summary>
    public static int DefaultBlockRows(ParseResult r, Option<int?> block, ColumnDataView view)
        => r.GetValue(block) ?? MatrixFile.BlockRowsFor(view.Columns.Max(c => c.Width), 64 << 20);

    /// <summary>
    /// Opens the files of <paramref name="options"/> as one streamed view with rows aligned (.npy of any
    /// size, or CSR .npz codes); each column is named after its file, so errors name the file.
    /// </summary>
    public static ColumnDataView OpenFiles(ParseResult r, out string[] columns, params Option<string>[] options)
    {
        var names = new List<string>();
        foreach (var o in options)
        {
            var path = r.GetValue(o)!;
            names.Add(names.Contains(path) ? $"{path} ({o.Name})" : path);
        }
        columns = names.ToArray();
        return new MLContext().Data.LoadFromMatrixFiles(options.Select((o, i) => (names[i], r.GetValue(o)!)).ToArray());
    }

    /// <summary>Reads a required .npy matrix named after its file.</summary>
    public static DenseMatrix Matrix(ParseResult r, Option<string> option) => DenseMatrix.ReadNpy(r.GetValue(option)!);

    /// <summary>Reads an optional .npy matrix.</summary>
    public static DenseMatrix? OptionalMatrix(ParseResult r, Option<string?> option)
        => r.GetValue(option) is string path ? DenseMatrix.ReadNpy(path) : null;

    /// <summary>Writes a report to <paramref name="path"/> (format from the extension) and says where.</summary>
    public static void Save(EvaluationReport report, string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        ReportText.Save(report, path);
        Console.Error.WriteLine($"wrote {report.Table.Rows.Count} rows to {path}");
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

    /// <summary>Prints a report as JSON, or its first rows as a Markdown table, on stdout.</summary>
    public static void Print(EvaluationReport report, bool json, int maxRows = 20)
    {
        if (json) Console.Out.WriteLine(ReportText.Json(report));
        else Console.Out.WriteLine(ReportText.Markdown(report.Table.Rows.Count > maxRows ? report.Table.Head(maxRows) : report.Table, report.Title));
    }
}
