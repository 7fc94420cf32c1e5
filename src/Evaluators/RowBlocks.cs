using MlNetConcepts.IO;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// A dense float32 matrix read a block of consecutive rows at a time: in memory or memory-mapped
/// from a <c>.npy</c> file of any size, so an evaluator holds only one block of it. Values are
/// checked to be finite as they are read; an error names the source, row and column.
/// </summary>
public abstract class RowBlocks
{
    private protected RowBlocks(string name, long rows, int cols)
    {
        Name = name;
        Rows = rows;
        Cols = cols;
    }

    /// <summary>Name used in error messages (a file or matrix name).</summary>
    public string Name { get; }
    /// <summary>Number of rows.</summary>
    public long Rows { get; }
    /// <summary>Number of columns.</summary>
    public int Cols { get; }

    /// <summary>Copies rows [first, first+rows) into <paramref name="destination"/> (rows × Cols, row-major).</summary>
    public abstract void Read(long first, int rows, Span<float> destination);

    /// <summary>An in-memory matrix (already checked finite).</summary>
    public static RowBlocks Of(DenseMatrix matrix) => new InMemory(matrix);

    /// <summary>A memory-mapped float32 <c>.npy</c> matrix; the caller keeps it open while reading.</summary>
    public static RowBlocks Of(NpyMappedMatrix mapped) => new Mapped(mapped);

    private sealed class InMemory(DenseMatrix m) : RowBlocks(m.Name, m.Rows, m.Cols)
    {
        public override void Read(long first, int rows, Span<float> destination)
            => m.Data.AsSpan((int)(first * Cols), rows * Cols).CopyTo(destination);
    }

    private sealed class Mapped(NpyMappedMatrix m) : RowBlocks(m.Path, m.Rows, m.Cols)
    {
        public override void Read(long first, int rows, Span<float> destination)
        {
            var block = m.RowBlock(first, rows);
            for (int i = 0; i < block.Length; i++)
                if (!float.IsFinite(block[i]))
                    throw new ConceptDataException($"{Name}: value {block[i]} at row {first + i / Cols}, column {i % Cols} is not finite.");
            block.CopyTo(destination);
        }
    }
}
