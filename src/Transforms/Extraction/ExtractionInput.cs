using MlNetConcepts.IO;
using MlNetConcepts.Transforms.Images;
using MlNetConcepts.Transforms.Onnx;
using MlNetConcepts.Transforms.Text;

namespace MlNetConcepts.Transforms.Extraction;

/// <summary>
/// The samples fed to a model, in order: produces the model input for a range of samples.
/// Implementations: image files, decoded images (e.g. IDX), raw tensors, texts.
/// </summary>
public abstract class ExtractionInput
{
    /// <summary>Number of samples.</summary>
    public abstract int Count { get; }

    /// <summary>"image" or "text" (written to rows.csv).</summary>
    public abstract string Modality { get; }

    /// <summary>Name of sample <paramref name="i"/> (a file name, the text, or its index).</summary>
    public abstract string SampleName(int i);

    /// <summary>
    /// Builds the input tensor for samples [start, start+count) for the model input
    /// <paramref name="input"/>; the first dimension is the batch. Checks fixed dimensions and
    /// throws a clear error naming the sample when they do not match.
    /// </summary>
    public abstract OnnxInput Batch(int start, int count, OnnxTensorInfo input);

    /// <summary>
    /// What <see cref="Batch"/> builds, for a float32 model input whose per-sample dimensions are
    /// all fixed, written into <paramref name="buffer"/> (reused from batch to batch, at least
    /// <paramref name="count"/> samples long) instead of a fresh array; returns the tensor's shape.
    /// Same checks and errors as <see cref="Batch"/>. The default builds the batch and copies it.
    /// </summary>
    public virtual long[] BatchInto(int start, int count, OnnxTensorInfo input, float[] buffer)
    {
        var x = Batch(start, count, input);
        ((float[])x.Data).CopyTo(buffer);
        return x.Shape;
    }

    /// <summary>
    /// Samples [start, start+count) when they already lie in memory exactly as float32 model
    /// input <paramref name="input"/> takes them (row-major, contiguous), so the overlapped
    /// extractor feeds ONNX Runtime from that memory instead of copying it into a batch; null when
    /// the batch has to be built (<see cref="Batch"/>, <see cref="BatchInto"/>). Same checks and
    /// errors as <see cref="Batch"/>; the values must be the ones <see cref="Batch"/> would build.
    /// </summary>
    internal virtual BorrowedBatch? Borrow(int start, int count, OnnxTensorInfo input) => null;

    /// <summary>Position of the end token of sample <paramref name="i"/> (text), or −1 (images, tensors).</summary>
    public virtual int EndIndex(int i) => -1;

    /// <summary>Checks a per-sample shape against the model input's fixed dimensions (after the batch dimension).</summary>
    protected static void CheckShape(OnnxTensorInfo input, long[] sampleShape, string what)
    {
        var dims = input.Dims;
        bool ok = dims.Length == sampleShape.Length + 1;
        for (int k = 0; ok && k < sampleShape.Length; k++) ok = dims[k + 1] < 0 || dims[k + 1] == sampleShape[k];
        if (!ok)
            throw new ConceptDataException($"wrong input size: {what} has shape [{string.Join(",", sampleShape)}] per sample but model input '{input.Name}' expects {input.ShapeText}.");
    }
}

/// <summary>Images (files or decoded), preprocessed into NCHW floats.</summary>
public sealed class ImageInput : ExtractionInput
{
    private readonly IReadOnlyList<string>? _files;
    private readonly IReadOnlyList<RasterImage>? _images;
    private readonly string _origin;

    /// <summary>Image files, decoded on demand, one batch at a time.</summary>
    public ImageInput(IReadOnlyList<string> files, ImagePreprocessor preprocessor)
    {
        _files = files;
        Preprocessor = preprocessor;
        _origin = "image files";
    }

    /// <summary>Decoded images (e.g. from an IDX file); <paramref name="origin"/> names them in errors.</summary>
    public ImageInput(IReadOnlyList<RasterImage> images, ImagePreprocessor preprocessor, string origin)
    {
        _images = images;
        Preprocessor = preprocessor;
        _origin = origin;
    }

    /// <summary>The preprocessing applied to each image.</summary>
    public ImagePreprocessor Preprocessor { get; }

    /// <inheritdoc />
    public override int Count => _files?.Count ?? _images!.Count;
    /// <inheritdoc />
    public override string Modality => "image";
    /// <inheritdoc />
    public override string SampleName(int i) => _files != null ? Path.GetFileName(_files[i]) : $"{Path.GetFileName(_origin)}#{i}";

    /// <inheritdoc />
    public override OnnxInput Batch(int start, int count, OnnxTensorInfo input)
    {
        float[]? data = null;
        var shape = Preprocess(start, count, input, (k, chw) => (data ??= new float[count * chw.Length]).AsSpan(k * chw.Length));
        return OnnxInput.FromFloats(input.Name, input.ElementType, data!, shape);
    }

    /// <inheritdoc />
    public override long[] BatchInto(int start, int count, OnnxTensorInfo input, float[] buffer)
        => Preprocess(start, count, input, (k, chw) => buffer.AsSpan(k * chw.Length));

