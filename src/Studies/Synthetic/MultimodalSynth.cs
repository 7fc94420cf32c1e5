namespace MlNetConcepts.Studies.Synthetic;

/// <summary>
/// A multimodal synthetic benchmark with known answers (issue: the robustness study). Planted
/// unit directions of three kinds live in a joint space: image-only, text-only and shared
/// concepts. Every aligned pair draws its semantic content once: shared concepts fire in both of
/// its rows with the same magnitude, bridge pairs fire their image concept in the image row and
/// their text partner (at cosine <see cref="MultimodalSynthOptions.BridgeCosine"/>) in the text
/// row; other image-only and text-only concepts fire independently in their own modality. Image
/// rows are shifted by +γu and text rows by −γu, so the two modalities sit in separate cones as
/// Papadimitriou et al. 2025, §5.2 observes in real VLMs. Magnitudes are uniform in [0.5, 1.5].
/// Layers: layer ℓ = Qℓ·x + αℓ·tanh(Gℓ·x) with a fixed random orthogonal Qℓ and Gaussian Gℓ,
/// the first layer (α = 0) being the joint space itself, so later layers are increasingly
/// nonlinear views of the same content.
/// </summary>
public static class MultimodalSynth
{
    /// <summary>Kind names used in the ground truth.</summary>
    public const string ImageKind = "image", TextKind = "text", SharedKind = "shared";

    /// <summary>Generates the benchmark in memory.</summary>
    public static MultimodalSynthData Generate(MultimodalSynthOptions options)
    {
        options.Validate();
        var rng = new SyntheticRandom(options.Seed);
        int d = options.Dimensions, m = options.ConceptCount, pairs = options.Pairs, rows = 2 * pairs;

        // Directions: image concepts, then text concepts (bridge partners at an exact cosine), then shared.
        var planted = new double[m][];
        var kinds = new string[m];
        for (int i = 0; i < options.ImageConcepts; i++) { planted[i] = rng.UnitVector(d); kinds[i] = ImageKind; }
        int textStart = options.ImageConcepts, sharedStart = textStart + options.TextConcepts;
        for (int i = 0; i < options.TextConcepts; i++)
        {
            planted[textStart + i] = i < options.BridgePairs ? rng.AtCosine(planted[i], options.BridgeCosine) : rng.UnitVector(d);
            kinds[textStart + i] = TextKind;
        }
        for (int i = 0; i < options.SharedConcepts; i++) { planted[sharedStart + i] = rng.UnitVector(d); kinds[sharedStart + i] = SharedKind; }
        var offset = rng.UnitVector(d).Select(v => v * options.ModalityOffset).ToArray();

        // Codes: one row per image, then one per text; row p and row pairs + p form aligned pair p.
        var codes = new float[rows * m];
        for (int p = 0; p < pairs; p++)
        {
            int img = p * m, txt = (pairs + p) * m;
            for (int b = 0; b < options.BridgePairs; b++)
            {
                if (rng.Uniform() >= options.BridgeProbability) continue;
                codes[img + b] = (float)rng.Uniform(0.5, 1.5);
                codes[txt + textStart + b] = (float)rng.Uniform(0.5, 1.5);
            }
            for (int i = options.BridgePairs; i < options.ImageConcepts; i++)
                if (rng.Uniform() < options.ConceptProbability) codes[img + i] = (float)rng.Uniform(0.5, 1.5);
            for (int i = options.BridgePairs; i < options.TextConcepts; i++)
                if (rng.Uniform() < options.ConceptProbability) codes[txt + textStart + i] = (float)rng.Uniform(0.5, 1.5);
            for (int i = 0; i < options.SharedConcepts; i++)
            {
                if (rng.Uniform() >= options.ConceptProbability) continue;
                float mag = (float)rng.Uniform(0.5, 1.5);
                codes[img + sharedStart + i] = mag;
                codes[txt + sharedStart + i] = mag;
            }
        }

        // Joint space x = Σ codes · directions ± offset + noise.
        var joint = new double[rows * d];
        for (int r = 0; r < rows; r++)
        {
            double sign = r < pairs ? 1 : -1;
            for (int t = 0; t < d; t++) joint[r * d + t] = sign * offset[t] + options.Noise * rng.Gaussian();
            for (int c = 0; c < m; c++)
            {
                float z = codes[r * m + c];
                if (z == 0) continue;
                for (int t = 0; t < d; t++) joint[r * d + t] += z * planted[c][t];
            }
        }

        var layers = new List<SynthLayer>();
        for (int l = 0; l < options.LayerNonlinearity.Count; l++)
        {
            double alpha = options.LayerNonlinearity[l];
            string name = $"layer{l}";
            if (l == 0 && alpha == 0)
            {
                layers.Add(new SynthLayer(name, alpha, joint.Select(v => (float)v).ToArray()));
                continue;
            }
            var q = rng.Orthogonal(d);
            var g = new double[d, d];
            for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) g[i, j] = rng.Gaussian() / Math.Sqrt(d);
            var y = new float[rows * d];
            for (int r = 0; r < rows; r++)
            {
                for (int i = 0; i < d; i++)
                {
                    double lin = 0, pre = 0;
                    for (int j = 0; j < d; j++)
                    {
                        double x = joint[r * d + j];
                        lin += q[i, j] * x;
                        pre += g[i, j] * x;
                    }
                    y[r * d + i] = (float)(lin + alpha * Math.Tanh(pre));
                }
            }
            layers.Add(new SynthLayer(name, alpha, y));
        }

        // Auxiliary "semantic" embeddings: a fixed random projection of the concept codes plus
        // noise, so rows that share concepts have similar embeddings (the role of E in MS).
        int e = options.EmbeddingDimensions;
        var proj = new double[m * e];
        for (int i = 0; i < proj.Length; i++) proj[i] = rng.Gaussian();
        var emb = new float[rows * e];
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < e; k++)
            {
                double s = 0.05 * rng.Gaussian();
                for (int c = 0; c < m; c++) s += codes[r * m + c] * proj[c * e + k];
                emb[r * e + k] = (float)s;
            }

        var modality = Enumerable.Range(0, rows).Select(r => r < pairs ? 0 : 1).ToArray();
        var pairIds = Enumerable.Range(0, rows).Select(r => r % pairs).ToArray();
        var bridges = Enumerable.Range(0, options.BridgePairs).Select(b => (b, textStart + b)).ToArray();
        return new MultimodalSynthData(options, layers, planted.SelectMany(v => v.Select(x => (float)x)).ToArray(), kinds,
            bridges, codes, modality, pairIds, emb);
    }
}

/// <summary>One generated layer.</summary>
/// <param name="Name">Layer name (layer0 is the linear joint space).</param>
/// <param name="Nonlinearity">α of the layer.</param>
/// <param name="Activations">Rows × dimensions, row-major.</param>
public sealed record SynthLayer(string Name, double Nonlinearity, float[] Activations);
