using System.Text.Json;
using System.Text.Json.Nodes;
using MlNetConcepts.IO;

namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// Export to and import from a SAELens folder: <c>cfg.json</c> + <c>sae_weights.safetensors</c> with
/// <c>W_enc</c> [d_in, d_sae], <c>b_enc</c> [d_sae], <c>W_dec</c> [d_sae, d_in], <c>b_dec</c> [d_in] and, for
/// threshold variants, <c>threshold</c> [d_sae]. SAELens computes pre = (x − b_dec)·W_enc + b_enc and
/// f = ReLU(pre) ("standard"), TopK(pre) then ReLU ("topk"), or ReLU(pre)·[pre &gt; threshold]
/// ("jumprelu"); BatchTopK and Matryoshka are exported as jumprelu with their inference threshold,
/// which is exactly how they encode. Import also reads sparsify folders (<c>sae.safetensors</c> with
/// <c>encoder.weight</c> [d_sae, d_in], <c>encoder.bias</c>, <c>W_dec</c>, <c>b_dec</c>; cfg with <c>k</c>) and infers
/// each matrix's orientation from the bias lengths.
/// </summary>
public static class SaeLensFormat
{
    /// <summary>The weights file name SAELens uses.</summary>
    public const string WeightsFile = "sae_weights.safetensors";
    /// <summary>The config file name.</summary>
    public const string ConfigFile = "cfg.json";

