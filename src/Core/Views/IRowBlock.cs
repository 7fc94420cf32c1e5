
namespace MlNetConcepts.Views;

/// <summary>A block of consecutive rows of some columns, as the kernels read them.</summary>
public interface IRowBlock
{
    /// <summary>Index of the block's first row in the view.</summary>
    long BlockStart { get; }
    /// <summary>Rows in the block.</summary>
    int BlockRows { get; }
    /// <summary>A float vector column's rows, row-major (BlockRows × width; a sparse column is densified).</summary>
    ReadOnlySpan<float> Floats(string column);
    /// <summary>A float vector column's rows in compressed-row form (a dense column keeps its nonzero entries).</summary>
    SparseBatch Sparse(string column);
    /// <summary>An Int32 column's values.</summary>
    ReadOnlySpan<int> Int32s(string column);
    /// <summary>A text column's values.</summary>
    IReadOnlyList<string> Strings(string column);
}
