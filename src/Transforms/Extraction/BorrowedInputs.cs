using System.Runtime.InteropServices;
using MlNetConcepts.Transforms.Onnx;
using Ort = Microsoft.ML.OnnxRuntime;

namespace MlNetConcepts.Transforms.Extraction;

/// <summary>
/// A batch that already lies in memory as the model input wants it (float32, row-major,
/// contiguous): <paramref name="Values"/> from <paramref name="Offset"/> on holds the
/// <paramref name="Shape"/>'s elements. See <see cref="ExtractionInput.Borrow"/>.
/// </summary>
internal sealed record BorrowedBatch(float[] Values, long Offset, long[] Shape);

/// <summary>
/// Feeds borrowed batches to ONNX Runtime without copying them: each array a batch points into
/// is pinned once per run (usually one array, the whole input tensor) and every batch becomes an
/// ORT value over its slice of that memory, as <see cref="ActivationExtractor.RuntimeAlone"/>
/// wraps its prebuilt batches.
/// </summary>
internal sealed class BorrowedInputs(OnnxTensorInfo input) : IDisposable
{
    private readonly List<GCHandle> _pins = [];

    /// <summary>An ORT value over <paramref name="batch"/>'s memory; dispose it after the Run that reads it.</summary>
    public Ort.OrtValue Value(BorrowedBatch batch)
    {
        long elements = batch.Shape.Aggregate(1L, (a, d) => a * d);
        if (batch.Offset < 0 || batch.Offset + elements > batch.Values.LongLength)
            throw new InvalidOperationException($"a borrowed batch of {elements} values at {batch.Offset} does not fit its array of {batch.Values.LongLength}."); // an ExtractionInput bug, never user input
        int k = _pins.FindIndex(p => ReferenceEquals(p.Target, batch.Values));
        if (k < 0)
        {
            _pins.Add(GCHandle.Alloc(batch.Values, GCHandleType.Pinned));
            k = _pins.Count - 1;
        }
        var address = _pins[k].AddrOfPinnedObject() + checked((nint)(batch.Offset * sizeof(float)));
        return OnnxSession.TensorOver(address, OnnxElementType.Float, batch.Shape, elements * sizeof(float), $"input '{input.Name}'");
    }

    /// <summary>Unpins the arrays (after the last Run of the run).</summary>
    public void Dispose()
    {
        foreach (var p in _pins) p.Free();
        _pins.Clear();
    }
}
