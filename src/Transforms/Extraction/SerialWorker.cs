namespace MlNetConcepts.Transforms.Extraction;

/// <summary>
/// One dedicated thread running submitted jobs one at a time in submission order. Extraction uses
/// it to prepare the next batch and write the previous one while ONNX Runtime runs the current
/// batch on the calling thread: a dedicated thread rather than the thread pool, so the thread
/// budget is exactly ORT's intra-op threads plus this one, and the order of sink calls is the
/// order of batches.
/// </summary>
/// <remarks>
/// When idle the thread sleeps in <see cref="Monitor.Wait(object)"/>, which blocks at once. The
/// usual queue (<c>BlockingCollection</c> over <c>SemaphoreSlim</c>) spins and yields up to 140
/// times before it blocks, so between two batches the worker stayed runnable instead of asleep,
/// and on a machine whose cores ORT's threads fill, each slice the scheduler gave it stalled one of
/// ORT's threads (docs/BENCHMARKS.md, Extraction: with it, the worker of a ViT run used 18 ms of
/// CPU for 4–6 ms of work and almost never slept; now about 10 ms less).
/// </remarks>
internal sealed class SerialWorker : IDisposable
{
    private readonly Queue<Action> _jobs = new();
    private readonly object _gate = new();
    private readonly Thread _thread;
    private bool _closed;

    public SerialWorker(string name)
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = name };
        _thread.Start();
    }

    private void Loop()
    {
        while (true)
        {
            Action job;
            lock (_gate)
            {
                while (_jobs.Count == 0)
                {
                    if (_closed) return;
                    Monitor.Wait(_gate);
                }
                job = _jobs.Dequeue();
            }
            job();
        }
    }

    /// <summary>Queues <paramref name="work"/>; the task completes with its result or its exception.</summary>
    public Task<T> Submit<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Job()
        {
            try { done.SetResult(work()); }
            catch (Exception e) { done.SetException(e); }
        }
        lock (_gate)
        {
            if (_closed) throw new ObjectDisposedException(nameof(SerialWorker));
            _jobs.Enqueue(Job);
            Monitor.Pulse(_gate);
        }
        return done.Task;
    }

    /// <summary>Runs the jobs still queued, then ends the thread.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _closed = true;
            Monitor.Pulse(_gate);
        }
        _thread.Join();
    }
}
