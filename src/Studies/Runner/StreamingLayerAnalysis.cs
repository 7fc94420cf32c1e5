using Microsoft.ML;
using MlNetConcepts.Evaluators;
using MlNetConcepts.IO;
using MlNetConcepts.Reports;
using MlNetConcepts.Trainers.Clustering;
using MlNetConcepts.Trainers.Sae;
using MlNetConcepts.Views;

namespace MlNetConcepts.Studies.Runner;

/// <summary>
/// <see cref="LayerAnalysis"/> for a layer whose activations, codes or embeddings do not fit in one
/// array: the same evaluators and numbers, with every N-row matrix read from its file a block of
/// rows at a time (<see cref="LayerBlocks"/>, at most 64 MiB per block of the widest matrix read):
/// MonoSemanticity through <see cref="MonoSemanticityStreaming"/>, energy and modality through their
/// block forms, overlap through <see cref="Overlap.Compute(MatrixFile, MatrixFile, DenseMatrix, OverlapOptions?)"/>,
/// bridges from the aligned pairs' codes gathered into temporary files. Held whole: per-row labels,
/// modality and pair ids (4 bytes a row each) and the evaluators' accumulators (e.g. K × e × 12 bytes
/// for MonoSemanticity, J × K × 8 for overlap; top-N adds K × N × 12).
/// </summary>
internal sealed class StreamingLayerAnalysis(StudyConfig config, StudyInputs inputs, string? embeddingsPath)
{
    private const string X = "X", E = "E", Z = "Z";

    public LayerResult Analyse(string layer, string layerPath, int rows, int width,
        IReadOnlyList<(SaeSpec Spec, IReadOnlyList<(SaeTransformer Sae, string CodesPath)> Seeds)> saes,
        IReadOnlyList<(ClusterSpec Spec, ClusteringTransformer Model)> clusters,
        GroundTruth? truth)
    {
        using var layerFile = MatrixFile.Open(layerPath);
        int topN = Math.Min(config.TopN, rows);
        var result = new LayerResult
        {
            Layer = layer,
            Rows = rows,
            Width = width,
            RawMs = NeuronMs(layerPath, null),
            RawMsTopN = NeuronMs(layerPath, topN),
        };

        foreach (var (spec, seeds) in saes) result.Saes.Add(Sae(StudyNames.Of(spec), seeds, layerFile, topN));

        var centroidMatrices = new List<DenseMatrix>();
        foreach (var (spec, model) in clusters)
        {
            var centroids = DenseMatrix.Create(model.GetCentroids(), model.K, model.Dimension, $"centroids of {StudyNames.Of(spec)}");
            centroidMatrices.Add(centroids);
            var labels = new int[rows];
            double inertia = 0;
            foreach (var (block, count, first) in LayerBlocks.Read(layerFile, LayerBlocks.RowsFor(Math.Max(width, model.K))))
            {
                var (blockLabels, _, _) = model.Predict(block, count);
                blockLabels.CopyTo(labels, first);
                inertia += ClusterQuality.Inertia(block, count, width, centroids.Data, blockLabels);
            }
            result.Clusters.Add(new ClusterResult
            {
                Name = StudyNames.Of(spec),
                K = model.K,
                Inertia = inertia,
                Sizes = LayerAnalysis.ClusterSizes(labels, model.K),
                Nmi = inputs.Labels is null ? null : ClusterQuality.NormalizedMutualInformation(inputs.Labels, labels),
                Ari = inputs.Labels is null ? null : ClusterQuality.AdjustedRandIndex(inputs.Labels, labels),
                Ms = ClusterMs(layerPath, centroids, null),
                MsTopN = ClusterMs(layerPath, centroids, topN),
            });
        }

        for (int s = 0; s < saes.Count; s++)
        {
            using var codes = MatrixFile.Open(saes[s].Seeds[0].CodesPath);
            for (int c = 0; c < clusters.Count; c++)
            {
                var centroids = centroidMatrices[c];
                result.Comparisons.Add(ComparisonSummary.Build(config, StudyNames.Of(saes[s].Spec), StudyNames.Of(clusters[c].Spec),
                    Overlap.Compute(codes, layerFile, centroids), result.Saes[s].Energy, pairs => CoreRows(codes, layerFile, centroids, pairs)));
            }
        }

        if (truth is not null && truth.PlantedLayer == layer && saes.Count > 0)
            result = result with { GroundTruth = truth.Score(saes[0].Seeds[0].Sae, result.Saes[0], centroidMatrices.FirstOrDefault()) };
        return result;
    }

