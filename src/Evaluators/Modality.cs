using MlNetConcepts.Views;
using Microsoft.ML;
using MlNetConcepts.Compute;
using MlNetConcepts.IO;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// How concepts sit across modalities (Papadimitriou et al. 2025): the modality score (eq. 5)
/// E_img[z_k]/(E_img[z_k] + E_txt[z_k]), 1 = image only, 0 = text only, NaN when both means are
/// 0; and the modality-classifier balanced accuracy of each concept direction (§5.2): inputs are
/// projected on D_k and the best single threshold separating image from text rows is taken
/// (either side may be "image"; 0.5 = chance). Modality labels: 0 = image, 1 = text.
/// </summary>
public static class Modality
{
    /// <summary>Label of image rows.</summary>
    public const int Image = 0;
    /// <summary>Label of text rows.</summary>
    public const int Text = 1;

    /// <summary>Reads and checks a modality column (integers 0 or 1, both present).</summary>
    public static int[] Labels(NdArray array, string name)
    {
        if (array.Rank != 1 && !(array.Rank == 2 && array.Shape[1] == 1))
            throw new ConceptDataException($"{name}: expected a vector of modality labels but the shape is {array.ShapeText}.");
        long[] raw;
        try { raw = array.ToInt64(); }
        catch (ConceptDataException e) { throw new ConceptDataException($"{name}: {e.Message} Modality labels must be 0 (image) or 1 (text)."); }
        var labels = new int[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            if (raw[i] is not (Image or Text))
                throw new ConceptDataException($"{name}: row {i} has modality {raw[i]}; only 0 (image) and 1 (text) are allowed.");
            labels[i] = (int)raw[i];
        }
        CheckLabels(labels, name);
        return labels;
    }

    private static void CheckLabels(int[] labels, string name)
    {
        int images = labels.Count(l => l == Image);
        if (images == 0 || images == labels.Length)
            throw new ConceptDataException($"{name}: needs both image (0) and text (1) rows, found {images} image and {labels.Length - images} text rows.");
        foreach (var l in labels)
            if (l is not (Image or Text)) throw new ConceptDataException($"{name}: modality {l} is not 0 (image) or 1 (text).");
    }

    /// <summary>
    /// Per-concept report: concept, image_mean, text_mean, modality_score, energy (mean over all
    /// rows), and with <paramref name="inputs"/> (N × d) and <paramref name="dictionary"/> (c × d)
    /// the classifier <c>accuracy</c> (<see cref="ClassifierAccuracy(DenseMatrix, DenseMatrix, int[], int?, long)"/>).
    /// </summary>
    public static EvaluationReport Scores(DenseMatrix codes, int[] modality, DenseMatrix? inputs = null, DenseMatrix? dictionary = null)
    {
        RequireBoth(inputs is null, dictionary is null, nameof(inputs));
        var frame = Scores(new ColumnDataView(new DenseArrayColumn(codes.Name, codes.Data, codes.Cols)), codes.Name, modality);
        return inputs is null ? frame : frame.Add("accuracy", ClassifierAccuracy(inputs, dictionary!, modality, codes.Cols));
    }

    /// <summary>
    /// <see cref="Scores(DenseMatrix, int[], DenseMatrix?, DenseMatrix?)"/> with the codes in a view column (dense or
    /// sparse, any row count) read <paramref name="blockRows"/> rows at a time; memory: one block, 3 × c doubles and
    /// the labels. With <paramref name="inputsColumn"/> (N × d, a column of the same view) and
    /// <paramref name="dictionary"/> (c × d) it adds the classifier <c>accuracy</c>, streamed as described in
    /// <see cref="ClassifierAccuracy(IDataView, string, DenseMatrix, int[], int?, int, long)"/>.
    /// </summary>
    public static EvaluationReport Scores(IDataView view, string codesColumn, int[] modality, string? inputsColumn = null, DenseMatrix? dictionary = null,
        int blockRows = RowBlockReader.DefaultBlockRows, long projectionBytes = DefaultProjectionBytes)
    {
        EvaluatorChecks.Positive(blockRows, nameof(blockRows));
        RequireBoth(inputsColumn is null, dictionary is null, nameof(inputsColumn));
        var col = ViewColumns.Vector(view.Schema, codesColumn);
        long rows = RowBlockReader.CountRows(view);
        if (modality.Length != rows)
            throw new ConceptDataException($"modality column has {modality.Length} rows but {codesColumn} has {rows}; rows must be aligned.");
        CheckLabels(modality, "modality column");
        int c = col.Width;
        var img = new double[c];
        var txt = new double[c];
        var all = new double[c];
        int nImg = 0, nTxt = 0;
        using (var cursor = new RowBlockReader(view, [codesColumn], blockRows))
        {
            while (cursor.MoveNext())
            {
                var block = cursor.Sparse(col.Name);
                for (int r = 0; r < cursor.BlockRows; r++)
                {
                    long row = cursor.BlockStart + r;
                    var target = modality[row] == Image ? img : txt;
                    if (modality[row] == Image) nImg++; else nTxt++;
                    var idx = block.RowIndices(r);
                    var val = block.RowValues(r);
                    for (int i = 0; i < idx.Length; i++)
                    {
                        if (!float.IsFinite(val[i])) throw new ConceptDataException($"{codesColumn}: value {val[i]} at row {row}, column {idx[i]} is not finite.");
                        target[idx[i]] += val[i];
                        all[idx[i]] += val[i];
                    }
                }
            }
        }
        var score = new double[c];
        for (int k = 0; k < c; k++)
        {
            img[k] /= nImg;
            txt[k] /= nTxt;
            all[k] /= rows;
            double sum = img[k] + txt[k];
            score[k] = sum == 0 ? double.NaN : img[k] / sum;
        }
        var frame = new EvaluationReport("modality")
            .Add("concept", Enumerable.Range(0, c).ToArray())
            .Add("image_mean", img)
            .Add("text_mean", txt)
            .Add("modality_score", score)
            .Add("energy", all)
            .WithParameter("image_rows", nImg).WithParameter("text_rows", nTxt);
        if (inputsColumn is not null)
            frame.Add("accuracy", ClassifierAccuracy(view, inputsColumn, dictionary!, modality, c, blockRows, projectionBytes));
        return frame;
    }

