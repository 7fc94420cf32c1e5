using MlNetConcepts.Evaluators;
namespace MlNetConcepts.Studies.Runner;

/// <summary>
/// Everything the study computed for one layer, in plain serialisable form: it is cached as JSON
/// so the summary and the report can be rebuilt without recomputing anything.
/// </summary>
public sealed record LayerResult
{
    /// <summary>Layer name.</summary>
    public string Layer { get; init; } = "";
    /// <summary>Rows analysed.</summary>
    public int Rows { get; init; }
    /// <summary>Activation width.</summary>
    public int Width { get; init; }
    /// <summary>MonoSemanticity of the raw neurons (NaN = dead), when embeddings were given.</summary>
    public double[]? RawMs { get; init; }
    /// <summary>Top-N MonoSemanticity of the raw neurons.</summary>
    public double[]? RawMsTopN { get; init; }
    /// <summary>Per SAE.</summary>
    public List<SaeResult> Saes { get; init; } = new();
    /// <summary>Per clusterer.</summary>
    public List<ClusterResult> Clusters { get; init; } = new();
    /// <summary>Per SAE × clusterer comparison.</summary>
    public List<ComparisonResult> Comparisons { get; init; } = new();
    /// <summary>Ground-truth scores, when the layer is the planted layer of a synthetic benchmark.</summary>
    public GroundTruthResult? GroundTruth { get; init; }
}

/// <summary>Results for one SAE (its first seed) and its stability across seeds.</summary>
public sealed record SaeResult
{
    /// <summary>Method label.</summary>
    public string Name { get; init; } = "";
    /// <summary>Dictionary size.</summary>
    public int Latents { get; init; }
    /// <summary>Mean squared error per element.</summary>
    public double Mse { get; init; }
    /// <summary>Explained variance R².</summary>
    public double R2 { get; init; }
    /// <summary>Mean active latents per row.</summary>
    public double L0 { get; init; }
    /// <summary>Fraction of latents that never fire.</summary>
    public double DeadFraction { get; init; }
    /// <summary>Mean cosine(x, x̂).</summary>
    public double Cosine { get; init; }
    /// <summary>Energy per concept (mean code).</summary>
    public double[] Energy { get; init; } = [];
    /// <summary>MonoSemanticity per feature (NaN = dead).</summary>
    public double[]? Ms { get; init; }
    /// <summary>Top-N MonoSemanticity per feature.</summary>
    public double[]? MsTopN { get; init; }
    /// <summary>Stability (mean matched cosine) against each further seed.</summary>
    public double[] Stability { get; init; } = [];
    /// <summary>Stability restricted to the top-M concepts by energy.</summary>
    public double[] StabilityTopM { get; init; } = [];
    /// <summary>Top-M sizes of the stability curve (Papadimitriou et al. 2025, Fig. 2: stability of the M most energetic concepts).</summary>
    public int[] StabilityCurveM { get; init; } = [];
    /// <summary>Stability against the second seed restricted to the top-M concepts, one value per <see cref="StabilityCurveM"/>.</summary>
    public double[] StabilityCurve { get; init; } = [];
    /// <summary>Modality score per concept (NaN when it never fires), when modalities were given.</summary>
    public double[]? Modality { get; init; }
    /// <summary>Top bridge pairs (i ≠ j), when pairs were given.</summary>
    public List<BridgePair>? Bridges { get; init; }
}

/// <summary>One bridge pair (Papadimitriou et al. 2025, eq. 6).</summary>
/// <param name="I">Concept in the image code.</param>
/// <param name="J">Concept in the text code.</param>
/// <param name="Bridge">B_ij.</param>
/// <param name="Coactivation">E_pairs[z_img,i · z_txt,j].</param>
/// <param name="Cosine">cos(D_i, D_j).</param>
public sealed record BridgePair(int I, int J, double Bridge, double Coactivation, double Cosine);

