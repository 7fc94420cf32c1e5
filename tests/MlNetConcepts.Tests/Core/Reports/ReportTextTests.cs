using System.Text.Json;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Tests.Core.Reports;

[TestClass]
public sealed class ReportTextTests
{
    private static EvaluationReport Sample() => new EvaluationReport("scores")
        .Add("neuron", new[] { 0, 1, 2, 3, 4 })
        .Add("ms", new[] { 0.5, double.NaN, 0.9, 0.1, double.PositiveInfinity })
        .Add("dead", new[] { false, true, false, false, false })
        .Add("label", new[] { "a", "b,c", "say \"hi\"", "d", "e|f" })
        .Add("count", new[] { 1L, 2L, 3L, 12345678901L, 5L })
        .WithParameter("top_n", 16);

    [TestMethod]
    public void CsvQuotesFieldsAndWritesInvariantNumbersBooleansAndNaN()
    {
        var lines = ReportText.Csv(Sample().Table).Split('\n');
        Assert.AreEqual("neuron,ms,dead,label,count", lines[0]);
        Assert.AreEqual("0,0.5,false,a,1", lines[1]);
        Assert.AreEqual("1,NaN,true,\"b,c\",2", lines[2]);
        Assert.AreEqual("2,0.9,false,\"say \"\"hi\"\"\",3", lines[3]);
        Assert.AreEqual("3,0.1,false,d,12345678901", lines[4]);
        Assert.AreEqual("4,Infinity,false,e|f,5", lines[5]);
        Assert.AreEqual("", lines[6], "one newline after the last row");
    }

    [TestMethod]
    public void CsvRoundTripsDoublesExactly()
    {
        double[] v = [0.1 + 0.2, 1.0 / 3, 1e-300, -2.5e17];
        var lines = ReportText.Csv(new EvaluationReport("x").Add("v", v).Table).Split('\n');
        for (int i = 0; i < v.Length; i++) Assert.AreEqual(v[i], double.Parse(lines[i + 1], System.Globalization.CultureInfo.InvariantCulture));
    }

    [TestMethod]
    public void JsonWritesNaNAndInfinityAsNullAndKeepsTypes()
    {
        var root = JsonDocument.Parse(ReportText.Json(Sample())).RootElement;
        Assert.AreEqual("scores", root.GetProperty("title").GetString());
        Assert.AreEqual(16, root.GetProperty("parameters").GetProperty("top_n").GetInt32());
        CollectionAssert.AreEqual(new[] { "neuron", "ms", "dead", "label", "count" }, root.GetProperty("columns").EnumerateArray().Select(c => c.GetString()).ToArray());
        var rows = root.GetProperty("rows");
        Assert.AreEqual(JsonValueKind.Null, rows[1].GetProperty("ms").ValueKind);
        Assert.AreEqual(JsonValueKind.Null, rows[4].GetProperty("ms").ValueKind);
        Assert.AreEqual(0.9, rows[2].GetProperty("ms").GetDouble());
        Assert.AreEqual(JsonValueKind.True, rows[1].GetProperty("dead").ValueKind);
        Assert.AreEqual(12345678901L, rows[3].GetProperty("count").GetInt64());
        Assert.AreEqual(JsonValueKind.Number, rows[0].GetProperty("neuron").ValueKind);
        Assert.AreEqual("say \"hi\"", rows[2].GetProperty("label").GetString());
        CollectionAssert.AreEqual(new[] { "neuron", "ms", "dead", "label", "count" }, rows[0].EnumerateObject().Select(p => p.Name).ToArray(), "cells in column order");
    }

    [TestMethod]
    public void JsonParametersKeepTheTypeAndOrderTheyWereGivenWith()
    {
        var r = new EvaluationReport("typed").Add("x", new[] { 1.0 })
            .WithParameter("count", 7).WithParameter("total", 12345678901L).WithParameter("mean", 0.25)
            .WithParameter("undefined", double.NaN).WithParameter("infinite", double.NegativeInfinity)
            .WithParameter("flag", true).WithParameter("label", "all").WithParameter("digits", "0042").WithParameter("none", null)
            .WithParameter("count", 8);   // replaced in place: the order stays
        var p = JsonDocument.Parse(ReportText.Json(r)).RootElement.GetProperty("parameters");
        CollectionAssert.AreEqual(new[] { "count", "total", "mean", "undefined", "infinite", "flag", "label", "digits", "none" }, p.EnumerateObject().Select(e => e.Name).ToArray());
        Assert.AreEqual(8, p.GetProperty("count").GetInt32());
        Assert.AreEqual(12345678901L, p.GetProperty("total").GetInt64());
        Assert.AreEqual(0.25, p.GetProperty("mean").GetDouble());
        Assert.AreEqual(JsonValueKind.Null, p.GetProperty("undefined").ValueKind);
        Assert.AreEqual(JsonValueKind.Null, p.GetProperty("infinite").ValueKind);
        Assert.AreEqual(JsonValueKind.True, p.GetProperty("flag").ValueKind);
        Assert.AreEqual("0042", p.GetProperty("digits").GetString(), "text that looks like a number stays text");
        Assert.AreEqual(JsonValueKind.Null, p.GetProperty("none").ValueKind);
        Assert.AreEqual(0.25, r.NumericParameter("mean"));
        Assert.AreEqual(8.0, r.NumericParameter("count"));
        Assert.AreEqual("0.25", r.ParameterText("mean"));
    }

    [TestMethod]
    public void MarkdownEscapesPipesAndRightAlignsNumbers()
    {
        var md = ReportText.Markdown(Sample().Table, "scores");
        StringAssert.StartsWith(md, "**scores**\n\n| neuron | ms | dead | label | count |\n| ---: | ---: | --- | --- | ---: |\n");
        StringAssert.Contains(md, "e\\|f");
        StringAssert.Contains(md, "| 1 | NaN | true | b,c | 2 |");
    }

    [TestMethod]
    public void SaveWritesTheFormatTheExtensionNamesAndRejectsOthers()
    {
        var dir = Directory.CreateTempSubdirectory("mlnc-report-").FullName;
        try
        {
            var r = Sample();
            ReportText.Save(r, Path.Combine(dir, "r.csv"));
            ReportText.Save(r, Path.Combine(dir, "r.json"));
            ReportText.Save(r, Path.Combine(dir, "r.md"));
            Assert.AreEqual(ReportText.Csv(r.Table), File.ReadAllText(Path.Combine(dir, "r.csv")));
            Assert.AreEqual(ReportText.Json(r), File.ReadAllText(Path.Combine(dir, "r.json")));
            StringAssert.StartsWith(File.ReadAllText(Path.Combine(dir, "r.md")), "**scores**");
            var e = Assert.ThrowsExactly<ConceptDataException>(() => ReportText.Save(r, Path.Combine(dir, "r.xlsx")));
            StringAssert.Contains(e.Message, "r.xlsx");
            CollectionAssert.AreEquivalent(new[] { "r.csv", "r.json", "r.md" }, Directory.GetFiles(dir).Select(Path.GetFileName).ToArray(), "nothing else left behind");
        }
        finally { Directory.Delete(dir, true); }
    }
}