    private static void RequireBoth(bool noInputs, bool noDictionary, string inputsName)
    {
        if (noInputs != noDictionary)
            throw new ConceptDataException($"The modality classifier needs both {inputsName} and dictionary.", [inputsName, "dictionary"]);
    }

    /// <summary>Histogram of modality scores over [0, 1], with counts and energy-weighted mass (Papadimitriou et al. 2025, Fig. 4).</summary>
    public static EvaluationReport Histogram(EvaluationReport scores, int bins = 10)
        => Evaluators.Histogram.Of(scores.Table.Doubles("modality_score"), bins, 0, 1, scores.Table.Doubles("energy"), "modality score distribution");

    /// <summary>Default memory for the projections of one group of concepts (256 MiB).</summary>
    public const long DefaultProjectionBytes = 256L << 20;

    /// <summary>Input rows per SGEMM of the classifier (tests shrink it to make several tiles of a small fixture).</summary>
    internal static int GemmRows = 4096;

    /// <summary>
    /// Balanced accuracy of the best single threshold on x·D_k separating image from text rows, for every
    /// concept (Papadimitriou et al. 2025, §5.2), with <paramref name="inputs"/> in memory: one block of all rows,
    /// concepts in groups as in <see cref="ClassifierAccuracy(IDataView, string, DenseMatrix, int[], int?, int, long)"/>.
    /// <paramref name="expectedConcepts"/> (when given) checks the dictionary's row count.
    /// </summary>
    public static double[] ClassifierAccuracy(DenseMatrix inputs, DenseMatrix dictionary, int[] modality, int? expectedConcepts = null,
        long projectionBytes = DefaultProjectionBytes)
        => ClassifierAccuracy(new ColumnDataView(new DenseArrayColumn(inputs.Name, inputs.Data, inputs.Cols)), inputs.Name, dictionary, modality,
            expectedConcepts, Math.Max(1, inputs.Rows), projectionBytes);

