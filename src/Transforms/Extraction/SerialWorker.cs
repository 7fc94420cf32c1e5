using System.Collections.Concurrent;

namespace MlNetConcepts.Transforms.Extraction;

/// <summary>
/// One dedicated thread running submitted jobs one at a time in submission order. Extraction uses
/// it to prepare the next batch and write the previous one while ONNX Runtime runs the current
/// batch on the calling thread: a dedicated thread rather than the thread pool, so the thread
/// budget is exactly ORT's intra-op threads plus this one, and the order of sink calls is the
/// order of batches.
/// </summary>
internal sealed class SerialWorker : IDisposable
{
    private readonly BlockingCollection<Action> _jobs = new();
    private readonly Thread _thread;

    public SerialWorker(string name)
    {
        _thread = new Thread(() => { foreach (var job in _jobs.GetConsumingEnumerable()) job(); }) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Queues <paramref name="work"/>; the task completes with its result or its exception.</summary>
    public Task<T> Submit<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _jobs.Add(() =>
        {
            try { done.SetResult(work()); }
            catch (Exception e) { done.SetException(e); }
        });
        return done.Task;
    }

    /// <summary>Runs the jobs still queued, then ends the thread.</summary>
    public void Dispose()
    {
        _jobs.CompleteAdding();
        _thread.Join();
        _jobs.Dispose();
    }
}
