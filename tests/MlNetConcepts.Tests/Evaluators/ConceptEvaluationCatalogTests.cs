using Microsoft.Data.Analysis;
using Microsoft.ML;
using MlNetConcepts.Evaluators;
using MlNetConcepts.Reports;
using MlNetConcepts.Views;
using MlNetConcepts.Tests.Core.Views;

namespace MlNetConcepts.Tests.Evaluators;

/// <summary>
/// Workout of <c>mlContext.Concepts()</c>: every verb on IDataViews (the project's own view and one that hides its
/// type), values equal to the array-level evaluator and to the numpy oracle of tools/fixtures/eval.py, reports as
/// DataFrames with their documented columns, bad input rejected naming the column.
/// </summary>
[TestClass]
public sealed class ConceptEvaluationCatalogTests
{
    private static DenseMatrix M(string name) => EvalFixtures.Matrix(name);

    private static DenseArrayColumn Column(string name, DenseMatrix m) => new(name, m.Data.ToArray(), m.Cols);

    /// <summary>
    /// The fixtures' N-row matrices as one view: A (codes / neuron activations), EMB, X (inputs), XH (reconstructions),
    /// MOD; <paramref name="change"/> may alter a column's values (row-major) first.
    /// </summary>
    private static ColumnDataView Fixtures(Func<string, float[], float[]>? change = null)
    {
        DenseArrayColumn Get(string name)
        {
            var m = M(name);
            var data = m.Data.ToArray();
            return new DenseArrayColumn(name, change is null ? data : change(name, data), m.Cols);
        }
        return new ColumnDataView(Get("A"), Get("EMB"), Get("X"), Get("XH"),
            ScalarArrayColumn.Int32("MOD", Modality.Labels(EvalFixtures.Array("modality"), "modality")));
    }

    private static IEnumerable<IDataView> BothPaths(ColumnDataView own) => [own, new OpaqueView(own)];

    private static void Columns(EvaluationReport report, params string[] expected)
        => CollectionAssert.AreEqual(expected, report.Table.Columns.Select(c => c.Name).ToArray(), report.Title);

    private static void SameTable(DataFrame expected, DataFrame actual, double tolerance, string what)
    {
        Assert.AreEqual(expected.Columns.Count, actual.Columns.Count, what);
        Assert.AreEqual(expected.Rows.Count, actual.Rows.Count, what);
        foreach (var column in expected.Columns)
        {
            var other = actual.Columns[column.Name];
            for (long r = 0; r < column.Length; r++)
            {
                if (column[r] is double.NaN) Assert.IsTrue(other[r] is double.NaN, $"{what}: {column.Name}[{r}] is NaN");
                else if (column[r] is double d) Assert.AreEqual(d, (double)other[r], tolerance * (1 + Math.Abs(d)), $"{what}: {column.Name}[{r}]");
                else Assert.AreEqual(column[r], other[r], $"{what}: {column.Name}[{r}]");
            }
        }
    }