    /// <summary>
    /// Balanced accuracy of the best single threshold on x·D_k separating image from text rows, for every
    /// concept k of <paramref name="dictionary"/> (c × d, concepts as rows; Papadimitriou et al. 2025, §5.2),
    /// with the N × d inputs in a view column of any row count. The concepts are taken in groups of
    /// G = <paramref name="projectionBytes"/> / (4 N) (at least 1); for each group one pass reads the inputs
    /// <paramref name="blockRows"/> rows at a time (rounded up to a multiple of 4096) and stores the float32 projections
    /// D_k·x of the block, computed in SGEMM tiles of 4096 rows that start at multiples of 4096, then each
    /// concept's N projections are sorted and swept (<see cref="BestBalancedAccuracy(ReadOnlySpan{float}, int[], int)"/>).
    /// The tiles make the projections, hence the result, independent of the block size: a file streamed in blocks
    /// gives exactly what the same inputs in memory give for the same <paramref name="projectionBytes"/>.
    /// Memory: max(<paramref name="projectionBytes"/>, 4 N) bytes of projections + one input block + 8 N bytes per
    /// core while sorting + the labels.
    /// </summary>
    public static double[] ClassifierAccuracy(IDataView inputs, string inputsColumn, DenseMatrix dictionary, int[] modality,
        int? expectedConcepts = null, int blockRows = RowBlockReader.DefaultBlockRows, long projectionBytes = DefaultProjectionBytes)
    {
        EvaluatorChecks.Positive(blockRows, nameof(blockRows));
        if (projectionBytes < 1)
            throw new ConceptDataException($"{nameof(projectionBytes)} must be at least 1, got {projectionBytes}.", [nameof(projectionBytes)]);
        var column = ViewColumns.Vector(inputs.Schema, inputsColumn);
        long rows = RowBlockReader.CountRows(inputs);
        int d = column.Width;
        if (rows != modality.Length)
            throw new ConceptDataException($"{inputsColumn} has {rows} rows but the modality column has {modality.Length}; rows must be aligned.");
        if (dictionary.Cols != d)
            throw new ConceptDataException($"{dictionary.Name} has width {dictionary.Cols} but {inputsColumn} has width {d}; the dictionary rows must live in the input space.");
        if (expectedConcepts is int ec && dictionary.Rows != ec)
            throw new ConceptDataException($"{dictionary.Name} has {dictionary.Rows} concepts (rows) but the codes have {ec} columns.");
        CheckLabels(modality, "modality column");
        int n = modality.Length, c = dictionary.Rows;
        int images = modality.Count(l => l == Image);
        var acc = new double[c];
        if (c == 0) return acc;
        // Concept-major storage: concept g of the group owns proj[g·n, (g+1)·n), so its sweep reads one run.
        int group = (int)Math.Clamp(projectionBytes / (4L * n), 1, Math.Min(c, Array.MaxLength / n));
        var proj = new float[(long)n * group];
        // Blocks are whole tiles, so every SGEMM covers the same rows [t·tile, (t+1)·tile) whatever blockRows is:
        // a BLAS may round a row's dot product differently with the size of the product it sits in.
        int tile = GemmRows;
        int block = (int)Math.Min((blockRows + (long)tile - 1) / tile * tile, int.MaxValue / tile * tile);
        for (int first = 0; first < c; first += group)
        {
            int cols = Math.Min(group, c - first);
            var concepts = dictionary.Data.AsMemory(first * d, cols * d);
            using (var cursor = new RowBlockReader(inputs, [inputsColumn], block))
            {
                while (cursor.MoveNext())
                {
                    var rowsOfBlock = cursor.Floats(column.Name);
                    for (int t = 0; t < cursor.BlockRows; t += tile)
                    {
                        // P[g, r] = D_(first+g) · x_r for the tile's rows r: (cols × d)·(tile × d)ᵀ, rows of P strided by n.
                        int m = Math.Min(tile, cursor.BlockRows - t);
                        Gemm.Sgemm(false, true, cols, m, d, 1f, concepts.Span, d, rowsOfBlock.Slice(t * d, m * d), d,
                            0f, proj.AsSpan((int)cursor.BlockStart + t), n);
                    }
                }
            }
            // Each worker sorts in its own two N-long buffers, so memory stays at 8 N bytes per core whatever c is.
            System.Threading.Tasks.Parallel.For(0, cols, () => (Keys: new float[n], Order: new int[n]), (g, _, scratch) =>
            {
                acc[first + g] = BestBalancedAccuracy(proj.AsSpan(g * n, n), modality, images, scratch.Keys, scratch.Order);
                return scratch;
            }, _ => { });
        }
        return acc;
    }

    /// <summary>
    /// Sorts the projections and sweeps every threshold between distinct values: predicting
    /// "image" above the threshold gives BA = (TPR + TNR)/2, the flipped rule 1 − BA.
    /// </summary>
    internal static double BestBalancedAccuracy(ReadOnlySpan<float> projection, int[] modality, int images)
        => BestBalancedAccuracy(projection, modality, images, new float[projection.Length], new int[projection.Length]);

    /// <summary><see cref="BestBalancedAccuracy(ReadOnlySpan{float}, int[], int)"/> sorting in the caller's buffers (at least N long).</summary>
    private static double BestBalancedAccuracy(ReadOnlySpan<float> projection, int[] modality, int images, float[] keys, int[] order)
    {
        int n = projection.Length, texts = n - images;
        projection.CopyTo(keys);
        for (int i = 0; i < n; i++) order[i] = i;
        Array.Sort(keys, order, 0, n);
        double best = 0.5;
        int imgBelow = 0, txtBelow = 0;
        for (int i = 0; i < n; i++)
        {
            if (modality[order[i]] == Image) imgBelow++; else txtBelow++;
            if (i + 1 < n && keys[i + 1] == keys[i]) continue; // thresholds only between distinct values
            double ba = ((double)(images - imgBelow) / images + (double)txtBelow / texts) / 2;
            best = Math.Max(best, Math.Max(ba, 1 - ba));
        }
        return best;
    }
}
