namespace MlNetConcepts.Data;

/// <summary>
/// The type of a column: an element kind, and for vector columns a fixed width and whether
/// the values are stored sparse (index/value pairs per row, as TopK codes are).
/// </summary>
/// <param name="Kind">Element type.</param>
/// <param name="VectorSize">0 for a scalar column, otherwise the number of slots per row.</param>
/// <param name="IsSparse">True when rows are stored as (index, value) pairs; only for Float32 vectors.</param>
public sealed record ColumnType(DataKind Kind, int VectorSize = 0, bool IsSparse = false)
{
    /// <summary>True when the column holds a vector per row.</summary>
    public bool IsVector => VectorSize > 0;

    /// <summary>A scalar float column.</summary>
    public static ColumnType Float32Scalar { get; } = new(DataKind.Float32);
    /// <summary>A scalar double column.</summary>
    public static ColumnType Float64Scalar { get; } = new(DataKind.Float64);
    /// <summary>A scalar int column.</summary>
    public static ColumnType Int32Scalar { get; } = new(DataKind.Int32);
    /// <summary>A scalar long column.</summary>
    public static ColumnType Int64Scalar { get; } = new(DataKind.Int64);
    /// <summary>A scalar boolean column.</summary>
    public static ColumnType BooleanScalar { get; } = new(DataKind.Boolean);
    /// <summary>A string column.</summary>
    public static ColumnType Text { get; } = new(DataKind.String);

    /// <summary>A dense float vector column of the given width.</summary>
    public static ColumnType DenseVector(int width) => width > 0
        ? new(DataKind.Float32, width)
        : throw new ArgumentOutOfRangeException(nameof(width), width, "A vector column needs a width of at least 1.");

    /// <summary>A sparse float vector column of the given width.</summary>
    public static ColumnType SparseVector(int width) => width > 0
        ? new(DataKind.Float32, width, IsSparse: true)
        : throw new ArgumentOutOfRangeException(nameof(width), width, "A vector column needs a width of at least 1.");

    /// <inheritdoc />
    public override string ToString() => VectorSize == 0
        ? Kind.ToString()
        : $"{(IsSparse ? "Sparse" : "Vector")}<{Kind}, {VectorSize}>";
}
