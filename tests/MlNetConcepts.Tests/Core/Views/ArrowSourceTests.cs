using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetConcepts.IO;
using MlNetConcepts.Views;
using static MlNetConcepts.Tests.Core.Views.ArrowFiles;

namespace MlNetConcepts.Tests.Core.Views;

[TestClass]
public sealed class ArrowSourceTests
{
    private static readonly int[] BatchRows = [7, 0, 5, 9];

    private sealed record Written(float[] Emb, float[] Vec, string[] Label, long[] Id, int[] N, double[] Score, float[] F)
    {
        public int Rows => Label.Length;
    }

    private static string TempFile(string extension) => Path.Combine(Path.GetTempPath(), $"mlnc-arrow-{Guid.NewGuid():N}{extension}");

    /// <summary>Seven columns of every supported type over four record batches (one empty).</summary>
    private static Written WriteAllTypes(string path, bool stream, CompressionCodecType? codec)
    {
        var rng = new Random(3);
        int rows = BatchRows.Sum();
        var w = new Written(
            Enumerable.Range(0, rows * 4).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(),
            Enumerable.Range(0, rows * 3).Select(_ => (float)(rng.NextDouble() * 10)).ToArray(),
            Enumerable.Range(0, rows).Select(i => i % 3 == 0 ? $"cat {i}" : $"dög-{i}").ToArray(),
            Enumerable.Range(0, rows).Select(i => 10_000_000_000L + i).ToArray(),
            Enumerable.Range(0, rows).Select(i => i * i - 50).ToArray(),
            Enumerable.Range(0, rows).Select(i => Math.PI * i).ToArray(),
            Enumerable.Range(0, rows).Select(i => 0.25f * i).ToArray());
        var schema = new Schema([
            VectorField("emb", 4), ListField("vec"), new Field("label", StringType.Default, false), new Field("id", Int64Type.Default, false),
            new Field("n", Int32Type.Default, false), new Field("score", DoubleType.Default, false), new Field("f", FloatType.Default, false)], null);
        var batches = new List<RecordBatch>();
        int at = 0;
        foreach (int r in BatchRows)
        {
            var range = Enumerable.Range(at, r).ToArray();
            batches.Add(new RecordBatch(schema, [
                Vectors(w.Emb[(at * 4)..((at + r) * 4)], 4),
                Lists(range.Select(i => w.Vec[(i * 3)..(i * 3 + 3)]).ToArray()),
                new StringArray.Builder().AppendRange(range.Select(i => w.Label[i])).Build(),
                new Int64Array.Builder().AppendRange(range.Select(i => w.Id[i])).Build(),
                new Int32Array.Builder().AppendRange(range.Select(i => w.N[i])).Build(),
                new DoubleArray.Builder().AppendRange(range.Select(i => w.Score[i])).Build(),
                new FloatArray.Builder().AppendRange(range.Select(i => w.F[i])).Build()], r));
            at += r;
        }
        Write(path, schema, batches, stream, codec);
        return w;
    }

