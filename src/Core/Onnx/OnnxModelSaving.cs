using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetConcepts.Views;

namespace MlNetConcepts.Onnx;

/// <summary>
/// Saving through ML.NET's public API only: a fitted component builds an ONNX graph of its inference and its
/// <c>ICanSaveModel.Save</c> hands the context to an <c>OnnxTransformer</c> of that graph (ML.NET's
/// <c>LoadableClass</c>, <c>ModelSaveContext</c> members and <c>VersionInfo</c> are internal). <c>mlContext.Model.Load</c>
/// then gives back ML.NET's <c>OnnxTransformer</c>, so a deployed model needs only ML.NET and ONNX Runtime.
/// </summary>
public static class OnnxModelSaving
{
    /// <summary>An ML.NET <c>OnnxTransformer</c> running <paramref name="model"/>, whose graph inputs are float vector columns of the given widths.</summary>
    public static ITransformer ToOnnxTransformer(byte[] model, IReadOnlyList<(string Name, int Width)> inputs, IReadOnlyList<string> outputs)
        => ToOnnxTransformer(model, inputs.Select(i => (i.Name, (DataViewType)new VectorDataViewType(NumberDataViewType.Single, i.Width))).ToArray(), outputs);

    /// <summary>An ML.NET <c>OnnxTransformer</c> running <paramref name="model"/>, whose graph inputs are columns of the given types.</summary>
    public static ITransformer ToOnnxTransformer(byte[] model, IReadOnlyList<(string Name, DataViewType Type)> inputs, IReadOnlyList<string> outputs)
    {
        var ml = new MLContext();
        // An empty view of the input columns: the estimator only checks their types when fitting.
        var empty = new ColumnDataView(inputs.Select(i => (ConceptColumn)new EmptyColumn(i.Name, i.Type)).ToArray());
        var estimator = ml.Transforms.ApplyOnnxModel(outputs.ToArray(), inputs.Select(i => i.Name).ToArray(), new MemoryStream(model), null, false);
        return estimator.Fit(empty);
    }

    /// <summary>Saves <paramref name="model"/> into <paramref name="ctx"/> as an <c>OnnxTransformer</c>.</summary>
    public static void Save(ModelSaveContext ctx, byte[] model, IReadOnlyList<(string Name, int Width)> inputs, IReadOnlyList<string> outputs)
        => ToOnnxTransformer(model, inputs, outputs).Save(ctx);

    /// <summary>Saves <paramref name="model"/> (inputs of any column type) into <paramref name="ctx"/> as an <c>OnnxTransformer</c>.</summary>
    public static void Save(ModelSaveContext ctx, byte[] model, IReadOnlyList<(string Name, DataViewType Type)> inputs, IReadOnlyList<string> outputs)
        => ToOnnxTransformer(model, inputs, outputs).Save(ctx);

    /// <summary>A column with no rows, for telling an estimator the input types.</summary>
    private sealed class EmptyColumn(string name, DataViewType type) : ConceptColumn(name, type, 0);
}
