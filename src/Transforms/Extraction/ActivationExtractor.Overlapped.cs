using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using MlNetConcepts.Transforms.Onnx;
using Ort = Microsoft.ML.OnnxRuntime;

namespace MlNetConcepts.Transforms.Extraction;

// The overlapped path: while ONNX Runtime runs batch i on the calling thread, one worker prepares
// batch i+1 and hands batch i−1 to the sink. Queue order on the worker is P0 P1 | W0 P2 | W1 P3 …
// (P = prepare, W = select + sink), so at most three batches are in flight: one being prepared,
// one in Run, one being written. An input whose samples already lie in memory as the model takes
// them (a float32 tensor) lends that memory instead (ExtractionInput.Borrow): nothing is copied and
// there is no P job, so the calling thread never waits for the worker before a Run.
public sealed partial class ActivationExtractor
{
    /// <summary>A prepared model input: the input's own memory (borrowed), a reused pinned buffer (with its shape) or a fresh tensor.</summary>
    private sealed record PreparedBatch(int Start, int Count, InputSlot? Slot, long[] Shape, OnnxInput? Fresh, BorrowedBatch? Borrowed = null);

    /// <summary>
    /// A pinned input buffer reused from batch to batch, with the ONNX Runtime value over it kept
    /// as long as the batch shape stays the same (every batch but a short last one).
    /// </summary>
    private sealed class InputSlot(int length, OnnxTensorInfo input) : IDisposable
    {
        public float[] Buffer { get; } = GC.AllocateUninitializedArray<float>(length, pinned: true);
        private Ort.OrtValue? _value;
        private long[] _shape = [];

        public Ort.OrtValue Value(long[] shape)
        {
            if (_value != null && shape.AsSpan().SequenceEqual(_shape)) return _value;
            _value?.Dispose();
            long elements = shape.Aggregate(1L, (a, d) => a * d);
            _value = OnnxSession.TensorOver(Marshal.UnsafeAddrOfPinnedArrayElement(Buffer, 0), OnnxElementType.Float, shape, elements * sizeof(float), $"input '{input.Name}'");
            _shape = shape;
            return _value;
        }

        public void Dispose() => _value?.Dispose();
    }

    /// <summary>A fresh input tensor pinned for one Run (element types other than float32, or dimensions known only per batch).</summary>
    private sealed class PinnedInput : IDisposable
    {
        private GCHandle _pin;
        public PinnedInput(OnnxInput x)
        {
            _pin = GCHandle.Alloc(x.Data, GCHandleType.Pinned);
            try { Value = OnnxSession.TensorOver(_pin.AddrOfPinnedObject(), x.ElementType, x.Shape, x.Data.LongLength * x.ElementSize, $"input '{x.Name}'"); }
            catch { _pin.Free(); throw; }
        }
        public Ort.OrtValue Value { get; }
        public void Dispose() { Value.Dispose(); _pin.Free(); }
    }

    /// <summary>Values per sample of a float32 input whose dimensions after the batch are all fixed; −1 otherwise.</summary>
    private long FixedSampleLength()
    {
        if (_input.ElementType != OnnxElementType.Float || _input.Dims.Length == 0 || _input.Dims.Skip(1).Any(d => d <= 0)) return -1;
        return _input.Dims.Skip(1).Aggregate(1L, (a, d) => a * d);
    }

