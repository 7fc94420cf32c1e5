namespace MlNetConcepts.Studies.Synthetic;

/// <summary>Seeded random helpers for the synthetic generators (Gaussian by Box–Muller, unit vectors, orthogonal matrices).</summary>
internal sealed class SyntheticRandom(int seed)
{
    private readonly Random _rng = new(seed);
    private double? _spare;

    public double Uniform() => _rng.NextDouble();

    public double Uniform(double low, double high) => low + (high - low) * _rng.NextDouble();

    public double Gaussian()
    {
        if (_spare is double s) { _spare = null; return s; }
        double u1 = 1.0 - _rng.NextDouble(), u2 = _rng.NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        _spare = r * Math.Sin(2 * Math.PI * u2);
        return r * Math.Cos(2 * Math.PI * u2);
    }

    public double[] UnitVector(int d)
    {
        var v = new double[d];
        double norm;
        do
        {
            for (int i = 0; i < d; i++) v[i] = Gaussian();
            norm = Math.Sqrt(v.Sum(x => x * x));
        } while (norm < 1e-12);
        for (int i = 0; i < d; i++) v[i] /= norm;
        return v;
    }

    /// <summary>A unit vector at exactly cosine <paramref name="cosine"/> with the unit vector <paramref name="a"/>.</summary>
    public double[] AtCosine(double[] a, double cosine)
    {
        double[] r;
        double norm;
        do
        {
            r = UnitVector(a.Length);
            double dot = r.Zip(a, (x, y) => x * y).Sum();
            for (int i = 0; i < r.Length; i++) r[i] -= dot * a[i]; // Gram–Schmidt: r ⟂ a
            norm = Math.Sqrt(r.Sum(x => x * x));
        } while (norm < 1e-6);
        double s = Math.Sqrt(1 - cosine * cosine);
        return a.Select((x, i) => cosine * x + s * r[i] / norm).ToArray();
    }

    /// <summary>A random orthogonal d×d matrix (row-major): Gram–Schmidt on Gaussian rows.</summary>
    public double[,] Orthogonal(int d)
    {
        var q = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            while (true)
            {
                var v = Enumerable.Range(0, d).Select(_ => Gaussian()).ToArray();
                for (int j = 0; j < i; j++)
                {
                    double dot = 0;
                    for (int t = 0; t < d; t++) dot += v[t] * q[j, t];
                    for (int t = 0; t < d; t++) v[t] -= dot * q[j, t];
                }
                double norm = Math.Sqrt(v.Sum(x => x * x));
                if (norm < 1e-8) continue;
                for (int t = 0; t < d; t++) q[i, t] = v[t] / norm;
                break;
            }
        }
        return q;
    }
}