    /// <summary>Row-aligned matrix files as one ML.NET view (float32 memory-mapped), one column per file.</summary>
    private static ColumnDataView Files(params (string Column, string Path)[] files) => new MLContext().Data.LoadFromMatrixFiles(files);

    private double[]? NeuronMs(string path, int? topN)
    {
        if (embeddingsPath is null) return null;
        using var view = Files((X, path), (E, embeddingsPath));
        return MonoSemanticityStreaming.Neurons(view, X, E, topN).Table.Doubles("ms");
    }

    private double[]? ClusterMs(string layerPath, DenseMatrix centroids, int? topN)
    {
        if (embeddingsPath is null) return null;
        using var view = Files((X, layerPath), (E, embeddingsPath));
        return MonoSemanticityStreaming.Clusters(view, X, centroids, E, topN).Table.Doubles("ms");
    }

    private SaeResult Sae(string name, IReadOnlyList<(SaeTransformer Sae, string CodesPath)> seeds, MatrixFile layerFile, int topN)
    {
        var sae = seeds[0].Sae;
        var metrics = SaeMetrics.Compute(sae, LayerBlocks.Read(layerFile, LayerBlocks.RowsFor(Math.Max(layerFile.Cols, sae.Latents))).Select(b => b.Block));
        var energies = seeds.Select(s =>
        {
            using var view = Files((Z, s.CodesPath));
            return Energy.PerConcept(view, Z);
        }).ToList();
        var dictionary = LayerMetrics.Dictionary(sae);
        int topM = Math.Min(config.StabilityTopM, sae.Latents);
        var stability = new List<double>();
        var stabilityTop = new List<double>();
        for (int s = 1; s < seeds.Count; s++)
        {
            var report = Stability.CompareByEnergy(dictionary, LayerMetrics.Dictionary(seeds[s].Sae), energies[0], energies[s], topM, $"codes of {name}", $"codes of {name} seed {s}");
            stability.Add(Stability.Value(report));
            stabilityTop.Add(Stability.Value(report, topM: true));
        }
        var (curveM, curve) = (Array.Empty<int>(), Array.Empty<double>());
        if (seeds.Count > 1)
            (curveM, curve) = LayerMetrics.StabilityCurve(sae.Latents,
                top => Stability.Value(Stability.CompareByEnergy(dictionary, LayerMetrics.Dictionary(seeds[1].Sae), energies[0], energies[1], top), topM: true));

        double[]? modality = null;
        List<BridgePair>? bridges = null;
        if (inputs.Modality is { } m)
        {
            using (var view = Files((Z, seeds[0].CodesPath))) modality = Modality.Scores(view, Z, m).Table.Doubles("modality_score");
            var pairs = inputs.AlignedPairs();
            if (pairs.Length > 0) bridges = Bridges(seeds[0].CodesPath, pairs, dictionary, sae.Latents);
        }

        double[]? ms = null, msTop = null;
        if (embeddingsPath is not null)
        {
            using var view = Files((Z, seeds[0].CodesPath), (E, embeddingsPath));
            ms = MonoSemanticityStreaming.Neurons(view, Z, E).Table.Doubles("ms");
            msTop = MonoSemanticityStreaming.Neurons(view, Z, E, topN).Table.Doubles("ms");
        }

        return new SaeResult
        {
            Name = name,
            Latents = sae.Latents,
            Mse = metrics.Mse,
            R2 = metrics.R2,
            L0 = metrics.L0,
            DeadFraction = metrics.DeadFraction,
            Cosine = metrics.MeanCosine,
            Energy = energies[0],
            Ms = ms,
            MsTopN = msTop,
            Stability = stability.ToArray(),
            StabilityTopM = stabilityTop.ToArray(),
            StabilityCurveM = curveM,
            StabilityCurve = curve,
            Modality = modality,
            Bridges = bridges,
        };
    }

