using System.Text.Json;
using System.Text.RegularExpressions;
using MlNetConcepts.Studies.Explorer;

namespace MlNetConcepts.Tests.Studies.Explorer;

[TestClass]
public sealed class ExplorerPageTests
{
    private static JsonElement Data(string html)
    {
        var m = Regex.Match(html, "<script type=\"application/json\" id=\"explorer-data\">(.*?)</script>", RegexOptions.Singleline);
        Assert.IsTrue(m.Success, "the data block is there");
        return JsonDocument.Parse(m.Groups[1].Value).RootElement;
    }

    [TestMethod]
    public void ThePageIsSelfContainedAndCarriesEveryValueOfTheStudyFolder()
    {
        var dir = ExplorerTestStudy.Create();
        var path = Path.Combine(dir, "explorer.html");
        var maps = ExplorerPage.Write(dir, path);
        var html = File.ReadAllText(path);
        // Offline: no external script, stylesheet or image reference.
        StringAssert.DoesNotMatch(html, new Regex("<script[^>]+src=|<link[^>]+href=|<img[^>]+src=\"http", RegexOptions.IgnoreCase));
        StringAssert.Contains(html, "Plotly");
        var data = Data(html);
        var map = data.GetProperty("maps")[0];
        Assert.AreEqual("blk", map.GetProperty("layer").GetString());
        Assert.AreEqual("sae", map.GetProperty("sae").GetString());
        var c = map.GetProperty("concepts");
        Assert.AreEqual(ExplorerTestStudy.Concepts, c.GetProperty("feature").GetArrayLength());
        Assert.AreEqual(JsonValueKind.Null, c.GetProperty("ms")[5].ValueKind, "NaN MS is null");
        Assert.AreEqual(10 / 60.0, c.GetProperty("ms")[10].GetDouble(), 1e-12);
        Assert.AreEqual("textual", c.GetProperty("type")[45].GetString());
        Assert.AreEqual("concept " + ExplorerTestStudy.Word(3), c.GetProperty("label")[3].GetString());
        Assert.AreEqual(0.13, c.GetProperty("margin")[3].GetDouble(), 1e-12);
        // Energy share: energies 0.01..0.20 repeated three times, total 3 × 2.1.
        Assert.AreEqual(0.05 / 6.3, c.GetProperty("energy_share")[4].GetDouble(), 1e-12);
        // Seed 1 holds the same atoms permuted: every concept's matched cosine is 1.
        for (int k = 0; k < ExplorerTestStudy.Concepts; k++) Assert.AreEqual(1.0, c.GetProperty("stability")[k].GetDouble(), 1e-5, $"stability of {k}");
        for (int k = 0; k < ExplorerTestStudy.Concepts; k++)
            Assert.AreEqual(ExplorerTestStudy.Matched.Contains(k), c.GetProperty("matched")[k].GetBoolean(), $"matched {k} (overlap {k}/20 against τ = 0.5)");
        Assert.AreEqual("kmeans-k8 #15", c.GetProperty("cluster")[12].GetString());
        Assert.AreEqual("", c.GetProperty("cluster")[30].GetString(), "no matching for concept 30");
        Assert.AreEqual(3, map.GetProperty("bridges").GetArrayLength());
        var pics = map.GetProperty("pictures");
        StringAssert.StartsWith(pics.GetProperty("0").GetProperty("collage").GetProperty("src").GetString(), "data:image/png;base64,iVBORw0KGgo");
        Assert.AreEqual(Path.Combine("blk", "concepts_sae", "feature_1_heatmap_occlusion.png"), pics.GetProperty("1").GetProperty("heatmaps")[0].GetProperty("file").GetString());
        // Three groups of directions: the layout keeps neighbours (trustworthiness T(5) over the 60 atoms).
        Assert.IsGreaterThanOrEqualTo(0.9, maps[0].Trustworthiness);
        Assert.AreEqual(maps[0].Trustworthiness, map.GetProperty("trustworthiness").GetDouble(), 1e-12);
        var notes = map.GetProperty("notes").EnumerateArray().Select(n => n.GetString()).ToList();
        Assert.AreEqual(0, notes.Count, $"nothing missing: {string.Join("; ", notes)}");
        Directory.Delete(dir, true);
    }

    [TestMethod]
    public void AHostileLabelCannotLeaveTheDataBlock()
    {
        var dir = ExplorerTestStudy.Create();
        var html = ExplorerPage.Html(ExplorerMapReader.Read(dir), dir, "t </script><b>");
        // Only the page's own three script elements close; the label's markup is \u-escaped.
        Assert.AreEqual(3, Regex.Matches(html, "</script>", RegexOptions.IgnoreCase).Count);
        Assert.IsFalse(html.Contains("<img src=x"), "the label's markup is never raw");
        Assert.IsFalse(html.Contains("<b>"), "nor the title's");
        StringAssert.Contains(html, "\\u003C/script\\u003E\\u003Cimg src=x onerror=\\u0022document.title=\\u0027pwned\\u0027\\u0022\\u003E\\u0026");
        // The parsed data holds the label verbatim: the page shows it as text.
        Assert.AreEqual(ExplorerTestStudy.Hostile, Data(html).GetProperty("maps")[0].GetProperty("concepts").GetProperty("label")[ExplorerTestStudy.HostileConcept].GetString());
        Directory.Delete(dir, true);
    }

    [TestMethod]
    public void MissingOptionalFilesBecomeNotes()
    {
        var dir = ExplorerTestStudy.Create(withNaming: false, withPictures: false);
        File.Delete(Path.Combine(dir, "blk", "decoder_sae_seed1.npy"));
        var map = ExplorerMapReader.Read(dir)[0];
        CollectionAssert.IsSubsetOf(new[] { "no concept names in this run", "no visual/textual/multimodal typing in this run", "one seed only: no stability across seeds", "no collages in this run", "no heat maps in this run" }, map.Notes.ToArray());
        Assert.IsTrue(((IEnumerable<double?>)map.Concepts["stability"]).All(v => v is double s && double.IsNaN(s)));
        Directory.Delete(dir, true);
    }

    [TestMethod]
    public void BadStudyFoldersAreNamedInTheError()
    {
        var dir = ExplorerTestStudy.Create();
        var features = Path.Combine(dir, "blk", "features_sae.csv");
        File.WriteAllLines(features, File.ReadAllLines(features).Take(30));
        var ex = Assert.ThrowsExactly<ConceptDataException>(() => ExplorerMapReader.Read(dir));
        StringAssert.Contains(ex.Message, features);
        StringAssert.Contains(ex.Message, "29 rows");
        Directory.Delete(dir, true);

        var empty = Directory.CreateTempSubdirectory("mlnc-explore-empty-").FullName;
        ex = Assert.ThrowsExactly<ConceptDataException>(() => ExplorerMapReader.Read(empty));
        StringAssert.Contains(ex.Message, "is this a study output folder");
        Directory.Delete(empty, true);
    }
}
