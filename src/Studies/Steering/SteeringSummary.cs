using Microsoft.Data.Analysis;

namespace MlNetConcepts.Studies.Steering;

/// <summary>
/// The acceptance table: per steered concept at one strength, SAE steering and DiffMean side by
/// side: insertion margins (real and blank images), the shift of zero-shot predictions to the
/// label, the fall of the label's probability under suppression, and the change of unrelated
/// images' true-class probability under the same suppression.
/// </summary>
internal static class SteeringSummary
{
    public static DataFrame Build(DataFrame sweep, DataFrame concepts, double strength)
    {
        var rows = Enumerable.Range(0, (int)sweep.Rows.Count).Where(r => (double)sweep["strength"][r]! == strength).ToList();
        double Get(int concept, string method, string set, Func<int, double> f)
        {
            foreach (var r in rows)
                if ((int)sweep["concept"][r]! == concept && (string)sweep["method"][r]! == method && (string)sweep["set"][r]! == set) return f(r);
            return double.NaN;
        }
        double Col(int r, string name) => (double)sweep[name][r]!;
        var ids = Enumerable.Range(0, (int)concepts.Rows.Count).Select(i => (int)concepts["concept"][i]!).ToArray();
        var cols = new List<DataFrameColumn>
        {
            new Int32DataFrameColumn("concept", ids),
            new StringDataFrameColumn("label", Enumerable.Range(0, ids.Length).Select(i => (string)concepts["label"][i]!)),
            new DoubleDataFrameColumn("ms", Enumerable.Range(0, ids.Length).Select(i => (double)concepts["ms"][i]!)),
            new DoubleDataFrameColumn("strength", ids.Select(_ => strength)),
        };
        foreach (var method in new[] { "sae", "diffmean" })
        {
            cols.Add(new DoubleDataFrameColumn($"{method}_margin_real", ids.Select(k => Get(k, method, "insert_real", r => Col(r, "margin")))));
            cols.Add(new DoubleDataFrameColumn($"{method}_margin_blank", ids.Select(k => Get(k, method, "insert_blank", r => Col(r, "margin")))));
            cols.Add(new DoubleDataFrameColumn($"{method}_pred_shift_real", ids.Select(k => Get(k, method, "insert_real", r => Col(r, "pred_label_after") - Col(r, "pred_label_before")))));
            cols.Add(new DoubleDataFrameColumn($"{method}_p_label_drop", ids.Select(k => Get(k, method, "suppress", r => Col(r, "p_label_before") - Col(r, "p_label_after")))));
            cols.Add(new DoubleDataFrameColumn($"{method}_unrelated_p_true_change", ids.Select(k => Get(k, method, "unrelated", r => Col(r, "p_true_after") - Col(r, "p_true_before")))));
        }
        return new DataFrame(cols);
    }
}
