using Microsoft.ML.Data;
using MlNetConcepts.IO;

namespace MlNetConcepts.Views;

/// <summary>
/// A dense float vector column over a memory-mapped float32 <c>.npy</c> matrix: blocks are spans into the
/// mapping (zero-copy), so only the pages a reader touches are paged in and the file may exceed memory.
/// The owning view unmaps the file when disposed.
/// </summary>
public sealed class MappedNpyColumn : ConceptColumn, IDisposable
{
    /// <summary>Maps <paramref name="path"/> (float32, rank 1 or 2) as column <paramref name="name"/>.</summary>
    public MappedNpyColumn(string name, string path) : this(name, NpyMappedMatrix.Open(path)) { }

    private MappedNpyColumn(string name, NpyMappedMatrix matrix)
        : base(name, new VectorDataViewType(NumberDataViewType.Single, matrix.Cols), matrix.Rows) => Matrix = matrix;

    /// <summary>The mapped matrix.</summary>
    public NpyMappedMatrix Matrix { get; }

    /// <inheritdoc />
    public override bool BlocksAreViews => true;

    /// <inheritdoc />
    public override ReadOnlySpan<float> DenseBlock(long start, int count, scoped ref float[]? scratch) => Matrix.RowBlock(start, count);

    /// <inheritdoc />
    public override bool TryDenseMemory(long start, int count, out ReadOnlyMemory<float> rows)
    {
        rows = Matrix.RowMemory(start, count);
        return true;
    }

    /// <summary>Unmaps the file.</summary>
    public void Dispose() => Matrix.Dispose();
}
