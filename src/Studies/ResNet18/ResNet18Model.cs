namespace MlNetConcepts.Studies.ResNet18;

/// <summary>A tapped layer of the ResNet18: its name in the study, the graph tensor and its channels.</summary>
/// <param name="Name">Layer name in the study and its outputs.</param>
/// <param name="Tensor">The CNTK graph's tensor name.</param>
/// <param name="Channels">Channels (the width of a mean-pooled row).</param>
public sealed record ResNet18Layer(string Name, string Tensor, int Channels);

/// <summary>
/// The pretrained ResNet18 of the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1
/// (He et al. 2016's residual network trained on ImageNet, exported from CNTK as ONNX opset 8 with
/// its batch fixed at 1): where its files are and which tensors end its residual stages. The
/// package's build props copy <c>DnnImageModels/</c> beside every program that references it, so
/// nothing is downloaded at run time.
/// </summary>
public static class ResNet18Model
{
    /// <summary>Environment variable naming a <c>DnnImageModels</c> folder to use instead of the one beside the program.</summary>
    public const string FolderVariable = "MLNC_RESNET18_MODELS";

    /// <summary>The network's input, 1×3×224×224: BGR on the 0–255 scale minus the mean image.</summary>
    public const string Input = "Input247";

    /// <summary>Side of the square input.</summary>
    public const int Side = 224;

    /// <summary>
    /// The output of each residual stage: the ReLU after the stage's last residual Add
    /// (stages of 2, 2, 2 and 3 blocks; feature maps 56², 28², 14² and 7²).
    /// </summary>
    public static readonly IReadOnlyList<ResNet18Layer> Stages =
    [
        new("stage1", "ReLU283_Output_0", 64),
        new("stage2", "ReLU315_Output_0", 128),
        new("stage3", "ReLU347_Output_0", 256),
        new("stage4", "ReLU393_Output_0", 512),
    ];

    /// <summary>
    /// The model's output: a 7×7 average pool of stage 4, so it is exactly stage 4 mean-pooled
    /// over its positions (the quickstart taps it once, as <c>pooled</c>).
    /// </summary>
    public static readonly ResNet18Layer Pooled = new("pooled", "Pooling395_Output_0", 512);

    /// <summary>
    /// The <c>DnnImageModels</c> folder: <see cref="FolderVariable"/> if set, else beside the
    /// program (where the package's build props copy it).
    /// </summary>
    public static string FindFolder()
    {
        var custom = Environment.GetEnvironmentVariable(FolderVariable);
        var dir = custom is { Length: > 0 } ? custom : Path.Combine(AppContext.BaseDirectory, "DnnImageModels");
        foreach (var file in new[] { NetworkPath(dir), PreprocessPath(dir) })
            if (!File.Exists(file))
                throw new ConceptDataException(custom is { Length: > 0 }
                    ? $"{file} not found: {FolderVariable} must name the DnnImageModels folder of Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1."
                    : $"{file} not found: the program was built without the package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 (rebuild, or set {FolderVariable}).");
        return dir;
    }

    /// <summary>ResNet18.onnx in a <c>DnnImageModels</c> folder.</summary>
    public static string NetworkPath(string folder) => Path.Combine(folder, "ResNet18Onnx", "ResNet18.onnx");

    /// <summary>ResNetPreprocess.onnx (RGB→BGR, minus the mean image) in a <c>DnnImageModels</c> folder.</summary>
    public static string PreprocessPath(string folder) => Path.Combine(folder, "ResNetPrepOnnx", "ResNetPreprocess.onnx");
}
