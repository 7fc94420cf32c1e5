using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Tests.Core.Reports;

[TestClass]
public sealed class EvaluationReportTests
{
    [TestMethod]
    public void TheTableIsADataViewMlNetReads()
    {
        var r = new EvaluationReport("scores").Add("neuron", new[] { 0, 1, 2 }).Add("ms", new[] { 0.5, double.NaN, 0.9 });
        IDataView view = r.Table;
        var ms = view.GetColumn<double>("ms").ToArray();
        Assert.AreEqual(3, ms.Length);
        Assert.AreEqual(0.5, ms[0]);
        Assert.IsTrue(double.IsNaN(ms[1]), "NaN stays NaN, not a missing value");
        CollectionAssert.AreEqual(new[] { 0, 1, 2 }, view.GetColumn<int>("neuron").ToArray());
    }

    [TestMethod]
    public void TypedReadsNameTheColumnAndItsType()
    {
        var t = new EvaluationReport("x").Add("a", new[] { 1, 2 }).Add("s", new[] { "p", "q" }).Table;
        CollectionAssert.AreEqual(new[] { 1, 2 }, t.Int32s("a"));
        CollectionAssert.AreEqual(new[] { "p", "q" }, t.Strings("s"));
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => t.Doubles("a")).Message, "Column 'a' holds Int32, not Double");
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => t.Doubles("nope")).Message, "no column 'nope' (columns: a, s)");
    }

    [TestMethod]
    public void MismatchedOrDuplicateColumnsAreRejected()
    {
        var r = new EvaluationReport("x").Add("a", new[] { 1, 2 });
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => r.Add("b", new[] { 1.0 })).Message, "Report 'x': Column 'b' has 1 rows but the table has 2");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => r.Add("a", new[] { 3, 4 })).Message, "already has a column 'a'");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => r.Add("c", new float[] { 1, 2 })).Message, "unsupported value array Single[]");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ReportColumns.Table("t", ReportColumns.Of("a", new[] { 1 }), ReportColumns.Of("a", new[] { 2 }))).Message, "two columns named 'a'");
    }

    [TestMethod]
    public void MissingParametersAreNamed()
    {
        var r = new EvaluationReport("energy").WithParameter("samples", 10).WithParameter("weights", "all");
        Assert.IsTrue(r.HasParameter("samples"));
        Assert.IsFalse(r.HasParameter("tau"));
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => r.Parameter("tau")).Message, "Report 'energy' has no parameter 'tau' (parameters: samples, weights)");
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => r.NumericParameter("weights")).Message, "not a number");
    }

    [TestMethod]
    public void SelectColumnsKeepsTheGivenOrder()
    {
        var t = new EvaluationReport("x").Add("a", new[] { 1, 2 }).Add("b", new[] { 0.5, 1.5 }).Add("c", new[] { "u", "v" }).Table;
        var s = t.SelectColumns("c", "a");
        CollectionAssert.AreEqual(new[] { "c", "a" }, s.Columns.Select(c => c.Name).ToArray());
        CollectionAssert.AreEqual(new[] { 1, 2 }, s.Int32s("a"));
        Assert.AreEqual(3, t.Columns.Count, "the source table is unchanged");
    }
}
