using Microsoft.ML;
using MlNetConcepts.Tests.Core.Views;
using MlNetConcepts.Trainers.Clustering;
using MlNetConcepts.Views;

namespace MlNetConcepts.Tests.Trainers.Clustering;

/// <summary>
/// Workout of the clustering estimators behind <c>mlContext.Clustering.Trainers.ConceptClusterer</c> (the fitted
/// transformer's own workout is in ClusteringTransformerTests): every method fits the same model from the project's
/// view and from a view that hides its type, recovers scikit-learn's blobs, saves and loads, and rejects bad input
/// naming the column.
/// </summary>
[TestClass]
public sealed class ClusteringEstimatorWorkoutTests
{
    private static readonly ClusteringMethod[] Methods = [ClusteringMethod.KMeans, ClusteringMethod.Spherical, ClusteringMethod.MiniBatch, ClusteringMethod.Agglomerative];

    [TestMethod]
    public void EveryMethodFitsTheSameModelThroughAnyViewAndSavesIt()
    {
        var x = ClusterFixtures.Matrix("blobs_x.npy", out int n, out int d);
        var truth = ClusterFixtures.Ints("blobs_y.npy");
        var ml = new MLContext(1);
        var own = ml.Data.LoadFromMatrix(x, d);
        foreach (var method in Methods)
        {
            var estimator = ml.Clustering.Trainers.ConceptClusterer(numberOfClusters: 5, method: method, seed: 3);
            var shape = estimator.GetOutputSchema(ViewColumns.ShapeOf(own.Schema));
            CollectionAssert.IsSubsetOf(new[] { "Features", "Score", "PredictedLabel", "Membership" }, shape.Select(c => c.Name).ToArray(), $"{method}");

            var model = estimator.Fit(own);
            var fromOpaque = estimator.Fit(new OpaqueView(own));
            CollectionAssert.AreEqual(model.GetCentroids(), fromOpaque.GetCentroids(), $"{method}: the same centroids through ML.NET's cursor");
            var labels = RowBlockReader.ReadInt32s(model.Transform(own), "PredictedLabel");
            Assert.IsGreaterThanOrEqualTo(0.99, ClusterQuality.AdjustedRandIndex(truth, labels), $"{method} recovers the planted blobs");

            var membership = Workout.Dense(model.Transform(own), "Membership");
            var loaded = Workout.SaveAndLoad(model, own.Schema);
            Workout.Close(membership, Workout.Dense(loaded.Transform(own), "Membership"), 1e-5, $"{method} membership after save and load");
        }
    }

    [TestMethod]
    public void BadInputIsRejectedNamingTheColumn()
    {
        var ml = new MLContext(1);
        var x = Enumerable.Range(0, 40 * 3).Select(i => (float)Math.Sin(i)).ToArray();
        var nan = (float[])x.Clone();
        nan[7 * 3 + 1] = float.NaN;
        var text = new ColumnDataView(ScalarArrayColumn.Text("Features", Enumerable.Repeat("a", 40).ToArray()));
        foreach (var method in Methods)
        {
            var estimator = ml.Clustering.Trainers.ConceptClusterer("Embedding", numberOfClusters: 3, method: method, seed: 1);
            var e = Assert.ThrowsExactly<ConceptDataException>(() => estimator.Fit(ml.Data.LoadFromMatrix(x, 3)));
            StringAssert.Contains(e.Message, "Column 'Embedding' is not in the data", $"{method}");
            e = Assert.ThrowsExactly<ConceptDataException>(() => estimator.GetOutputSchema(ViewColumns.ShapeOf(ml.Data.LoadFromMatrix(x, 3).Schema)));
            StringAssert.Contains(e.Message, "Column 'Embedding' is not in the data", $"{method} shape");
            var onFeatures = ml.Clustering.Trainers.ConceptClusterer(numberOfClusters: 3, method: method, seed: 1);
            e = Assert.ThrowsExactly<ConceptDataException>(() => onFeatures.Fit(text));
            StringAssert.Contains(e.Message, "Column 'Features' is String; expected a fixed-size vector of Single", $"{method}");
            foreach (var view in new IDataView[] { ml.Data.LoadFromMatrix(nan, 3), new OpaqueView(ml.Data.LoadFromMatrix(nan, 3)) })
            {
                e = Assert.ThrowsExactly<ConceptDataException>(() => onFeatures.Fit(view));
                StringAssert.Contains(e.Message, "Features", $"{method} with a NaN names the column: {e.Message}");
                StringAssert.Contains(e.Message, "7", $"{method} with a NaN names the row: {e.Message}");
            }
            e = Assert.ThrowsExactly<ConceptDataException>(() => onFeatures.Fit(ml.Data.LoadFromMatrix([], 3)));
            StringAssert.Contains(e.Message, "Features", $"{method} on an empty view: {e.Message}");
        }
    }
}