    /// <summary>
    /// Bridge pairs (Papadimitriou et al. 2025, eq. 6) over the aligned pairs: their image and text
    /// code rows are copied, in pair order, into two temporary files read back by the block form.
    /// </summary>
    private static List<BridgePair> Bridges(string codesPath, (int Image, int Text)[] pairs, DenseMatrix dictionary, int latents)
    {
        var dir = Directory.CreateTempSubdirectory("mlnc-bridge-").FullName;
        try
        {
            string images = Path.Combine(dir, "image.npy"), texts = Path.Combine(dir, "text.npy");
            using (var codes = MatrixFile.Open(codesPath))
            using (var imageWriter = new NpyStreamWriter(images, latents))
            using (var textWriter = new NpyStreamWriter(texts, latents))
            {
                var row = new float[latents];
                foreach (var (image, text) in pairs)
                {
                    codes.ReadRows(image, 1, row);
                    imageWriter.Append(row);
                    codes.ReadRows(text, 1, row);
                    textWriter.Append(row);
                }
                imageWriter.Complete();
                textWriter.Complete();
            }
            using var view = Files(("I", images), ("T", texts));
            return LayerMetrics.BridgePairs(Bridge.TopPairs(view, "I", "T", dictionary, LayerMetrics.BridgePairsKept + latents).Table);
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>
    /// Core representatives of each matched pair (Bíla et al. 2025): the rows with the largest
    /// c̃_nj·ã_nk, computed as <see cref="Overlap.CoreRepresentatives"/> does (c̃ = (1 + cos(a_n, μ_j))/2
    /// in float64, ã min-max scaled over all rows), in two passes over the codes and one over the layer.
    /// </summary>
    private List<int[]> CoreRows(MatrixFile codes, MatrixFile activations, DenseMatrix centroids, IReadOnlyList<MatchedPair> pairs)
    {
        if (pairs.Count == 0) return [];
        int k = codes.Cols, d = activations.Cols;
        int blockRows = LayerBlocks.RowsFor(Math.Max(k, d));
        var scaling = MinMaxScaling.Empty(k);
        foreach (var (z, count, _) in LayerBlocks.Read(codes, blockRows)) scaling.Update(z, count);
        var centreNorms = pairs.Select(p => Norm(centroids.Row(p.Cluster))).ToArray();
        for (int p = 0; p < pairs.Count; p++)
            if (centreNorms[p] == 0) throw new ConceptDataException($"{centroids.Name}: row {pairs[p].Cluster} is all zeros, so its cosine similarity is undefined.");
        var selector = new TopNSelector(pairs.Count, config.TopN);
        using var codeBlocks = LayerBlocks.Read(codes, blockRows).GetEnumerator();
        foreach (var (a, count, first) in LayerBlocks.Read(activations, blockRows))
        {
            codeBlocks.MoveNext();
            var z = codeBlocks.Current.Block;
            for (int n = 0; n < count; n++)
            {
                var x = a.AsSpan(n * d, d);
                double norm = Norm(x);
                if (norm == 0) throw new ConceptDataException($"{activations.Path}: row {first + n} is all zeros, so its cosine similarity is undefined.");
                for (int p = 0; p < pairs.Count; p++)
                {
                    var mu = centroids.Row(pairs[p].Cluster);
                    double dot = 0;
                    for (int i = 0; i < d; i++) dot += (double)x[i] * mu[i];
                    double membership = (1 + Math.Clamp(dot / (norm * centreNorms[p]), -1, 1)) / 2;
                    int feature = pairs[p].Feature;
                    selector.Offer(p, (float)(membership * scaling.Scale(feature, z[(long)n * k + feature])), first + n);
                }
            }
        }
        return Enumerable.Range(0, pairs.Count).Select(p => selector.Sorted(p).Rows.Select(r => (int)r).ToArray()).ToList();
    }

    private static double Norm(ReadOnlySpan<float> v)
    {
        double s = 0;
        foreach (var x in v) s += (double)x * x;
        return Math.Sqrt(s);
    }
}
