using System.Diagnostics;
using Microsoft.Data.Analysis;
using Microsoft.ML;
using MlNetConcepts.Evaluators;
using MlNetConcepts.Reports;
using MlNetConcepts.Trainers.Sae;
using MlNetConcepts.Transforms.Onnx;
using MlNetConcepts.Transforms.Steering;
using MlNetConcepts.Views;

namespace MlNetConcepts.Studies.Steering;

/// <summary>
/// Steering the demo VLM with SAE concepts (Pach et al. 2025, secs. 3.3 and 4.3), measured in its
/// joint image–text space:
/// <list type="number">
/// <item>the SAE encodes every token of the steered tensor for the first N test images; an
/// image's activation of concept k is z_k on its CLS token (the token the paper computes
/// MonoSemanticity on, and the only one of the last block the image embedding reads);
/// MonoSemanticity (Pach et al. 2025, eq. 9) with the auxiliary encoder ranks the concepts that
/// fire on at least <see cref="SteeringStudyOptions.MinSupport"/> images, and the top ones are
/// steered;</item>
/// <item>each concept's matched class is the class whose images activate it most (largest mean
/// image activation);</item>
/// <item>insertion: z_k ← α on every token (Pach et al. 2025, eq. 10; α = s × the concept's
/// largest activation on any token), reconstruction error kept, on a blank image and on real
/// images where the concept is absent; measured: similarity of the steered embedding to the
/// concept's own top images minus that to the other steered concepts' top images (each as a
/// change from before steering: the margin), similarity to the class's text, the class's
/// zero-shot probability and prediction rate;</item>
/// <item>suppression: z_k ← −α on every token (the paper's "negative intervention", sec. 4.3)
/// on images of the matched class where the concept fires (the class's probability should
/// fall), and the same edit on images of other classes where it does not fire (their true
/// class's probability should stay);</item>
/// <item>DiffMean baseline (Arditi et al. 2024): the mean CLS token of images with the concept
/// minus that of images without it, scaled to the norm of α·D_k and added (insertion) or
/// subtracted (suppression) on every token.</item>
/// </list>
/// </summary>
public sealed class SteeringStudy(Action<string>? log = null)
{
    private readonly Action<string> _log = log ?? (_ => { });

