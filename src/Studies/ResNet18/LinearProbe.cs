using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetConcepts.Studies.ResNet18;

/// <summary>
/// A linear probe: how much of the class is linearly readable from a layer's rows. ML.NET's
/// multinomial logistic regression (<c>LbfgsMaximumEntropy</c>, its default L1/L2 weights) is
/// trained on standardised rows (each column to mean 0 and variance 1 on the training rows) of
/// three rows in four and scored on the fourth (rows r with r mod 4 = 3), so the split is the
/// same for every layer and needs no random choice.
/// </summary>
public static class LinearProbe
{
    /// <summary>Held-out accuracy of the probe on rows × <paramref name="width"/> values with class <paramref name="labels"/>.</summary>
    /// <param name="rows">Row-major values, <paramref name="labels"/>.Length rows.</param>
    /// <param name="width">Row width.</param>
    /// <param name="labels">Class of each row (0 … C − 1).</param>
    /// <param name="seed">Seed of the ML.NET context.</param>
    public static double Accuracy(float[] rows, int width, int[] labels, int seed = 1)
    {
        int n = labels.Length;
        if (width <= 0 || rows.Length != (long)n * width)
            throw new ConceptDataException($"probe: {rows.Length} values are not {n} rows of width {width}.");
        if (n < 8) throw new ConceptDataException($"probe: {n} rows are too few (at least 8: three in four train, one in four test).");
        if (labels.Any(l => l < 0)) throw new ConceptDataException("probe: labels must be ≥ 0.");
        var ml = new MLContext(seed);
        var schema = SchemaDefinition.Create(typeof(ProbeRow));
        schema[nameof(ProbeRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        ProbeRow Row(int r) => new() { Features = rows.AsSpan(r * width, width).ToArray(), Label = (uint)labels[r] };
        var train = ml.Data.LoadFromEnumerable(Enumerable.Range(0, n).Where(r => r % 4 != 3).Select(Row).ToList(), schema);
        var test = ml.Data.LoadFromEnumerable(Enumerable.Range(0, n).Where(r => r % 4 == 3).Select(Row).ToList(), schema);
        var pipeline = ml.Transforms.Conversion.MapValueToKey(nameof(ProbeRow.Label))
            .Append(ml.Transforms.NormalizeMeanVariance(nameof(ProbeRow.Features)))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(nameof(ProbeRow.Label), nameof(ProbeRow.Features)));
        var model = pipeline.Fit(train);
        return ml.MulticlassClassification.Evaluate(model.Transform(test), nameof(ProbeRow.Label)).MicroAccuracy;
    }

    /// <summary>The probe on several layers of the same rows: a table with columns layer, width, train_rows, test_rows, accuracy.</summary>
    public static DataFrame Table(IEnumerable<(string Layer, float[] Rows, int Width)> layers, int[] labels)
    {
        var names = new StringDataFrameColumn("layer");
        var widths = new Int32DataFrameColumn("width");
        var trainRows = new Int32DataFrameColumn("train_rows");
        var testRows = new Int32DataFrameColumn("test_rows");
        var accuracy = new DoubleDataFrameColumn("accuracy");
        int test = labels.Length / 4; // rows r with r mod 4 = 3
        foreach (var (layer, x, width) in layers)
        {
            names.Append(layer);
            widths.Append(width);
            trainRows.Append(labels.Length - test);
            testRows.Append(test);
            accuracy.Append(Accuracy(x, width, labels));
        }
        return new DataFrame(names, widths, trainRows, testRows, accuracy);
    }

    private sealed class ProbeRow
    {
        public float[] Features { get; set; } = [];
        public uint Label { get; set; }
    }
}
