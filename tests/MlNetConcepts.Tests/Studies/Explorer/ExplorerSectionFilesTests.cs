using MlNetConcepts.Imaging;
using MlNetConcepts.Studies.Explorer;

namespace MlNetConcepts.Tests.Studies.Explorer;

/// <summary>
/// The explorer reads what the study's naming and heat-map sections write (naming/&lt;layer&gt;/naming.csv
/// and heatmaps/heatmaps.csv, docs/EXPLORER.md) and puts it on the map of the study's first SAE only.
/// The values are planted in the files, so the page must carry exactly them.
/// </summary>
[TestClass]
public sealed class ExplorerSectionFilesTests
{
    private const string FirstSae = "sae-topk-x4-k8";

    [TestMethod]
    public void SectionNamesAndHeatMapsReachTheMapOfTheFirstSae()
    {
        var dir = ExplorerTestStudy.Create(withNaming: false, withPictures: false, sae: FirstSae);
        try
        {
            // A second SAE on the same layer: the sections never saw it, so it must stay unnamed.
            foreach (var f in Directory.GetFiles(Path.Combine(dir, "blk"), $"*{FirstSae}*"))
                File.Copy(f, f.Replace(FirstSae, "sae-relu-x2-k0"));
            // The study writes its config in snake case; the first SAE is the one the sections used.
            File.WriteAllText(Path.Combine(dir, "config.json"),
                "{\"tau\": 0.5, \"saes\": [{\"arch\": \"topk\", \"expansion\": 4, \"k\": 8, \"steps\": 0, \"batch\": 1024}, {\"arch\": \"relu\", \"expansion\": 2, \"k\": 0}]}");
            Directory.CreateDirectory(Path.Combine(dir, "naming", "blk"));
            File.WriteAllText(Path.Combine(dir, "naming", "blk", "naming.csv"),
                "concept,label,score,margin,type,correct\n" +
                string.Concat(Enumerable.Range(0, ExplorerTestStudy.Concepts).Select(k => k == 9
                    ? "9,,NaN,NaN,none,\n"
                    : $"{k},\"bag, {k}\",0.3,{(0.01 * k).ToString("R", System.Globalization.CultureInfo.InvariantCulture)},{(k % 2 == 0 ? "visual" : "multimodal")},yes\n")));
            Directory.CreateDirectory(Path.Combine(dir, "heatmaps", "blk"));
            Directory.CreateDirectory(Path.Combine(dir, "heatmaps", "other"));
            var tile = new PixelImage(4, 4, 1, new byte[16]);
            string[] files = ["heatmaps/blk/feature4_row0_tokens.png", "heatmaps/blk/feature4_row7_tokens.png", "heatmaps/other/feature5_row1_occlusion.png"];
            foreach (var f in files) PngWriter.Save(Path.Combine(dir, f), tile);
            File.WriteAllText(Path.Combine(dir, "heatmaps", "heatmaps.csv"),
                "layer,method,feature,row,file,grid_rows,grid_cols,hottest_row,hottest_col,max_value\n" +
                $"blk,tokens,4,0,{files[0]},4,4,0,0,1\nblk,tokens,4,7,{files[1]},4,4,0,0,1\nother,occlusion,5,1,{files[2]},4,4,0,0,1\n");

            var maps = ExplorerMapReader.Read(dir);
            var first = maps.Single(m => m.Sae == FirstSae);
            var label = (IEnumerable<string>)first.Concepts["label"];
            Assert.AreEqual("bag, 3", label.ElementAt(3));
            Assert.AreEqual("", label.ElementAt(9), "an unnamed concept stays unnamed");
            Assert.AreEqual(0.05, (double)first.Concepts["margin"][5]!, 1e-12);
            Assert.AreEqual("multimodal", first.Concepts["type"][5]);
            Assert.AreEqual("none", first.Concepts["type"][9]);
            CollectionAssert.AreEqual(files[..2], first.Pictures[4].HeatMaps.ToArray());
            Assert.AreEqual(1, first.Pictures.Count, "only feature 4 of layer blk has heat maps");
            Assert.IsFalse(first.Notes.Contains("no concept names in this run"));
            Assert.IsFalse(first.Notes.Contains("no heat maps in this run"));

            var second = maps.Single(m => m.Sae == "sae-relu-x2-k0");
            Assert.IsTrue(((IEnumerable<string>)second.Concepts["label"]).All(string.IsNullOrEmpty));
            Assert.AreEqual(0, second.Pictures.Count);

            var json = ExplorerPage.Json(maps, dir, "t");
            StringAssert.Contains(json, "\"file\":\"heatmaps/blk/feature4_row7_tokens.png\",\"src\":\"data:image/png;base64,");
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void AHeatMapIndexNamingAMissingFileIsAnError()
    {
        var dir = ExplorerTestStudy.Create(withNaming: false, withPictures: false, sae: FirstSae);
        try
        {
            File.WriteAllText(Path.Combine(dir, "config.json"), "{\"saes\": [{\"arch\": \"topk\", \"expansion\": 4, \"k\": 8}]}");
            Directory.CreateDirectory(Path.Combine(dir, "heatmaps"));
            var index = Path.Combine(dir, "heatmaps", "heatmaps.csv");
            File.WriteAllText(index, "layer,method,feature,row,file\nblk,tokens,4,0,heatmaps/blk/gone.png\n");
            var ex = Assert.ThrowsExactly<ConceptDataException>(() => ExplorerMapReader.Read(dir));
            StringAssert.Contains(ex.Message, "gone.png");
        }
        finally { Directory.Delete(dir, true); }
    }
}
