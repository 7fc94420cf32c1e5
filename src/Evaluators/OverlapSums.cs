namespace MlNetConcepts.Evaluators;

/// <summary>
/// The sums over samples that every overlap form needs (float64): Σ c̃_nj ã_nk (J × K), Σ ã_nk,
/// Σ ã_nk², Σ c̃_nj, Σ c̃_nj² and N. Eq. 1 of Bíla et al. 2025 is
/// O_jk = Σ c̃ã / √(Σ c̃² · Σ ã²); the centred variant replaces each sum by its deviation from
/// the mean: (Σ c̃ã − Σc̃·Σã/N) / √((Σ c̃² − (Σc̃)²/N)(Σ ã² − (Σã)²/N)).
/// </summary>
internal sealed class OverlapSums(int clusters, int features)
{
    public readonly double[] Cross = new double[(long)clusters * features];
    public readonly double[] A1 = new double[features];
    public readonly double[] A2 = new double[features];
    public readonly double[] C1 = new double[clusters];
    public readonly double[] C2 = new double[clusters];
    public long Samples;

    /// <summary>Overlaps; features flagged constant (no min–max scaling) and zero denominators give NaN.</summary>
    public OverlapReport Finish(Func<int, bool> isConstant, bool centred)
    {
        int k = features;
        var o = new double[(long)clusters * k];
        double n = Samples;
        for (int j = 0; j < clusters; j++)
        {
            double vc = centred ? C2[j] - C1[j] * C1[j] / n : C2[j];
            for (int f = 0; f < k; f++)
            {
                long i = (long)j * k + f;
                double va = centred ? A2[f] - A1[f] * A1[f] / n : A2[f];
                double cross = centred ? Cross[i] - C1[j] * A1[f] / n : Cross[i];
                o[i] = isConstant(f) || !(vc > 0) || !(va > 0) ? double.NaN : Math.Clamp(cross / Math.Sqrt(vc * va), -1, 1);
            }
        }
        return new OverlapReport(o, clusters, k, Samples, centred);
    }
}