    /// <summary>Writes <paramref name="sae"/> into folder <paramref name="directory"/> (created when missing; files written atomically).</summary>
    public static void Export(SaeTransformer sae, string directory)
    {
        Directory.CreateDirectory(directory);
        int d = sae.Inputs, n = sae.Latents;
        var w = sae.Weights;
        var wEnc = new float[(long)d * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) wEnc[(long)j * n + i] = w.EncoderWeight[(long)i * d + j];
        var tensors = new List<KeyValuePair<string, NdArray>>
        {
            new("W_enc", NdArray.FromFloats(wEnc, d, n)),
            new("b_enc", NdArray.FromFloats(w.EncoderBias, n)),
            new("W_dec", NdArray.FromFloats(w.DecoderWeight, n, d)),
            new("b_dec", NdArray.FromFloats(w.DecoderBias, d)),
        };
        var threshold = sae.Variant.ExportThreshold(w);
        string arch = sae.Variant.SaeLensArchitecture;
        if (threshold is not null) { tensors.Add(new("threshold", NdArray.FromFloats(threshold, n))); arch = "jumprelu"; }
        var cfg = new JsonObject
        {
            ["architecture"] = arch,
            ["d_in"] = d,
            ["d_sae"] = n,
            ["dtype"] = "float32",
            ["device"] = "cpu",
            ["apply_b_dec_to_input"] = true,
            ["normalize_activations"] = "none",
            ["model_name"] = "",
            ["hook_name"] = "",
            ["mlnc_architecture"] = sae.Architecture,
            ["mlnc_k"] = sae.Options.K,
            ["mlnc_parameters"] = Parameters(sae),
        };
        if (threshold is null) sae.Variant.WriteSaeLensConfig(cfg, sae.Options);
        SafeTensors.WriteFile(Path.Combine(directory, WeightsFile), tensors);
        AtomicFile.WriteText(Path.Combine(directory, ConfigFile), cfg.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    // The variant's own parameters by the names it declares, so a folder written here loads back as the same variant.
    private static JsonObject Parameters(SaeTransformer sae)
    {
        var parameters = new JsonObject();
        foreach (var p in sae.Variant.Parameters)
            if (p.Format(sae.Options) is { } text) parameters[p.Name] = text;
        return parameters;
    }

    /// <summary>
    /// Reads a SAELens or sparsify folder as a transformer on the given columns. A folder this class wrote
    /// (<c>mlnc_architecture</c> in its config naming a registered variant) loads back as that variant with its k and
    /// parameters; its exported inference threshold encodes exactly as the original. Sizes come from
    /// the tensors present; sizes the config declares (<c>d_in</c>, <c>d_sae</c>) must agree with
    /// them, and a config field of the wrong type is reported naming the file.
    /// </summary>
    public static SaeTransformer Import(string directory, string inputColumn = "Features", string outputColumn = "Concepts")
    {
        try { return ImportUnchecked(directory, inputColumn, outputColumn); }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            // JsonNode.GetValue on a field of another type (e.g. "k": "eight").
            throw new ConceptDataException($"{Path.Combine(directory, ConfigFile)}: a field has the wrong type ({e.Message}).", e);
        }
    }

    private static SaeTransformer ImportUnchecked(string directory, string inputColumn, string outputColumn)
    {
        if (!Directory.Exists(directory)) throw new ConceptDataException($"{directory}: SAE folder not found.");
        string cfgPath = Path.Combine(directory, ConfigFile);
        JsonObject cfg;
        try { cfg = File.Exists(cfgPath) ? JsonNode.Parse(File.ReadAllText(cfgPath)) as JsonObject ?? new JsonObject() : new JsonObject(); }
        catch (JsonException e) { throw new ConceptDataException($"{cfgPath}: not valid JSON ({e.Message}).", e); }
        string weightsPath = new[] { WeightsFile, "sae.safetensors" }.Select(f => Path.Combine(directory, f)).FirstOrDefault(File.Exists)
            ?? throw new ConceptDataException($"{directory}: neither {WeightsFile} (SAELens) nor sae.safetensors (sparsify) is there.");
        var content = SafeTensors.ReadFile(weightsPath);
        NdArray Get(params string[] names) => names.Select(nm => content.Tensors.TryGetValue(nm, out var t) ? t : null).FirstOrDefault(t => t is not null)
            ?? throw new ConceptDataException($"{weightsPath}: no tensor named {string.Join(" or ", names)}.");
        var bEnc = Get("b_enc", "encoder.bias").ToFloat32();
        var bDec = Get("b_dec").ToFloat32();
        int n = bEnc.Length, d = bDec.Length;
        bool sparsifyNames = !content.Tensors.ContainsKey("W_enc");
        var wEnc = Oriented(Get("W_enc", "encoder.weight"), d, n, preferLatentRows: sparsifyNames, weightsPath, "encoder");
        var wDec = Oriented(Get("W_dec", "decoder.weight"), d, n, preferLatentRows: true, weightsPath, "decoder");
        CheckDeclared(cfg, "d_in", d, cfgPath, weightsPath);
        CheckDeclared(cfg, "d_sae", n, cfgPath, weightsPath);

        int k = cfg["k"]?.GetValue<int>() ?? (cfg["activation_fn_kwargs"] as JsonObject)?["k"]?.GetValue<int>() ?? 0;
        // sparsify folders name no architecture: a k means TopK, else a plain ReLU SAE.
        string arch = cfg["architecture"]?.GetValue<string>() ?? (k > 0 ? "topk" : "standard");
        string? own = cfg["mlnc_architecture"]?.GetValue<string>();
        var variant = own is not null && SaeVariants.Contains(own) ? SaeVariants.Create(own) : SaeVariants.ForSaeLens(arch) ?? throw new ConceptDataException(
            $"{cfgPath}: SAELens architecture '{arch}' is not supported ({string.Join(", ", SaeVariants.All().SelectMany(v => v.SaeLensImports).Distinct())} are).");
        if (own is not null && variant.Name == own) k = cfg["mlnc_k"]?.GetValue<int>() ?? k;
        // A threshold encodes without k (BatchTopK at inference), so only a k-based encoder needs one.
        if (variant.UsesK && k < 1 && !content.Tensors.ContainsKey("threshold")) throw new ConceptDataException($"{cfgPath}: a {arch} SAE needs 'k' in its config.");
        var options = new SaeOptions { Architecture = variant.Name, K = Math.Max(1, k), Latents = n, InputColumn = inputColumn, OutputColumn = outputColumn };
        if (own is not null && variant.Name == own && cfg["mlnc_parameters"] is JsonObject saved)
            foreach (var p in variant.Parameters)
                if (saved[p.Name]?.GetValue<string>() is { } text)
                {
                    try { options = p.Apply(options, text); }
                    catch (ConceptDataException e) { throw new ConceptDataException($"{cfgPath}: saved parameter {e.Message}", e); }
                }
        string norm = cfg["normalize_activations"]?.GetValue<string>() ?? "none";
        if (norm != "none") throw new ConceptDataException($"{cfgPath}: normalize_activations '{norm}' is not supported; only 'none' is.");

        // An exported threshold has one value per latent; a variant that also takes other lengths (BatchTopK's scalar) gets them.
        int thresholdLength = content.Tensors.TryGetValue("threshold", out var exported) && variant.AcceptsThresholdLength((int)exported.Length, n, options)
            ? (int)exported.Length : variant.ThresholdLength(n, options);
        var w = new SaeWeights(d, n, thresholdLength);
        wEnc.CopyTo(w.EncoderWeight, 0);
        bEnc.CopyTo(w.EncoderBias, 0);
        wDec.CopyTo(w.DecoderWeight, 0);
        bDec.CopyTo(w.DecoderBias, 0);
        if (cfg["apply_b_dec_to_input"]?.GetValue<bool>() == false)
            // pre = x·W_enc + b_enc = (x − b_dec)·W_enc + (b_enc + b_dec·W_enc): fold so our encoder can subtract b_dec.
            for (int i = 0; i < n; i++)
            {
                double s = 0;
                for (int j = 0; j < d; j++) s += (double)bDec[j] * wEnc[(long)i * d + j];
                w.EncoderBias[i] += (float)s;
            }
        if (w.Threshold.Length > 0)
        {
            var t = Get("threshold").ToFloat32();
            if (t.Length != w.Threshold.Length) throw new ConceptDataException($"{weightsPath}: threshold has {t.Length} values, expected {w.Threshold.Length}.");
            variant.ImportThreshold(t, w.Threshold);
        }
        return new SaeTransformer(variant.Name, w, options);
    }

    // A size the config declares must be the one the tensors have (absent is fine: sparsify omits them).
    private static void CheckDeclared(JsonObject cfg, string key, int actual, string cfgPath, string weightsPath)
    {
        if (cfg[key] is not JsonNode node) return;
        long declared = node.GetValue<long>();
        if (declared != actual)
            throw new ConceptDataException($"{cfgPath}: {key} is {declared}, but the tensors in {weightsPath} give {actual}.");
    }

    /// <summary>A matrix as n×d latent rows, whichever way it is stored.</summary>
    private static float[] Oriented(NdArray t, int d, int n, bool preferLatentRows, string source, string what)
    {
        if (t.Rank != 2) throw new ConceptDataException($"{source}: {what} matrix has shape {t.ShapeText}, expected 2 dimensions.");
        long r = t.Shape[0], c = t.Shape[1];
        var data = t.ToFloat32();
        bool latentRows = r == n && c == d && (preferLatentRows || !(r == d && c == n));
        bool inputRows = r == d && c == n;
        if (latentRows) return data;
        if (!inputRows) throw new ConceptDataException($"{source}: {what} matrix has shape {t.ShapeText}, but the biases give d_in = {d}, d_sae = {n}.");
        var result = new float[(long)n * d];
        for (int j = 0; j < d; j++) for (int i = 0; i < n; i++) result[(long)i * d + j] = data[(long)j * n + i];
        return result;
    }
}
