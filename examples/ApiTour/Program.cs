// A tour of the MlNetConcepts API on synthetic data (the README's code sample, runnable):
// plant sparse features, train an SAE and k-means on the same activations, compare them.
using MlNetConcepts.Evaluators;
using MlNetConcepts.IO;
using MlNetConcepts.Pipeline;
using MlNetConcepts.Reports;
using MlNetConcepts.Trainers.Clustering;
using MlNetConcepts.Trainers.Sae;
using MlNetConcepts.Trainers.Sae.Synthetic;

var dir = Directory.CreateTempSubdirectory("mlnc-tour-").FullName;
var planted = SuperpositionGenerator.Generate(new SuperpositionOptions { Features = 128, Dimensions = 32, Samples = 20_000, NoiseStd = 0.01 });
NpyFile.WriteMatrix(Path.Combine(dir, "activations.npy"), planted.Activations, 20_000, 32);

// --- the README sample ---
var ml = new ConceptContext(seed: 1);
var data = ml.Data.LoadNpy(Path.Combine(dir, "activations.npy"));  // memory-mapped view, column "Features"

var sae = ml.Sae.TopK(new SaeOptions { ExpansionFactor = 4, K = 8, Steps = 2000, BatchSize = 1024 }).Fit(data);
var clusters = ml.Clustering.KMeans("Features", numberOfClusters: 32).Fit(data);

// Transformers add columns lazily: Concepts (sparse codes, slot names concept_0…),
// Score / PredictedLabel / Membership (ML.NET's k-means columns plus Bíla et al. 2025's eq. 4).
var scored = sae.Append(clusters).Transform(data);

var codes = DenseMatrix.FromView(scored, "Concepts");
var x = DenseMatrix.FromView(data, "Features");
var centroids = DenseMatrix.Create(clusters.GetCentroids(), clusters.K, clusters.Dimension, "centroids");
var overlap = Overlap.Compute(codes, x, centroids);                // Bíla et al. 2025, eq. 1, all J×K pairs by GEMM
var matches = overlap.Matches(tau: 0.5);                          // .Table is a DataFrame (an IDataView); title and parameters beside it
Console.WriteLine(ReportText.Markdown(matches.Table.Head(10), matches.Title));   // also ReportText.Csv, ReportText.Json

ml.Model.Save(sae, Path.Combine(dir, "sae.mlnc"));                 // zip: manifest.json + safetensors
var again = ml.Model.Load(Path.Combine(dir, "sae.mlnc"));
// --- end of the sample ---

Console.WriteLine($"Recovery of the planted features (MMCS): {SuperpositionGenerator.MeanMaxCosine(planted.Features, sae.Weights.DecoderWeight, 32):F3}");
Console.WriteLine($"Reloaded: {again.GetType().Name}; outputs: {string.Join(", ", again.GetOutputSchema(data.Schema).Select(c => c.Name))}");
Directory.Delete(dir, recursive: true);
