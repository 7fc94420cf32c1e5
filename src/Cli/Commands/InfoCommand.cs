using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MlNetConcepts.Compute;
using MlNetConcepts.IO;
using Spectre.Console;

namespace MlNetConcepts.Cli;

/// <summary>
/// <c>mlnc info FILE [--json]</c>: each array of a <c>.npy</c>, <c>.npz</c>, safetensors or IDX
/// file with its dtype, shape and NaN-aware min/mean/max/NaN count (mean accumulated in
/// float64). <c>mlnc info --system</c>: the compute backend, kernel, threads and CPU.
/// </summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var file = new Argument<string?>("file") { Description = ".npy, .npz, .safetensors, Arrow IPC or IDX (plain or .gz) file", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Machine-readable JSON output." };
        var system = new Option<bool>("--system") { Description = "Describe the compute setup (backend, kernel, threads, CPU) instead of a file." };
        var cmd = new Command("info", "Show each array's name, dtype, shape and min/mean/max/NaN count, or the compute setup with --system.");
        cmd.Arguments.Add(file);
        cmd.Options.Add(json);
        cmd.Options.Add(system);
        CliAction.Set(cmd, r =>
        {
            bool asJson = r.GetValue(json);
            if (r.GetValue(system)) return PrintSystem(asJson);
            var path = r.GetValue(file) ?? throw new ConceptDataException("info: give a FILE to describe, or --system.");
            var summary = ArrayFiles.Summarize(path);
            if (asJson) Console.Out.WriteLine(ToJson(summary));
            else PrintTable(summary);
            return CliAction.Success;
        });
        return cmd;
    }

    private static int PrintSystem(bool asJson)
    {
        var pairs = SystemInfo.Describe();
        if (asJson)
        {
            Console.Out.WriteLine(WriteJson(w =>
            {
                w.WriteStartObject();
                // Counts (threads, processors) are numbers; descriptions stay text.
                foreach (var (k, v) in pairs)
                {
                    if (long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out long count)) w.WriteNumber(k, count);
                    else w.WriteString(k, v);
                }
                w.WriteEndObject();
            }));
        }
        else
        {
            var table = new Table().AddColumn("setting").AddColumn("value");
            foreach (var (k, v) in pairs) table.AddRow(Markup.Escape(k), Markup.Escape(v));
            Terminal().Write(table);
        }
        return CliAction.Success;
    }

    // A console bound to the current Console.Out, so redirected output (tests, pipes) is honoured;
    // redirected output gets no escape codes and a width that keeps long names on one line.
    private static IAnsiConsole Terminal()
    {
        bool redirected = System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(System.Console.Out),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        if (redirected) console.Profile.Width = 160;
        return console;
    }

    private static void PrintTable(ArrayFileSummary summary)
    {
        var console = Terminal();
        console.MarkupLine($"[bold]{Markup.Escape(summary.Path)}[/] ({summary.Format}, {summary.Arrays.Count} array{(summary.Arrays.Count == 1 ? "" : "s")})");
        var table = new Table();
        foreach (var h in new[] { "name", "dtype", "shape", "min", "mean", "max", "NaN" }) table.AddColumn(h);
        foreach (var a in summary.Arrays)
        {
            var st = a.Statistics;
            table.AddRow(Markup.Escape(a.Name), a.DType, NdArray.FormatShape(a.Shape), Num(st.Min), Num(st.Mean), Num(st.Max),
                st.NaNCount.ToString(CultureInfo.InvariantCulture));
        }
        console.Write(table);
        foreach (var (k, v) in summary.Metadata) console.MarkupLine($"[grey]{Markup.Escape(k)} = {Markup.Escape(v)}[/]");
    }

    private static string Num(double v) => double.IsNaN(v) ? "-" : v.ToString("G7", CultureInfo.InvariantCulture);

    /// <summary>The JSON form: file, format, metadata and per array name, dtype, shape, count, nan, min, mean, max (null when undefined).</summary>
    internal static string ToJson(ArrayFileSummary summary) => WriteJson(w =>
    {
        w.WriteStartObject();
        w.WriteString("file", summary.Path);
        w.WriteString("format", summary.Format.ToString().ToLowerInvariant());
        w.WriteStartObject("metadata");
        foreach (var (k, v) in summary.Metadata) w.WriteString(k, v);
        w.WriteEndObject();
        w.WriteStartArray("arrays");
        foreach (var a in summary.Arrays)
        {
            var st = a.Statistics;
            w.WriteStartObject();
            w.WriteString("name", a.Name);
            w.WriteString("dtype", a.DType);
            w.WriteStartArray("shape");
            foreach (var d in a.Shape) w.WriteNumberValue(d);
            w.WriteEndArray();
            w.WriteNumber("count", st.Count);
            w.WriteNumber("nan", st.NaNCount);
            Number(w, "min", st.Min);
            Number(w, "mean", st.Mean);
            Number(w, "max", st.Max);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    // JSON has no NaN or infinity: both are written as null, as in every mlnc JSON (docs/CLI-JSON.md).
    private static void Number(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsFinite(v)) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }

    private static string WriteJson(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            write(w);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
