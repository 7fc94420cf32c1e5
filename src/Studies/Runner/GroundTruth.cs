using System.Text.Json.Nodes;
using MlNetConcepts.Compute;
using MlNetConcepts.Evaluators;
using MlNetConcepts.IO;
using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Studies.Runner;

/// <summary>
/// The answers of a synthetic benchmark (<c>ground_truth.json</c> from <c>mlnc synth multimodal</c>)
/// and the scores that compare a study's findings with them: recovery of planted directions by
/// SAE atoms and by centroids, modality scores of the atoms that recovered image-only, text-only
/// and shared concepts, and the recall of planted bridges among the top bridge pairs.
/// </summary>
internal sealed class GroundTruth
{
    /// <summary>Cosine above which an atom counts as recovering a planted direction.</summary>
    public const double RecoveryCosine = 0.9;

    private GroundTruth(string plantedLayer, float[] planted, int count, int width, string[] kinds, (int Image, int Text)[] bridges)
    {
        PlantedLayer = plantedLayer;
        Planted = planted;
        Count = count;
        Width = width;
        Kinds = kinds;
        Bridges = bridges;
    }

    /// <summary>The layer whose space the planted directions live in.</summary>
    public string PlantedLayer { get; }
    /// <summary>Planted directions, concepts × width.</summary>
    public float[] Planted { get; }
    /// <summary>Number of planted concepts.</summary>
    public int Count { get; }
    /// <summary>Width of the planted layer.</summary>
    public int Width { get; }
    /// <summary>Kind per planted concept.</summary>
    public string[] Kinds { get; }
    /// <summary>Planted bridge pairs.</summary>
    public (int Image, int Text)[] Bridges { get; }

    /// <summary>Reads a ground-truth file.</summary>
    public static GroundTruth Load(string path)
    {
        JsonObject j;
        try { j = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new ConceptDataException($"{path}: ground truth is not a JSON object."); }
        catch (System.Text.Json.JsonException e) { throw new ConceptDataException($"{path}: invalid ground truth ({e.Message}).", e); }
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string plantedFile = j["planted"]?.GetValue<string>() ?? throw new ConceptDataException($"{path}: ground truth lacks 'planted'.");
        var planted = NpyFile.ReadMatrix(Path.Combine(dir, plantedFile), out int count, out int width);
        var kinds = (j["kinds"] as JsonArray)?.Select(k => k!.GetValue<string>()).ToArray() ?? throw new ConceptDataException($"{path}: ground truth lacks 'kinds'.");
        if (kinds.Length != count) throw new ConceptDataException($"{path}: {kinds.Length} kinds for {count} planted concepts.");
        var bridges = (j["bridges"] as JsonArray)?.Select(b => (b![0]!.GetValue<int>(), b[1]!.GetValue<int>())).ToArray() ?? [];
        string layer = j["planted_layer"]?.GetValue<string>() ?? throw new ConceptDataException($"{path}: ground truth lacks 'planted_layer'.");
        return new GroundTruth(layer, planted, count, width, kinds, bridges);
    }

    /// <summary>For every planted concept: the best-matching row of <paramref name="atoms"/> and its cosine.</summary>
    public (int Atom, double Cosine)[] BestMatches(float[] atoms, int atomCount)
    {
        var unitAtoms = (float[])atoms.Clone();
        var unitPlanted = (float[])Planted.Clone();
        VectorOps.NormalizeRows(unitAtoms, atomCount, Width);
        VectorOps.NormalizeRows(unitPlanted, Count, Width);
        var best = new (int, double)[Count];
        for (int p = 0; p < Count; p++)
        {
            var planted = unitPlanted.AsSpan(p * Width, Width);
            int arg = -1;
            double max = double.NegativeInfinity;
            for (int a = 0; a < atomCount; a++)
            {
                double dot = VectorOps.Dot(planted, unitAtoms.AsSpan(a * Width, Width));
                if (dot > max) { max = dot; arg = a; }
            }
            best[p] = (arg, max);
        }
        return best;
    }

    /// <summary>Scores an SAE (and optionally a clusterer's centroids) against the planted concepts.</summary>
    public GroundTruthResult Score(SaeTransformer sae, SaeResult saeResult, DenseMatrix? centroids)
    {
        if (sae.Inputs != Width) throw new ConceptDataException($"ground truth: planted width {Width} differs from the SAE input width {sae.Inputs}.");
        var best = BestMatches(sae.Weights.DecoderWeight, sae.Latents);
        var cl = centroids is null ? null : BestMatches(centroids.Data, centroids.Rows);
        double[] ModalityOf(string kind) => saeResult.Modality is null
            ? []
            : Enumerable.Range(0, Count).Where(p => Kinds[p] == kind && best[p].Cosine >= RecoveryCosine).Select(p => saeResult.Modality[best[p].Atom]).ToArray();

        double recall = double.NaN;
        if (Bridges.Length > 0 && saeResult.Bridges is { } pairs)
        {
            var top = pairs.Take(2 * Bridges.Length).Select(b => (b.I, b.J)).ToHashSet();
            recall = Bridges.Count(b => best[b.Image].Cosine >= RecoveryCosine && best[b.Text].Cosine >= RecoveryCosine
                && top.Contains((best[b.Image].Atom, best[b.Text].Atom))) / (double)Bridges.Length;
        }
        return new GroundTruthResult
        {
            Planted = Count,
            SaeRecovery = best.Count(b => b.Cosine >= RecoveryCosine) / (double)Count,
            SaeMmcs = best.Average(b => b.Cosine),
            ClusterRecovery = cl is null ? double.NaN : cl.Count(b => b.Cosine >= RecoveryCosine) / (double)Count,
            ClusterMmcs = cl is null ? double.NaN : cl.Average(b => b.Cosine),
            ImageConceptModality = ModalityOf("image"),
            TextConceptModality = ModalityOf("text"),
            SharedConceptModality = ModalityOf("shared"),
            Bridges = Bridges.Length,
            BridgeRecall = recall,
        };
    }
}
