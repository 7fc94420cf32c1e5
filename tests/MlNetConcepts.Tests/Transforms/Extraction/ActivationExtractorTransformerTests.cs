using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetConcepts.Tests.Core.Views;
using MlNetConcepts.Transforms.Extraction;
using MlNetConcepts.Transforms.Images;
using MlNetConcepts.Transforms.Onnx;
using MlNetConcepts.Views;

namespace MlNetConcepts.Tests.Transforms.Extraction;

[TestClass]
public sealed class ActivationExtractorTransformerTests
{
    private static ActivationExtractorOptions Options(TokenSelection tokens) => new()
    {
        ModelPath = OrtFixtures.Path("vit.onnx"),
        Tensors = ["block:2", "logits"],
        Tokens = tokens,
        BatchSize = 2,
        Session = new OnnxSessionOptions { IntraOpThreads = 1 },
    };

    private static ColumnDataView Paths(string[] files) => new(ScalarArrayColumn.Text("Path", files));

    [TestMethod]
    public void ImagePathColumnGainsClsAndLogitColumnsEqualToTorch()
    {
        var files = ImageFile.ListFolder(OrtFixtures.Path("vit_images")).ToArray();
        var view = Paths(files);
        using var t = new MLContext(1).Transforms.ExtractActivations(Options(TokenSelection.Cls), "Path", ImagePreprocessor.None(3) with { Mean = [0.5f], Std = [0.5f] });
        var schema = t.GetOutputSchema(view.Schema);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 32), schema["block_2"].Type);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 10), schema["logits"].Type);
        var cls = RowBlockReader.ReadMatrix(t.Transform(view), "block_2", out int rows, out int width);
        Assert.AreEqual(3, rows);
        var want = OrtFixtures.Npy("vit_images_block2.npy").ToFloat32(); // [3,17,32]
        for (int s = 0; s < 3; s++)
            for (int d = 0; d < 32; d++) Assert.AreEqual(want[s * 17 * 32 + d], cls[s * width + d], 1e-4);
        using var reader = new RowBlockReader(t.Transform(view), ["Path"]);
        Assert.IsTrue(reader.MoveNext());
        CollectionAssert.AreEqual(files, reader.Strings("Path").ToArray(), "input columns pass through");
    }

    [TestMethod]
    public void SeveralRowsPerSampleAndWrongColumnsAreRejected()
    {
        var pre = ImagePreprocessor.None(3);
        var ml = new MLContext(1);
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => ml.Transforms.ExtractActivations(Options(new TokenSelection(TokenMode.All)), "Path", pre)).Message, "one row per input row");
        using var t = ml.Transforms.ExtractActivations(Options(TokenSelection.Cls), "Path", pre);
        var numbers = new ColumnDataView(ScalarArrayColumn.Single("Path", [1f]));
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => t.GetOutputSchema(numbers.Schema)).Message, "Column 'Path' must be a text column");
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => t.Transform(new ColumnDataView(ScalarArrayColumn.Text("Other", ["x"])))).Message, "Column 'Path' is not in the data");
    }

    public sealed class PathRow
    {
        public string Path { get; set; } = "";
    }

    public sealed class Extracted
    {
        [ColumnName("b2"), VectorType(32)] public float[] Block2 { get; set; } = [];
    }

    [TestMethod]
    [DataRow(TokenMode.Cls)] [DataRow(TokenMode.Mean)]
    public void SavesAsTheTappedModelAndPredictionEngineMatchesTheBatch(TokenMode mode)
    {
        var files = ImageFile.ListFolder(OrtFixtures.Path("vit_images")).ToArray();
        var view = Paths(files);
        var pre = ImagePreprocessor.Clip(32);
        using var t = new MLContext(2).Transforms.ExtractActivations(Options(new TokenSelection(mode)), "Path", pre, ["b2", "lg"]);
        var batched = Workout.Dense(t.Transform(view), "b2");

        // PredictionEngine (one row through the same code) = the batched rows.
        var engine = new MLContext(2).Model.CreatePredictionEngine<PathRow, Extracted>(t, view.Schema);
        for (int i = 0; i < files.Length; i++)
            Workout.Close(batched[(i * 32)..((i + 1) * 32)], engine.Predict(new PathRow { Path = files[i] }).Block2, 1e-5, $"{mode} image {i}");

        // Saved with ML.NET: the tapped ONNX model reads the preprocessed pixels and gives the same rows.
        var (input, type) = t.ModelInput;
        var pixels = (float[])new ImageInput(files, pre).Batch(0, files.Length, t.InputTensor).Data;
        var pixelView = new ColumnDataView(new DenseArrayColumn(input, pixels, ((VectorDataViewType)type).Size));
        var loaded = Workout.SaveAndLoad(t, view.Schema);
        Workout.Close(batched, Workout.Dense(loaded.Transform(pixelView), "b2"), 1e-5, $"{mode} rows of the saved model");
    }
}
