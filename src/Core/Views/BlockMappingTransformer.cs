using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetConcepts.Views;

/// <summary>
/// Base of the project's fitted components as ML.NET transformers: they add columns computed a block of rows
/// at a time from some input columns (one GEMM per block), and keep the input's columns. <see cref="Transform"/>
/// is lazy; <see cref="GetRowToRowMapper"/> maps single rows with the same code, so <c>PredictionEngine</c> works
/// and gives the batched values.
/// </summary>
public abstract class BlockMappingTransformer : ITransformer
{
    /// <summary>Rows computed together when a view is read through a cursor.</summary>
    public const int CursorBlockRows = 256;

    /// <summary>
    /// Rows this transformer computes together when its view is read through a cursor
    /// (<see cref="CursorBlockRows"/> unless a component needs larger blocks, e.g. to keep a
    /// pipeline of several batches busy inside one block).
    /// </summary>
    public virtual int BlockRows => CursorBlockRows;

    /// <summary>The input columns the added columns are computed from.</summary>
    public abstract IReadOnlyList<string> InputColumns { get; }

    /// <summary>The added columns for <paramref name="input"/>; throws a clear error naming the column when the input does not fit.</summary>
    public abstract IReadOnlyList<AddedColumn> AddedColumns(DataViewSchema input);

    /// <summary>Computes the added columns for one block of input rows.</summary>
    public abstract BlockOutputs MapBlock(IRowBlock input);

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        foreach (var c in AddedColumns(inputSchema))
        {
            var annotations = new DataViewSchema.Annotations.Builder();
            if (c.SlotNames is { } names) annotations.Add("SlotNames", new VectorDataViewType(TextDataViewType.Instance, names.Count), ConceptColumn.SlotNameGetter(names));
            builder.AddColumn(c.Name, c.Type, annotations.ToAnnotations());
        }
        return builder.ToSchema();
    }

    /// <inheritdoc />
    public IDataView Transform(IDataView input) => new MappedDataView(this, input);

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new BlockRowMapper(this, inputSchema);

    /// <inheritdoc />
    public abstract void Save(ModelSaveContext ctx);

    /// <summary>A getter over the current row of a block of outputs.</summary>
    internal static Delegate OutputGetter(AddedColumn column, Func<(BlockOutputs Block, int Row)> current)
    {
        if (column.Type == NumberDataViewType.Int32)
        {
            ValueGetter<int> g = (ref int v) => { var (b, r) = current(); v = ((int[])b.Get(column.Name))[r]; };
            return g;
        }
        int w = ((VectorDataViewType)column.Type).Size;
        ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> dst) =>
        {
            var (b, r) = current();
            switch (b.Get(column.Name))
            {
                case float[] dense:
                {
                    var editor = VBufferEditor.Create(ref dst, w);
                    dense.AsSpan(r * w, w).CopyTo(editor.Values);
                    dst = editor.Commit();
                    break;
                }
                case SparseBatch sparse:
                {
                    var idx = sparse.RowIndices(r);
                    var editor = VBufferEditor.Create(ref dst, w, idx.Length);
                    idx.CopyTo(editor.Indices);
                    sparse.RowValues(r).CopyTo(editor.Values);
                    dst = editor.Commit();
                    break;
                }
            }
        };
        return getter;
    }
}
