using MlNetConcepts.Transforms.Extraction;
using MlNetConcepts.Transforms.Images;
using MlNetConcepts.Transforms.Onnx;

namespace MlNetConcepts.Studies.ResNet18;

/// <summary>
/// Images as the pretrained ResNet18 expects them, with the model's own preprocessing: each image
/// becomes RGB (grey copied to the three channels), is resized to 224×224 by bilinear
/// interpolation with half-pixel centres on the 0–255 scale (<see cref="ResizeFilter.Bilinear"/>,
/// torchvision's resize of a float tensor; for an upscale such as Fashion-MNIST's 28 → 224 it is
/// plain bilinear interpolation with edges clamped), and then goes through
/// <c>ResNetPreprocess.onnx</c> in ONNX Runtime: channels reordered to BGR and the package's
/// 1×3×224×224 mean image (about 114) subtracted.
/// </summary>
public sealed class ResNet18Input : ExtractionInput, IDisposable
{
    private readonly IReadOnlyList<RasterImage> _images;
    private readonly string _origin;
    private readonly OnnxSession _preprocess;
    private readonly string _inputName, _outputName;

    /// <summary>Wraps decoded images; <paramref name="origin"/> names them in errors and rows.csv.</summary>
    /// <param name="images">Images of any size, grey or RGB, 0–255.</param>
    /// <param name="preprocessModel">Path of ResNetPreprocess.onnx.</param>
    /// <param name="origin">Where the images come from (e.g. the IDX file).</param>
    /// <param name="session">Session options of the preprocessing model.</param>
    public ResNet18Input(IReadOnlyList<RasterImage> images, string preprocessModel, string origin, OnnxSessionOptions? session = null)
    {
        if (images.Count == 0) throw new ConceptDataException($"{origin}: no images to feed the ResNet18.");
        _images = images;
        _origin = origin;
        _preprocess = new OnnxSession(preprocessModel, session ?? new OnnxSessionOptions { IntraOpThreads = 1 });
        try { CheckPreprocessModel(preprocessModel); }
        catch { _preprocess.Dispose(); throw; }
        _inputName = _preprocess.Inputs[0].Name;
        _outputName = _preprocess.Outputs[0].Name;
    }

    private void CheckPreprocessModel(string preprocessModel)
    {
        if (_preprocess.Inputs.Count != 1 || _preprocess.Outputs.Count != 1)
            throw new ConceptDataException($"{preprocessModel}: expected one input and one output (ResNetPreprocess.onnx), found {_preprocess.Inputs.Count} and {_preprocess.Outputs.Count}.");
        var dims = _preprocess.Inputs[0].Dims;
        if (dims.Length != 4 || dims[1] != 3 || dims[2] != ResNet18Model.Side || dims[3] != ResNet18Model.Side)
            throw new ConceptDataException($"{preprocessModel}: input '{_preprocess.Inputs[0].Name}' is {_preprocess.Inputs[0].ShapeText}, not 1×3×224×224 (ResNetPreprocess.onnx).");
    }

    /// <inheritdoc />
    public override int Count => _images.Count;
    /// <inheritdoc />
    public override string Modality => "image";
    /// <inheritdoc />
    public override string SampleName(int i) => $"{Path.GetFileName(_origin)}#{i}";

    /// <summary>
    /// An image as RGB on the 0–255 scale, resized to 224×224 bilinearly, laid out channels first
    /// (3×224×224): the input of ResNetPreprocess.onnx.
    /// </summary>
    public static float[] Upscale(RasterImage image)
    {
        const int S = ResNet18Model.Side, Plane = S * S;
        var rgb = ImageResize.Resize(image.WithChannels(3), S, S, ResizeFilter.Bilinear);
        var chw = new float[3 * Plane];
        for (int i = 0; i < Plane; i++)
            for (int c = 0; c < 3; c++) chw[c * Plane + i] = rgb.Pixels[3 * i + c];
        return chw;
    }

    /// <summary>Image <paramref name="i"/> as the network's input: <see cref="Upscale"/>, then ResNetPreprocess.onnx (3×224×224).</summary>
    public float[] Preprocess(int i)
    {
        const int S = ResNet18Model.Side;
        return _preprocess.Run([OnnxInput.Float(_inputName, Upscale(_images[i]), 1, 3, S, S)], [_outputName])[0].ToFloat32();
    }

    /// <inheritdoc />
    public override OnnxInput Batch(int start, int count, OnnxTensorInfo input)
    {
        const int S = ResNet18Model.Side, Per = 3 * S * S;
        CheckShape(input, [3, S, S], $"{_origin} after the ResNet preprocessing");
        var data = new float[count * Per];
        for (int k = 0; k < count; k++) Preprocess(start + k).CopyTo(data, k * Per);
        return OnnxInput.Float(input.Name, data, count, 3, S, S);
    }

    /// <summary>Releases the preprocessing session.</summary>
    public void Dispose() => _preprocess.Dispose();
}
