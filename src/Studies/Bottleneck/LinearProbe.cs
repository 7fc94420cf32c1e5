using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace MlNetConcepts.Studies.Bottleneck;

/// <summary>
/// Test accuracy of a multinomial logistic regression trained with ML.NET's
/// <c>LbfgsMaximumEntropy</c> (L2 = 1 on the weights, no L1, at most
/// <see cref="MaxIterations"/> iterations, one thread so runs repeat exactly).
/// Each feature column is divided by its population standard deviation on the training rows
/// (constant columns are left as they are; nothing is centred, so sparse codes stay sparse), which
/// puts raw activations and SAE codes on the same footing for the same regularisation.
/// </summary>
public static class LinearProbe
{
    /// <summary>Optimizer tolerance of the L-BFGS solver (ML.NET's default is 1e-7).</summary>
    public const float Tolerance = 1e-7f;

    /// <summary>
    /// Iteration cap of the L-BFGS solver: it bounds the time of a fit on thousands of rows × hundreds of
    /// codes; the scikit-learn check (LinearProbeTests) runs with the same cap.
    /// </summary>
    public const int MaxIterations = 200;

    /// <summary>
    /// Fits on <paramref name="trainX"/> (rows × <paramref name="width"/>, row-major) with labels
    /// <paramref name="trainY"/> and returns the fraction of test rows whose predicted class equals the label.
    /// </summary>
    public static double Accuracy(float[] trainX, int[] trainY, float[] testX, int[] testY, int width, int seed = 1)
    {
        if (width < 1) throw new ConceptDataException($"Linear probe: width must be at least 1, got {width}.", [nameof(width)]);
        Check(trainX, trainY, width, "training");
        Check(testX, testY, width, "test");
        var scale = Scales(trainX, trainY.Length, width);
        var ml = new MLContext(seed);
        var schema = SchemaDefinition.Create(typeof(ProbeRow));
        schema[nameof(ProbeRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        var train = ml.Data.LoadFromEnumerable(Rows(trainX, trainY, width, scale), schema);
        var test = ml.Data.LoadFromEnumerable(Rows(testX, testY, width, scale), schema);
        var trainer = ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
        {
            L1Regularization = 0,
            L2Regularization = 1,
            OptimizationTolerance = Tolerance,
            NumberOfThreads = 1,
            MaximumNumberOfIterations = MaxIterations,
        });
        var model = ml.Transforms.Conversion.MapValueToKey(nameof(ProbeRow.Label))
            .Append(trainer)
            .Fit(train);
        var predicted = model.Transform(test);
        return ml.MulticlassClassification.Evaluate(predicted).MicroAccuracy;
    }

    /// <summary>Population standard deviation of each column over the rows (1 for a constant column).</summary>
    public static double[] Scales(float[] x, int rows, int width)
    {
        var sum = new double[width];
        var sq = new double[width];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < width; j++) { double v = x[r * width + j]; sum[j] += v; sq[j] += v * v; }
        var scale = new double[width];
        for (int j = 0; j < width; j++)
        {
            double mean = sum[j] / rows, variance = Math.Max(0, sq[j] / rows - mean * mean);
            scale[j] = variance > 0 ? Math.Sqrt(variance) : 1;
        }
        return scale;
    }

    private static IEnumerable<ProbeRow> Rows(float[] x, int[] y, int width, double[] scale)
    {
        for (int r = 0; r < y.Length; r++)
        {
            var f = new float[width];
            for (int j = 0; j < width; j++) f[j] = (float)(x[r * width + j] / scale[j]);
            yield return new ProbeRow { Features = f, Label = y[r] };
        }
    }

    private static void Check(float[] x, int[] y, int width, string split)
    {
        if (y.Length == 0) throw new ConceptDataException($"Linear probe: the {split} split has no rows.");
        if (x.Length != (long)y.Length * width)
            throw new ConceptDataException($"Linear probe: the {split} features hold {x.Length} values, expected {y.Length} rows × {width}.");
        for (int i = 0; i < x.Length; i++)
            if (!float.IsFinite(x[i])) throw new ConceptDataException($"Linear probe: {split} value {x[i]} at row {i / width}, column {i % width} is not finite.");
    }

    private sealed class ProbeRow
    {
        public float[] Features { get; set; } = [];
        public int Label { get; set; }
    }
}
