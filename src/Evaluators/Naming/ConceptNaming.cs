namespace MlNetConcepts.Evaluators.Naming;

/// <summary>
/// Names and types concepts, after Lanza et al. 2026 (§3: every SAE neuron gets a candidate concept
/// and is typed visual, textual or multimodal by its cosine alignment with image and text samples),
/// made numeric and reproducible with a fixed vocabulary and a null distribution:
/// <list type="number">
/// <item>Top rows. For concept k, the top-n image rows and the top-n text rows by activation
/// (activation &gt; 0 only). Their unit embeddings are averaged: m_k^img, m_k^txt.</item>
/// <item>Alignments of label v (text-tower embedding t_v): vis_kv = cos(t_v, m_k^img),
/// txt_kv = cos(t_v, m_k^txt), and dec_kv = cos(t_v, D_k) when the concept has a direction D_k in
/// the joint space (an SAE trained on joint embeddings). An undefined term (no firing row of a
/// modality, no decoder) is left out.</item>
/// <item>Name. score_kv = mean of the defined terms; the label is argmax_v score_kv and the margin
/// is the best score minus the second best. The textual term takes part so that a concept that
/// fires on texts only still gets a name.</item>
/// <item>Null. R random labels r (random texts through the same tower) give the null alignments
/// cos(t_r, m_k^img) and cos(t_r, m_k^txt); their <see cref="ConceptNamingOptions.NullPercentile"/>-th
/// percentile (numpy's linear rule) is concept k's threshold in each modality.</item>
/// <item>Type. The best label is visually aligned when vis_k,best &gt; threshold^img_k, textually
/// aligned when txt_k,best &gt; threshold^txt_k; both = multimodal, one = visual or textual,
/// neither = none.</item>
/// </list>
/// Cost O(N·K) for the top rows plus O(K·(V + R)·e) for the cosines; plain loops, no fast path.
/// </summary>
public static class ConceptNaming
{
    /// <summary>Names and types every concept of <paramref name="inputs"/>.</summary>
    public static ConceptNames Name(ConceptNamingInputs inputs, ConceptNamingOptions? options = null)
    {
        options ??= new ConceptNamingOptions();
        Validate(inputs, options);
        var emb = inputs.Embeddings;
        var act = inputs.Activations;
        int k = act.Cols, v = inputs.Labels.Rows, e = emb.Cols;

        var unitLabels = UnitRows(inputs.Labels);
        var unitNull = UnitRows(inputs.NullLabels);
        var unitDecoder = inputs.Decoder is null ? null : UnitRows(inputs.Decoder);
        var (topImages, topTexts) = TopRows(act, inputs.Modality, options.TopN);

        var result = new ConceptNames
        {
            Label = new int[k], LabelName = new string[k], Score = new double[k], Margin = new double[k],
            VisualAlignment = new double[k], TextualAlignment = new double[k], DecoderAlignment = new double[k],
            VisualThreshold = new double[k], TextualThreshold = new double[k], Type = new ConceptType[k],
            TopImages = topImages, TopTexts = topTexts, Scores = new double[k * v],
        };
        for (int c = 0; c < k; c++)
        {
            var mImg = MeanUnit(emb, topImages[c]);
            var mTxt = MeanUnit(emb, topTexts[c]);
            var dir = unitDecoder is null ? null : unitDecoder.AsSpan(c * e, e).ToArray();
            int best = -1, second = -1;
            for (int l = 0; l < v; l++)
            {
                var t = unitLabels.AsSpan(l * e, e);
                double s = MeanDefined(Cosine(t, mImg), Cosine(t, mTxt), Cosine(t, dir));
                result.Scores[c * v + l] = s;
                if (double.IsNaN(s)) continue;
                if (best < 0 || s > result.Scores[c * v + best]) { second = best; best = l; }
                else if (second < 0 || s > result.Scores[c * v + second]) second = l;
            }
            result.Label[c] = best;
            result.LabelName[c] = best < 0 ? "" : inputs.LabelNames[best];
            result.Score[c] = best < 0 ? double.NaN : result.Scores[c * v + best];
            result.Margin[c] = second < 0 ? double.NaN : result.Score[c] - result.Scores[c * v + second];
            var bestLabel = best < 0 ? null : unitLabels.AsSpan(best * e, e).ToArray();
            result.VisualAlignment[c] = Cosine(bestLabel, mImg);
            result.TextualAlignment[c] = Cosine(bestLabel, mTxt);
            result.DecoderAlignment[c] = Cosine(bestLabel, dir);
            result.VisualThreshold[c] = NullThreshold(unitNull, e, mImg, options.NullPercentile);
            result.TextualThreshold[c] = NullThreshold(unitNull, e, mTxt, options.NullPercentile);
            result.Type[c] = ConceptTypes.From(result.VisualAlignment[c] > result.VisualThreshold[c],
                                               result.TextualAlignment[c] > result.TextualThreshold[c]);
        }
        return result;
    }