    [TestMethod]
    public void EveryVerbOnViewsEqualsTheArrayLevelEvaluatorAndTheNumpyOracle()
    {
        var concepts = new MLContext().Concepts();
        var (a, emb, x, xh, c) = (M("A"), M("EMB"), M("X"), M("XH"), M("C"));
        var mod = Modality.Labels(EvalFixtures.Array("modality"), "modality");
        using var own = Fixtures();
        foreach (var view in BothPaths(own))
        {
            string path = view is OpaqueView ? "through ML.NET's cursor" : "own view";

            var ms = concepts.MonoSemanticity(view, "A", "EMB");
            Columns(ms, "neuron", "ms", "support", "dead");
            SameTable(MonoSemanticity.Neurons(a, emb).Table, ms.Table, 1e-9, $"MS neurons, {path}");
            EvalFixtures.AssertClose(EvalFixtures.Doubles("ms_neurons"), ms.Table.Doubles("ms"), 1e-5, $"MS neurons vs numpy, {path}");
            CollectionAssert.AreEqual(EvalFixtures.Array("ms_support").ToInt32(), ms.Table.Int32s("support"));
            var msTop = concepts.MonoSemanticity(view, "A", "EMB", topN: 10);
            EvalFixtures.AssertClose(EvalFixtures.Doubles("ms_neurons_top"), msTop.Table.Doubles("ms"), 1e-5, $"MS top-10 vs numpy, {path}");

            var msc = concepts.ClusterMonoSemanticity(view, "X", c, "EMB");
            Columns(msc, "cluster", "ms", "support");
            SameTable(MonoSemanticity.Clusters(x, c, emb).Table, msc.Table, 1e-9, $"MS clusters, {path}");
            EvalFixtures.AssertClose(EvalFixtures.Doubles("ms_clusters"), msc.Table.Doubles("ms"), 1e-5, $"MS clusters vs numpy, {path}");

            var overlap = concepts.Overlap(view, "A", "X", c);
            CollectionAssert.AreEqual(Overlap.Compute(a, x, c).Values, overlap.Values, $"overlap, {path}");
            EvalFixtures.AssertClose(EvalFixtures.Doubles("overlap"), overlap.Values, 1e-5, $"overlap vs numpy, {path}");
            Columns(overlap.Matches(0.5), "cluster", "feature", "overlap");

            var energy = concepts.Energy(view, "A");
            Columns(energy, "concept", "energy", "share", "rank");
            EvalFixtures.AssertClose(Energy.PerConcept(a), energy.Table.Doubles("energy"), 1e-12, $"energy, {path}");
            EvalFixtures.AssertClose(EvalFixtures.Doubles("energy"), energy.Table.Doubles("energy"), 1e-6, $"energy vs numpy, {path}");
            EvalFixtures.AssertClose(EvalFixtures.Doubles("energy_share"), energy.Table.Doubles("share"), 1e-6, $"energy share vs numpy, {path}");

            var modality = concepts.Modality(view, "A", "MOD");
            Columns(modality, "concept", "image_mean", "text_mean", "modality_score", "energy");
            SameTable(Modality.Scores(a, mod).Table, modality.Table, 1e-12, $"modality, {path}");
            EvalFixtures.AssertClose(EvalFixtures.Doubles("modality_score"), modality.Table.Doubles("modality_score"), 1e-6, $"modality vs numpy, {path}");

            var rec = concepts.Reconstruction(view, "X", "XH", "A");
            Columns(rec, "mse", "r2", "l0", "dead_fraction", "cosine");
            SameTable(Reconstruction.Report(x, xh, a).Table, rec.Table, 1e-12, $"reconstruction, {path}");
            var oracle = EvalFixtures.Doubles("reconstruction");
            EvalFixtures.AssertClose(oracle, new[] { "mse", "r2", "l0", "dead_fraction", "cosine" }.Select(n => rec.Table.Doubles(n)[0]).ToArray(), 1e-5, $"reconstruction vs numpy, {path}");
        }

        using var codes = new ColumnDataView(Column("U", M("U")));
        foreach (var view in BothPaths(codes))
        {
            var uniq = concepts.Uniqueness(view, "U");
            Columns(uniq, "neuron", "set_size", "max_jaccard", "most_similar");
            SameTable(Uniqueness.Report(M("U")).Table, uniq.Table, 0, "uniqueness");
            EvalFixtures.AssertClose(EvalFixtures.Doubles("uniq_max"), uniq.Table.Doubles("max_jaccard"), 1e-12, "uniqueness vs numpy");
        }

        // Stability compares two dictionaries (weights, not rows of a view): the catalog takes the matrices.
        var stab = concepts.Stability(M("DA"), M("DB"));
        Columns(stab, "concept_a", "concept_b", "cosine");
        CollectionAssert.AreEqual(EvalFixtures.Longs("stab_rect_cols").Select(v => (int)v).ToArray(), stab.Table.Int32s("concept_b"));
        Assert.AreEqual(EvalFixtures.Doubles("stab_rect_mean")[0], stab.NumericParameter("stability"), 1e-6);
    }

