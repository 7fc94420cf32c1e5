// Concept features downstream: the demo VLM's image tower extracts the CLS token of its last block for
// Fashion-MNIST test images, a TopK SAE encodes it into sparse concepts, and ML.NET's L-BFGS maximum entropy
// classifier learns the 10 classes from the concept column. The chain is saved with mlContext.Model.Save and
// loaded in a fresh MLContext (ONNX Runtime runs the tapped model and the SAE; ML.NET the classifier).
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetConcepts.Imaging;
using MlNetConcepts.IO;
using MlNetConcepts.Studies.Quickstart;
using MlNetConcepts.Trainers.Sae;
using MlNetConcepts.Transforms.Extraction;
using MlNetConcepts.Transforms.Images;
using MlNetConcepts.Views;

int n = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1000;
string model = FashionQuickstart.FindModelDirectory(), dataset = FashionQuickstart.FindDataset();
var dir = Directory.CreateTempSubdirectory("mlnc-downstream-").FullName;

// Fashion-MNIST test images as PNG files (the extractor reads image paths) and their class names.
var pixels = IdxFile.Read(Path.Combine(dataset, "t10k-images-idx3-ubyte.gz")).ToInt32();
var classes = new[] { "t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot" };
var labels = IdxFile.Read(Path.Combine(dataset, "t10k-labels-idx1-ubyte.gz")).ToInt32()[..n].Select(l => classes[l]).ToArray();
var paths = new string[n];
for (int i = 0; i < n; i++)
{
    paths[i] = Path.Combine(dir, $"{i:D5}.png");
    PngWriter.Save(paths[i], new PixelImage(28, 28, 1, pixels[(i * 784)..((i + 1) * 784)].Select(v => (byte)v).ToArray()));
}

var ml = new MLContext(seed: 1);
var data = new ColumnDataView(ScalarArrayColumn.Text("Path", paths), ScalarArrayColumn.Text("Label", labels));
var split = ml.Data.TrainTestSplit(data, testFraction: 0.25, seed: 1);
var pre = ImagePreprocessor.None(1) with { Mean = [0.286f], Std = [0.353f] };
var options = new ActivationExtractorOptions { ModelPath = Path.Combine(model, "image.onnx"), Tensors = ["block3"], Tokens = TokenSelection.Cls };

using var extractor = ml.Transforms.ExtractActivations(options, "Path", pre, ["Embedding"]);
var extracted = ml.Data.Cache(extractor.Transform(split.TrainSet));
var sae = ml.Transforms.SparseAutoencoder(new SaeOptions { InputColumn = "Embedding", OutputColumn = "Concepts", Architecture = "topk", ExpansionFactor = 4, K = 16, Steps = 300, BatchSize = 256, Seed = 1 }).Fit(extracted);
var head = ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label")
    .AppendCacheCheckpoint(ml)
    .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("LabelKey", "Concepts"))
    .Fit(sae.Transform(extracted));
var chain = new TransformerChain<ITransformer>(extractor, sae, head);

var metrics = ml.MulticlassClassification.Evaluate(chain.Transform(split.TestSet), "LabelKey");
Console.WriteLine($"{n} images, SAE {sae.Latents} concepts (k = 16): test accuracy from the concept column {metrics.MicroAccuracy:P1}");

string zip = Path.Combine(dir, "model.zip");
ml.Model.Save(chain, data.Schema, zip);
var loaded = new MLContext().Model.Load(zip, out var inputSchema);
Console.WriteLine($"saved and reloaded: {string.Join(" > ", ((TransformerChain<ITransformer>)loaded).Select(t => t.GetType().Name))}; it reads '{extractor.ModelInput.Name}' (preprocessed pixels)");
Directory.Delete(dir, recursive: true);
