using MlNetConcepts.Views;
using Microsoft.ML;
using MlNetConcepts.IO;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// A row-major float32 matrix handed to an evaluator (samples × features, concepts × dimensions…),
/// with the name used in error messages. Construction checks the size and that every value is
/// finite, so evaluators can trust their inputs.
/// </summary>
public sealed class DenseMatrix
{
    private DenseMatrix(float[] data, int rows, int cols, string name)
    {
        Data = data;
        Rows = rows;
        Cols = cols;
        Name = name;
    }

    /// <summary>The values, row-major (<see cref="Rows"/> × <see cref="Cols"/>).</summary>
    public float[] Data { get; }
    /// <summary>Number of rows.</summary>
    public int Rows { get; }
    /// <summary>Number of columns.</summary>
    public int Cols { get; }
    /// <summary>Name used in error messages (a file or column name).</summary>
    public string Name { get; }

    /// <summary>One row as a span.</summary>
    public ReadOnlySpan<float> Row(int r) => Data.AsSpan(r * Cols, Cols);

    /// <summary>
    /// Wraps a row-major buffer. Throws <see cref="ConceptDataException"/> when the length is not
    /// rows × cols, a size is not positive, or a value is NaN or infinite.
    /// </summary>
    public static DenseMatrix Create(float[] data, int rows, int cols, string name)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (rows < 1 || cols < 1)
            throw new ConceptDataException($"{name}: expected a non-empty matrix but the shape is ({rows}, {cols}).");
        if ((long)rows * cols != data.LongLength)
            throw new ConceptDataException($"{name}: shape ({rows}, {cols}) needs {(long)rows * cols} values but {data.LongLength} were given.");
        for (long i = 0; i < data.LongLength; i++)
        {
            if (!float.IsFinite(data[i]))
                throw new ConceptDataException($"{name}: value {data[i]} at row {i / cols}, column {i % cols} is not finite.");
        }
        return new DenseMatrix(data, rows, cols, name);
    }

    /// <summary>A 2-D (or 1-D, as one column) array of any numeric type, converted to float32.</summary>
    public static DenseMatrix FromNdArray(NdArray array, string name)
    {
        var (rows, cols) = array.Matrix2D(name);
        return Create(array.ToFloat32(), rows, cols, name);
    }

    /// <summary>Reads a <c>.npy</c> file as a matrix named after the file.</summary>
    public static DenseMatrix ReadNpy(string path) => FromNdArray(NpyFile.Read(path), path);

    /// <summary>Reads a float vector column of a view into memory.</summary>
    public static DenseMatrix FromView(IDataView view, string column)
    {
        var data = RowBlockReader.ReadMatrix(view, column, out int rows, out int width);
        return Create(data, rows, width, $"column '{column}'");
    }
}