    /// <summary>Top-n image rows and top-n text rows of every concept (activation &gt; 0), best first.</summary>
    public static (int[][] Images, int[][] Texts) TopRows(DenseMatrix activations, int[] modality, int n)
    {
        var images = new TopNSelector(activations.Cols, n, onlyAbove: 0f);
        var texts = new TopNSelector(activations.Cols, n, onlyAbove: 0f);
        for (int r = 0; r < activations.Rows; r++)
        {
            var target = modality[r] == Modality.Image ? images : texts;
            var row = activations.Row(r);
            for (int c = 0; c < row.Length; c++) target.Offer(c, row[c], r);
        }
        var img = new int[activations.Cols][];
        var txt = new int[activations.Cols][];
        for (int c = 0; c < activations.Cols; c++)
        {
            img[c] = images.RowsOf(c).Select(x => (int)x).ToArray();
            txt[c] = texts.RowsOf(c).Select(x => (int)x).ToArray();
        }
        return (img, txt);
    }

    private static double NullThreshold(double[] unitNull, int e, double[]? mean, double percentile)
    {
        if (mean is null) return double.NaN;
        int r = unitNull.Length / e;
        var null_ = new double[r];
        for (int i = 0; i < r; i++) null_[i] = Cosine(unitNull.AsSpan(i * e, e), mean);
        return NumpyPercentile.Of(null_, percentile);
    }

    /// <summary>Mean of the unit-normalised embeddings of <paramref name="rows"/>; null when there are none.</summary>
    private static double[]? MeanUnit(DenseMatrix embeddings, int[] rows)
    {
        if (rows.Length == 0) return null;
        var mean = new double[embeddings.Cols];
        foreach (int r in rows)
        {
            var x = embeddings.Row(r);
            double norm = 0;
            for (int i = 0; i < x.Length; i++) norm += (double)x[i] * x[i];
            if (norm == 0) continue;
            double inv = 1 / Math.Sqrt(norm);
            for (int i = 0; i < x.Length; i++) mean[i] += x[i] * inv;
        }
        for (int i = 0; i < mean.Length; i++) mean[i] /= rows.Length;
        return mean;
    }

    private static double[] UnitRows(DenseMatrix m)
    {
        var u = new double[m.Rows * m.Cols];
        for (int r = 0; r < m.Rows; r++)
        {
            var x = m.Row(r);
            double norm = 0;
            for (int i = 0; i < x.Length; i++) norm += (double)x[i] * x[i];
            double inv = norm == 0 ? 0 : 1 / Math.Sqrt(norm);
            for (int i = 0; i < x.Length; i++) u[r * m.Cols + i] = x[i] * inv;
        }
        return u;
    }

    /// <summary>cos(a, b); NaN when either is missing or zero.</summary>
    private static double Cosine(ReadOnlySpan<double> a, double[]? b)
    {
        if (b is null || a.Length == 0) return double.NaN;
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
        return na == 0 || nb == 0 ? double.NaN : dot / Math.Sqrt(na * nb);
    }

    private static double Cosine(double[]? a, double[]? b) => a is null ? double.NaN : Cosine(a.AsSpan(), b);

    private static double MeanDefined(params ReadOnlySpan<double> values)
    {
        double sum = 0;
        int n = 0;
        foreach (var x in values) if (!double.IsNaN(x)) { sum += x; n++; }
        return n == 0 ? double.NaN : sum / n;
    }

    private static void Validate(ConceptNamingInputs inputs, ConceptNamingOptions options)
    {
        EvaluatorChecks.Positive(options.TopN, "topN");
        if (!(options.NullPercentile is >= 0 and <= 100))
            throw new ConceptDataException($"nullPercentile must be within [0, 100], got {options.NullPercentile}.", ["nullPercentile"]);
        EvaluatorChecks.SameRows(inputs.Embeddings, inputs.Activations);
        if (inputs.Modality.Length != inputs.Embeddings.Rows)
            throw new ConceptDataException($"modality has {inputs.Modality.Length} rows but {inputs.Embeddings.Name} has {inputs.Embeddings.Rows}; rows must be aligned.");
        for (int r = 0; r < inputs.Modality.Length; r++)
            if (inputs.Modality[r] is not (Modality.Image or Modality.Text))
                throw new ConceptDataException($"modality: row {r} is {inputs.Modality[r]}; expected {Modality.Image} (image) or {Modality.Text} (text).");
        EvaluatorChecks.SameCols(inputs.Embeddings, inputs.Labels, "labels must be embedded in the same space as the rows");
        EvaluatorChecks.SameCols(inputs.Embeddings, inputs.NullLabels, "null labels must be embedded in the same space as the rows");
        if (inputs.LabelNames.Count != inputs.Labels.Rows)
            throw new ConceptDataException($"{inputs.Labels.Name} has {inputs.Labels.Rows} rows but {inputs.LabelNames.Count} label names were given.");
        if (inputs.Decoder is { } d)
        {
            EvaluatorChecks.SameCols(inputs.Embeddings, d, "a decoder direction must live in the joint embedding space");
            if (d.Rows != inputs.Activations.Cols)
                throw new ConceptDataException($"{d.Name} has {d.Rows} rows but {inputs.Activations.Name} has {inputs.Activations.Cols} concepts; one direction per concept.");
        }
    }
}
