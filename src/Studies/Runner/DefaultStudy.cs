using MlNetConcepts.Studies.Synthetic;

namespace MlNetConcepts.Studies.Runner;

/// <summary>
/// The embedded default: the multimodal synthetic benchmark (three layers of increasing
/// nonlinearity, image and text rows, aligned pairs, planted bridges) and a study config that
/// exercises every analysis on it. <c>mlnc study</c> with no arguments and the quickstart run it.
/// </summary>
public static class DefaultStudy
{
    /// <summary>The synthetic data the default study runs on.</summary>
    public static MultimodalSynthOptions Data { get; } = new();

    /// <summary>Writes the synthetic benchmark into <paramref name="dataDirectory"/> (unless already there) and returns the study config for it.</summary>
    public static StudyConfig Prepare(string dataDirectory)
    {
        var truth = Path.Combine(dataDirectory, "ground_truth.json");
        if (!File.Exists(truth)) MultimodalSynth.Generate(Data).Write(dataDirectory);
        return ConfigFor(dataDirectory, Data);
    }

    /// <summary>The default study config over a synthetic benchmark folder.</summary>
    public static StudyConfig ConfigFor(string dataDirectory, MultimodalSynthOptions data) => new StudyConfig
    {
        Layers = Enumerable.Range(0, data.LayerNonlinearity.Count).Select(l => new StudyLayer($"layer{l}", $"layer{l}.npy")).ToList(),
        Embeddings = "embeddings.npy",
        Modality = "modality.npy",
        Pairs = "pairs.npy",
        GroundTruth = MultimodalSynthData.GroundTruthFile,
        Saes = [new SaeSpec("topk", 4, 4)],
        Clusters = [new ClusterSpec("kmeans", 32), new ClusterSpec("spherical", 32), new ClusterSpec("agglomerative", 32)],
        Seeds = 2,
        Tau = 0.5,
    }.ResolvePaths(Path.GetFullPath(dataDirectory));
}
