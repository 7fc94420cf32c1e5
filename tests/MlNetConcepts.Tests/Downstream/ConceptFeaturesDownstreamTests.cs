using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetConcepts.Imaging;
using MlNetConcepts.Tests.Core.Views;
using MlNetConcepts.Tests.Transforms;
using MlNetConcepts.Trainers.Clustering;
using MlNetConcepts.Trainers.Sae;
using MlNetConcepts.Transforms.Extraction;
using MlNetConcepts.Transforms.Images;
using MlNetConcepts.Transforms.Onnx;
using MlNetConcepts.Views;

namespace MlNetConcepts.Tests.Downstream;

/// <summary>
/// What a user builds with the components: ViT activations of images → SAE codes (or cluster memberships) → ML.NET's
/// L-BFGS maximum entropy classifier, saved with <c>mlContext.Model.Save</c> and loaded in a fresh MLContext. The
/// loaded chain (ONNX Runtime for the tapped ViT and the SAE/clusterer graphs, ML.NET for the classifier) must give
/// the in-memory chain's scores within 1e-5.
/// </summary>
[TestClass]
public sealed class ConceptFeaturesDownstreamTests
{
    private const int Images = 24;

    /// <summary>32×32 RGB images of two classes: horizontal or vertical stripes, with seeded noise.</summary>
    private static (string[] Paths, string[] Labels) StripeImages(string dir)
    {
        var rng = new Random(5);
        var paths = new string[Images];
        var labels = new string[Images];
        for (int i = 0; i < Images; i++)
        {
            bool vertical = i % 2 == 1;
            var pixels = new byte[32 * 32 * 3];
            for (int y = 0; y < 32; y++)
                for (int x = 0; x < 32; x++)
                {
                    int stripe = ((vertical ? x : y) / 4) % 2;
                    for (int c = 0; c < 3; c++) pixels[(y * 32 + x) * 3 + c] = (byte)Math.Clamp(stripe * 180 + 30 + rng.Next(-25, 26), 0, 255);
                }
            paths[i] = Path.Combine(dir, $"img{i:D2}.png");
            PngWriter.Save(paths[i], new PixelImage(32, 32, 3, pixels));
            labels[i] = vertical ? "vertical" : "horizontal";
        }
        return (paths, labels);
    }

    public sealed class ImageRow
    {
        public string Path { get; set; } = "";
        public string Label { get; set; } = "";
    }

    public sealed class Prediction
    {
        [VectorType(2)] public float[] Score { get; set; } = [];
    }

    [TestMethod]
    [DataRow("sae")] [DataRow("clusters")]
    public void ExtractThenConceptsThenMaximumEntropySavesAndLoadsWithTheSamePredictions(string concepts)
    {
        string dir = OrtFixtures.TempDir();
        var (paths, labels) = StripeImages(dir);
        var ml = new MLContext(seed: 1);
        var data = new ColumnDataView(ScalarArrayColumn.Text("Path", paths), ScalarArrayColumn.Text("Label", labels));
        var pre = ImagePreprocessor.Clip(32);
        var options = new ActivationExtractorOptions { ModelPath = OrtFixtures.Path("vit.onnx"), Tensors = ["block:2"], Tokens = TokenSelection.Cls, Session = new OnnxSessionOptions { IntraOpThreads = 1 } };

        // extract → concepts (fitted on the extracted activations) → classifier on the concept column.
        using var extractor = ml.Transforms.ExtractActivations(options, "Path", pre, ["Embedding"]);
        var extracted = extractor.Transform(data);
        ITransformer conceptStep = concepts == "sae"
            ? ml.Transforms.SparseAutoencoder(new SaeOptions { InputColumn = "Embedding", OutputColumn = "Concepts", Architecture = "topk", Latents = 64, K = 8, Steps = 40, BatchSize = 12, Seed = 3 }).Fit(extracted)
            : ml.Clustering.Trainers.ConceptClusterer("Embedding", numberOfClusters: 6, seed: 3).Fit(extracted);
        string featureColumn = concepts == "sae" ? "Concepts" : ClusteringTransformer.MembershipColumn;
        var head = ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label")
            .AppendCacheCheckpoint(ml)
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("LabelKey", featureColumn))
            .Fit(conceptStep.Transform(extracted));
        var model = new TransformerChain<ITransformer>(extractor, conceptStep, head);
        var scores = Workout.Dense(model.Transform(data), "Score");
        Assert.HasCount(Images * 2, scores);
        int correct = 0;
        for (int i = 0; i < Images; i++) correct += (scores[2 * i] > scores[2 * i + 1]) == (labels[i] == labels[0]) ? 1 : 0;
        Assert.IsGreaterThanOrEqualTo(Images * 3 / 4, correct, $"{concepts}: the classifier separates the stripes ({correct}/{Images})");

        // PredictionEngine on the in-memory chain gives the batched scores.
        var engine = ml.Model.CreatePredictionEngine<ImageRow, Prediction>(model, data.Schema);
        for (int i = 0; i < Images; i += 5)
            Workout.Close(scores[(2 * i)..(2 * i + 2)], engine.Predict(new ImageRow { Path = paths[i], Label = labels[i] }).Score, 1e-5, $"engine row {i}");

        // Saved with ML.NET and loaded in a fresh MLContext: the chain reads the ViT's preprocessed pixels.
        string zip = Path.Combine(dir, "model.zip");
        ml.Model.Save(model, data.Schema, zip);
        var fresh = new MLContext(seed: 7);
        var loaded = fresh.Model.Load(zip, out _);
        var (input, type) = extractor.ModelInput;
        var pixels = (float[])new ImageInput(paths, pre).Batch(0, Images, extractor.InputTensor).Data;
        var pixelData = new ColumnDataView(new DenseArrayColumn(input, pixels, ((VectorDataViewType)type).Size), ScalarArrayColumn.Text("Label", labels));
        Workout.Close(scores, Workout.Dense(loaded.Transform(pixelData), "Score"), 1e-5, $"{concepts}: scores after load");

        // PredictionEngine on the loaded model.
        var loadedEngine = fresh.Model.CreatePredictionEngine<PixelRow, Prediction>(loaded, pixelData.Schema);
        for (int i = 0; i < Images; i += 7)
        {
            var row = new PixelRow { Pixels = pixels[(i * PixelRow.Size)..((i + 1) * PixelRow.Size)], Label = labels[i] };
            Workout.Close(scores[(2 * i)..(2 * i + 2)], loadedEngine.Predict(row).Score, 1e-5, $"loaded engine row {i}");
        }
    }

    public sealed class PixelRow
    {
        public const int Size = 3 * 32 * 32;
        [ColumnName("pixel_values"), VectorType(Size)] public float[] Pixels { get; set; } = [];
        public string Label { get; set; } = "";
    }
}
