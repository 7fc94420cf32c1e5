namespace MlNetConcepts.Evaluators.Layout;

/// <summary>
/// UMAP's layout by stochastic gradient descent on the fuzzy cross-entropy (McInnes et al. 2018,
/// §3.2 and Algorithm 5). Each edge (i, j) of weight w is sampled once every w_max/w epochs; a
/// sample pulls i and j together with the attractive gradient
/// −2ab·d^{2(b−1)} / (1 + a·d^{2b}) · (y_i − y_j), d = ‖y_i − y_j‖, and pushes i away from
/// <see cref="UmapOptions.NegativeSampleRate"/> uniformly drawn points with the repulsive gradient
/// 2γb / ((0.001 + d²)(1 + a·d^{2b})) · (y_i − y_k); each coordinate step is clipped to ±4 and
/// scaled by a learning rate decaying linearly from α to 0. Edges lighter than w_max/epochs are
/// never sampled. Single-threaded and seeded, so a seed gives the same layout every time.
/// </summary>
internal static class UmapOptimizer
{
    private const double Clip = 4;

    public static void Optimize(float[] y, LayoutEdges edges, int epochs, double a, double b, UmapOptions options)
    {
        int n = edges.Rows;
        double wMax = edges.Weights.DefaultIfEmpty(0).Max();
        var keep = Enumerable.Range(0, edges.Weights.Length).Where(e => edges.Weights[e] >= wMax / epochs).ToArray();
        int m = keep.Length;
        var heads = keep.Select(e => edges.Heads[e]).ToArray();
        var tails = keep.Select(e => edges.Tails[e]).ToArray();
        var perSample = keep.Select(e => wMax / edges.Weights[e]).ToArray();
        var nextSample = (double[])perSample.Clone();
        var perNegative = perSample.Select(p => p / options.NegativeSampleRate).ToArray();
        var nextNegative = (double[])perNegative.Clone();
        var rng = new Random(options.Seed);
        double gamma = options.RepulsionStrength;

        for (int epoch = 0; epoch < epochs; epoch++)
        {
            double alpha = options.LearningRate * (1 - (double)epoch / epochs);
            for (int e = 0; e < m; e++)
            {
                if (nextSample[e] > epoch) continue;
                int i = heads[e], j = tails[e];
                double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
                double d2 = dx * dx + dy * dy;
                double coeff = d2 > 0 ? -2 * a * b * Math.Pow(d2, b - 1) / (a * Math.Pow(d2, b) + 1) : 0;
                double gx = Math.Clamp(coeff * dx, -Clip, Clip) * alpha, gy = Math.Clamp(coeff * dy, -Clip, Clip) * alpha;
                y[2 * i] += (float)gx; y[2 * i + 1] += (float)gy;
                y[2 * j] -= (float)gx; y[2 * j + 1] -= (float)gy;
                nextSample[e] += perSample[e];

                int negatives = (int)((epoch - nextNegative[e]) / perNegative[e]);
                for (int s = 0; s < negatives; s++)
                {
                    int k = rng.Next(n);
                    if (k == i) continue;
                    dx = y[2 * i] - y[2 * k]; dy = y[2 * i + 1] - y[2 * k + 1];
                    d2 = dx * dx + dy * dy;
                    double cx, cy;
                    if (d2 > 0)
                    {
                        double rep = 2 * gamma * b / ((0.001 + d2) * (a * Math.Pow(d2, b) + 1));
                        cx = Math.Clamp(rep * dx, -Clip, Clip); cy = Math.Clamp(rep * dy, -Clip, Clip);
                    }
                    else { cx = Clip; cy = Clip; }
                    y[2 * i] += (float)(cx * alpha); y[2 * i + 1] += (float)(cy * alpha);
                }
                nextNegative[e] += negatives * perNegative[e];
            }
        }
    }
}
