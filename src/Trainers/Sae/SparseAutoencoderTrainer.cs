using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetConcepts.Compute;
using MlNetConcepts.Views;

namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// Trains a sparse autoencoder of any registered variant on an activation column and returns
/// the fitted <see cref="SaeTransformer"/>. The loop: scale inputs to unit mean squared norm;
/// b_dec ← geometric median of a sample; W_dec random unit rows, W_enc = W_decᵀ; then per step:
/// forward/backward (<see cref="SaeStep"/>), then (<see cref="SaeUpdate"/>) project out the decoder gradient parallel to each
/// row, clip the global gradient norm, Adam with warm-up and decay, renormalise decoder rows; then
/// update the variant's state and the dead-latent counters. Checkpoints every N steps allow a
/// killed run to resume and finish with the same weights as an uninterrupted one. An ML.NET estimator: made by
/// <c>mlContext.Transforms.SparseAutoencoder(…)</c>, it reads its column through <see cref="RowBlockReader"/>.
/// </summary>
public sealed class SparseAutoencoderTrainer : IEstimator<SaeTransformer>
{
    /// <summary>The seed used when the options give none.</summary>
    public const int DefaultSeed = 20251121;
    private readonly SaeOptions _options;
    private readonly int _seed;

    /// <summary>Creates a trainer; the seed comes from the options, else <see cref="DefaultSeed"/>.</summary>
    public SparseAutoencoderTrainer(SaeOptions options)
    {
        _options = options;
        _seed = options.Seed ?? DefaultSeed;
        SaeVariants.Create(options.Architecture); // fail early on an unknown name
    }

    /// <summary>Called every <see cref="SaeOptions.ProgressEvery"/> steps and after the last one.</summary>
    public Action<SaeProgress>? Progress { get; set; }

