using System.Globalization;
using MlNetConcepts.Imaging;
using MlNetConcepts.IO;

namespace MlNetConcepts.Tests.Studies.Explorer;

/// <summary>
/// A small study output folder written by hand, following docs/EXPLORER.md: one layer "blk" with an
/// SAE "sae" of 60 concepts in three groups of directions (20 each), two seeds (the second a
/// permutation of the first with one concept changed), a naming table with a hostile label, bridges,
/// a one-to-one matching, collages for a few concepts and one heat map.
/// </summary>
internal static class ExplorerTestStudy
{
    public const int Concepts = 60;
    public const string Hostile = "</script><img src=x onerror=\"document.title='pwned'\">&'\"";
    /// <summary>The concept whose label is <see cref="Hostile"/>.</summary>
    public const int HostileConcept = 7;
    /// <summary>Concepts matched at overlap ≥ τ = 0.5 (the matching lists 0..19 with overlap f/20).</summary>
    public static readonly int[] Matched = Enumerable.Range(10, 10).ToArray();

    public static string Create(bool withNaming = true, bool withPictures = true, string sae = "sae")
    {
        var dir = Directory.CreateTempSubdirectory("mlnc-explore-").FullName;
        var layer = Path.Combine(dir, "blk");
        Directory.CreateDirectory(layer);
        File.WriteAllText(Path.Combine(dir, "config.json"), "{\"Tau\":0.5}");
        int d = 16;
        var rng = new Random(4);
        var centres = Enumerable.Range(0, 3 * d).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var decoder = new float[Concepts * d];
        for (int k = 0; k < Concepts; k++)
            for (int c = 0; c < d; c++) decoder[k * d + c] = centres[(k / 20) * d + c] + 0.25f * (float)(rng.NextDouble() * 2 - 1);
        NpyFile.WriteMatrix(Path.Combine(layer, $"decoder_{sae}_seed0.npy"), decoder, Concepts, d);
        // Seed 1: the same atoms in reverse order, so every concept is matched at cosine 1.
        var second = new float[Concepts * d];
        for (int k = 0; k < Concepts; k++)
            for (int c = 0; c < d; c++) second[(Concepts - 1 - k) * d + c] = decoder[k * d + c];
        NpyFile.WriteMatrix(Path.Combine(layer, $"decoder_{sae}_seed1.npy"), second, Concepts, d);

        string I(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var features = new List<string> { "feature,energy,ms,ms_top_n,modality" };
        for (int k = 0; k < Concepts; k++)
            features.Add($"{k},{I(0.01 * (k % 20 + 1))},{(k == 5 ? "NaN" : I(k / (double)Concepts))},0.5,{I((k / 20) / 2.0)}");
        File.WriteAllText(Path.Combine(layer, $"features_{sae}.csv"), string.Join('\n', features) + "\n");
        if (withNaming)
        {
            string[] types = ["visual", "multimodal", "textual"];
            var naming = new List<string> { "feature,label,margin,type" };
            for (int k = 0; k < Concepts; k++)
            {
                string label = k == HostileConcept ? Hostile : $"concept {Word(k)}";
                naming.Add($"{k},\"{label.Replace("\"", "\"\"")}\",{I(0.1 + k / 100.0)},{types[k / 20]}");
            }
            File.WriteAllText(Path.Combine(layer, $"naming_{sae}.csv"), string.Join('\n', naming) + "\n");
        }
        File.WriteAllText(Path.Combine(layer, $"bridge_{sae}.csv"), "i,j,bridge,coactivation,cosine\n0,40,0.9,1,0.9\n1,41,0.8,1,0.8\n2,21,0.5,1,0.5\n");
        var oneToOne = new List<string> { "cluster,feature,overlap" };
        for (int f = 0; f < 20; f++) oneToOne.Add($"{f + 3},{f},{I(f / 20.0)}");
        File.WriteAllText(Path.Combine(layer, $"one_to_one_{sae}__kmeans-k8.csv"), string.Join('\n', oneToOne) + "\n");
        if (withPictures)
        {
            var pictures = Path.Combine(layer, $"concepts_{sae}");
            Directory.CreateDirectory(pictures);
            var tile = new PixelImage(4, 4, 1, Enumerable.Range(0, 16).Select(v => (byte)(v * 16)).ToArray());
            foreach (int k in new[] { 0, 1, HostileConcept })
                PngWriter.Save(Path.Combine(pictures, $"feature_{k}_collage.png"), Collage.Build([tile, tile], cell: 8, columns: 2, gap: 1));
            PngWriter.Save(Path.Combine(pictures, "feature_1_heatmap_occlusion.png"), tile);
        }
        return dir;
    }

    /// <summary>A distinct word per concept, so a search matches exactly one label.</summary>
    public static string Word(int k) => $"w{k:D2}x";
}