    /// <summary>Runs the study.</summary>
    public SteeringResult Run(SteeringStudyOptions o)
    {
        Validate(o);
        var clock = Stopwatch.StartNew();
        var session = new OnnxSessionOptions { IntraOpThreads = o.Threads };
        var given = o.SaeDirectory is { } saeDirectory ? SaeLensFormat.Import(saeDirectory) : null;
        var vlm = DemoVlm.Load(o.ModelDirectory, session);
        using var model = new SteeredModel(vlm.ImageModel, o.Tensor, session);
        var input = model.Split.HeadModelInputs.Single();
        var sae = given ?? TrainSae(model, vlm, input, o);
        const string Output = "image_embeds";
        var (pixels, labels) = DemoVlm.TestImages(o.DatasetDirectory, o.Images);
        var x = vlm.Normalise(pixels);

        _log($"running {o.Images} test images to '{model.Tensor}' and encoding its tokens with the SAE ({sae.Inputs} → {sae.Latents})");
        var tokens = new List<float>();
        var reference = new List<float>();
        int tokensPerImage = 0;
        foreach (var (first, rows) in Chunks(o.Images))
        {
            var outs = model.Run([Input(input, x, first, rows)], [model.Tensor, Output]);
            var layout = TokenLayout.Of(model.Tensor, outs[0].Shape);
            if (layout.Width != sae.Inputs)
                throw new ConceptDataException($"tensor '{model.Tensor}' has tokens of width {layout.Width}, but the SAE in {o.SaeDirectory ?? "(trained here)"} reads width {sae.Inputs}.");
            tokensPerImage = layout.Rows / rows;
            tokens.AddRange(layout.ToTokens(outs[0].ToFloat32()));
            reference.AddRange(outs[1].ToFloat32());
        }
        var plain = reference.ToArray();
        var profile = ConceptProfile.Of(sae, tokens.ToArray(), o.Images, tokensPerImage);

        _log("MonoSemanticity of every concept (auxiliary encoder embeddings)");
        var aux = vlm.Aux(pixels, o.Images, session, out int auxWidth);
        var ms = MonoSemanticity.Neurons(DenseMatrix.Create(profile.ImageActivation, o.Images, sae.Latents, "concept activations"),
            DenseMatrix.Create(aux, o.Images, auxWidth, "auxiliary embeddings")).Table.Doubles("ms");
        var chosen = Enumerable.Range(0, sae.Latents).Where(k => double.IsFinite(ms[k]) && profile.Support(k) >= o.MinSupport)
            .OrderByDescending(k => ms[k]).ThenBy(k => k).Take(o.Concepts).ToArray();
        if (chosen.Length < 2)
            throw new ConceptDataException($"only {chosen.Length} concepts fire on at least minSupport = {o.MinSupport} of the {o.Images} images; use more images or a lower minSupport.", ["minSupport"]);

        var top = chosen.Select(k => profile.Top(k, o.TopImages)).ToArray();
        var label = chosen.Select(k => profile.MatchedClass(k, labels, vlm.Classes.Length)).ToArray();
        var purity = top.Select((t, i) => t.Count(m => labels[m] == label[i]) / (double)t.Length).ToArray();
        var diffMean = chosen.Select(profile.DiffMean).ToArray();

        var blank = Enumerable.Repeat((0f - vlm.PixelMean) / vlm.PixelStd, 784).ToArray();
        var random = new Random(o.Seed);
        var sweep = new SweepTable();
        for (int c = 0; c < chosen.Length; c++)
        {
            int k = chosen[c];
            _log($"steering concept {k} (MS {ms[k]:F3}, label {vlm.Classes[label[c]]}, {c + 1}/{chosen.Length})");
            var others = top.Where((_, j) => j != c).ToArray();
            var absent = Sample(random, Enumerable.Range(0, o.Images).Where(i => profile.Activation(i, k) == 0), o.RealImages);
            var present = Enumerable.Range(0, o.Images).Where(i => labels[i] == label[c] && profile.Activation(i, k) > 0)
                .OrderByDescending(i => profile.Activation(i, k)).ThenBy(i => i).Take(o.SuppressionImages).ToArray();
            var unrelated = Sample(random, Enumerable.Range(0, o.Images).Where(i => labels[i] != label[c] && profile.Activation(i, k) == 0), o.SuppressionImages);
            var sets = new (string Name, float[] X, int[]? Labels)[]
            {
                ("insert_blank", blank, null),
                ("insert_real", Gather(x, absent), absent.Select(i => labels[i]).ToArray()),
                ("suppress", Gather(x, present), present.Select(i => labels[i]).ToArray()),
                ("unrelated", Gather(x, unrelated), unrelated.Select(i => labels[i]).ToArray()),
            };
            var before = sets.Select(s => Measure(model, vlm, input, Output, s.X, s.Labels, plain, top[c], others, label[c], null)).ToArray();
            float dNorm = Norm(sae.Weights.DecoderWeight.AsSpan(k * sae.Inputs, sae.Inputs));
            float vNorm = Norm(diffMean[c]);
            foreach (double s in o.Strengths)
            {
                float alpha = (float)(s * profile.TokenMax[k]);
                foreach (var method in new[] { "sae", "diffmean" })
                    for (int si = 0; si < sets.Length; si++)
                    {
                        bool insert = si < 2;
                        ITokenEdit edit = method == "sae"
                            ? new ConceptSteering(sae, [ConceptIntervention.SetTo(k, insert ? alpha : -alpha)])
                            : new DirectionSteering(diffMean[c].Select(v => v / vNorm * alpha * dNorm * (insert ? 1 : -1)).ToArray());
                        var after = Measure(model, vlm, input, Output, sets[si].X, sets[si].Labels, plain, top[c], others, label[c], edit);
                        sweep.Add(k, method, sets[si].Name, s, alpha, before[si], after);
                    }
            }
        }
        var concepts = new DataFrame(
            new Int32DataFrameColumn("concept", chosen),
            new DoubleDataFrameColumn("ms", chosen.Select(k => ms[k])),
            new Int32DataFrameColumn("support", chosen.Select(profile.Support)),
            new Int32DataFrameColumn("elsewhere_only", chosen.Select(k => profile.ElsewhereOnly[k])),
            new StringDataFrameColumn("label", label.Select(l => vlm.Classes[l])),
            new DoubleDataFrameColumn("purity", purity),
            new DoubleDataFrameColumn("token_max", chosen.Select(k => (double)profile.TokenMax[k])),
            new DoubleDataFrameColumn("diffmean_norm", diffMean.Select(v => (double)Norm(v))));
        var frame = sweep.ToFrame();
        clock.Stop();
        _log($"steered {chosen.Length} concepts × {o.Strengths.Count} strengths × 2 methods in {clock.Elapsed.TotalSeconds:F1} s");
        return new SteeringResult
        {
            Concepts = concepts,
            Sweep = frame,
            Summary = SteeringSummary.Build(frame, concepts, o.ReportStrength),
            TrainedSae = given is null ? sae : null,
            Options = o,
            Run = (o.Images, sae.Latents, clock.Elapsed.TotalSeconds),
        };
    }

