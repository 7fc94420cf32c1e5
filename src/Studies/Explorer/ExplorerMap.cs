using Microsoft.Data.Analysis;

namespace MlNetConcepts.Studies.Explorer;

/// <summary>
/// One map of the explorer: the dictionary atoms of one SAE on one layer, laid out in 2-D.
/// <see cref="Concepts"/> has one row per atom with columns feature, x, y, energy, energy_share,
/// ms, modality, label, margin, type, stability, cluster, overlap, matched (NaN / empty when the
/// study folder does not have the value).
/// </summary>
/// <param name="Layer">Layer folder name.</param>
/// <param name="Sae">SAE name.</param>
/// <param name="Concepts">The per-concept table.</param>
/// <param name="Bridges">Top bridge pairs (i, j, bridge score), best first.</param>
/// <param name="Pictures">Collage and heat-map files per feature, relative to the study folder.</param>
/// <param name="Trustworthiness">T(5) of the layout against the atoms (cosine), NaN when not computed.</param>
/// <param name="Notes">What the page should say about missing parts.</param>
public sealed record ExplorerMap(string Layer, string Sae, DataFrame Concepts, IReadOnlyList<ExplorerBridge> Bridges,
    IReadOnlyDictionary<int, ConceptPictures> Pictures, double Trustworthiness, IReadOnlyList<string> Notes);

/// <summary>A bridge pair of concepts (Papadimitriou et al. 2025, eq. 6).</summary>
/// <param name="I">Concept in the image code.</param>
/// <param name="J">Concept in the text code.</param>
/// <param name="Score">Bridge score B_ij.</param>
public sealed record ExplorerBridge(int I, int J, double Score);

/// <summary>Picture files of a concept, relative to the study folder.</summary>
/// <param name="Collage">Collage of its top-activating images, if any.</param>
/// <param name="HeatMaps">Heat-map PNGs, if any.</param>
public sealed record ConceptPictures(string? Collage, IReadOnlyList<string> HeatMaps);
