using MlNetConcepts.Data;
using MlNetConcepts.Models;
using MlNetConcepts.Pipeline;

namespace MlNetConcepts.Tests.Core.Pipeline;

/// <summary>
/// A tiny estimator for pipeline tests: learns the per-dimension mean of a vector column and
/// adds a centred copy. Its behaviour is simple enough to check by hand.
/// </summary>
internal sealed class CenteringEstimator(string output, string input) : IConceptEstimator<CenteringTransformer>
{
    public CenteringTransformer Fit(IConceptView view)
    {
        var data = view.ReadMatrix(input, out int rows, out int width);
        var mean = new float[width];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < width; j++) mean[j] += data[r * width + j] / rows;
        return new CenteringTransformer(output, input, mean);
    }

    public ViewSchema GetOutputSchema(ViewSchema inputSchema) => new CenteringTransformer(output, input, new float[inputSchema.RequireVector(input).Type.VectorSize]).GetOutputSchema(inputSchema);
}

internal sealed class CenteringTransformer(string output, string input, float[] mean) : RowMapperTransformer, ISavableComponent
{
    public const string Kind = "test-centering";
    public float[] Mean { get; } = mean;
    public string ComponentKind => Kind;

    protected override IReadOnlyList<ViewColumn> GetAddedColumns(ViewSchema inputSchema)
    {
        inputSchema.RequireVector(input, allowSparse: false, width: Mean.Length);
        return [new ViewColumn(output, ColumnType.DenseVector(Mean.Length))];
    }

    protected override IReadOnlyList<string> GetInputColumns(ViewSchema inputSchema) => [input];

    protected override void MapBlock(IBatchCursor cursor, BlockOutput result)
    {
        var x = cursor.GetFloats(cursor.Schema[input].Index);
        var y = new float[x.Length];
        for (int i = 0; i < x.Length; i++) y[i] = x[i] - Mean[i % Mean.Length];
        result.SetFloats(output, y);
    }

    public void Save(ModelSaveContext context)
    {
        context.Options["input"] = input;
        context.Options["output"] = output;
        context.AddTensor("mean", Mean, Mean.Length);
    }

    public static void Register(ModelLoaderRegistry r) => r.Register(Kind, 1, ctx =>
        new CenteringTransformer(ctx.Option<string>("output"), ctx.Option<string>("input"), ctx.Floats("mean")));
}