    /// <summary>
    /// A TopK SAE on every token of <paramref name="model"/>'s steered tensor for the first
    /// <see cref="SteeringStudyOptions.TrainImages"/> training images (not the test images the
    /// study measures on), seeded, with its progress in the log.
    /// </summary>
    private SaeTransformer TrainSae(SteeredModel model, DemoVlm vlm, string input, SteeringStudyOptions o)
    {
        _log($"no SAE given: training a TopK SAE ({o.SaeLatents} latents, k = {o.SaeK}, {o.SaeSteps} steps, seed {o.Seed}) on every '{model.Tensor}' token of {o.TrainImages} training images");
        var x = vlm.Normalise(DemoVlm.TrainImages(o.DatasetDirectory, o.TrainImages));
        var tokens = new List<float>();
        int width = 0;
        foreach (var (first, rows) in Chunks(o.TrainImages))
        {
            var t = model.Tokens([Input(input, x, first, rows)]);
            var layout = TokenLayout.Of(model.Tensor, t.Shape);
            width = layout.Width;
            tokens.AddRange(layout.ToTokens(t.ToFloat32()));
        }
        var trainer = new SparseAutoencoderTrainer(new SaeOptions
        {
            Architecture = "topk",
            Latents = o.SaeLatents,
            K = o.SaeK,
            BatchSize = 1024,
            Steps = o.SaeSteps,
            Seed = o.Seed,
            ProgressEvery = Math.Max(1, o.SaeSteps / 5),
        })
        {
            Progress = p => _log($"SAE step {p.Step}/{p.TotalSteps}: loss {p.Loss:F4}, R² {p.R2:F3}, L0 {p.L0:F1}, dead {p.DeadFraction:P0}"),
        };
        return trainer.Fit(new MLContext(o.Seed).Data.LoadFromMatrix(tokens.ToArray(), width));
    }

    private static void Validate(SteeringStudyOptions o)
    {
        static void Need(bool ok, string parameter, string message) { if (!ok) throw new ConceptDataException($"{parameter} {message}", [parameter]); }
        Need(o.Images >= 2, "images", $"must be at least 2, got {o.Images}.");
        if (o.SaeDirectory is null)
        {
            Need(o.TrainImages >= 1, "trainImages", $"must be at least 1, got {o.TrainImages}.");
            Need(o.SaeLatents >= 1, "saeLatents", $"must be at least 1, got {o.SaeLatents}.");
            Need(o.SaeK >= 1 && o.SaeK <= o.SaeLatents, "saeK", $"must be between 1 and saeLatents = {o.SaeLatents}, got {o.SaeK}.");
            Need(o.SaeSteps >= 1, "saeSteps", $"must be at least 1, got {o.SaeSteps}.");
        }
        Need(o.Concepts >= 2, "concepts", $"must be at least 2 (the margin compares a concept with the others), got {o.Concepts}.");
        Need(o.TopImages >= 1, "topImages", $"must be at least 1, got {o.TopImages}.");
        Need(o.RealImages >= 1, "realImages", $"must be at least 1, got {o.RealImages}.");
        Need(o.SuppressionImages >= 1, "suppressionImages", $"must be at least 1, got {o.SuppressionImages}.");
        Need(o.MinSupport >= 1, "minSupport", $"must be at least 1, got {o.MinSupport}.");
        Need(o.Strengths.Count > 0 && o.Strengths.All(s => double.IsFinite(s) && s > 0), "strengths", $"must be finite and positive, got [{string.Join(", ", o.Strengths)}].");
        Need(o.Strengths.Contains(o.ReportStrength), "reportStrength", $"{o.ReportStrength} is not one of the strengths [{string.Join(", ", o.Strengths)}].");
    }

    private static IEnumerable<(int First, int Rows)> Chunks(int count, int size = 250)
    {
        for (int first = 0; first < count; first += size) yield return (first, Math.Min(size, count - first));
    }

    private static OnnxInput Input(string name, float[] x, int first, int rows)
        => OnnxInput.Float(name, x[(first * 784)..((first + rows) * 784)], rows, 1, 28, 28);

    private static float[] Gather(float[] x, int[] images)
    {
        var g = new float[images.Length * 784];
        for (int i = 0; i < images.Length; i++) Array.Copy(x, images[i] * 784, g, i * 784, 784);
        return g;
    }

    private static int[] Sample(Random random, IEnumerable<int> pool, int count)
    {
        var items = pool.ToArray();
        random.Shuffle(items);
        return items.Take(count).Order().ToArray();
    }

    private static float Norm(ReadOnlySpan<float> v) => MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.Dot(v, v));

    private static SteeringMeasure Measure(SteeredModel model, DemoVlm vlm, string input, string output, float[] x, int[]? labels,
        float[] reference, int[] own, IReadOnlyList<int[]> others, int label, ITokenEdit? edit)
    {
        int rows = x.Length / 784;
        if (rows == 0) return new SteeringMeasure(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        var e = new List<float>();
        foreach (var (first, n) in Chunks(rows))
            e.AddRange(model.Run([Input(input, x, first, n)], [output], edit)[0].ToFloat32());
        return SteeringMeasure.Of(vlm, e.ToArray(), rows, labels, reference, own, others, label);
    }
}
