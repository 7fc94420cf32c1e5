using MlNetConcepts.Compute;

namespace MlNetConcepts.Evaluators.Layout;

/// <summary>
/// The starting layout: the rows projected on their first two principal components (the
/// covariance by one GEMM, its top eigenvectors by power iteration with deflation), each axis
/// rescaled to [0, 10] as UMAP rescales its initial layout, plus seeded Gaussian jitter of
/// 10⁻⁴ so that duplicate rows do not start on the same spot. PCA rather than UMAP's default
/// spectral start: it needs no eigen-solver on the graph, is deterministic, and keeps the global
/// arrangement of groups of atoms; the SGD then fixes the local structure.
/// </summary>
public static class PcaInitialization
{
    /// <summary>n × 2 starting coordinates (row-major) for <paramref name="x"/> (n × d).</summary>
    public static float[] Compute(float[] x, int rows, int cols, int seed)
    {
        var mean = new double[cols];
        for (int i = 0; i < rows; i++)
            for (int c = 0; c < cols; c++) mean[c] += x[i * cols + c];
        for (int c = 0; c < cols; c++) mean[c] /= rows;
        var centred = new float[x.Length];
        for (int i = 0; i < rows; i++)
            for (int c = 0; c < cols; c++) centred[i * cols + c] = (float)(x[i * cols + c] - mean[c]);
        var cov32 = new float[cols * cols];
        Gemm.MatMulTransA(centred, centred, cov32, rows, cols, cols);
        var cov = cov32.Select(v => (double)v).ToArray();

        var rng = new Random(seed);
        var components = new double[2][];
        for (int p = 0; p < 2; p++)
        {
            var v = Enumerable.Range(0, cols).Select(_ => rng.NextDouble() - 0.5).ToArray();
            double lambda = 0;
            for (int iter = 0; iter < 300; iter++)
            {
                var w = new double[cols];
                for (int r = 0; r < cols; r++)
                {
                    double s = 0;
                    for (int c = 0; c < cols; c++) s += cov[r * cols + c] * v[c];
                    w[r] = s;
                }
                double norm = Math.Sqrt(w.Sum(t => t * t));
                if (norm == 0) break;
                double change = 0;
                for (int c = 0; c < cols; c++) { double t = w[c] / norm; change += (t - v[c]) * (t - v[c]); v[c] = t; }
                lambda = norm;
                if (change < 1e-20) break;
            }
            components[p] = v;
            // Deflate: remove the found component so the next power iteration finds the second.
            for (int r = 0; r < cols; r++)
                for (int c = 0; c < cols; c++) cov[r * cols + c] -= lambda * v[r] * v[c];
        }

        var y = new float[rows * 2];
        for (int p = 0; p < 2; p++)
        {
            var proj = new double[rows];
            for (int i = 0; i < rows; i++)
            {
                double s = 0;
                for (int c = 0; c < cols; c++) s += centred[i * cols + c] * components[p][c];
                proj[i] = s;
            }
            double lo = proj.Min(), hi = proj.Max(), span = hi - lo;
            for (int i = 0; i < rows; i++)
                y[i * 2 + p] = (float)((span > 0 ? 10 * (proj[i] - lo) / span : 5) + 1e-4 * Gaussian(rng));
        }
        return y;
    }

    private static double Gaussian(Random rng)
    {
        double u = 1 - rng.NextDouble(), v = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }
}
