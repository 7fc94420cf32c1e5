using MlNetConcepts.Transforms.Extraction;

namespace MlNetConcepts.Tests.Transforms.Extraction;

/// <summary>The extraction worker: jobs in submission order on one thread, failures in their task, queued jobs run before it ends.</summary>
[TestClass]
public sealed class SerialWorkerTests
{
    [TestMethod]
    public void Jobs_run_one_at_a_time_in_submission_order_on_one_named_thread()
    {
        var order = new List<int>();
        var threads = new HashSet<int>();
        var names = new HashSet<string?>();
        int running = 0, overlapped = 0;
        using var worker = new SerialWorker("test worker");
        var tasks = Enumerable.Range(0, 200).Select(i => worker.Submit(() =>
        {
            if (Interlocked.Increment(ref running) > 1) Interlocked.Increment(ref overlapped);
            lock (order) { order.Add(i); threads.Add(Environment.CurrentManagedThreadId); names.Add(Thread.CurrentThread.Name); }
            if (i % 50 == 0) Thread.Sleep(2); // the submitter runs ahead, so jobs queue up behind a slow one
            Interlocked.Decrement(ref running);
            return i * 3;
        })).ToArray();
        Task.WaitAll(tasks);
        CollectionAssert.AreEqual(Enumerable.Range(0, 200).ToList(), order);
        CollectionAssert.AreEqual(Enumerable.Range(0, 200).Select(i => i * 3).ToArray(), tasks.Select(t => t.Result).ToArray());
        Assert.AreEqual(0, overlapped);
        Assert.AreEqual(1, threads.Count);
        Assert.AreNotEqual(Environment.CurrentManagedThreadId, threads.Single());
        Assert.AreEqual("test worker", names.Single());
    }

    [TestMethod]
    public void A_failing_job_fails_its_task_and_the_next_jobs_still_run()
    {
        using var worker = new SerialWorker("test worker");
        var bad = worker.Submit<int>(() => throw new InvalidDataException("job 1 failed"));
        var good = worker.Submit(() => 7);
        var e = Assert.ThrowsExactly<AggregateException>(() => bad.Wait());
        Assert.IsInstanceOfType<InvalidDataException>(e.InnerException);
        Assert.AreEqual("job 1 failed", e.InnerException!.Message);
        Assert.AreEqual(7, good.Result);
    }

    [TestMethod]
    public void Dispose_runs_the_queued_jobs_then_refuses_new_ones()
    {
        var worker = new SerialWorker("test worker");
        using var gate = new ManualResetEventSlim();
        int done = 0;
        var first = worker.Submit(() => { gate.Wait(); return Interlocked.Increment(ref done); });
        var queued = Enumerable.Range(0, 5).Select(_ => worker.Submit(() => Interlocked.Increment(ref done))).ToArray();
        var disposing = Task.Run(worker.Dispose);
        Assert.IsFalse(disposing.Wait(50), "Dispose returned while a job was still running");
        gate.Set();
        Assert.IsTrue(disposing.Wait(TimeSpan.FromSeconds(30)));
        Assert.AreEqual(6, done);
        Assert.IsTrue(first.IsCompletedSuccessfully && queued.All(t => t.IsCompletedSuccessfully));
        Assert.ThrowsExactly<ObjectDisposedException>(() => worker.Submit(() => 0));
        worker.Dispose(); // a second Dispose is harmless
    }
}
