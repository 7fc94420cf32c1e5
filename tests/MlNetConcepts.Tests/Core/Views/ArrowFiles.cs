using Apache.Arrow;
using Apache.Arrow.Compression;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;

namespace MlNetConcepts.Tests.Core.Views;

/// <summary>Writes Arrow IPC test files with Apache.Arrow's own writer (pyarrow is not installed); the arrays written are the oracle.</summary>
internal static class ArrowFiles
{
    public static Field VectorField(string name, int width) => new(name, new FixedSizeListType(new Field("item", FloatType.Default, false), width), false);
    public static Field ListField(string name) => new(name, new ListType(new Field("item", FloatType.Default, false)), false);

    /// <summary>A FixedSizeList&lt;float32&gt; array of <paramref name="rows"/> rows of <paramref name="width"/>; <paramref name="nullRow"/> marks one row null.</summary>
    public static FixedSizeListArray Vectors(float[] values, int width, int? nullRow = null, int? nullValue = null)
    {
        var items = new FloatArray.Builder();
        for (int i = 0; i < values.Length; i++)
            if (i == nullValue) items.AppendNull(); else items.Append(values[i]);
        int rows = values.Length / width;
        var validity = ArrowBuffer.Empty;
        if (nullRow is int r)
        {
            var bits = new ArrowBuffer.BitmapBuilder();
            for (int i = 0; i < rows; i++) bits.Append(i != r);
            validity = bits.Build();
        }
        return new FixedSizeListArray(new FixedSizeListType(new Field("item", FloatType.Default, nullValue is not null), width), rows, items.Build(), validity, nullRow is null ? 0 : 1, 0);
    }

    /// <summary>A List&lt;float32&gt; array whose row i holds <paramref name="rows"/>[i].</summary>
    public static ListArray Lists(params float[][] rows)
    {
        var offsets = new ArrowBuffer.Builder<int>();
        var items = new FloatArray.Builder();
        int at = 0;
        offsets.Append(0);
        foreach (var row in rows) { items.AppendRange(row); at += row.Length; offsets.Append(at); }
        return new ListArray(new ListType(new Field("item", FloatType.Default, false)), rows.Length, offsets.Build(), items.Build(), ArrowBuffer.Empty, 0, 0);
    }

    /// <summary>Writes the batches as an IPC file, or a stream when <paramref name="stream"/>, its buffers compressed with <paramref name="codec"/> when given.</summary>
    public static void Write(string path, Schema schema, IEnumerable<RecordBatch> batches, bool stream = false, CompressionCodecType? codec = null)
    {
        var options = codec is { } c ? new IpcOptions { CompressionCodec = c, CompressionCodecFactory = new CompressionCodecFactory() } : null;
        using var fs = File.Create(path);
        using var writer = stream ? new ArrowStreamWriter(fs, schema, false, options) : new ArrowFileWriter(fs, schema, false, options);
        writer.WriteStart();
        foreach (var b in batches) writer.WriteRecordBatch(b);
        writer.WriteEnd();
    }

    /// <summary>A file with one FixedSizeList&lt;float32&gt; column named Features, split into batches of the given row counts.</summary>
    public static void WriteMatrix(string path, float[] x, int width, int[] batchRows, bool stream = false)
    {
        var schema = new Schema([VectorField("Features", width)], null);
        var batches = new List<RecordBatch>();
        int at = 0;
        foreach (int rows in batchRows)
        {
            batches.Add(new RecordBatch(schema, [Vectors(x[(at * width)..((at + rows) * width)], width)], rows));
            at += rows;
        }
        if (at * width != x.Length) throw new ArgumentException("The batches must cover the matrix.");
        Write(path, schema, batches, stream);
    }
}
