using System.Globalization;
using MlNetConcepts.IO;

namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// Everything needed to continue a run bit for bit: weights, Adam moments, dead-latent counters,
/// the input scale and the position (step, epoch, batch in epoch). Saved as one safetensors file
/// with the position in its metadata, written atomically.
/// </summary>
internal sealed record SaeCheckpoint(SaeWeights Weights, AdamOptimizer Adam, long[] SinceFired, double Scale, int Step, int Epoch, int BatchInEpoch)
{
    public void Save(string path, string architecture)
    {
        var tensors = new List<KeyValuePair<string, NdArray>>();
        var all = Weights.All;
        for (int p = 0; p < all.Length; p++) tensors.Add(new(SaeWeights.Names[p], NdArray.FromFloats(all[p], all[p].Length)));
        for (int q = 0; q < Adam.Trained.Length; q++)
        {
            string name = SaeWeights.Names[Adam.Trained[q]];
            tensors.Add(new("adam_m." + name, NdArray.FromFloats(Adam.First[q], Adam.First[q].Length)));
            tensors.Add(new("adam_v." + name, NdArray.FromFloats(Adam.Second[q], Adam.Second[q].Length)));
        }
        tensors.Add(new("since_fired", NdArray.FromInt64s(SinceFired, SinceFired.Length)));
        var meta = new Dictionary<string, string>
        {
            ["architecture"] = architecture,
            ["inputs"] = Weights.Inputs.ToString(CultureInfo.InvariantCulture),
            ["latents"] = Weights.Latents.ToString(CultureInfo.InvariantCulture),
            ["scale"] = Scale.ToString("R", CultureInfo.InvariantCulture),
            ["step"] = Step.ToString(CultureInfo.InvariantCulture),
            ["epoch"] = Epoch.ToString(CultureInfo.InvariantCulture),
            ["batch_in_epoch"] = BatchInEpoch.ToString(CultureInfo.InvariantCulture),
        };
        SafeTensors.WriteFile(path, tensors, meta);
    }

    /// <summary>Reads a checkpoint into freshly shaped state; errors name the file and what does not match.</summary>
    public static SaeCheckpoint Load(string path, string architecture, SaeWeights shape, AdamOptimizer adam)
    {
        var content = SafeTensors.ReadFile(path);
        string Meta(string key) => content.Metadata.TryGetValue(key, out var v) ? v : throw new ConceptDataException($"{path}: checkpoint lacks '{key}'.");
        if (Meta("architecture") != architecture || Meta("inputs") != shape.Inputs.ToString(CultureInfo.InvariantCulture)
            || Meta("latents") != shape.Latents.ToString(CultureInfo.InvariantCulture))
            throw new ConceptDataException($"{path}: checkpoint is a {Meta("architecture")} SAE {Meta("inputs")}→{Meta("latents")}, but this run trains {architecture} {shape.Inputs}→{shape.Latents}.");
        var w = shape.Clone();
        void Fill(string name, float[] into)
        {
            var t = content[name].ToFloat32();
            if (t.Length != into.Length) throw new ConceptDataException($"{path}: tensor '{name}' has {t.Length} values, expected {into.Length}.");
            t.CopyTo(into, 0);
        }
        for (int p = 0; p < w.All.Length; p++) Fill(SaeWeights.Names[p], w.All[p]);
        for (int q = 0; q < adam.Trained.Length; q++)
        {
            Fill("adam_m." + SaeWeights.Names[adam.Trained[q]], adam.First[q]);
            Fill("adam_v." + SaeWeights.Names[adam.Trained[q]], adam.Second[q]);
        }
        var since = content["since_fired"].ToInt64();
        if (since.Length != shape.Latents) throw new ConceptDataException($"{path}: tensor 'since_fired' has {since.Length} values, expected {shape.Latents}.");
        int I(string k) => int.TryParse(Meta(k), NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v
            : throw new ConceptDataException($"{path}: checkpoint '{k}' is '{Meta(k)}', not a non-negative integer.");
        double scale = double.TryParse(Meta("scale"), NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && double.IsFinite(s) ? s
            : throw new ConceptDataException($"{path}: checkpoint 'scale' is '{Meta("scale")}', not a finite number.");
        return new SaeCheckpoint(w, adam, since, scale, I("step"), I("epoch"), I("batch_in_epoch"));
    }
}