/// <summary>Results for one clusterer.</summary>
public sealed record ClusterResult
{
    /// <summary>Method label.</summary>
    public string Name { get; init; } = "";
    /// <summary>Clusters.</summary>
    public int K { get; init; }
    /// <summary>Inertia (sum of squared distances to the assigned centroid) on all rows.</summary>
    public double Inertia { get; init; }
    /// <summary>Cluster sizes.</summary>
    public int[] Sizes { get; init; } = [];
    /// <summary>NMI against the label column, when given.</summary>
    public double? Nmi { get; init; }
    /// <summary>Adjusted Rand index against the label column, when given.</summary>
    public double? Ari { get; init; }
    /// <summary>MonoSemanticity per cluster.</summary>
    public double[]? Ms { get; init; }
    /// <summary>Top-N MonoSemanticity per cluster.</summary>
    public double[]? MsTopN { get; init; }
}

/// <summary>An SAE compared with a clusterer (Bíla et al. 2025, §3–4).</summary>
public sealed record ComparisonResult
{
    /// <summary>SAE label.</summary>
    public string Sae { get; init; } = "";
    /// <summary>Clusterer label.</summary>
    public string Clusters { get; init; } = "";
    /// <summary>Fraction of clusters with a feature at O ≥ τ.</summary>
    public double ClustersMatched { get; init; }
    /// <summary>Fraction of live features with a cluster at O ≥ τ.</summary>
    public double FeaturesMatched { get; init; }
    /// <summary>Mean over clusters of the best overlap.</summary>
    public double MeanBestOverlap { get; init; }
    /// <summary>
    /// The headline: fraction of clusters whose one-to-one partner (optimal assignment on O, each
    /// feature used once) has O ≥ τ. A broad feature can stand for one cluster only here.
    /// </summary>
    public double OneToOneMatched { get; init; }
    /// <summary>Number of one-to-one pairs with O ≥ τ.</summary>
    public int OneToOneMatches { get; init; }
    /// <summary>Mean overlap of the one-to-one pairs.</summary>
    public double OneToOneMeanOverlap { get; init; }
    /// <summary>Distinct features among the many-to-many matches (O ≥ τ).</summary>
    public int DistinctFeaturesMatched { get; init; }
    /// <summary>The one-to-one pairs, best first.</summary>
    public List<MatchedPair> OneToOne { get; init; } = new();
    /// <summary>Matched pairs (cluster, feature, overlap), best first.</summary>
    public List<MatchedPair> Matches { get; init; } = new();
    /// <summary>Clusters without a matching feature.</summary>
    public int[] ClustersOnly { get; init; } = [];
    /// <summary>Live features without a matching cluster.</summary>
    public int[] FeaturesOnly { get; init; } = [];
    /// <summary>Clusters shown in the overlap heat map (those with the highest best overlap).</summary>
    public int[] HeatClusters { get; init; } = [];
    /// <summary>Features shown in the overlap heat map (the best feature of each shown cluster, distinct).</summary>
    public int[] HeatFeatures { get; init; } = [];
    /// <summary>Overlap of every shown cluster with every shown feature, row-major.</summary>
    public double[] Heat { get; init; } = [];
    /// <summary>Core representative rows of the reported matched pairs (same order as the first matches).</summary>
    public List<int[]> CoreRows { get; init; } = new();
}

/// <summary>Scores against a synthetic benchmark's planted concepts.</summary>
public sealed record GroundTruthResult
{
    /// <summary>Planted concepts.</summary>
    public int Planted { get; init; }
    /// <summary>Fraction of planted concepts with an SAE decoder row at cosine ≥ 0.9.</summary>
    public double SaeRecovery { get; init; }
    /// <summary>Mean over planted concepts of the best decoder cosine (MMCS).</summary>
    public double SaeMmcs { get; init; }
    /// <summary>Fraction of planted concepts with a centroid at cosine ≥ 0.9.</summary>
    public double ClusterRecovery { get; init; }
    /// <summary>Mean best centroid cosine.</summary>
    public double ClusterMmcs { get; init; }
    /// <summary>Modality scores of the atoms matched to image-only planted concepts.</summary>
    public double[] ImageConceptModality { get; init; } = [];
    /// <summary>Modality scores of the atoms matched to text-only planted concepts.</summary>
    public double[] TextConceptModality { get; init; } = [];
    /// <summary>Modality scores of the atoms matched to shared planted concepts.</summary>
    public double[] SharedConceptModality { get; init; } = [];
    /// <summary>Planted bridges.</summary>
    public int Bridges { get; init; }
    /// <summary>Fraction of planted bridges among the top 2P bridge pairs.</summary>
    public double BridgeRecall { get; init; }
}