    /// <summary>Each verb with the column it reads first; the others as in the fixtures.</summary>
    private static readonly (string Verb, Func<ConceptEvaluationCatalog, IDataView, string, object> Call)[] Verbs =
    [
        ("MonoSemanticity", (k, v, col) => k.MonoSemanticity(v, col, "EMB")),
        ("ClusterMonoSemanticity", (k, v, col) => k.ClusterMonoSemanticity(v, col, M("C"), "EMB")),
        ("Overlap", (k, v, col) => k.Overlap(v, col, "X", M("C"))),
        ("Energy", (k, v, col) => k.Energy(v, col)),
        ("Modality", (k, v, col) => k.Modality(v, col, "MOD")),
        ("Reconstruction", (k, v, col) => k.Reconstruction(v, col, "XH", "A")),
        ("Uniqueness", (k, v, col) => k.Uniqueness(v, col)),
    ];

    private static string FirstColumn(string verb) => verb switch
    {
        "ClusterMonoSemanticity" or "Reconstruction" => "X",
        _ => "A",
    };

    [TestMethod]
    public void BadInputIsRejectedNamingTheColumn()
    {
        var concepts = new MLContext().Concepts();
        using var good = Fixtures();
        foreach (var (verb, call) in Verbs)
        {
            string column = FirstColumn(verb);
            foreach (var view in BothPaths(good))
            {
                var e = Assert.ThrowsExactly<ConceptDataException>(() => call(concepts, view, "Nope"), verb);
                StringAssert.Contains(e.Message, "Column 'Nope' is not in the data", verb);
                e = Assert.ThrowsExactly<ConceptDataException>(() => call(concepts, view, "MOD"), verb);
                StringAssert.Contains(e.Message, "'MOD' is Int32; expected a fixed-size vector of Single", verb);
            }

            // A NaN in the column read, at row 3, slot 1.
            using var nan = Fixtures((name, data) =>
            {
                if (name == column) data[3 * M(name).Cols + 1] = float.NaN;
                return data;
            });
            foreach (var view in BothPaths(nan))
            {
                var e = Assert.ThrowsExactly<ConceptDataException>(() => call(concepts, view, column), $"{verb} with NaN");
                StringAssert.Contains(e.Message, column, $"{verb} with NaN names the column: {e.Message}");
                StringAssert.Contains(e.Message, "NaN", $"{verb}: {e.Message}");
            }

            // No rows.
            using var empty = new ColumnDataView(new DenseArrayColumn("A", [], M("A").Cols), new DenseArrayColumn("EMB", [], M("EMB").Cols),
                new DenseArrayColumn("X", [], M("X").Cols), new DenseArrayColumn("XH", [], M("XH").Cols), ScalarArrayColumn.Int32("MOD", []));
            foreach (var view in BothPaths(empty))
            {
                var e = Assert.ThrowsExactly<ConceptDataException>(() => call(concepts, view, column), $"{verb} on an empty view");
                StringAssert.Contains(e.Message, $"'{column}'", $"{verb} on an empty view names the column: {e.Message}");
            }
        }

        // Widths that do not fit together.
        foreach (var view in BothPaths(good))
        {
            var e = Assert.ThrowsExactly<ConceptDataException>(() => concepts.Reconstruction(view, "X", "A"));
            StringAssert.Contains(e.Message, "column 'A'");
            e = Assert.ThrowsExactly<ConceptDataException>(() => concepts.ClusterMonoSemanticity(view, "A", M("C"), "EMB"));
            StringAssert.Contains(e.Message, "column 'A'");
            e = Assert.ThrowsExactly<ConceptDataException>(() => concepts.Overlap(view, "A", "EMB", M("C")));
            StringAssert.Contains(e.Message, "column 'EMB'");
        }
    }
}
