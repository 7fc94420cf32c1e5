using Microsoft.Data.Analysis;

namespace MlNetConcepts.Studies.Steering;

/// <summary>Rows of the sweep: one per concept × method × image set × strength, measures before and after.</summary>
internal sealed class SweepTable
{
    private readonly List<(int Concept, string Method, string Set, double Strength, double Alpha, SteeringMeasure Before, SteeringMeasure After)> _rows = [];

    public void Add(int concept, string method, string set, double strength, double alpha, SteeringMeasure before, SteeringMeasure after)
        => _rows.Add((concept, method, set, strength, alpha, before, after));

    /// <summary>
    /// The table. <c>margin</c> = (sim_own_after − sim_own_before) − (sim_other_after − sim_other_before):
    /// how much more the steered embedding moved towards the concept's own top images than towards
    /// the other concepts' top images.
    /// </summary>
    public DataFrame ToFrame()
    {
        DoubleDataFrameColumn D(string name, Func<SteeringMeasure, double> f, bool after) => new(name, _rows.Select(r => f(after ? r.After : r.Before)));
        var cols = new List<DataFrameColumn>
        {
            new Int32DataFrameColumn("concept", _rows.Select(r => r.Concept)),
            new StringDataFrameColumn("method", _rows.Select(r => r.Method)),
            new StringDataFrameColumn("set", _rows.Select(r => r.Set)),
            new DoubleDataFrameColumn("strength", _rows.Select(r => r.Strength)),
            new DoubleDataFrameColumn("alpha", _rows.Select(r => r.Alpha)),
        };
        foreach (var (name, f) in new (string, Func<SteeringMeasure, double>)[]
        {
            ("sim_own", m => m.SimOwn), ("sim_other", m => m.SimOther), ("sim_text", m => m.SimText),
            ("p_label", m => m.PLabel), ("pred_label", m => m.PredLabel), ("p_true", m => m.PTrue),
        })
        {
            cols.Add(D(name + "_before", f, false));
            cols.Add(D(name + "_after", f, true));
        }
        cols.Add(new DoubleDataFrameColumn("margin", _rows.Select(r => r.After.SimOwn - r.Before.SimOwn - (r.After.SimOther - r.Before.SimOther))));
        return new DataFrame(cols);
    }
}
