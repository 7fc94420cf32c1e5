using MlNetConcepts.Imaging;
using MlNetConcepts.IO;
using MlNetConcepts.Studies.Report;
using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Studies.Explorer;

/// <summary>
/// What a study writes for the explorer beside its tables: each seed's decoder (so the atoms can be
/// laid out and matched across seeds) and, when the layer's rows have images, a collage of the
/// top-activating images of its most energetic concepts (Bíla et al. 2025, §4; Papadimitriou et al.
/// 2025, §6: "maximally activating examples").
/// </summary>
internal static class ExplorerStudyWriter
{
    /// <summary>Concepts per SAE that get a collage, by energy (keeps the self-contained page small).</summary>
    public const int CollageConcepts = 128;

    /// <summary>Images per collage.</summary>
    public const int CollageImages = 16;

    /// <summary>
    /// Writes each seed's decoder and, with <paramref name="images"/>, the collages of the first seed, whose dense codes
    /// (rows × latents) <paramref name="firstCodes"/> reads; it is called only then, so a study over a large layer
    /// without images never loads its codes whole.
    /// </summary>
    public static void Write(string layerDir, string saeName, IReadOnlyList<SaeTransformer> seeds, Func<float[]> firstCodes, int rows, StudyImageSource? images)
    {
        for (int s = 0; s < seeds.Count; s++)
        {
            var w = seeds[s].Weights;
            NpyFile.WriteMatrix(Path.Combine(layerDir, ExplorerFiles.Decoder(saeName, s)), w.DecoderWeight, w.Latents, w.Inputs);
        }
        if (images is null || seeds.Count == 0) return;
        var (sae, codes) = (seeds[0], firstCodes());
        int k = sae.Latents;
        var energy = new double[k];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < k; c++) energy[c] += codes[(long)r * k + c];
        var chosen = Enumerable.Range(0, k).Where(c => energy[c] > 0).OrderByDescending(c => energy[c]).ThenBy(c => c).Take(CollageConcepts);
        var folder = Path.Combine(layerDir, ExplorerFiles.ConceptFolder(saeName));
        Directory.CreateDirectory(folder);
        foreach (int c in chosen)
        {
            var top = Enumerable.Range(0, rows).Where(r => codes[(long)r * k + c] > 0)
                .OrderByDescending(r => codes[(long)r * k + c]).ThenBy(r => r)
                .Select(images.ForRow).OfType<PixelImage>().Take(CollageImages).ToList();
            if (top.Count == 0) continue; // e.g. a concept that fires on captions only
            PngWriter.Save(Path.Combine(folder, ExplorerFiles.Collage(c)), Collage.Build(top, cell: 48, columns: 4, gap: 2));
        }
    }
}
