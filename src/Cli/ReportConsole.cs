using Microsoft.Data.Analysis;
using MlNetConcepts.Reports;
using Spectre.Console;

namespace MlNetConcepts.Cli;

/// <summary>DataFrames as Spectre.Console tables (the console library stays in the CLI).</summary>
internal static class ReportConsole
{
    /// <summary>A rounded table of the first <paramref name="maxRows"/> rows, numbers right-aligned, a caption when rows are left out.</summary>
    public static Table ToTable(DataFrame table, string? title = null, int maxRows = 20)
    {
        var t = new Table().Border(TableBorder.Rounded);
        if (!string.IsNullOrEmpty(title)) t.Title(Markup.Escape(title));
        foreach (var c in table.Columns)
        {
            var col = new TableColumn(Markup.Escape(c.Name));
            if (ReportText.IsNumeric(c)) col.RightAligned();
            t.AddColumn(col);
        }
        long rows = table.Rows.Count, shown = Math.Min(rows, maxRows);
        for (long r = 0; r < shown; r++)
            t.AddRow(table.Columns.Select(c => Markup.Escape(ReportText.Display(c[r]))).ToArray());
        if (shown < rows) t.Caption($"{shown} of {rows} rows");
        return t;
    }

    /// <summary>Prints <see cref="ToTable"/> to a console, the default console when null.</summary>
    public static void Print(DataFrame table, string? title = null, IAnsiConsole? console = null, int maxRows = 20)
        => (console ?? AnsiConsole.Console).Write(ToTable(table, title, maxRows));
}
