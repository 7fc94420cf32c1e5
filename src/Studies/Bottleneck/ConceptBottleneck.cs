using MlNetConcepts.Reports;

namespace MlNetConcepts.Studies.Bottleneck;

/// <summary>Settings of the concept-bottleneck study.</summary>
public sealed record ConceptBottleneckOptions
{
    /// <summary>Training rows (at most; the split takes this many from a seeded shuffle of all rows).</summary>
    public int TrainRows { get; init; } = 3000;

    /// <summary>Test rows (at most; the rows after the training rows in the same shuffle, never seen by the choice of concepts).</summary>
    public int TestRows { get; init; } = 2000;

    /// <summary>The largest bottleneck: m runs over 1, 2, 4, … up to this (capped by the number of concepts).</summary>
    public int MaxConcepts { get; init; } = 64;

    /// <summary>Seed of the shuffle that makes the split.</summary>
    public int Seed { get; init; } = 1;
}

/// <summary>
/// How much of a classification task survives a concept bottleneck (in the spirit of Koh et al.
/// 2020's concept bottleneck models, with the SAE's unsupervised concepts as the bottleneck):
/// a multinomial logistic regression (<see cref="LinearProbe"/>) predicts the class from (a) the
/// raw activations, (b) all SAE codes and (c) the top-m concepts only, m = 1, 2, 4, …, where the
/// top-m are the concepts whose firing carries the most mutual information with the class on the
/// training split (<see cref="ConceptSelection"/>). All rows come from one fixed seeded split.
/// </summary>
public static class ConceptBottleneck
{
    /// <summary>
    /// The study: one row per classifier with columns <c>features</c> (<c>raw</c>, <c>all_codes</c>
    /// or <c>top_m</c>), <c>m</c> (inputs the classifier reads), <c>accuracy</c> (test) and
    /// <c>concepts</c> (the kept concept indices, for top-m rows); parameters give the split sizes,
    /// the class count and the selection rule.
    /// </summary>
    /// <param name="activations">Raw activations, rows × <paramref name="width"/>, row-major.</param>
    /// <param name="width">Activation width.</param>
    /// <param name="codes">SAE codes of the same rows, rows × <paramref name="latents"/>.</param>
    /// <param name="latents">SAE width.</param>
    /// <param name="labels">Class per row.</param>
    /// <param name="options">Split and sizes.</param>
    public static EvaluationReport Run(float[] activations, int width, float[] codes, int latents, int[] labels, ConceptBottleneckOptions? options = null)
    {
        var o = options ?? new ConceptBottleneckOptions();
        int rows = labels.Length;
        if (activations.Length != (long)rows * width)
            throw new ConceptDataException($"Concept bottleneck: activations hold {activations.Length} values, expected {rows} labelled rows × {width}.");
        if (codes.Length != (long)rows * latents)
            throw new ConceptDataException($"Concept bottleneck: codes hold {codes.Length} values, expected {rows} labelled rows × {latents}.");
        if (o.TrainRows < 2 || o.TestRows < 1) throw new ConceptDataException($"Concept bottleneck: need at least 2 training rows and 1 test row, got {o.TrainRows} and {o.TestRows}.");
        if (o.MaxConcepts < 1) throw new ConceptDataException($"Concept bottleneck: MaxConcepts must be at least 1, got {o.MaxConcepts}.");
        var (train, test) = Split(rows, o);
        var trainY = train.Select(r => labels[r]).ToArray();
        var testY = test.Select(r => labels[r]).ToArray();

        var ranking = ConceptSelection.Ranking(ConceptSelection.MutualInformation(codes, latents, labels, train));
        var kind = new List<string>();
        var m = new List<int>();
        var accuracy = new List<double>();
        var kept = new List<string>();
        void Probe(string what, float[] x, int rowWidth, int[] columns)
        {
            kind.Add(what);
            m.Add(columns.Length);
            accuracy.Add(LinearProbe.Accuracy(Gather(x, train, columns, rowWidth), trainY, Gather(x, test, columns, rowWidth), testY, columns.Length));
            kept.Add(what == "top_m" ? string.Join(' ', columns) : "");
        }
        Probe("raw", activations, width, Enumerable.Range(0, width).ToArray());
        Probe("all_codes", codes, latents, Enumerable.Range(0, latents).ToArray());
        foreach (int size in Sizes(Math.Min(o.MaxConcepts, latents))) Probe("top_m", codes, latents, ranking[..size]);
        return new EvaluationReport("concept bottleneck")
            .Add("features", kind.ToArray())
            .Add("m", m.ToArray())
            .Add("accuracy", accuracy.ToArray())
            .Add("concepts", kept.ToArray())
            .WithParameter("train_rows", train.Length)
            .WithParameter("test_rows", test.Length)
            .WithParameter("classes", labels.Distinct().Count())
            .WithParameter("selection", "mutual information of 1[z_k > 0] with the class, train split");
    }

    /// <summary>1, 2, 4, … up to <paramref name="max"/>, with <paramref name="max"/> itself last when it is not a power of two.</summary>
    public static int[] Sizes(int max)
    {
        var s = new List<int>();
        for (int v = 1; v <= max; v *= 2) s.Add(v);
        if (s[^1] != max) s.Add(max);
        return s.ToArray();
    }

    /// <summary>The fixed split: a seeded shuffle of all rows, the first rows for training and the next for testing.</summary>
    public static (int[] Train, int[] Test) Split(int rows, ConceptBottleneckOptions options)
    {
        if (rows < 3) throw new ConceptDataException($"Concept bottleneck: {rows} labelled rows are too few for a train/test split.");
        var order = Enumerable.Range(0, rows).ToArray();
        new Random(options.Seed).Shuffle(order);
        // When the rows are fewer than asked for, two thirds go to training.
        int trainRows = Math.Min(options.TrainRows, rows * 2 / 3);
        int testRows = Math.Min(options.TestRows, rows - trainRows);
        return (order[..trainRows], order[trainRows..(trainRows + testRows)]);
    }

    private static float[] Gather(float[] x, int[] rows, int[] columns, int width)
    {
        var g = new float[rows.Length * columns.Length];
        for (int i = 0; i < rows.Length; i++)
            for (int j = 0; j < columns.Length; j++) g[i * columns.Length + j] = x[rows[i] * width + columns[j]];
        return g;
    }
}
