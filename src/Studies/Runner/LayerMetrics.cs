using Microsoft.Data.Analysis;
using MlNetConcepts.Evaluators;
using MlNetConcepts.Reports;
using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Studies.Runner;

/// <summary>The per-SAE evaluators of a study layer, gathered into a <see cref="SaeResult"/>.</summary>
internal static class LayerMetrics
{
    /// <summary>Bridge pairs kept per SAE in the report.</summary>
    public const int BridgePairsKept = 50;

    public static SaeResult Sae(string name, SaeTransformer sae, IReadOnlyList<(SaeTransformer Sae, float[] Codes)> seeds,
        DenseMatrix codes, DenseMatrix activations, DenseMatrix? embeddings, int topN, StudyConfig config, StudyInputs inputs)
    {
        var metrics = SaeMetrics.Compute(sae, [activations.Data]);
        var dictionary = Dictionary(sae);
        var stability = new List<double>();
        var stabilityTop = new List<double>();
        for (int s = 1; s < seeds.Count; s++)
        {
            var other = seeds[s].Sae;
            var otherCodes = DenseMatrix.Create(seeds[s].Codes, codes.Rows, other.Latents, $"codes of {name} seed {s}");
            var report = Stability.Compare(dictionary, Dictionary(other), codes, otherCodes, Math.Min(config.StabilityTopM, sae.Latents));
            stability.Add(Stability.Value(report));
            stabilityTop.Add(Stability.Value(report, topM: true));
        }

        // The stability curve: how stable the M most energetic concepts are, for growing M.
        var (curveM, curve) = (Array.Empty<int>(), Array.Empty<double>());
        if (seeds.Count > 1)
        {
            var otherCodes = DenseMatrix.Create(seeds[1].Codes, codes.Rows, seeds[1].Sae.Latents, $"codes of {name} seed 1");
            (curveM, curve) = StabilityCurve(sae.Latents, top => Stability.Value(Stability.Compare(dictionary, Dictionary(seeds[1].Sae), codes, otherCodes, top), topM: true));
        }

        double[]? modality = null;
        List<BridgePair>? bridges = null;
        if (inputs.Modality is { } m)
        {
            modality = Modality.Scores(codes, m).Table.Doubles("modality_score");
            var pairs = inputs.AlignedPairs();
            if (pairs.Length > 0)
            {
                var img = Rows(codes, pairs.Select(p => p.Image).ToArray(), "image codes");
                var txt = Rows(codes, pairs.Select(p => p.Text).ToArray(), "text codes");
                // Self-pairs (i = i) are the multimodal concepts; the bridges between distinct
                // concepts are the cross-modal links Papadimitriou et al. 2025, §5.3 describes, so rank those.
                bridges = BridgePairs(Bridge.TopPairs(img, txt, dictionary, BridgePairsKept + sae.Latents).Table);
            }
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
            Energy = Energy.PerConcept(codes),
            Ms = embeddings is null ? null : MonoSemanticity.Neurons(codes, embeddings).Table.Doubles("ms"),
            MsTopN = embeddings is null ? null : MonoSemanticity.Neurons(codes, embeddings, topN).Table.Doubles("ms"),
            Stability = stability.ToArray(),
            StabilityTopM = stabilityTop.ToArray(),
            StabilityCurveM = curveM,
            StabilityCurve = curve,
            Modality = modality,
            Bridges = bridges,
        };
    }

    /// <summary>The reported bridges of a top-pairs frame: distinct concepts only (self-pairs are the multimodal concepts).</summary>
    public static List<BridgePair> BridgePairs(DataFrame top)
    {
        var (i, j, b, co, cos) = (top.Int32s("i"), top.Int32s("j"), top.Doubles("bridge"), top.Doubles("coactivation"), top.Doubles("cosine"));
        return Enumerable.Range(0, (int)top.Rows.Count).Where(r => i[r] != j[r]).Take(BridgePairsKept)
            .Select(r => new BridgePair(i[r], j[r], b[r], co[r], cos[r])).ToList();
    }

    /// <summary>
    /// The stability curve: stability of the M most energetic concepts for M = 4, 8, 16, … up to all
    /// latents; <paramref name="valueAt"/> gives the value for one M.
    /// </summary>
    public static (int[] M, double[] Value) StabilityCurve(int latents, Func<int, double> valueAt)
    {
        var curveM = new List<int>();
        var curve = new List<double>();
        for (int size = 4; ; size *= 2)
        {
            int top = Math.Min(size, latents);
            curveM.Add(top);
            curve.Add(valueAt(top));
            if (top == latents) break;
        }
        return (curveM.ToArray(), curve.ToArray());
    }

    public static DenseMatrix Dictionary(SaeTransformer sae) =>
        DenseMatrix.Create(sae.Weights.DecoderWeight, sae.Latents, sae.Inputs, "SAE dictionary");

    private static DenseMatrix Rows(DenseMatrix m, int[] rows, string name)
    {
        var data = new float[(long)rows.Length * m.Cols];
        for (int r = 0; r < rows.Length; r++) Array.Copy(m.Data, (long)rows[r] * m.Cols, data, (long)r * m.Cols, m.Cols);
        return DenseMatrix.Create(data, rows.Length, m.Cols, name);
    }
}
