using System.Runtime.InteropServices;

namespace MlNetConcepts.Trainers.Clustering;

/// <summary>
/// The centres laid out for <see cref="NearestCentreKernel"/>: strips of 32 centres (the last
/// strip 16 or 32 wide, whichever covers the remainder with less waste), each strip stored depth
/// by depth (value p of the strip's centres is contiguous), so the kernel reads one strip as a
/// single forward stream. Padding centres are zero vectors whose squared norm is +∞, so their
/// distance ‖μ‖² − 2·x·μ is +∞ and they can never be nearest. Packed once per assignment pass and
/// shared read-only by all workers.
/// </summary>
internal sealed unsafe class PackedCentres : IDisposable
{
    /// <summary>Widest strip: two Vector512&lt;float&gt;.</summary>
    public const int WideStrip = 32;
    /// <summary>Narrow strip for a remainder of at most 16 centres: one Vector512&lt;float&gt;.</summary>
    public const int NarrowStrip = 16;

    private float* _data;
    private float* _norms;

    /// <summary>Packs k × d row-major <paramref name="centres"/> with their squared norms (float, summed in double).</summary>
    public PackedCentres(ReadOnlySpan<float> centres, int k, int d)
    {
        K = k;
        Dimension = d;
        int wide = k / WideStrip, rest = k % WideStrip;
        Strips = wide + (rest > 0 ? 1 : 0);
        Width = new int[Strips];
        First = new int[Strips];
        for (int s = 0; s < wide; s++) Width[s] = WideStrip;
        if (rest > 0) Width[wide] = rest <= NarrowStrip ? NarrowStrip : WideStrip;
        for (int s = 1; s < Strips; s++) First[s] = First[s - 1] + Width[s - 1];
        PaddedK = Strips == 0 ? 0 : First[Strips - 1] + Width[Strips - 1];

        _data = (float*)NativeMemory.AlignedAlloc((nuint)((long)PaddedK * d * sizeof(float)), 64);
        _norms = (float*)NativeMemory.AlignedAlloc((nuint)(PaddedK * sizeof(float)), 64);
        for (int s = 0; s < Strips; s++)
        {
            int w = Width[s], j0 = First[s];
            float* strip = _data + (long)j0 * d;
            for (int c = 0; c < w; c++)
            {
                int j = j0 + c;
                if (j < k)
                {
                    var row = centres.Slice(j * d, d);
                    for (int p = 0; p < d; p++) strip[(long)p * w + c] = row[p];
                    _norms[j] = (float)SquaredDistances.SquaredNorm(row);
                }
                else
                {
                    for (int p = 0; p < d; p++) strip[(long)p * w + c] = 0f;
                    _norms[j] = float.PositiveInfinity;
                }
            }
        }
    }

    /// <summary>Number of real centres.</summary>
    public int K { get; }

    /// <summary>Width d of every centre.</summary>
    public int Dimension { get; }

    /// <summary>Number of strips.</summary>
    public int Strips { get; }

    /// <summary>K rounded up to the strips' total width.</summary>
    public int PaddedK { get; }

    /// <summary>Width (16 or 32) of each strip.</summary>
    public int[] Width { get; }

    /// <summary>Index of each strip's first centre.</summary>
    public int[] First { get; }

    /// <summary>Start of strip <paramref name="s"/> (d groups of Width[s] values).</summary>
    public float* Strip(int s) => _data + (long)First[s] * Dimension;

    /// <summary>‖μ_j‖² for j &lt; PaddedK (+∞ for padding).</summary>
    public float* Norms => _norms;

    /// <inheritdoc />
    public void Dispose()
    {
        NativeMemory.AlignedFree(_data);
        NativeMemory.AlignedFree(_norms);
        _data = _norms = null;
    }
}
