namespace MlNetConcepts.Randomness;

/// <summary>
/// Seeds and hashes that are the same in every process. <see cref="HashCode"/> is randomised per
/// process, so anything that must replay (per-epoch shuffles, held-out rows, per-sample token
/// picks) derives its seed here instead. The mixer is the SplitMix64 finaliser (Steele, Lea &amp;
/// Flood 2014): z ← (z ⊕ z≫30)·0xBF58476D1CE4E5B9; z ← (z ⊕ z≫27)·0x94D049BB133111EB; z ⊕ z≫31.
/// </summary>
public static class StableHash
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>The SplitMix64 finaliser of <paramref name="z"/>.</summary>
    public static ulong Mix(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>Mixes a seed with a sequence of values (epoch, row, salt…) into 64 well-spread bits.</summary>
    public static ulong Combine(int seed, params ReadOnlySpan<long> values)
    {
        ulong h = Mix(unchecked((ulong)(uint)seed + Golden));
        foreach (long v in values) h = Mix(unchecked(h + Golden * ((ulong)v + 1)));
        return h;
    }

    /// <summary>A non-negative 31-bit seed for <see cref="Random"/> from a seed and values.</summary>
    public static int Seed(int seed, params ReadOnlySpan<long> values) => (int)(Combine(seed, values) >> 33);

    /// <summary>A uniform double in [0, 1) from a seed and values (53 random bits).</summary>
    public static double Unit(int seed, params ReadOnlySpan<long> values) => (Combine(seed, values) >> 11) * (1.0 / (1UL << 53));
}
