// A tour of the MlNetConcepts API on synthetic data (the README's code sample, runnable):
// plant sparse features, train an SAE and k-means on the same activations, compare them.
using Microsoft.ML;
using MlNetConcepts.Evaluators;
using MlNetConcepts.IO;
using MlNetConcepts.Reports;
using MlNetConcepts.Trainers.Clustering;
using MlNetConcepts.Trainers.Sae;
using MlNetConcepts.Trainers.Sae.Synthetic;
using MlNetConcepts.Views;

var dir = Directory.CreateTempSubdirectory("mlnc-tour-").FullName;
var planted = SuperpositionGenerator.Generate(new SuperpositionOptions { Features = 128, Dimensions = 32, Samples = 20_000, NoiseStd = 0.01 });
NpyFile.WriteMatrix(Path.Combine(dir, "activations.npy"), planted.Activations, 20_000, 32);

// --- the README sample ---
var ml = new MLContext(seed: 1);
using var data = ml.Data.LoadFromNpy(Path.Combine(dir, "activations.npy"));   // memory-mapped IDataView, column "Features"

var sae = ml.Transforms.SparseAutoencoder(new SaeOptions { Architecture = "topk", ExpansionFactor = 4, K = 8, Steps = 2000, BatchSize = 1024 }).Fit(data);
var x = RowBlockReader.ReadMatrix(data, "Features", out int rows, out int d);
var kmeans = new KMeansTrainer(new KMeansOptions { NumberOfClusters = 32 }).FitMatrix(x, rows, d);

// The SAE adds a sparse VBuffer<float> column "Concepts" (slot names concept_0…), lazily.
var scored = sae.Transform(data);
var codes = DenseMatrix.Create(RowBlockReader.ReadMatrix(scored, "Concepts", out _, out int n), rows, n, "Concepts");
var centroids = DenseMatrix.Create(kmeans.Centroids, kmeans.K, kmeans.Dimension, "centroids");
var overlap = Overlap.Compute(codes, DenseMatrix.Create(x, rows, d, "Features"), centroids);   // Bíla et al. 2025, eq. 1, all J×K pairs by GEMM
var matches = overlap.Matches(tau: 0.5);                           // .Table is a DataFrame (an IDataView); title and parameters beside it
Console.WriteLine(ReportText.Markdown(matches.Table.Head(10), matches.Title));   // also ReportText.Csv, ReportText.Json

ml.Model.Save(sae, data.Schema, Path.Combine(dir, "model.zip"));   // ML.NET's own format: the SAE saves as an ONNX graph
var again = new MLContext().Model.Load(Path.Combine(dir, "model.zip"), out _);
// --- end of the sample ---

Console.WriteLine($"Recovery of the planted features (MMCS): {SuperpositionGenerator.MeanMaxCosine(planted.Features, sae.Weights.DecoderWeight, 32):F3}");
Console.WriteLine($"Reloaded: {again.GetType().Name}; outputs: {string.Join(", ", again.GetOutputSchema(data.Schema).Select(c => c.Name))}");
Directory.Delete(dir, recursive: true);
