using System.Numerics.Tensors;
using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Transforms.Steering;

/// <summary>
/// SAE steering of tokens (Pach et al. 2025, sec. 3.3): encode each token x with the SAE,
/// z = f(x); change chosen concepts (<see cref="ConceptIntervention"/>, applied in order) to get
/// z'; decode. With the reconstruction error kept (the default) the token becomes
/// x' = x + (decode(z') − decode(z)), so everything the SAE does not reconstruct survives and an
/// empty intervention changes nothing; dropped, x' = decode(z'), as in the paper. Since
/// decode(z) = z·W_dec + b_dec is linear, decode(z') − decode(z) = Σ_k (z'_k − z_k)·D_k over the
/// changed concepts only: that is what is computed (<see cref="SteeringReference"/> decodes in full).
/// </summary>
public sealed class ConceptSteering : ITokenEdit
{
    private readonly SaeTransformer _sae;
    private readonly ConceptIntervention[] _interventions;
    private readonly int[] _concepts;

    /// <summary>Steers with <paramref name="sae"/>; every concept index must exist and every α be finite.</summary>
    public ConceptSteering(SaeTransformer sae, IReadOnlyList<ConceptIntervention> interventions, bool keepReconstructionError = true)
    {
        _sae = sae;
        _interventions = Validate(sae, interventions);
        _concepts = _interventions.Select(i => i.Concept).Distinct().ToArray();
        KeepReconstructionError = keepReconstructionError;
    }

    /// <summary>Checks <paramref name="interventions"/> against <paramref name="sae"/> (parameter names in the messages).</summary>
    public static ConceptIntervention[] Validate(SaeTransformer sae, IReadOnlyList<ConceptIntervention> interventions)
    {
        ArgumentNullException.ThrowIfNull(interventions);
        for (int i = 0; i < interventions.Count; i++)
        {
            var iv = interventions[i];
            if (iv.Concept < 0 || iv.Concept >= sae.Latents)
                throw new ConceptDataException($"interventions[{i}].Concept = {iv.Concept} is out of range: the SAE has {sae.Latents} concepts (0..{sae.Latents - 1}).");
            if (!float.IsFinite(iv.Alpha))
                throw new ConceptDataException($"interventions[{i}].Alpha = {iv.Alpha} (concept {iv.Concept}): α must be finite.");
            if (!Enum.IsDefined(iv.Kind))
                throw new ConceptDataException($"interventions[{i}].Kind = {(int)iv.Kind} is not an intervention kind (set, add, scale, zero).");
        }
        return interventions.ToArray();
    }

    /// <summary>The SAE.</summary>
    public SaeTransformer Sae => _sae;
    /// <summary>The interventions, in the order they are applied.</summary>
    public IReadOnlyList<ConceptIntervention> Interventions => _interventions;
    /// <summary>Whether x' = x + decode(z') − decode(z) (true) or x' = decode(z') (false).</summary>
    public bool KeepReconstructionError { get; }

    /// <inheritdoc />
    public int Width => _sae.Inputs;

    /// <inheritdoc />
    public float[] Apply(float[] tokens, int rows)
    {
        TokenLayout.CheckRows(tokens, rows, Width);
        int d = Width;
        var codes = _sae.Encode(tokens, rows);
        var y = KeepReconstructionError ? (float[])tokens.Clone() : _sae.Decode(codes);
        var before = new float[_concepts.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < _concepts.Length; c++) before[c] = CodeOf(codes, r, _concepts[c]);
            var row = y.AsSpan(r * d, d);
            for (int c = 0; c < _concepts.Length; c++)
            {
                float z = before[c];
                foreach (var iv in _interventions) if (iv.Concept == _concepts[c]) z = iv.Apply(z);
                float change = z - before[c];
                if (change != 0) TensorPrimitives.MultiplyAdd(_sae.Weights.DecoderWeight.AsSpan(_concepts[c] * d, d), change, row, row);
            }
        }
        return y;
    }

    /// <summary>z_k of row <paramref name="r"/> (0 when the concept is not active there).</summary>
    internal static float CodeOf(SparseCodes codes, int r, int concept)
    {
        int lo = codes.RowStart[r], hi = codes.RowStart[r + 1];
        int at = Array.BinarySearch(codes.Index, lo, hi - lo, concept);
        return at >= 0 ? codes.Value[at] : 0f;
    }
}
