using Microsoft.ML.Data;
using MlNetConcepts.IO;

namespace MlNetConcepts.Views;

/// <summary>
/// A float vector column over a <see cref="MatrixFile"/>: sparse for CSR <c>.npz</c> codes (blocks are slices
/// of the stored arrays), dense for a <c>.npy</c> of another numeric type (converted to float32 when opened).
/// Float32 <c>.npy</c> files go through <see cref="MappedNpyColumn"/> instead.
/// </summary>
public sealed class MatrixFileColumn : ConceptColumn, IDisposable
{
    /// <summary>Wraps an opened file as column <paramref name="name"/>.</summary>
    public MatrixFileColumn(string name, MatrixFile file, IReadOnlyList<string>? slotNames = null)
        : base(name, new VectorDataViewType(NumberDataViewType.Single, file.Cols), file.Rows, slotNames) => File = file;

    /// <summary>The file.</summary>
    public MatrixFile File { get; }

    /// <inheritdoc />
    public override bool IsSparse => File.IsSparse;

    /// <inheritdoc />
    public override ReadOnlySpan<float> DenseBlock(long start, int count, scoped ref float[]? scratch)
    {
        int n = checked(count * Width);
        if (scratch is null || scratch.Length < n) scratch = new float[n];
        File.ReadRows(start, count, scratch);
        return scratch.AsSpan(0, n);
    }

    /// <inheritdoc />
    public override SparseBatch SparseBlock(long start, int count) => File.ReadSparse(start, count);

    /// <summary>Closes the file.</summary>
    public void Dispose() => File.Dispose();
}
