using MlNetConcepts.Compute;

namespace MlNetConcepts.IO;

/// <summary>
/// Checks the column indices of compressed sparse rows: within each row strictly increasing (what scipy's
/// <c>has_sorted_indices</c> and no duplicates mean) and inside 0..columns − 1. The fast form cuts the rows into
/// pieces of <see cref="PieceRows"/> checked on the compute threads and only says whether all are valid; the
/// plain form, <see cref="Reference"/>, walks the rows in order and names the first bad row, so an error reads
/// the same whatever the thread count.
/// </summary>
internal static class CsrIndexCheck
{
    /// <summary>Rows per piece: enough stored values (about 150,000 for SAE codes) to outweigh handing a piece to a thread.</summary>
    internal const int PieceRows = 1024;

    /// <summary>Checks the indices and throws the plain form's error for the first bad row.</summary>
    public static void Check(string path, long[] rowStart, ReadOnlyMemory<int> indices, int cols, int threads)
    {
        if (!AllValid(rowStart, indices, cols, threads)) Reference(path, rowStart, indices.Span, cols);
    }

    /// <summary>True when every row's indices are strictly increasing and inside 0..<paramref name="cols"/> − 1.</summary>
    internal static bool AllValid(long[] rowStart, ReadOnlyMemory<int> indices, int cols, int threads)
    {
        long rows = rowStart.LongLength - 1;
        long pieces = (rows + PieceRows - 1) / PieceRows;
        if (pieces <= 1) return PieceValid(rowStart, indices.Span, 0, rows, cols);
        bool bad = false;
        Parallel.For(0L, pieces, new ParallelOptions { MaxDegreeOfParallelism = threads }, (i, state) =>
        {
            long r0 = i * PieceRows;
            if (!PieceValid(rowStart, indices.Span, r0, Math.Min(rows, r0 + PieceRows), cols)) { bad = true; state.Stop(); }
        });
        return !bad;
    }

    // Strictly increasing from a start of −1 rules out negative indices; the last must be below cols.
    private static bool PieceValid(long[] rowStart, ReadOnlySpan<int> indices, long r0, long r1, int cols)
    {
        for (long r = r0; r < r1; r++)
        {
            long from = rowStart[r], to = rowStart[r + 1];
            int previous = -1;
            for (long i = from; i < to; i++)
            {
                int c = indices[(int)i];
                if (c <= previous) return false;
                previous = c;
            }
            if (previous >= cols) return false;
        }
        return true;
    }

    /// <summary>The plain check, row by row in order: throws for the first bad row, naming the file, row and column.</summary>
    public static void Reference(string path, long[] rowStart, ReadOnlySpan<int> indices, int cols)
    {
        for (long r = 0; r + 1 < rowStart.LongLength; r++)
        {
            long previous = -1;
            for (long i = rowStart[r]; i < rowStart[r + 1]; i++)
            {
                long c = indices[(int)i];
                if (c < 0 || c >= cols) throw new ConceptDataException($"{path}: row {r} stores column {c}, outside 0..{cols - 1}.");
                if (c <= previous) throw new ConceptDataException($"{path}: the column indices of row {r} are not strictly increasing (sort them, e.g. scipy's sort_indices()).");
                previous = c;
            }
        }
    }
}
