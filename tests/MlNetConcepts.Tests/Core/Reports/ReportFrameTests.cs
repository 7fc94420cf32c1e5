using MlNetConcepts.Reports;

namespace MlNetConcepts.Tests.Core.Reports;

[TestClass]
public sealed class ReportFrameTests
{
    private static ReportFrame Sample() => new ReportFrame("scores")
        .Add("neuron", new[] { 0, 1, 2, 3, 4 })
        .Add("ms", new[] { 0.5, double.NaN, 0.9, 0.1, 0.7 })
        .Add("label", new[] { "a", "b,c", "say \"hi\"", "d", "e|f" })
        .WithParameter("top_n", 16);

    [TestMethod]
    public void OrderByPutsNaNLastInBothDirections()
    {
        var f = Sample();
        CollectionAssert.AreEqual(new[] { 3, 0, 4, 2, 1 }, f.OrderBy("ms").Int32s("neuron"));
        CollectionAssert.AreEqual(new[] { 2, 4, 0, 3, 1 }, f.OrderBy("ms", descending: true).Int32s("neuron"));
        CollectionAssert.AreEqual(new[] { 2, 4 }, f.OrderBy("ms", descending: true).Head(2).Int32s("neuron"));
    }

    [TestMethod]
    public void DescribeMatchesNumpyConventions()
    {
        // numpy on [1, 2, 3, 4] (NaN dropped): mean 2.5, std(ddof=1) = sqrt(5/3),
        // percentile(25/50/75, linear) = 1.75 / 2.5 / 3.25.
        var f = new ReportFrame("x").Add("v", new[] { 4.0, double.NaN, 1.0, 3.0, 2.0 }).Describe();
        Assert.AreEqual(4L, ((long[])f["count"].Values)[0]);
        Assert.AreEqual(1L, ((long[])f["nan"].Values)[0]);
        Assert.AreEqual(2.5, f.Doubles("mean")[0], 1e-12);
        Assert.AreEqual(Math.Sqrt(5.0 / 3.0), f.Doubles("std")[0], 1e-12);
        Assert.AreEqual(1.75, f.Doubles("q25")[0], 1e-12);
        Assert.AreEqual(2.5, f.Doubles("median")[0], 1e-12);
        Assert.AreEqual(3.25, f.Doubles("q75")[0], 1e-12);
        Assert.AreEqual(1.0, f.Doubles("min")[0]);
        Assert.AreEqual(4.0, f.Doubles("max")[0]);
    }

    [TestMethod]
    public void CsvQuotesFieldsThatNeedIt()
    {
        var lines = Sample().ToCsv().Split('\n');
        Assert.AreEqual("neuron,ms,label", lines[0]);
        Assert.AreEqual("1,NaN,\"b,c\"", lines[2]);
        Assert.AreEqual("2,0.9,\"say \"\"hi\"\"\"", lines[3]);
    }

    [TestMethod]
    public void JsonWritesNaNAsNullAndCarriesParameters()
    {
        var doc = System.Text.Json.JsonDocument.Parse(Sample().ToJson());
        Assert.AreEqual(16, doc.RootElement.GetProperty("parameters").GetProperty("top_n").GetInt32());
        var row1 = doc.RootElement.GetProperty("rows")[1];
        Assert.AreEqual(System.Text.Json.JsonValueKind.Null, row1.GetProperty("ms").ValueKind);
        Assert.AreEqual(0.9, doc.RootElement.GetProperty("rows")[2].GetProperty("ms").GetDouble());
    }

    [TestMethod]
    public void JsonParametersKeepTheTypeTheyWereGivenWith()
    {
        var f = new ReportFrame("typed").Add("x", new[] { 1.0 })
            .WithParameter("count", 7).WithParameter("total", 12345678901L).WithParameter("mean", 0.25)
            .WithParameter("undefined", double.NaN).WithParameter("infinite", double.NegativeInfinity)
            .WithParameter("flag", true).WithParameter("label", "all").WithParameter("digits", "0042").WithParameter("none", null);
        f.Parameters["direct"] = "3.5";          // written through the dictionary: text, as given
        f.WithParameter("replaced", 1);
        f.Parameters["replaced"] = "one";        // a later direct write wins over the typed value
        var p = System.Text.Json.JsonDocument.Parse(f.Select([0]).ToJson()).RootElement.GetProperty("parameters");
        Assert.AreEqual(7, p.GetProperty("count").GetInt32());
        Assert.AreEqual(12345678901L, p.GetProperty("total").GetInt64());
        Assert.AreEqual(0.25, p.GetProperty("mean").GetDouble());
        Assert.AreEqual(System.Text.Json.JsonValueKind.Null, p.GetProperty("undefined").ValueKind);
        Assert.AreEqual(System.Text.Json.JsonValueKind.Null, p.GetProperty("infinite").ValueKind);
        Assert.AreEqual(System.Text.Json.JsonValueKind.True, p.GetProperty("flag").ValueKind);
        Assert.AreEqual("all", p.GetProperty("label").GetString());
        Assert.AreEqual("0042", p.GetProperty("digits").GetString(), "text that looks like a number stays text");
        Assert.AreEqual(System.Text.Json.JsonValueKind.Null, p.GetProperty("none").ValueKind);
        Assert.AreEqual("3.5", p.GetProperty("direct").GetString());
        Assert.AreEqual("one", p.GetProperty("replaced").GetString());
        // The display form is unchanged: invariant text.
        Assert.AreEqual("0.25", f.Parameters["mean"]);
        Assert.AreEqual(0.25, f.SelectColumns("x").ParameterValue("mean"));
    }

    [TestMethod]
    public void MarkdownEscapesPipes()
    {
        var md = Sample().ToMarkdown();
        StringAssert.Contains(md, "e\\|f");
        StringAssert.Contains(md, "| neuron | ms | label |");
    }

    [TestMethod]
    public void MismatchedColumnLengthsAreRejected()
    {
        var f = new ReportFrame("x").Add("a", new[] { 1, 2 });
        var e = Assert.ThrowsExactly<ArgumentException>(() => f.Add("b", new[] { 1.0 }));
        StringAssert.Contains(e.Message, "has 1 rows but report 'x' has 2");
    }

    [TestMethod]
    public void SelectColumnsKeepsTheGivenOrderAndRejectsUnknownNames()
    {
        var f = Sample().SelectColumns("label", "neuron");
        CollectionAssert.AreEqual(new[] { "label", "neuron" }, f.Columns.Select(c => c.Name).ToArray());
        Assert.AreEqual("16", f.Parameters["top_n"]);
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => Sample().SelectColumns("nope")).Message, "no column 'nope'");
    }
}
