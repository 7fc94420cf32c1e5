using System.Globalization;
using System.Text;
using MlNetConcepts.IO;

namespace MlNetConcepts.Transforms.Extraction;

/// <summary>What <see cref="ActivationFiles.Write"/> produced.</summary>
/// <param name="Files">The .npy file of each requested tensor, in request order.</param>
/// <param name="Rows">Rows of each file.</param>
/// <param name="Widths">Width of each file.</param>
/// <param name="RowsCsv">Paths of the row description files written.</param>
public sealed record ExtractionResult(IReadOnlyList<string> Files, IReadOnlyList<long> Rows, IReadOnlyList<int> Widths, IReadOnlyList<string> RowsCsv);

/// <summary>
/// Streams extracted activations to a folder: one float32 <c>.npy</c> per tensor (rows × width,
/// row order = sample order, then token order) and <c>rows.csv</c> (row, sample, token,
/// modality, name). A tensor whose rows differ from the first tensor's (e.g. an embedding next
/// to all tokens of a block) gets its own <c><c>&lt;file&gt;.rows.csv</c>lt;name<c>&lt;file&gt;.rows.csv</c>gt;.rows.csv</c>. Nothing appears in the
/// folder until every batch succeeded: .npy files stream into hidden temporary files that are
/// renamed at the end and deleted on failure.
/// </summary>
public static class ActivationFiles
{
    /// <summary>File name for a requested tensor: characters other than letters, digits, '.', '-' and '_' become '_'.</summary>
    public static string FileName(string tensor)
    {
        var sb = new StringBuilder();
        foreach (var c in tensor) sb.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        var s = sb.ToString().Trim('_');
        return (s.Length == 0 ? "tensor" : s) + ".npy";
    }