    /// <summary>Decodes and preprocesses images [start, start+count), handing each to <paramref name="place"/>; returns the batch shape.</summary>
    private long[] Preprocess(int start, int count, OnnxTensorInfo input, PlaceImage place)
    {
        long[] shape = [];
        int per = 0;
        for (int k = 0; k < count; k++)
        {
            int i = start + k;
            var img = _files != null ? ImageFile.Read(_files[i]) : _images![i];
            var chw = Preprocessor.ToChw(img, out int h, out int w);
            if (k == 0)
            {
                shape = [Preprocessor.Channels, h, w];
                CheckShape(input, shape, _files != null ? _files[i] + " after preprocessing" : $"{_origin} image {i} after preprocessing");
                per = chw.Length;
            }
            else if (chw.Length != per)
                throw new ConceptDataException($"{SampleName(i)}: preprocessed to {Preprocessor.Channels}×{h}×{w}, unlike earlier images [{string.Join(",", shape)}]; use a preset that resizes and crops.");
            chw.CopyTo(place(k, chw));
        }
        return [count, .. shape];
    }

    private delegate Span<float> PlaceImage(int k, float[] chw);
}

/// <summary>A raw tensor [N, ...] fed straight to a model input (no decoding or preprocessing).</summary>
public sealed class TensorInput : ExtractionInput
{
    private readonly NdArray _array;
    private float[]? _floats; // the array as float32, converted once (the same buffer when it already is float32)
    private readonly string _source;

    /// <summary>Wraps <paramref name="array"/>; its first dimension indexes samples.</summary>
    public TensorInput(NdArray array, string source)
    {
        if (array.Rank < 1 || array.Shape[0] == 0) throw new ConceptDataException($"{source}: needs at least one sample along the first dimension, shape {array.ShapeText}.");
        _array = array;
        _source = source;
    }

    /// <inheritdoc />
    public override int Count => (int)_array.Shape[0];
    /// <inheritdoc />
    public override string Modality => "tensor";
    /// <inheritdoc />
    public override string SampleName(int i) => $"{Path.GetFileName(_source)}#{i}";

    /// <inheritdoc />
    public override OnnxInput Batch(int start, int count, OnnxTensorInfo input)
    {
        var sample = _array.Shape[1..];
        CheckShape(input, sample, _source);
        int per = (int)sample.Aggregate(1L, (a, d) => a * d);
        long[] shape = [count, .. sample];
        if (input.ElementType is OnnxElementType.Int64 or OnnxElementType.Int32)
        {
            var ids = _array.ToInt64().AsSpan(start * per, count * per).ToArray();
            return input.ElementType == OnnxElementType.Int64 ? OnnxInput.Int64(input.Name, ids, shape) : OnnxInput.Int32(input.Name, Array.ConvertAll(ids, v => checked((int)v)), shape);
        }
        return OnnxInput.FromFloats(input.Name, input.ElementType, (_floats ??= _array.ToFloat32()).AsSpan(start * per, count * per).ToArray(), shape);
    }

    /// <inheritdoc />
    public override long[] BatchInto(int start, int count, OnnxTensorInfo input, float[] buffer)
    {
        var sample = _array.Shape[1..];
        CheckShape(input, sample, _source);
        int per = (int)sample.Aggregate(1L, (a, d) => a * d);
        (_floats ??= _array.ToFloat32()).AsSpan(start * per, count * per).CopyTo(buffer);
        return [count, .. sample];
    }

    /// <inheritdoc />
    internal override BorrowedBatch? Borrow(int start, int count, OnnxTensorInfo input)
    {
        // Other element types are converted per batch (Batch); a float32 input is the float array itself.
        if (input.ElementType != OnnxElementType.Float) return null;
        var sample = _array.Shape[1..];
        CheckShape(input, sample, _source);
        long per = sample.Aggregate(1L, (a, d) => a * d);
        return new BorrowedBatch(_floats ??= _array.ToFloat32(), start * per, [count, .. sample]);
    }
}

/// <summary>Texts tokenized into id rows for a text tower.</summary>
public sealed class TextInput : ExtractionInput
{
    private readonly IReadOnlyList<string> _texts;
    private readonly long[] _ids;
    private readonly int _ctx;
    private readonly ITextTokenizer _tokenizer;

    /// <summary>Tokenizes <paramref name="texts"/> with <paramref name="tokenizer"/>.</summary>
    public TextInput(IReadOnlyList<string> texts, ITextTokenizer tokenizer)
    {
        if (texts.Count == 0) throw new ConceptDataException("no texts to encode.");
        _texts = texts;
        _tokenizer = tokenizer;
        _ctx = tokenizer.ContextLength;
        _ids = tokenizer.EncodeBatch(texts);
    }

    /// <inheritdoc />
    public override int Count => _texts.Count;
    /// <inheritdoc />
    public override string Modality => "text";
    /// <inheritdoc />
    public override string SampleName(int i) => _texts[i];
    /// <inheritdoc />
    public override int EndIndex(int i) => _tokenizer.EndIndex(_ids.AsSpan(i * _ctx, _ctx));

    /// <inheritdoc />
    public override OnnxInput Batch(int start, int count, OnnxTensorInfo input)
    {
        CheckShape(input, [_ctx], "the token ids");
        var ids = _ids.AsSpan(start * _ctx, count * _ctx).ToArray();
        return input.ElementType == OnnxElementType.Int32
            ? OnnxInput.Int32(input.Name, Array.ConvertAll(ids, v => checked((int)v)), count, _ctx)
            : OnnxInput.Int64(input.Name, ids, count, _ctx);
    }
}
