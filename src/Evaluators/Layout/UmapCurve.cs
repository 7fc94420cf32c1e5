namespace MlNetConcepts.Evaluators.Layout;

/// <summary>
/// The low-dimensional similarity of UMAP, q(d) = 1 / (1 + a·d^{2b}) (McInnes et al. 2018, §3.2),
/// with a and b fitted by least squares to the target curve ψ(d) = 1 for d &lt; minDist and
/// exp(−(d − minDist)/spread) beyond, on 300 points evenly spaced over [0, 3·spread]
/// (Levenberg–Marquardt from a = b = 1).
/// </summary>
public static class UmapCurve
{
    /// <summary>Fits (a, b) for <paramref name="minDist"/> and <paramref name="spread"/>.</summary>
    public static (double A, double B) Fit(double minDist, double spread)
    {
        if (!(spread > 0) || !double.IsFinite(spread)) throw new ConceptDataException($"{nameof(spread)} must be positive, got {spread}.", [nameof(spread)]);
        if (!(minDist >= 0) || minDist > spread) throw new ConceptDataException($"{nameof(minDist)} must be between 0 and spread ({spread}), got {minDist}.", [nameof(minDist)]);
        const int points = 300;
        var xs = new double[points];
        var ys = new double[points];
        for (int i = 0; i < points; i++)
        {
            xs[i] = 3 * spread * i / (points - 1);
            ys[i] = xs[i] < minDist ? 1 : Math.Exp(-(xs[i] - minDist) / spread);
        }
        double a = 1, b = 1, lambda = 1e-3;
        double cost = Cost(xs, ys, a, b);
        for (int iter = 0; iter < 500; iter++)
        {
            // Normal equations of the Gauss–Newton step with Levenberg's damping on the diagonal.
            double jaa = 0, jab = 0, jbb = 0, ga = 0, gb = 0;
            for (int i = 0; i < points; i++)
            {
                if (xs[i] == 0) continue; // q(0) = 1 for any a, b: no gradient
                double p = Math.Pow(xs[i], 2 * b), q = 1 / (1 + a * p);
                double r = q - ys[i];
                double da = -p * q * q, db = -a * p * 2 * Math.Log(xs[i]) * q * q;
                jaa += da * da; jab += da * db; jbb += db * db; ga += da * r; gb += db * r;
            }
            double m11 = jaa * (1 + lambda), m22 = jbb * (1 + lambda), det = m11 * m22 - jab * jab;
            if (det == 0) break;
            double stepA = -(m22 * ga - jab * gb) / det, stepB = -(m11 * gb - jab * ga) / det;
            double next = Cost(xs, ys, a + stepA, b + stepB);
            if (next < cost)
            {
                bool done = cost - next < 1e-15 * Math.Max(1, cost);
                a += stepA; b += stepB; cost = next; lambda /= 10;
                if (done) break;
            }
            else
            {
                lambda *= 10;
                if (lambda > 1e12) break;
            }
        }
        return (a, b);
    }

    private static double Cost(double[] xs, double[] ys, double a, double b)
    {
        if (!(a > 0) || !double.IsFinite(b)) return double.PositiveInfinity;
        double s = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            double r = 1 / (1 + a * Math.Pow(xs[i], 2 * b)) - ys[i];
            s += r * r;
        }
        return s;
    }
}
