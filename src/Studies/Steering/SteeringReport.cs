using System.Globalization;
using System.Text;
using Microsoft.Data.Analysis;
using MlNetConcepts.IO;
using MlNetConcepts.Trainers.Sae;
using MlNetConcepts.Studies.Report;

namespace MlNetConcepts.Studies.Steering;

/// <summary>
/// Writes a <see cref="SteeringResult"/>: <c>concepts.csv</c>, <c>sweep.csv</c>, <c>summary.csv</c>
/// and <c>steer_report.html</c> (self-contained: the tables and inline SVG curves of the mean
/// measures over the steered concepts against the strength), all into a temporary folder that
/// replaces the target only when everything is written.
/// </summary>
public static class SteeringReport
{
    /// <summary>The files written, relative to the output folder (and sae/, a SAELens folder, when the run trained its SAE).</summary>
    public static readonly string[] Files = ["concepts.csv", "sweep.csv", "summary.csv", "steer_report.html"];

    /// <summary>The folder of the SAE the run trained, relative to the output folder.</summary>
    public const string TrainedSaeFolder = "sae";

    /// <summary>Writes the result into <paramref name="directory"/>.</summary>
    public static void Write(SteeringResult result, string directory)
    {
        using var output = OutputFolder.Begin(directory);
        File.WriteAllText(output.File("concepts.csv"), DataFrameCsv.Format(result.Concepts));
        File.WriteAllText(output.File("sweep.csv"), DataFrameCsv.Format(result.Sweep));
        File.WriteAllText(output.File("summary.csv"), DataFrameCsv.Format(result.Summary));
        File.WriteAllText(output.File("steer_report.html"), Html(result));
        if (result.TrainedSae is { } sae) SaeLensFormat.Export(sae, output.File(TrainedSaeFolder));
        output.Commit();
    }

    /// <summary>The report page.</summary>
    public static string Html(SteeringResult r)
    {
        var o = r.Options;
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Steering with SAE concepts</title><style>")
          .Append("body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}table{border-collapse:collapse;font-size:.8rem;margin:.5rem 0}")
          .Append("th,td{border:1px solid #ccc;padding:.15rem .4rem}th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}.note{color:#555;font-size:.9rem}.grid{display:flex;flex-wrap:wrap;gap:1rem}")
          .Append("</style></head><body>");
        sb.Append("<h1>Steering the demo VLM with SAE concepts</h1>");
        sb.Append($"<p class=\"note\">Tensor <code>{HtmlReport.Escape(o.Tensor)}</code> of the image tower, SAE {(o.SaeDirectory is { } given ? $"<code>{HtmlReport.Escape(given)}</code>" : $"trained by this run (TopK, k = {o.SaeK}, {o.SaeSteps} steps, seed {o.Seed}) on every token of {o.TrainImages} training images, in <a href=\"sae/cfg.json\">sae/</a>")} ({r.Run.Latents} concepts), {r.Run.Images} test images profiled, {r.Run.Seconds:F1} s. ")
          .Append("The concepts with the highest MonoSemanticity (Pach et al. 2025, eq. 9; an image's activation is the concept's activation on its CLS token, the token the image embedding is read from) among those firing on at least ")
          .Append($"{o.MinSupport} images are steered on every token (Pach et al. 2025, eq. 10): insertion sets z<sub>k</sub> = α, suppression z<sub>k</sub> = −α (the paper's negative intervention), ")
          .Append("α = strength × the concept's largest token activation, the SAE's reconstruction error kept. DiffMean (Arditi et al. 2024) adds (or subtracts) the difference of mean CLS tokens ")
          .Append("between images with and without the concept, scaled to the norm of α·D<sub>k</sub>. <b>margin</b>: change of the embedding's mean cosine to the concept's own top images minus ")
          .Append("the change towards the other steered concepts' top images. Label: the concept's matched class, the class whose images activate it most (largest mean activation).</p>");
        sb.Append($"<h2>Summary at strength {o.ReportStrength.ToString(CultureInfo.InvariantCulture)}</h2>");
        Table(sb, r.Summary);
        sb.Append(Verdict(r.Summary));
        sb.Append("<h2>Curves (means over the steered concepts)</h2><div class=\"grid\">");
        var strengths = o.Strengths.ToArray();
        foreach (var (title, set, column) in new[]
        {
            ("Insertion on real images: label probability", "insert_real", "p_label_after"),
            ("Insertion on a blank image: label probability", "insert_blank", "p_label_after"),
            ("Suppression: label probability on the concept's class", "suppress", "p_label_after"),
            ("Suppression: true-class probability of unrelated images", "unrelated", "p_true_after"),
        })
        {
            var series = new[] { "sae", "diffmean" }.Select(m => (m == "sae" ? "SAE concept" : "DiffMean",
                strengths.Select(s => Mean(r.Sweep, m, set, s, column)).ToArray())).ToList();
            series.Add(("before steering", strengths.Select(s => Mean(r.Sweep, "sae", set, s, column.Replace("_after", "_before"))).ToArray()));
            sb.Append(SvgChart.Lines(title, strengths.Select(s => s).ToArray(), series, "strength (× largest token activation)"));
        }
        sb.Append("</div><h2>Steered concepts</h2>");
        Table(sb, r.Concepts);
        sb.Append("<p class=\"note\">Every measure at every strength: <a href=\"sweep.csv\">sweep.csv</a>; tables: <a href=\"summary.csv\">summary.csv</a>, <a href=\"concepts.csv\">concepts.csv</a>.</p>");
        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    private static string Verdict(DataFrame s)
    {
        int n = (int)s.Rows.Count;
        int Count(string col, Func<double, bool> ok) => Enumerable.Range(0, n).Count(i => s[col][i] is double v && ok(v));
        return $"<p>Insertion moved the embedding more towards the concept's own top images than towards the others' (margin &gt; 0) for {Count("sae_margin_real", v => v > 0)}/{n} concepts with the SAE, "
            + $"{Count("diffmean_margin_real", v => v > 0)}/{n} with DiffMean (real images); suppression lowered the label's probability for {Count("sae_p_label_drop", v => v > 0)}/{n} (SAE) and "
            + $"{Count("diffmean_p_label_drop", v => v > 0)}/{n} (DiffMean).</p>";
    }

    private static double Mean(DataFrame sweep, string method, string set, double strength, string column)
    {
        var values = new List<double>();
        for (int i = 0; i < sweep.Rows.Count; i++)
            if ((string)sweep["method"][i]! == method && (string)sweep["set"][i]! == set && (double)sweep["strength"][i]! == strength && sweep[column][i] is double v && double.IsFinite(v))
                values.Add(v);
        return values.Count == 0 ? double.NaN : values.Average();
    }

    private static void Table(StringBuilder sb, DataFrame frame)
    {
        sb.Append("<div style=\"overflow-x:auto\"><table><tr>");
        foreach (var c in frame.Columns) sb.Append("<th>").Append(HtmlReport.Escape(c.Name)).Append("</th>");
        sb.Append("</tr>");
        for (long r = 0; r < frame.Rows.Count; r++)
        {
            sb.Append("<tr>");
            foreach (var c in frame.Columns)
                sb.Append(c[r] switch
                {
                    double d => $"<td class=\"num\">{(double.IsFinite(d) ? d.ToString("0.####", CultureInfo.InvariantCulture) : "")}</td>",
                    int i => $"<td class=\"num\">{i}</td>",
                    var v => $"<td>{HtmlReport.Escape(v?.ToString() ?? "")}</td>",
                });
            sb.Append("</tr>");
        }
        sb.Append("</table></div>");
    }
}
