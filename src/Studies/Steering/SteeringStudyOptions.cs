namespace MlNetConcepts.Studies.Steering;

/// <summary>Settings of <see cref="SteeringStudy"/>.</summary>
public sealed record SteeringStudyOptions
{
    /// <summary>The demo VLM's folder (image.onnx, text.onnx, aux.onnx, config.json, vocab.txt).</summary>
    public required string ModelDirectory { get; init; }
    /// <summary>The Fashion-MNIST folder (t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz).</summary>
    public required string DatasetDirectory { get; init; }
    /// <summary>
    /// A SAELens folder with the SAE on <see cref="Tensor"/>'s tokens; null: a TopK SAE
    /// (<see cref="SaeLatents"/>, <see cref="SaeK"/>, <see cref="SaeSteps"/>, seeded by
    /// <see cref="Seed"/>) is trained on every token of the first <see cref="TrainImages"/>
    /// Fashion-MNIST training images and written with the report (sae/).
    /// </summary>
    public string? SaeDirectory { get; init; }
    /// <summary>Training images whose tokens train the SAE when <see cref="SaeDirectory"/> is null.</summary>
    public int TrainImages { get; init; } = 4000;
    /// <summary>Latents of the SAE trained when <see cref="SaeDirectory"/> is null.</summary>
    public int SaeLatents { get; init; } = 256;
    /// <summary>Active latents per token (TopK) of the SAE trained when <see cref="SaeDirectory"/> is null.</summary>
    public int SaeK { get; init; } = 8;
    /// <summary>Training steps (batches of 1,024 tokens) of the SAE trained when <see cref="SaeDirectory"/> is null.</summary>
    public int SaeSteps { get; init; } = 1000;
    /// <summary>The steered tensor of image.onnx (default: the last image block's output).</summary>
    public string Tensor { get; init; } = "block3";
    /// <summary>Test images used to rank concepts, find their top images and DiffMean directions.</summary>
    public int Images { get; init; } = 2000;
    /// <summary>Concepts steered: the ones with the highest MonoSemanticity.</summary>
    public int Concepts { get; init; } = 10;
    /// <summary>A concept is ranked only if it fires on the CLS token of at least this many images (MS saturates on a few near-duplicates).</summary>
    public int MinSupport { get; init; } = 20;
    /// <summary>Top-activating images per concept (the concept's "own" images).</summary>
    public int TopImages { get; init; } = 16;
    /// <summary>Real images (concept absent) steered per concept for insertion.</summary>
    public int RealImages { get; init; } = 64;
    /// <summary>Images of the concept's class (concept present) for suppression, and of other classes for the unrelated check.</summary>
    public int SuppressionImages { get; init; } = 32;
    /// <summary>Intervention strengths s: α = s × the concept's largest activation on any token.</summary>
    public IReadOnlyList<double> Strengths { get; init; } = [0.5, 1, 2, 4];
    /// <summary>The strength the summary table reports (one of <see cref="Strengths"/>).</summary>
    public double ReportStrength { get; init; } = 2;
    /// <summary>Seed of the image samples and of the SAE trained when <see cref="SaeDirectory"/> is null.</summary>
    public int Seed { get; init; } = 0;
    /// <summary>ONNX Runtime intra-op threads (0: ONNX Runtime's choice).</summary>
    public int Threads { get; init; } = 1;
}
