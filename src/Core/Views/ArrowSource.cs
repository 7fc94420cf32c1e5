using Apache.Arrow;
using Apache.Arrow.Types;

namespace MlNetConcepts.Views;

/// <summary>
/// Turns the fields of an Arrow IPC file or stream into <see cref="ColumnDataView"/> columns: float32 lists (fixed-size,
/// or variable with equal lengths) become float vector columns read from the record batches
/// (<see cref="ArrowVectorColumn"/>); float32, float64, int32, int64 and utf8 scalars are gathered into arrays
/// (<see cref="ScalarArrayColumn"/>; utf8 becomes ML.NET text). Anything else, and nulls, get an error naming the
/// file and the column.
/// </summary>
internal static class ArrowSource
{
    private const string Supported = "FixedSizeList<float32>, List<float32> with equal lengths, float32, float64, int32, int64 and utf8";

    /// <summary>A view over <paramref name="columns"/> of the file (all its columns when none are named), in the order asked.</summary>
    public static ColumnDataView Load(string path, IReadOnlyList<string> columns)
    {
        using var batches = ArrowBatches.Read(path);
        var names = columns.Count > 0 ? columns : batches.Schema.FieldsList.Select(f => f.Name).ToList();
        var opened = new List<ConceptColumn>();
        try
        {
            foreach (var name in names) opened.Add(Open(batches, FieldIndex(batches, name), name));
            return new ColumnDataView(opened.ToArray());
        }
        catch
        {
            foreach (var c in opened) (c as IDisposable)?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The file's one float vector column as column <paramref name="name"/> (how <c>LoadFromMatrixFiles</c> and the CLI's
    /// <c>--activations</c> read an Arrow file); an error lists the candidates when there are none or several.
    /// </summary>
    public static ConceptColumn OpenSingleVector(string path, string name)
    {
        using var batches = ArrowBatches.Read(path);
        var fields = batches.Schema.FieldsList;
        var vectors = Enumerable.Range(0, fields.Count).Where(i => ArrowVectorColumn.IsVectorField(fields[i])).ToArray();
        if (vectors.Length != 1)
            throw new ConceptDataException(vectors.Length == 0
                ? $"{path}: no float32 vector column (columns: {Describe(batches.Schema)}); activations need a FixedSizeList<float32> or List<float32> column."
                : $"{path}: {vectors.Length} float32 vector columns ({string.Join(", ", vectors.Select(i => fields[i].Name))}); a matrix input needs exactly one (load the file with mlContext.Data.LoadFromArrow to choose).");
        return ArrowVectorColumn.Open(name, batches, vectors[0]);
    }

    /// <summary>The file's one float vector column as a row-major array.</summary>
    public static float[] ReadMatrix(string path, out int rows, out int cols)
    {
        using var column = (ArrowVectorColumn)OpenSingleVector(path, "Features");
        if (column.Rows * column.Width > System.Array.MaxLength)
            throw new ConceptDataException($"{path}: {column.Rows} × {column.Width} values are too many for one array.");
        rows = (int)column.Rows;
        cols = column.Width;
        float[]? scratch = null;
        var block = column.DenseBlock(0, rows, ref scratch);
        return scratch is not null && block.Length == scratch.Length ? scratch : block.ToArray();
    }

    private static int FieldIndex(ArrowBatches batches, string name)
    {
        int index = batches.Schema.GetFieldIndex(name, StringComparer.Ordinal);
        if (index < 0) throw new ConceptDataException($"{batches.Path}: no column '{name}' (columns: {Describe(batches.Schema)}).");
        return index;
    }

    private static ConceptColumn Open(ArrowBatches batches, int index, string name)
    {
        var field = batches.Schema.GetFieldByIndex(index);
        if (ArrowVectorColumn.IsVectorField(field)) return ArrowVectorColumn.Open(name, batches, index);
        return field.DataType switch
        {
            FloatType => ScalarArrayColumn.Single(name, Gather<FloatArray, float>(batches, index, (a, i) => a.GetValue(i)!.Value)),
            DoubleType => ScalarArrayColumn.Double(name, Gather<DoubleArray, double>(batches, index, (a, i) => a.GetValue(i)!.Value)),
            Int32Type => ScalarArrayColumn.Int32(name, Gather<Int32Array, int>(batches, index, (a, i) => a.GetValue(i)!.Value)),
            Int64Type => ScalarArrayColumn.Int64(name, Gather<Int64Array, long>(batches, index, (a, i) => a.GetValue(i)!.Value)),
            StringType => ScalarArrayColumn.Text(name, Gather<StringArray, string>(batches, index, (a, i) => a.GetString(i))),
            _ => throw new ConceptDataException($"{batches.Path}: column '{field.Name}' has Arrow type {TypeName(field.DataType)}, which is not supported (supported: {Supported})."),
        };
    }

    /// <summary>One array of the column's values over all batches; a null is an error naming its row.</summary>
    private static T[] Gather<TArray, T>(ArrowBatches batches, int index, Func<TArray, int, T> value) where TArray : Apache.Arrow.Array
    {
        if (batches.Rows > System.Array.MaxLength) throw new ConceptDataException($"{batches.Path}: {batches.Rows} rows are too many for one array.");
        var result = new T[batches.Rows];
        for (int b = 0; b < batches.Batches.Length; b++)
        {
            var array = (TArray)batches.Batches[b].Column(index);
            long first = batches.BatchStart[b];
            for (int i = 0; i < array.Length; i++)
            {
                if (array.IsNull(i))
                    throw new ConceptDataException($"{batches.Path}: column '{batches.Schema.GetFieldByIndex(index).Name}' has a null at row {first + i}; fill it before loading.");
                result[first + i] = value(array, i);
            }
        }
        return result;
    }

    private static string Describe(Schema schema) => string.Join(", ", schema.FieldsList.Select(f => $"{f.Name} ({TypeName(f.DataType)})"));

    private static string TypeName(IArrowType type) => type switch
    {
        FixedSizeListType f => $"FixedSizeList<{TypeName(f.ValueDataType)}>[{f.ListSize}]",
        ListType l => $"List<{TypeName(l.ValueDataType)}>",
        _ => type.Name,
    };
}