    /// <summary>Runs <paramref name="extractor"/> over <paramref name="input"/> and writes the files into <paramref name="outDir"/>.</summary>
    /// <param name="extractor">The opened model.</param>
    /// <param name="input">The samples.</param>
    /// <param name="outDir">Output folder.</param>
    /// <param name="progress">Receives (samples done, total).</param>
    /// <param name="checkpoint">
    /// Keep a checkpoint after every batch: a failed or interrupted run leaves hidden partial
    /// files and <c>.extract-checkpoint.json</c>, and the next run with the same settings
    /// continues after the last completed batch. Without it a failure leaves nothing behind.
    /// </param>
    public static ExtractionResult Write(ActivationExtractor extractor, ExtractionInput input, string outDir, Action<int, int>? progress = null, bool checkpoint = false)
    {
        // An empty input would open no output file, so there would be nothing to finish or rename.
        if (input.Count == 0) throw new ConceptDataException($"no {input.Modality} inputs to extract from (0 samples); nothing was written to {outDir}.");
        var names = extractor.Options.Tensors;
        var fileNames = names.Select(FileName).ToArray();
        var dup = fileNames.GroupBy(f => f).FirstOrDefault(g => g.Count() > 1);
        if (dup != null) throw new ConceptDataException($"two requested tensors would both be written to {dup.Key}; request each tensor once.");
        var state = new ExtractionCheckpoint
        {
            Model = Path.GetFullPath(extractor.Options.ModelPath), Tensors = names.ToArray(), Tokens = extractor.Options.Tokens.ToString(),
            Seed = extractor.Options.Seed, Count = input.Count, Modality = input.Modality, SamplesDone = 0,
            Widths = new int[names.Count], Rows = new long[names.Count],
        };
        string RowsPartial(int t) => Path.Combine(outDir, $".{fileNames[t]}.rows.partial");
        var files = new NpyStreamWriter?[names.Count];
        var rowFiles = new FileStream?[names.Count];
        var sampleIds = names.Select(_ => new List<long>()).ToArray();
        var tokenIdx = names.Select(_ => new List<int>()).ToArray();
        int first = 0;
        bool success = false;
        if (checkpoint && ExtractionCheckpoint.Load(outDir) is { } old)
        {
            if (!old.SameRun(state))
                throw new ConceptDataException($"{ExtractionCheckpoint.PathIn(outDir)}: a checkpoint of a different extraction (model, tensors, tokens, seed or inputs differ); delete it or choose another output folder.");
            if (old.SamplesDone > 0)
            {
                for (int t = 0; t < names.Count; t++)
                {
                    // A resumable writer reopens its partial file; rows written after the last checkpoint are dropped.
                    files[t] = new NpyStreamWriter(Path.Combine(outDir, fileNames[t]), old.Widths[t], resumable: true);
                    files[t]!.DropRowsAfter(old.Rows[t]);
                    rowFiles[t] = ReopenRows(RowsPartial(t), old.Rows[t], sampleIds[t], tokenIdx[t]);
                }
                first = old.SamplesDone;
                state = old;
            }
        }
        try
        {
            extractor.Run(input, blocks =>
            {
                for (int t = 0; t < blocks.Count; t++)
                {
                    var b = blocks[t];
                    if (files[t] == null)
                    {
                        var target = Path.Combine(outDir, fileNames[t]);
                        // A fresh checkpointed run must not continue a stale partial file of an earlier run.
                        if (checkpoint) File.Delete(NpyStreamWriter.PartialPathFor(target));
                        files[t] = new NpyStreamWriter(target, b.Width, resumable: checkpoint);
                        if (checkpoint) rowFiles[t] = new FileStream(RowsPartial(t), FileMode.Create, FileAccess.ReadWrite);
                    }
                    if (files[t]!.RowElements != b.Width) throw new ConceptDataException($"tensor '{b.Tensor}' changed width from {files[t]!.RowElements} to {b.Width} between batches.");
                    files[t]!.Append(b.Values);
                    sampleIds[t].AddRange(b.SampleIds);
                    tokenIdx[t].AddRange(b.TokenIndices);
                    if (rowFiles[t] is { } rf)
                        for (int r = 0; r < b.SampleIds.Length; r++)
                        {
                            rf.Write(BitConverter.GetBytes(b.SampleIds[r]));
                            rf.Write(BitConverter.GetBytes(b.TokenIndices[r]));
                        }
                }
                if (checkpoint)
                {
                    for (int t = 0; t < files.Length; t++) { files[t]!.Flush(); rowFiles[t]!.Flush(); }
                    state = state with
                    {
                        SamplesDone = (int)blocks[0].SampleIds.DefaultIfEmpty(-1).Max() + 1 is var done && done > 0 ? done : state.SamplesDone,
                        Widths = files.Select(f => (int)f!.RowElements).ToArray(),
                        Rows = files.Select(f => f!.RowsWritten).ToArray(),
                    };
                    state.Save(outDir);
                }
            }, progress, first);
            var csvs = new List<string>();
            // Each file ends with a flush to disk before its rename; the flushes of all files run
            // at once, so the disk commits them together instead of one after another.
            var finishing = new List<Action>();
            for (int t = 0; t < names.Count; t++)
            {
                bool same = t > 0 && sampleIds[t].SequenceEqual(sampleIds[0]) && tokenIdx[t].SequenceEqual(tokenIdx[0]);
                if (t == 0 || !same)
                {
                    var csv = Path.Combine(outDir, t == 0 ? "rows.csv" : Path.GetFileNameWithoutExtension(fileNames[t]) + ".rows.csv");
                    int tensor = t;
                    finishing.Add(() => AtomicFile.Write(csv, s => WriteRows(s, sampleIds[tensor], tokenIdx[tensor], input)));
                    csvs.Add(csv);
                }
            }
            foreach (var f in files) finishing.Add(f!.Complete);
            RunTogether(finishing);
            success = true;
            return new ExtractionResult(files.Select(f => f!.Path).ToArray(), files.Select(f => f!.RowsWritten).ToArray(), files.Select(f => (int)f!.RowElements).ToArray(), csvs);
        }
        finally
        {
            foreach (var f in files) f?.Dispose();
            foreach (var f in rowFiles) f?.Dispose();
            if (checkpoint && success)
            {
                for (int t = 0; t < names.Count; t++) File.Delete(RowsPartial(t));
                File.Delete(ExtractionCheckpoint.PathIn(outDir));
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="actions"/> at once, each on a short-lived thread of its own (the last on the
    /// calling thread), and rethrows the first failure after all ended. Not the thread pool: its
    /// workers spin for a while after each job before they sleep, taking cores from whatever runs
    /// next (an ONNX Runtime session of the caller), and the pool may inject threads.
    /// </summary>
    private static void RunTogether(IReadOnlyList<Action> actions)
    {
        var errors = new Exception?[actions.Count];
        void Guarded(int i)
        {
            try { actions[i](); }
            catch (Exception e) { errors[i] = e; }
        }
        var threads = new Thread[actions.Count - 1];
        for (int i = 0; i < threads.Length; i++)
        {
            int k = i;
            threads[i] = new Thread(() => Guarded(k)) { IsBackground = true, Name = "mlnc finish files" };
            threads[i].Start();
        }
        Guarded(actions.Count - 1);
        foreach (var t in threads) t.Join();
        if (errors.FirstOrDefault(e => e != null) is { } first) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
    }

    /// <summary>Reopens a row-id partial file, keeping its first <paramref name="rows"/> (sample, token) records.</summary>
    private static FileStream ReopenRows(string path, long rows, List<long> samples, List<int> tokens)
    {
        var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        if (fs.Length < rows * 12) { fs.Dispose(); throw new ConceptDataException($"{path}: shorter than the checkpoint says; delete the checkpoint and start again."); }
        fs.SetLength(rows * 12);
        var buf = new byte[rows * 12];
        fs.ReadExactly(buf);
        for (long r = 0; r < rows; r++)
        {
            samples.Add(BitConverter.ToInt64(buf, (int)(r * 12)));
            tokens.Add(BitConverter.ToInt32(buf, (int)(r * 12 + 8)));
        }
        return fs;
    }

    private static void WriteRows(Stream s, List<long> samples, List<int> tokens, ExtractionInput input)
    {
        using var w = new StreamWriter(s, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        w.WriteLine("row,sample,token,modality,name");
        for (int i = 0; i < samples.Count; i++)
        {
            w.Write(i.ToString(CultureInfo.InvariantCulture)); w.Write(',');
            w.Write(samples[i].ToString(CultureInfo.InvariantCulture)); w.Write(',');
            w.Write(tokens[i].ToString(CultureInfo.InvariantCulture)); w.Write(',');
            w.Write(input.Modality); w.Write(',');
            w.WriteLine(Csv(input.SampleName((int)samples[i])));
        }
    }

    private static string Csv(string s) => s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"") + "\"";
}