    [TestMethod]
    [DataRow(".arrow", false, null)]
    [DataRow(".feather", false, CompressionCodecType.Lz4Frame)]
    [DataRow(".feather", false, CompressionCodecType.Zstd)]
    [DataRow(".arrows", true, null)]
    [DataRow(".arrows", true, CompressionCodecType.Lz4Frame)]
    [DataRow(".arrows", true, CompressionCodecType.Zstd)]
    public void EveryColumnTypeReadsBackAcrossRecordBatches(string extension, bool stream, CompressionCodecType? codec)
    {
        string path = TempFile(extension);
        try
        {
            var w = WriteAllTypes(path, stream, codec);
            Assert.AreEqual(ArrayFileFormat.Arrow, ArrayFiles.DetectFormat(path));
            using var view = new MLContext().Data.LoadFromArrow(path);
            Assert.AreEqual(w.Rows, (int)view.RowCount);
            CollectionAssert.AreEqual(new[] { "emb", "vec", "label", "id", "n", "score", "f" }, view.Schema.Select(c => c.Name).ToArray());
            Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 4), view.Schema["emb"].Type);
            Assert.AreEqual(4, ((VectorDataViewType)view.Schema["emb"].Type).Size, "slot count of the fixed-size list");
            Assert.AreEqual(3, ((VectorDataViewType)view.Schema["vec"].Type).Size, "slot count of the equal-length list");
            Assert.AreEqual(TextDataViewType.Instance, view.Schema["label"].Type);
            Assert.AreEqual(NumberDataViewType.Int64, view.Schema["id"].Type);
            Assert.AreEqual(NumberDataViewType.Int32, view.Schema["n"].Type);
            Assert.AreEqual(NumberDataViewType.Double, view.Schema["score"].Type);
            Assert.AreEqual(NumberDataViewType.Single, view.Schema["f"].Type);
            Assert.IsFalse(view.Column("emb").BlocksAreViews, "several batches: blocks are copied out of them");

            // ML.NET's row cursor: every row of every column equals what was written.
            using (var cursor = view.GetRowCursor(view.Schema))
            {
                var emb = cursor.GetGetter<VBuffer<float>>(view.Schema["emb"]);
                var vec = cursor.GetGetter<VBuffer<float>>(view.Schema["vec"]);
                var label = cursor.GetGetter<ReadOnlyMemory<char>>(view.Schema["label"]);
                var id = cursor.GetGetter<long>(view.Schema["id"]);
                var n = cursor.GetGetter<int>(view.Schema["n"]);
                var score = cursor.GetGetter<double>(view.Schema["score"]);
                var f = cursor.GetGetter<float>(view.Schema["f"]);
                VBuffer<float> e = default, v = default;
                ReadOnlyMemory<char> text = default;
                long idv = 0; int nv = 0; double sv = 0; float fv = 0;
                int row = 0;
                while (cursor.MoveNext())
                {
                    emb(ref e); vec(ref v); label(ref text); id(ref idv); n(ref nv); score(ref sv); f(ref fv);
                    CollectionAssert.AreEqual(w.Emb[(row * 4)..(row * 4 + 4)], e.DenseValues().ToArray(), $"emb row {row}");
                    CollectionAssert.AreEqual(w.Vec[(row * 3)..(row * 3 + 3)], v.DenseValues().ToArray(), $"vec row {row}");
                    Assert.AreEqual(w.Label[row], text.ToString());
                    Assert.AreEqual(w.Id[row], idv);
                    Assert.AreEqual(w.N[row], nv);
                    Assert.AreEqual(w.Score[row], sv);
                    Assert.AreEqual(w.F[row], fv);
                    row++;
                }
                Assert.AreEqual(w.Rows, row);
            }

