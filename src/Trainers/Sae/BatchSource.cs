using Microsoft.ML;
using MlNetConcepts.Randomness;
using MlNetConcepts.Views;

namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// Training batches from a view, reshuffled every epoch and deterministic for a seed. Views that
/// fit in <see cref="SaeOptions.InMemoryLimitBytes"/> are read once and permuted by row; larger
/// ones are streamed through a shuffle buffer (one sequential cursor pass per epoch), so data
/// larger than memory trains. A seeded hash of the row index holds rows out for evaluation.
/// Every row is checked for NaN/Inf as it is read; the error names the row.
/// </summary>
internal sealed class BatchSource
{
    private readonly IDataView _view;
    private readonly string _column;
    private readonly int _seed, _batch, _bufferRows;
    private readonly double _holdOut;
    private readonly float[]? _all;
    private readonly int[]? _train;

    public BatchSource(IDataView view, string column, SaeOptions o, int seed)
    {
        _view = view;
        _column = column;
        Width = ViewColumns.RequireFloatVector(view.Schema, column);
        _seed = seed;
        _holdOut = o.HoldOutFraction;
        if (!(_holdOut >= 0 && _holdOut < 1)) throw new ConceptDataException($"Hold-out fraction must be in [0, 1), got {_holdOut}.");
        _bufferRows = Math.Max(1, o.ShuffleBufferRows);
        Rows = RowBlockReader.CountRows(view);
        if (Rows == 0) throw new ConceptDataException($"Column '{column}' has no rows: an SAE needs training data.");
        if (Rows * Width * 4L <= o.InMemoryLimitBytes)
        {
            _all = RowBlockReader.ReadMatrix(view, column, out _, out _);
            for (long r = 0; r < Rows; r++) CheckFinite(_all.AsSpan((int)(r * Width), Width), r);
            _train = Enumerable.Range(0, (int)Rows).Where(r => !IsHeldOut(r)).ToArray();
            TrainRows = _train.Length;
        }
        else
        {
            long t = 0;
            for (long r = 0; r < Rows; r++) if (!IsHeldOut(r)) t++;
            TrainRows = t;
        }
        if (TrainRows == 0) throw new ConceptDataException($"Column '{column}': no training rows are left after holding out {_holdOut:P0} of {Rows}.");
        _batch = (int)Math.Min(o.BatchSize, TrainRows);
    }

    /// <summary>Input width d.</summary>
    public int Width { get; }
    /// <summary>Rows in the view.</summary>
    public long Rows { get; }
    /// <summary>Rows used for training.</summary>
    public long TrainRows { get; }
    /// <summary>Rows per batch (the option, capped at the training rows).</summary>
    public int BatchSize => _batch;
    /// <summary>Full batches per epoch (a partial last batch is dropped).</summary>
    public int BatchesPerEpoch => (int)(TrainRows / _batch);

    /// <summary>True for rows held out for evaluation.</summary>
    public bool IsHeldOut(long row)
    {
        if (_holdOut == 0) return false;
        return StableHash.Unit(_seed, row, 0x401D) < _holdOut;
    }

    /// <summary>The first <paramref name="rows"/> training rows in file order (for the scale and the geometric median).</summary>
    public float[] Head(int rows, out int count)
    {
        var list = new List<float>();
        count = 0;
        foreach (var (row, _) in TrainRowsInOrder())
        {
            list.AddRange(row.ToArray());
            if (++count >= rows) break;
        }
        return list.ToArray();
    }

    /// <summary>The batches of <paramref name="epoch"/>, skipping the first <paramref name="skip"/> (for resuming).</summary>
    public IEnumerable<float[]> Epoch(int epoch, int skip)
    {
        var rng = new Random(StableHash.Seed(_seed, epoch, 0x5A3));
        int d = Width;
        if (_all is not null)
        {
            var order = (int[])_train!.Clone();
            rng.Shuffle(order);
            for (int b = skip; b < BatchesPerEpoch; b++)
            {
                var x = new float[_batch * d];
                for (int r = 0; r < _batch; r++) _all.AsSpan(order[b * _batch + r] * d, d).CopyTo(x.AsSpan(r * d, d));
                yield return x;
            }
            yield break;
        }
        // Streaming: a reservoir of rows; each new row evicts a random one, which is emitted.
        var buffer = new float[Math.Min(_bufferRows, TrainRows) * d];
        int filled = 0, inBatch = 0, emitted = 0;
        var batch = new float[_batch * d];
        IEnumerable<float[]> Emit(ReadOnlySpan<float> row)
        {
            row.CopyTo(batch.AsSpan(inBatch * d, d));
            if (++inBatch < _batch) return [];
            inBatch = 0;
            var done = batch;
            batch = new float[_batch * d];
            return emitted++ >= skip ? [done] : [];
        }
        int capacity = buffer.Length / d;
        foreach (var (row, _) in TrainRowsInOrder())
        {
            if (emitted >= BatchesPerEpoch) yield break;
            if (filled < capacity) { row.CopyTo(buffer.AsSpan(filled++ * d, d)); continue; }
            int slot = rng.Next(capacity);
            var outRow = buffer.AsSpan(slot * d, d).ToArray();
            row.CopyTo(buffer.AsSpan(slot * d, d));
            foreach (var x in Emit(outRow)) yield return x;
        }
        var rest = Enumerable.Range(0, filled).ToArray();
        rng.Shuffle(rest);
        foreach (int slot in rest)
        {
            if (emitted >= BatchesPerEpoch) yield break;
            foreach (var x in Emit(buffer.AsSpan(slot * d, d).ToArray())) yield return x;
        }
    }

    /// <summary>Held-out rows in file order, in blocks.</summary>
    public IEnumerable<float[]> HeldOutBlocks(int blockRows)
    {
        var block = new List<float>();
        int count = 0;
        foreach (var (row, _) in AllRows(heldOut: true))
        {
            block.AddRange(row.ToArray());
            if (++count == blockRows) { yield return block.ToArray(); block.Clear(); count = 0; }
        }
        if (count > 0) yield return block.ToArray();
    }

    private IEnumerable<(float[] Row, long Index)> TrainRowsInOrder() => AllRows(heldOut: false);

    private IEnumerable<(float[] Row, long Index)> AllRows(bool heldOut)
    {
        int d = Width;
        if (_all is not null)
        {
            for (long r = 0; r < Rows; r++)
                if (IsHeldOut(r) == heldOut) yield return (_all.AsSpan((int)(r * d), d).ToArray(), r);
            yield break;
        }
        using var reader = new RowBlockReader(_view, [_column]);
        while (reader.MoveNext())
        {
            var block = reader.Floats(_column).ToArray();
            for (int r = 0; r < reader.BlockRows; r++)
            {
                long index = reader.BlockStart + r;
                if (IsHeldOut(index) != heldOut) continue;
                var row = block.AsSpan(r * d, d).ToArray();
                CheckFinite(row, index);
                yield return (row, index);
            }
        }
    }

    private void CheckFinite(ReadOnlySpan<float> row, long index)
    {
        for (int j = 0; j < row.Length; j++)
            if (!float.IsFinite(row[j]))
                throw new ConceptDataException($"Column '{_column}': row {index} has a non-finite value ({row[j]}) at position {j}; remove or fix it before training.");
    }
}
