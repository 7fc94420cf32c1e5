using System.Text.Json;
using System.Text.Json.Nodes;
using MlNetConcepts.IO;

namespace MlNetConcepts.Studies.Synthetic;

/// <summary>The generated benchmark: layers, metadata columns and the ground truth.</summary>
/// <param name="Options">The settings it was generated with.</param>
/// <param name="Layers">Activations per layer.</param>
/// <param name="Planted">Planted directions in the joint (first-layer) space, concepts × dimensions.</param>
/// <param name="Kinds">Kind of each planted concept: image, text or shared.</param>
/// <param name="Bridges">Planted bridge pairs (image concept, text concept), indices into <paramref name="Planted"/>.</param>
/// <param name="Codes">True concept magnitudes, rows × concepts.</param>
/// <param name="Modality">0 = image row, 1 = text row.</param>
/// <param name="PairIds">Aligned pair of each row.</param>
/// <param name="Embeddings">Auxiliary semantic embeddings, rows × embedding width.</param>
public sealed record MultimodalSynthData(
    MultimodalSynthOptions Options,
    IReadOnlyList<SynthLayer> Layers,
    float[] Planted,
    string[] Kinds,
    (int Image, int Text)[] Bridges,
    float[] Codes,
    int[] Modality,
    int[] PairIds,
    float[] Embeddings)
{
    /// <summary>Name of the ground-truth file a study looks for.</summary>
    public const string GroundTruthFile = "ground_truth.json";

    /// <summary>Number of rows (images + texts).</summary>
    public int Rows => Modality.Length;

    /// <summary>
    /// Writes <c>&lt;layer&gt;.npy</c> per layer, <c>modality.npy</c>, <c>pairs.npy</c>,
    /// <c>embeddings.npy</c>, <c>planted.npy</c>, <c>codes.npy</c> and <c>ground_truth.json</c>.
    /// </summary>
    public void Write(string directory)
    {
        Directory.CreateDirectory(directory);
        int d = Options.Dimensions, m = Options.ConceptCount;
        foreach (var layer in Layers) NpyFile.WriteMatrix(Path.Combine(directory, layer.Name + ".npy"), layer.Activations, Rows, d);
        NpyFile.WriteVector(Path.Combine(directory, "modality.npy"), Modality);
        NpyFile.WriteVector(Path.Combine(directory, "pairs.npy"), PairIds);
        NpyFile.WriteMatrix(Path.Combine(directory, "embeddings.npy"), Embeddings, Rows, Options.EmbeddingDimensions);
        NpyFile.WriteMatrix(Path.Combine(directory, "planted.npy"), Planted, m, d);
        NpyFile.WriteMatrix(Path.Combine(directory, "codes.npy"), Codes, Rows, m);
        AtomicFile.WriteText(Path.Combine(directory, GroundTruthFile), GroundTruthJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>The ground truth as JSON (what a study needs to score recovery).</summary>
    public JsonObject GroundTruthJson() => new()
    {
        ["generator"] = "mlnc synth multimodal",
        ["planted"] = "planted.npy",
        ["planted_layer"] = Layers[0].Name,
        ["kinds"] = new JsonArray(Kinds.Select(k => (JsonNode)k).ToArray()),
        ["bridges"] = new JsonArray(Bridges.Select(b => (JsonNode)new JsonArray(b.Image, b.Text)).ToArray()),
        ["layers"] = new JsonArray(Layers.Select(l => (JsonNode)new JsonObject { ["name"] = l.Name, ["file"] = l.Name + ".npy", ["nonlinearity"] = l.Nonlinearity }).ToArray()),
        ["modality"] = "modality.npy",
        ["pairs"] = "pairs.npy",
        ["embeddings"] = "embeddings.npy",
        ["seed"] = Options.Seed,
        ["bridge_cosine"] = Options.BridgeCosine,
    };
}
