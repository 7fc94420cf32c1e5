using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetConcepts.Views;

/// <summary>Schema checks with errors that name the column and what was expected.</summary>
public static class ViewColumns
{
    /// <summary>The column named <paramref name="name"/>; a clear error listing the columns otherwise.</summary>
    public static DataViewSchema.Column Require(DataViewSchema schema, string name)
        => schema.GetColumnOrNull(name)
           ?? throw new ConceptDataException($"Column '{name}' is not in the data (columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}).");

    /// <summary>
    /// A fixed-size vector of Single named <paramref name="name"/>, of width <paramref name="width"/> when given;
    /// returns its width.
    /// </summary>
    public static int RequireFloatVector(DataViewSchema schema, string name, int? width = null)
    {
        var col = Require(schema, name);
        if (col.Type is not VectorDataViewType { ItemType: NumberDataViewType item } v || item != NumberDataViewType.Single || v.Size == 0)
            throw new ConceptDataException($"Column '{name}' is {col.Type}; expected a fixed-size vector of Single.");
        if (width is int w && v.Size != w)
            throw new ConceptDataException($"Column '{name}' has width {v.Size}, but width {w} is expected.");
        return v.Size;
    }

    /// <summary>The same check on an estimator's input shape (width is not part of a shape).</summary>
    public static void RequireFloatVector(SchemaShape shape, string name)
    {
        var found = shape.Where(c => c.Name == name).ToArray();
        if (found.Length == 0)
            throw new ConceptDataException($"Column '{name}' is not in the data (columns: {string.Join(", ", shape.Select(c => c.Name))}).");
        var col = found[^1];
        if (col.Kind != SchemaShape.Column.VectorKind.Vector || col.ItemType != NumberDataViewType.Single)
            throw new ConceptDataException($"Column '{name}' is {col.Kind} of {col.ItemType}; expected a fixed-size vector of Single.");
    }

    /// <summary>A fixed-size vector of Single named <paramref name="name"/> (a clear error otherwise): its name and width.</summary>
    public static VectorColumn Vector(DataViewSchema schema, string name) => new(name, RequireFloatVector(schema, name));

    /// <summary>Slot names of a vector column, or null when it has none.</summary>
    public static string[]? SlotNames(DataViewSchema.Column column)
    {
        if (column.Annotations.Schema.GetColumnOrNull("SlotNames") is null) return null;
        VBuffer<ReadOnlyMemory<char>> names = default;
        column.Annotations.GetValue("SlotNames", ref names);
        return names.DenseValues().Select(m => m.ToString()).ToArray();
    }

    /// <summary>
    /// The output shape of an estimator that adds <paramref name="added"/> (float vectors or Int32 scalars) to
    /// <paramref name="input"/>. SchemaShape.Column has no public constructor, so the columns come from the public
    /// shape logic of ML.NET's custom-mapping estimator, told the names and types through a schema definition.
    /// </summary>
    public static SchemaShape AddColumns(SchemaShape input, IEnumerable<(string Name, DataViewType Type)> added)
    {
        var ml = new MLContext();
        var shape = input;
        foreach (var (name, type) in added)
        {
            shape = type switch
            {
                VectorDataViewType { ItemType: NumberDataViewType item } when item == NumberDataViewType.Single => Add<VectorShape>(ml, shape, name, type),
                NumberDataViewType n when n == NumberDataViewType.Int32 => Add<ScalarShape<int>>(ml, shape, name, type),
                NumberDataViewType n when n == NumberDataViewType.Int64 => Add<ScalarShape<long>>(ml, shape, name, type),
                NumberDataViewType n when n == NumberDataViewType.Single => Add<ScalarShape<float>>(ml, shape, name, type),
                NumberDataViewType n when n == NumberDataViewType.Double => Add<ScalarShape<double>>(ml, shape, name, type),
                BooleanDataViewType => Add<ScalarShape<bool>>(ml, shape, name, type),
                TextDataViewType => Add<ScalarShape<string>>(ml, shape, name, type),
                _ => throw new ConceptDataException($"Column '{name}' is {type}; only Single vectors and Int32, Int64, Single, Double, Boolean and text scalars can be described."),
            };
        }
        return shape;
    }

    /// <summary>The shape of a schema (its Single vector and scalar columns), for calling an estimator's <c>GetOutputSchema</c>.</summary>
    public static SchemaShape ShapeOf(DataViewSchema schema)
        => AddColumns(new SchemaShape([]), schema.Where(c => !c.IsHidden).Select(c => (c.Name, c.Type)));

    private static SchemaShape Add<TShape>(MLContext ml, SchemaShape shape, string name, DataViewType type) where TShape : class, new()
    {
        var def = SchemaDefinition.Create(typeof(TShape));
        def[0].ColumnName = name;
        def[0].ColumnType = type;
        return ml.Transforms.CustomMapping<NoInput, TShape>((_, _) => { }, null, outputSchemaDefinition: def).GetOutputSchema(shape);
    }

    private sealed class NoInput;

    private sealed class ScalarShape<T>
    {
        public T? Value { get; set; }
    }

    private sealed class VectorShape
    {
        [VectorType(1)]
        public float[] Value { get; set; } = [];
    }
}
