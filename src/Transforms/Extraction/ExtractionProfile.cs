using System.Diagnostics;

namespace MlNetConcepts.Transforms.Extraction;

/// <summary>
/// Where an extractor's time went, summed over its runs, stage by stage. With
/// <see cref="ActivationExtractorOptions.Overlap"/> the worker's stages (<see cref="Prepare"/>,
/// <see cref="Select"/>, <see cref="Sink"/>) run while ONNX Runtime works, so the stages add up to
/// more than <see cref="Wall"/>; <see cref="Waiting"/> is the time the calling thread sat idle
/// waiting for the worker (the part of the worker's time that was not hidden).
/// </summary>
public sealed class ExtractionProfile
{
    private long _prepare, _values, _run, _select, _sink, _waiting, _wall;

    /// <summary>Decoding, preprocessing and assembling batches (the model input tensors).</summary>
    public TimeSpan Prepare => Stopwatch.GetElapsedTime(0, _prepare);
    /// <summary>
    /// Wrapping inputs as ONNX Runtime values, with taking the batches an input lends from its own memory
    /// (overlapped path; the sequential path counts wrapping under <see cref="Run"/>).
    /// </summary>
    public TimeSpan Values => Stopwatch.GetElapsedTime(0, _values);
    /// <summary>Inside ONNX Runtime's <c>Run</c> (on the sequential path also wrapping the inputs and copying the outputs into arrays).</summary>
    public TimeSpan Run => Stopwatch.GetElapsedTime(0, _run);
    /// <summary>Token selection: turning output tensors into activation rows.</summary>
    public TimeSpan Select => Stopwatch.GetElapsedTime(0, _select);
    /// <summary>The caller's sink (e.g. writing the rows to files).</summary>
    public TimeSpan Sink => Stopwatch.GetElapsedTime(0, _sink);
    /// <summary>The calling thread waiting for the worker (overlapped runs only).</summary>
    public TimeSpan Waiting => Stopwatch.GetElapsedTime(0, _waiting);
    /// <summary>Wall time of the runs, from first batch to last sink call.</summary>
    public TimeSpan Wall => Stopwatch.GetElapsedTime(0, _wall);

    // Each counter has one writer at a time (the calling thread or the worker); the run joins the
    // worker before returning, so reads after a run see every update.
    internal void AddPrepare(long since) => _prepare += Stopwatch.GetTimestamp() - since;
    internal void AddValues(long since) => _values += Stopwatch.GetTimestamp() - since;
    internal void AddRun(long since) => _run += Stopwatch.GetTimestamp() - since;
    internal void AddSelect(long since) => _select += Stopwatch.GetTimestamp() - since;
    internal void AddSink(long since) => _sink += Stopwatch.GetTimestamp() - since;
    internal void AddWaiting(long since) => _waiting += Stopwatch.GetTimestamp() - since;
    internal void AddWall(long since) => _wall += Stopwatch.GetTimestamp() - since;

    /// <summary>Starts counting again from zero.</summary>
    public void Reset() => _prepare = _values = _run = _select = _sink = _waiting = _wall = 0;

    /// <inheritdoc />
    public override string ToString()
        => FormattableString.Invariant($"wall {Wall.TotalMilliseconds:F1} ms: prepare {Prepare.TotalMilliseconds:F1}, values {Values.TotalMilliseconds:F1}, run {Run.TotalMilliseconds:F1}, select {Select.TotalMilliseconds:F1}, sink {Sink.TotalMilliseconds:F1}, waiting {Waiting.TotalMilliseconds:F1}");
}
