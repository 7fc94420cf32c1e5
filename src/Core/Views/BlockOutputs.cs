using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetConcepts.Views;

/// <summary>A column a <see cref="BlockMappingTransformer"/> adds: name, ML.NET type and optional slot names.</summary>
/// <param name="Name">Column name.</param>
/// <param name="Type">A vector of Single or Int32.</param>
/// <param name="SlotNames">Slot names of a vector column, or null.</param>
public sealed record AddedColumn(string Name, DataViewType Type, IReadOnlyList<string>? SlotNames = null);

/// <summary>The added columns of one block of rows: dense float blocks (row-major), sparse blocks or Int32 values.</summary>
public sealed class BlockOutputs(int rows)
{
    private readonly Dictionary<string, object> _columns = new();

    /// <summary>Rows in the block.</summary>
    public int Rows { get; } = rows;

    /// <summary>Sets a dense float vector column (rows × width, row-major).</summary>
    public void SetFloats(string column, float[] values) => _columns[column] = values;
    /// <summary>Sets a sparse float vector column.</summary>
    public void SetSparse(string column, SparseBatch values) => _columns[column] = values;
    /// <summary>Sets an Int32 column.</summary>
    public void SetInt32s(string column, int[] values) => _columns[column] = values;

    /// <summary>The stored block of a column (float[], SparseBatch or int[]).</summary>
    public object Get(string column) => _columns.TryGetValue(column, out var v) ? v
        : throw new InvalidOperationException($"The transformer did not produce column '{column}'.");
}