            // RowBlockReader in blocks of 4 rows: blocks 4–8 and 12–16 straddle the batch boundaries at rows 7 and 12.
            foreach (var source in new IDataView[] { view, new OpaqueView(view) })
            {
                var (emb, vec, labels, ns, starts) = (new List<float>(), new List<float>(), new List<string>(), new List<int>(), new List<long>());
                using var reader = new RowBlockReader(source, ["emb", "vec", "label", "n"], 4);
                while (reader.MoveNext())
                {
                    starts.Add(reader.BlockStart);
                    emb.AddRange(reader.Floats("emb").ToArray());
                    vec.AddRange(reader.Sparse("vec").ToDense());
                    labels.AddRange(reader.Strings("label"));
                    ns.AddRange(reader.Int32s("n").ToArray());
                }
                string what = source is OpaqueView ? "through the ML.NET cursor" : "straight from the batches";
                CollectionAssert.AreEqual(new long[] { 0, 4, 8, 12, 16, 20 }, starts, what);
                CollectionAssert.AreEqual(w.Emb, emb, what);
                CollectionAssert.AreEqual(w.Vec, vec, what);
                CollectionAssert.AreEqual(w.Label, labels, what);
                CollectionAssert.AreEqual(w.N, ns, what);
            }
            CollectionAssert.AreEqual(w.Emb, RowBlockReader.ReadMatrix(view, "emb", out _, out _));
        }
        finally { File.Delete(path); }
    }

    [TestMethod]
    public void AOneVectorFileLoadsAsAMatrixFileAndASingleBatchIsZeroCopy()
    {
        string multi = TempFile(".arrow"), single = TempFile(""), npy = TempFile(".npy");
        try
        {
            var x = Enumerable.Range(0, 30 * 5).Select(i => MathF.Sin(i)).ToArray();
            WriteMatrix(multi, x, 5, [11, 19]);
            WriteMatrix(single, x, 5, [30]);
            Assert.AreEqual(ArrayFileFormat.Arrow, ArrayFiles.DetectFormat(single), "found by its ARROW1 magic without an extension");
            var ml = new MLContext();
            using (var view = ml.Data.LoadFromMatrixFiles(("A", multi), ("B", single)))
            {
                Assert.IsTrue(view.Column("B").BlocksAreViews);
                float[]? none = null;
                var span = view.Column("B").DenseBlock(10, 20, ref none);
                Assert.IsNull(none, "a single batch hands out its buffer, nothing is copied into a scratch array");
                CollectionAssert.AreEqual(x[50..], span.ToArray());
                CollectionAssert.AreEqual(x, RowBlockReader.ReadMatrix(view, "A", out int rows, out int width));
                Assert.AreEqual((30, 5), (rows, width));
                CollectionAssert.AreEqual(x, RowBlockReader.ReadMatrix(view, "B", out _, out _));
            }
            using (var file = MatrixFile.Open(multi))
            {
                Assert.AreEqual((30L, 5), (file.Rows, file.Cols));
                var block = new float[10];
                file.ReadRows(9, 2, block);
                CollectionAssert.AreEqual(x[45..55], block);
            }
            CollectionAssert.AreEqual(x, MatrixFile.ReadWhole(multi, out _, out _));
            var summary = ArrayFiles.Summarize(multi);
            Assert.AreEqual(ArrayFileFormat.Arrow, summary.Format);
            CollectionAssert.AreEqual(new long[] { 30, 5 }, summary.Arrays[0].Shape);
            Assert.AreEqual(x.Max(), summary.Arrays[0].Statistics.Max, 1e-7);
        }
        finally { foreach (var p in new[] { multi, single, npy }) File.Delete(p); }
    }

    private static string ErrorOf(Action action) => Assert.ThrowsExactly<ConceptDataException>(action).Message;

    [TestMethod]
    public void BadFilesAreRejectedNamingTheFileAndTheColumn()
    {
        string path = TempFile(".arrow");
        var ml = new MLContext();
        try
        {
            // Lists of different lengths: the first short row is row 3, in the second batch.
            var schema = new Schema([ListField("vec")], null);
            Write(path, schema, [new RecordBatch(schema, [Lists([1, 2, 3], [4, 5, 6], [7, 8, 9])], 3), new RecordBatch(schema, [Lists([1, 2, 3], [7, 8])], 2)]);
            string message = ErrorOf(() => ml.Data.LoadFromArrow(path));
            StringAssert.Contains(message, path);
            StringAssert.Contains(message, "column 'vec'");
            StringAssert.Contains(message, "row 4 has 2 values but the rows before it have 3");

            schema = new Schema([VectorField("emb", 2)], null);
            Write(path, schema, [new RecordBatch(schema, [Vectors([1, 2, 3, 4], 2)], 2), new RecordBatch(schema, [Vectors([1, 2, 3, 4, 5, 6], 2, nullRow: 1)], 3)]);
            StringAssert.Contains(ErrorOf(() => ml.Data.LoadFromArrow(path)), "column 'emb' has a null row at row 3");

            Write(path, schema, [new RecordBatch(schema, [Vectors([1, 2, 3, 4, 5, 6], 2, nullValue: 3)], 3)]);
            StringAssert.Contains(ErrorOf(() => ml.Data.LoadFromArrow(path)), "column 'emb' has a null value in row 1");

            schema = new Schema([VectorField("emb", 2), new Field("flag", BooleanType.Default, false), new Field("name", StringType.Default, true)], null);
            Write(path, schema, [new RecordBatch(schema, [Vectors([1, 2, 3, 4], 2), new BooleanArray.Builder().Append(true).Append(false).Build(),
                new StringArray.Builder().Append("a").AppendNull().Build()], 2)]);
            message = ErrorOf(() => ml.Data.LoadFromArrow(path));
            StringAssert.Contains(message, "column 'flag' has Arrow type bool, which is not supported");
            message = ErrorOf(() => ml.Data.LoadFromArrow(path, "emb", "nope"));
            StringAssert.Contains(message, $"{path}: no column 'nope' (columns: emb (FixedSizeList<float>[2]), flag (bool), name (utf8))");
            StringAssert.Contains(ErrorOf(() => ml.Data.LoadFromArrow(path, "name")), "column 'name' has a null at row 1");
            using (var ok = ml.Data.LoadFromArrow(path, "emb"))
                Assert.AreEqual(1, ok.Schema.Count, "only the asked columns are read");

            schema = new Schema([VectorField("a", 2), VectorField("b", 2)], null);
            Write(path, schema, [new RecordBatch(schema, [Vectors([1, 2], 2), Vectors([3, 4], 2)], 1)]);
            StringAssert.Contains(ErrorOf(() => ml.Data.LoadFromMatrixFiles(("Features", path))), "2 float32 vector columns (a, b); a matrix input needs exactly one");
            schema = new Schema([new Field("f", FloatType.Default, false)], null);
            Write(path, schema, [new RecordBatch(schema, [new FloatArray.Builder().Append(1).Build()], 1)]);
            StringAssert.Contains(ErrorOf(() => MatrixFile.Open(path)), "no float32 vector column (columns: f (float))");

            // Cut short, damaged inside, or not Arrow at all.
            WriteMatrix(path, Enumerable.Range(0, 40).Select(i => (float)i).ToArray(), 4, [5, 5]);
            var bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..^20]);
            message = ErrorOf(() => ml.Data.LoadFromArrow(path));
            StringAssert.Contains(message, path);
            StringAssert.Contains(message, "truncated Arrow IPC file");
            var damaged = (byte[])bytes.Clone();
            for (int i = 8; i < damaged.Length - 8; i++) damaged[i] = 0x5A;
            File.WriteAllBytes(path, damaged);
            StringAssert.Contains(ErrorOf(() => ml.Data.LoadFromArrow(path)), $"{path}: not a readable Arrow IPC file");
            File.WriteAllText(path, "neuron,ms\n0,0.5\n");
            StringAssert.Contains(ErrorOf(() => ml.Data.LoadFromArrow(path)), "not an Arrow IPC file or stream");

            string streamPath = TempFile(".arrows");
            try
            {
                WriteMatrix(streamPath, Enumerable.Range(0, 40).Select(i => (float)i).ToArray(), 4, [5, 5], stream: true);
                bytes = File.ReadAllBytes(streamPath);
                File.WriteAllBytes(streamPath, bytes[..^30]);
                StringAssert.Contains(ErrorOf(() => ml.Data.LoadFromArrow(streamPath)), "truncated Arrow IPC stream");
            }
            finally { File.Delete(streamPath); }
            File.Delete(path);
            StringAssert.Contains(ErrorOf(() => ml.Data.LoadFromArrow(path)), $"{path}: file not found");
        }
        finally { File.Delete(path); }
    }
}