    private void RunOverlapped(ExtractionInput input, Action<IReadOnlyList<ActivationBlock>> sink, Action<int, int>? progress, int firstSample)
    {
        int batch = FixedBatch > 0 ? FixedBatch : Options.BatchSize;
        int batches = input.Count > firstSample ? (input.Count - firstSample + batch - 1) / batch : 0;
        if (batches == 0) return;
        long per = FixedSampleLength();
        // Two slots suffice: batch i+2 is prepared into batch i's slot only after batch i's Run returned.
        // They are made on first use: an input that lends its memory (Borrow) needs none.
        var slots = per > 0 ? new InputSlot?[2] : null;
        InputSlot Slot(int i) => slots![i % 2] ??= new InputSlot(checked((int)(per * batch)), _input);
        var borrowed = new BorrowedInputs(_input);
        string[] inputNames = [_input.Name];
        var outputNames = _model.Tensors.ToArray();
        var prepared = new Task<PreparedBatch>[batches];
        Task written = Task.CompletedTask; // the last batch handed to the sink; the worker runs them in order
        ExceptionDispatchInfo? sinkError = null; // the first failure of selection or the sink
        int stop = 0; // set once a run fails: queued jobs then skip their work
        // An error of an earlier batch's sink is the run's error (the sequential path would have stopped there).
        void ThrowEarlierFailure()
        {
            written.Wait();
            sinkError?.Throw();
        }
        var worker = new SerialWorker("mlnc extraction");
        try
        {
            Task<PreparedBatch> Prepare(int i)
            {
                int start = firstSample + i * batch, count = Math.Min(batch, input.Count - start);
                // A batch the input lends is ready at once: taken here, with no hand-off to the worker and no
                // wait for it (counted as wrapping the input). A short batch of a fixed-batch model needs zero
                // padding behind it, so it is copied.
                if (FixedBatch == 0 || count == FixedBatch)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    try
                    {
                        if (input.Borrow(start, count, _input) is { } lent) return Task.FromResult(new PreparedBatch(start, count, null, lent.Shape, null, lent));
                    }
                    catch (Exception e) { return Task.FromException<PreparedBatch>(e); } // raised when batch i is due, as on the worker
                    finally { Profile.AddValues(t0); }
                }
                return worker.Submit(() =>
                {
                    if (Volatile.Read(ref stop) != 0) throw new OperationCanceledException();
                    long t0 = Stopwatch.GetTimestamp();
                    try { return PrepareBatch(input, start, count, slots != null ? () => Slot(i) : null); }
                    finally { Profile.AddPrepare(t0); }
                });
            }
            prepared[0] = Prepare(0);
            if (batches > 1) prepared[1] = Prepare(1);
            for (int i = 0; i < batches; i++)
            {
                PreparedBatch x;
                long t0 = Stopwatch.GetTimestamp();
                try { x = prepared[i].GetAwaiter().GetResult(); }
                catch { ThrowEarlierFailure(); throw; }
                finally { Profile.AddWaiting(t0); }
                Volatile.Read(ref sinkError)?.Throw();

                Ort.IDisposableReadOnlyCollection<Ort.OrtValue> outs;
                t0 = Stopwatch.GetTimestamp();
                var fresh = x.Fresh != null ? new PinnedInput(x.Fresh) : null;
                Ort.OrtValue? lent = null;
                try
                {
                    lent = x.Borrowed != null ? borrowed.Value(x.Borrowed) : null;
                    var value = fresh?.Value ?? lent ?? x.Slot!.Value(x.Shape);
                    Profile.AddValues(t0);
                    t0 = Stopwatch.GetTimestamp();
                    outs = _model.Session.RunValues(inputNames, [value], outputNames);
                    Profile.AddRun(t0);
                }
                catch { ThrowEarlierFailure(); throw; }
                finally { fresh?.Dispose(); lent?.Dispose(); }

                written = worker.Submit(() =>
                {
                    using (outs)
                    {
                        if (Volatile.Read(ref stop) != 0) return 0;
                        try { Emit(input, x.Start, x.Count, outs, sink, progress); }
                        catch (Exception e)
                        {
                            Volatile.Write(ref sinkError, ExceptionDispatchInfo.Capture(e));
                            Volatile.Write(ref stop, 1);
                        }
                    }
                    return 0;
                });
                if (i + 2 < batches) prepared[i + 2] = Prepare(i + 2);
            }
            long tw = Stopwatch.GetTimestamp();
            try { ThrowEarlierFailure(); }
            finally { Profile.AddWaiting(tw); }
        }
        finally
        {
            Volatile.Write(ref stop, 1);
            worker.Dispose(); // queued jobs skip their work; outputs they hold are released
            if (slots != null) foreach (var s in slots) s?.Dispose();
            borrowed.Dispose();
        }
    }

    /// <summary>The model input of every batch of <paramref name="input"/>, built up front (for <see cref="RuntimeAlone"/>).</summary>
    internal IReadOnlyList<OnnxInput> AllBatches(ExtractionInput input)
    {
        int batch = FixedBatch > 0 ? FixedBatch : Options.BatchSize;
        var batches = new List<OnnxInput>();
        for (int start = 0; start < input.Count; start += batch)
        {
            int count = Math.Min(batch, input.Count - start);
            var x = input.Batch(start, count, _input);
            batches.Add(FixedBatch > 0 && count < FixedBatch ? PadBatch(x, FixedBatch) : x);
        }
        return batches;
    }

    /// <summary>
    /// ONNX Runtime alone over batches built beforehand (<see cref="AllBatches"/>), outputs
    /// released unread: the floor benchmarks compare the pipeline with, on the same session.
    /// </summary>
    internal void RuntimeAlone(IReadOnlyList<OnnxInput> batches)
    {
        string[] inputNames = [_input.Name];
        var outputNames = _model.Tensors.ToArray();
        foreach (var b in batches)
        {
            using var x = new PinnedInput(b);
            _model.Session.RunValues(inputNames, [x.Value], outputNames).Dispose();
        }
    }

    private PreparedBatch PrepareBatch(ExtractionInput input, int start, int count, Func<InputSlot>? slotFor)
    {
        bool padded = FixedBatch > 0 && count < FixedBatch;
        if (slotFor?.Invoke() is { } slot)
        {
            var shape = input.BatchInto(start, count, _input, slot.Buffer);
            if (padded)
            {
                // The padding rows are zeros, as on the sequential path (the buffer holds an earlier batch).
                slot.Buffer.AsSpan((int)(slot.Buffer.Length / FixedBatch * count)).Clear();
                shape = [FixedBatch, .. shape[1..]];
            }
            return new PreparedBatch(start, count, slot, shape, null);
        }
        var x = input.Batch(start, count, _input);
        if (FixedBatch > 0 && count < FixedBatch) x = PadBatch(x, FixedBatch);
        return new PreparedBatch(start, count, null, x.Shape, x);
    }

    /// <summary>Token selection straight from ONNX Runtime's output memory, then the sink.</summary>
    private void Emit(ExtractionInput input, int start, int count, Ort.IDisposableReadOnlyCollection<Ort.OrtValue> outs, Action<IReadOnlyList<ActivationBlock>> sink, Action<int, int>? progress)
    {
        long t0 = Stopwatch.GetTimestamp();
        var blocks = new ActivationBlock[outs.Count];
        for (int t = 0; t < blocks.Length; t++)
        {
            var value = outs[t];
            var info = value.IsTensor ? value.GetTensorTypeAndShape() : (Microsoft.ML.OnnxRuntime.OrtTensorTypeAndShapeInfo?)null;
            if (info is { ElementDataType: Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float } tensor)
                blocks[t] = TokenRows.Select(Options.Tensors[t], value.GetTensorDataAsSpan<float>(), tensor.Shape, start, count, input, Options);
            else
            {
                var array = _model.Session.ReadValue(value, _model.Tensors[t]); // widened to float32 first
                blocks[t] = TokenRows.Select(Options.Tensors[t], array.ToFloat32(), array.Shape, start, count, input, Options);
            }
        }
        Profile.AddSelect(t0);
        t0 = Stopwatch.GetTimestamp();
        sink(blocks);
        progress?.Invoke(start + count, input.Count);
        Profile.AddSink(t0);
    }
}