    /// <summary>Metrics on the held-out rows (or the training rows when none are held out) after the last <see cref="Fit(IDataView)"/>.</summary>
    public SaeMetrics? LastMetrics { get; private set; }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ViewColumns.RequireFloatVector(inputSchema, _options.InputColumn);
        return ViewColumns.AddColumns(inputSchema, [(_options.OutputColumn, new VectorDataViewType(NumberDataViewType.Single, _options.Latents ?? 1))]);
    }

    /// <inheritdoc />
    public SaeTransformer Fit(IDataView input) => Fit(input, CancellationToken.None);

    /// <summary>Trains; cancelling stops after the current step (checkpoints already written stay).</summary>
    public SaeTransformer Fit(IDataView input, CancellationToken cancel)
    {
        var asked = _options;
        var variant = SaeVariants.Create(asked.Architecture);
        var data = new BatchSource(input, asked.InputColumn, asked, _seed);
        int d = data.Width;
        int n = asked.Latents ?? checked(asked.ExpansionFactor * d);
        if (n < 1) throw new ConceptDataException($"The SAE width must be at least 1, got {n}.");
        if (asked.BatchSize < 1) throw new ConceptDataException($"Batch size must be at least 1, got {asked.BatchSize}.");
        variant.Validate(asked, d, n);
        variant.GroupEnds(n, asked);
        if (data.BatchesPerEpoch == 0) throw new ConceptDataException("No full batch of training rows.");
        int total = asked.Steps ?? checked(asked.Epochs * data.BatchesPerEpoch);
        if (total < 1) throw new ConceptDataException($"Training needs at least one step, got {total}.");
        var run = SaeDefaults.Derive(asked, variant, n, total);
        var o = run.ApplyTo(asked); // every "derive from the run" setting filled in, for the step and the fitted SAE
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = ComputeSettings.Threads };
        // Dead % in the progress log means what it means in the final metrics: silent on every one of as many
        // consecutive samples as the metrics are computed on (the held-out rows, else all rows).
        long reportSpan = data.Rows - data.TrainRows is > 0 and long held ? held : data.Rows;

        var w = new SaeWeights(d, n, variant.ThresholdLength(n, o));
        var adam = new AdamOptimizer(w, variant.ThresholdIsTrained, o);
        var since = new long[n];
        double scale;
        int startStep = 0, epoch = 0, batchInEpoch = 0;
        if (o.Resume && o.CheckpointPath is { } resumePath && File.Exists(resumePath))
        {
            var cp = SaeCheckpoint.Load(resumePath, variant.Name, w, adam);
            w = cp.Weights; since = cp.SinceFired; scale = cp.Scale;
            startStep = cp.Step; epoch = cp.Epoch; batchInEpoch = cp.BatchInEpoch;
        }
        else
        {
            var head = data.Head(o.InitSampleRows, out int headRows);
            scale = 1;
            if (o.NormalizeInputs)
            {
                double sq = 0;
                foreach (float v in head) sq += (double)v * v;
                scale = Math.Sqrt(sq / headRows);
                if (!(scale > 0)) throw new ConceptDataException($"Column '{o.InputColumn}': the first {headRows} rows are all zero; cannot scale inputs.");
            }
            for (int q = 0; q < head.Length; q++) head[q] = (float)(head[q] / scale);
            SaeRecipe.Initialize(w, _seed);
            var median = SaeRecipe.GeometricMedian(head, headRows, d);
            for (int j = 0; j < d; j++) w.DecoderBias[j] = (float)median[j];
            variant.Initialize(w, o);
        }

        var grad = new SaeWeights(d, n, w.Threshold.Length);
        var step = new SaeStep(variant, o, d, n);
        float inv = (float)(1 / scale);
        int s = startStep;
        while (s < total)
        {
            foreach (var raw in data.Epoch(epoch, batchInEpoch))
            {
                if (s >= total) break;
                cancel.ThrowIfCancellationRequested();
                for (int q = 0; q < raw.Length; q++) raw[q] *= inv;
                var dead = Dead(since, run.DeadWindowSamples);
                var loss = step.Run(raw, data.BatchSize, w, grad, dead, parallel);
                double lr = SaeRecipe.LearningRate(run.LearningRate, s, total, run.WarmupSteps, o.DecayStartFraction);
                SaeUpdate.Apply(w, grad, adam, s + 1, lr, o.GradientClipNorm, parallel);
                var codes = step.Codes!;
                variant.AfterStep(codes, w, o, s, total);
                UpdateSinceFired(since, codes, data.BatchSize);
                s++;
                batchInEpoch++;
                if (o.CheckpointEvery > 0 && o.CheckpointPath is { } cpPath && s % o.CheckpointEvery == 0 && s < total)
                    new SaeCheckpoint(w, adam, since, scale, s, epoch, batchInEpoch).Save(cpPath, variant.Name);
                if (Progress is not null && (s % Math.Max(1, o.ProgressEvery) == 0 || s == total))
                {
                    long span = Math.Min(reportSpan, (long)s * data.BatchSize); // early on: silent since the start
                    Progress(new SaeProgress(s, total, loss.Loss, 1 - loss.SquaredError / loss.TotalVariance,
                        (double)loss.ActiveCodes / data.BatchSize, since.Count(v => v >= span) / (double)n, span, lr));
                }
            }
            if (s < total) { epoch++; batchInEpoch = 0; }
        }

        variant.FinishTraining(w);
        var fitted = SaeTransformer.FromTraining(variant, o, w, scale);
        var blocks = data.HeldOutBlocks(4096).ToList();
        LastMetrics = blocks.Count > 0 ? SaeMetrics.Compute(fitted, blocks) : null;
        return fitted;
    }

    private static bool[]? Dead(long[] since, long window)
    {
        bool any = false;
        var dead = new bool[since.Length];
        for (int i = 0; i < since.Length; i++) any |= dead[i] = since[i] >= window;
        return any ? dead : null;
    }

    private static void UpdateSinceFired(long[] since, SparseCodes codes, int rows)
    {
        var fired = new bool[since.Length];
        for (int e = 0; e < codes.Count; e++) fired[codes.Index[e]] = true;
        for (int i = 0; i < since.Length; i++) since[i] = fired[i] ? 0 : since[i] + rows;
    }
}
