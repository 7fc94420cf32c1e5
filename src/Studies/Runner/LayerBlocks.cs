using MlNetConcepts.IO;

namespace MlNetConcepts.Studies.Runner;

/// <summary>
/// How a study reads a layer (or its codes) that is not held in memory: consecutive blocks of
/// rows of at most <see cref="BlockBytes"/>, straight from the file.
/// </summary>
internal static class LayerBlocks
{
    /// <summary>Bytes of float32 values in one block of the widest matrix a stage reads.</summary>
    public const long BlockBytes = 64L << 20;

    /// <summary>Rows per block for rows of <paramref name="widest"/> values.</summary>
    public static int RowsFor(int widest) => (int)Math.Max(1, BlockBytes / 4 / Math.Max(1, widest));

    /// <summary>The rows of <paramref name="file"/>, <paramref name="blockRows"/> at a time: a fresh array of exactly rows × columns values per block.</summary>
    public static IEnumerable<(float[] Block, int Rows, long First)> Read(MatrixFile file, int blockRows)
    {
        for (long first = 0; first < file.Rows; first += blockRows)
        {
            int count = (int)Math.Min(blockRows, file.Rows - first);
            var block = new float[(long)count * file.Cols];
            file.ReadRows(first, count, block);
            yield return (block, count, first);
        }
    }
}
