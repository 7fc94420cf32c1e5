using Microsoft.ML;
using MlNetConcepts.IO;

namespace MlNetConcepts.Views;

/// <summary>
/// Loaders on ML.NET's <see cref="DataOperationsCatalog"/> (<c>mlContext.Data.LoadFromNpy(…)</c>) for the array
/// formats activations and codes come in. Each returns a <see cref="ColumnDataView"/>; dispose it to close files.
/// </summary>
public static class DataCatalogExtensions
{
    /// <summary>
    /// A view with one float vector column over a 2-D <c>.npy</c> matrix (1-D: width 1). Float32 data is memory-mapped
    /// and read without copying, so the file may be larger than memory; other numeric types are read whole and converted.
    /// A CSR <c>.npz</c> (as <c>mlnc sae encode --sparse</c> and <c>scipy.sparse.save_npz</c> write it) loads as a
    /// sparse column with slot names <c>concept_0…</c>. An Arrow IPC file or stream (<c>.arrow</c>, <c>.feather</c>,
    /// <c>.arrows</c>) loads its one float32 vector column (see <see cref="LoadFromArrow"/>).
    /// </summary>
    public static ColumnDataView LoadFromNpy(this DataOperationsCatalog catalog, string path, string column = "Features")
        => catalog.LoadFromMatrixFiles((column, path));

    /// <summary>
    /// One column per (column, path) pair; row n of every file is sample n (the error names both files otherwise).
    /// </summary>
    public static ColumnDataView LoadFromMatrixFiles(this DataOperationsCatalog catalog, params (string Column, string Path)[] files)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var columns = new List<ConceptColumn>();
        try
        {
            foreach (var (name, path) in files)
            {
                var column = OpenColumn(name, path);
                columns.Add(column);
                if (column.Rows != columns[0].Rows)
                    throw new ConceptDataException($"{files[0].Path} has {columns[0].Rows} rows but {path} has {column.Rows}; their rows must be the same samples.");
            }
            return new ColumnDataView(columns.ToArray());
        }
        catch
        {
            foreach (var c in columns) (c as IDisposable)?.Dispose();
            throw;
        }
    }

    private static ConceptColumn OpenColumn(string name, string path)
    {
        if (!File.Exists(path)) throw new ConceptDataException($"{path}: file not found.");
        switch (ArrayFiles.DetectFormat(path))
        {
            case ArrayFileFormat.Npz:
                var file = MatrixFile.Open(path);
                return new MatrixFileColumn(name, file, Enumerable.Range(0, file.Cols).Select(i => $"concept_{i}").ToArray());
            case ArrayFileFormat.Arrow:
                return ArrowSource.OpenSingleVector(path, name);
        }
        var (type, _) = NpyFile.ReadShape(path);
        return type == NdType.Float32 ? new MappedNpyColumn(name, path) : new MatrixFileColumn(name, MatrixFile.Open(path));
    }

    /// <summary>
    /// A view over the columns of an Arrow IPC file (<c>.arrow</c>, Feather v2) or stream (<c>.arrows</c>), as pyarrow
    /// and polars write them, LZ4/Zstandard-compressed or not; <paramref name="columns"/> picks and orders columns
    /// (default: all). A <c>FixedSizeList&lt;float32&gt;</c> column, or a <c>List&lt;float32&gt;</c> whose rows all have the
    /// same length, becomes a float vector column; float32, float64, int32 and int64 columns become scalars and utf8
    /// columns ML.NET text. The file is read into memory when opened. Vector rows are handed to the kernels straight
    /// from the record batch's buffer when the file holds a single batch (zero-copy); with several batches each block
    /// is copied out of the batches it covers. Nulls, other types, unknown column names and truncated or corrupt
    /// files get an error naming the file and the column.
    /// </summary>
    public static ColumnDataView LoadFromArrow(this DataOperationsCatalog catalog, string path, params string[] columns)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return ArrowSource.Load(path, columns);
    }

    /// <summary>A view over one tensor of a safetensors file (2-D, or 1-D as one column), converted to float32.</summary>
    public static ColumnDataView LoadFromSafeTensors(this DataOperationsCatalog catalog, string path, string tensor, string column = "Features")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var array = SafeTensors.ReadFile(path)[tensor];
        var (_, cols) = array.Matrix2D($"{path}: tensor '{tensor}'");
        return new ColumnDataView(new DenseArrayColumn(column, array.ToFloat32(), cols));
    }

    /// <summary>A view with one dense float vector column over an in-memory row-major matrix (no copy).</summary>
    public static ColumnDataView LoadFromMatrix(this DataOperationsCatalog catalog, float[] data, int width, string column = "Features", IReadOnlyList<string>? slotNames = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ColumnDataView(new DenseArrayColumn(column, data, width, slotNames));
    }
}
