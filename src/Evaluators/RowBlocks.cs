using MlNetConcepts.IO;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// A dense matrix read a block of consecutive rows at a time, from memory or from a
/// <see cref="MatrixFile"/> of any size. Values read from a file are checked to be finite (an
/// error names the file, row and column); a <see cref="DenseMatrix"/> was checked when made.
/// </summary>
internal abstract class RowBlocks(string name, long rows, int cols)
{
    public string Name { get; } = name;
    public long Rows { get; } = rows;
    public int Cols { get; } = cols;

    /// <summary>Copies rows [first, first+rows) into <paramref name="destination"/> (rows × Cols, row-major).</summary>
    public abstract void Read(long first, int rows, Span<float> destination);

    public static RowBlocks Of(DenseMatrix matrix) => new InMemory(matrix);

    public static RowBlocks Of(MatrixFile file) => new FromFile(file);

    private sealed class InMemory(DenseMatrix m) : RowBlocks(m.Name, m.Rows, m.Cols)
    {
        public override void Read(long first, int rows, Span<float> destination)
            => m.Data.AsSpan((int)(first * Cols), rows * Cols).CopyTo(destination);
    }

    private sealed class FromFile(MatrixFile f) : RowBlocks(f.Path, f.Rows, f.Cols)
    {
        public override void Read(long first, int rows, Span<float> destination)
        {
            f.ReadRows(first, rows, destination);
            var block = destination[..(rows * Cols)];
            for (int i = 0; i < block.Length; i++)
                if (!float.IsFinite(block[i]))
                    throw new ConceptDataException($"{Name}: value {block[i]} at row {first + i / Cols}, column {i % Cols} is not finite.");
        }
    }
}
