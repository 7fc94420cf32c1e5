using System.Text.RegularExpressions;

namespace MlNetConcepts.Transforms.Onnx;

/// <summary>A candidate activation tensor: a node output with its operator and, when recognised, its block.</summary>
/// <param name="Tensor">Tensor name.</param>
/// <param name="OpType">Operator that produces it.</param>
/// <param name="NodeName">Producing node.</param>
/// <param name="Scope">Block scope (e.g. <c>/encoder/layers/encoder_layer_2</c>) or "" when not in a block.</param>
/// <param name="Block">Block index, or -1.</param>
/// <param name="IsBlockOutput">Whether this is the last tensor computed in its block (the block's output).</param>
public sealed record LayerTap(string Tensor, string OpType, string NodeName, string Scope, int Block, bool IsBlockOutput);

/// <summary>
/// Finds the tensors of a model that can be tapped and resolves tap specifications to tensor
/// names. A specification is either a tensor name (a node output or graph output), or a block
/// pattern <c>block:i</c> (the output of transformer block i; negative i counts from the end),
/// optionally restricted to node names containing a scope text: <c>visual/block:3</c>.
/// Blocks are recognised from exporter scope names (<c>layers.5</c>, <c>encoder_layer_5</c>,
/// <c>blocks.5</c>, <c>resblocks.5</c>, <c>h.5</c>); the block's output is the last tensor its
/// nodes produce, which for a residual block is the final residual Add.
/// </summary>
public static partial class LayerTaps
{
    [GeneratedRegex(@"^(?<scope>.*?(?:layers|layer|blocks|block|resblocks|encoder_layer|h)[._]?(?<i>\d+))(?=[/.]|$)")]
    private static partial Regex BlockScope();

    /// <summary>Every node output of the graph, in graph order, with block information.</summary>
    public static IReadOnlyList<LayerTap> List(OnnxGraph graph)
    {
        var taps = new List<LayerTap>();
        foreach (var node in graph.Nodes)
        {
            var m = BlockScope().Match(node.Name);
            string scope = m.Success ? m.Groups["scope"].Value : "";
            int block = m.Success ? int.Parse(m.Groups["i"].Value, System.Globalization.CultureInfo.InvariantCulture) : -1;
            foreach (var t in node.Outputs)
                if (t.Length > 0) taps.Add(new LayerTap(t, node.OpType, node.Name, scope, block, false));
        }
        // The block output: the last tensor produced in each scope.
        var last = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < taps.Count; i++) if (taps[i].Scope.Length > 0) last[taps[i].Scope] = i;
        foreach (var i in last.Values) taps[i] = taps[i] with { IsBlockOutput = true };
        return taps;
    }

    /// <summary>
    /// Resolves one specification to a tensor name of <paramref name="graph"/>; throws a
    /// <see cref="ConceptDataException"/> naming the model and suggesting names when it fails.
    /// </summary>
    public static string Resolve(OnnxGraph graph, string spec, string source)
    {
        if (graph.Outputs.Contains(spec) || graph.IsNodeOutput(spec)) return spec;
        int at = spec.LastIndexOf("block:", StringComparison.Ordinal);
        if (at >= 0 && (at == 0 || spec[at - 1] == '/'))
        {
            string filter = at == 0 ? "" : spec[..(at - 1)];
            if (!int.TryParse(spec.AsSpan(at + 6), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int index))
                throw new ConceptDataException($"{source}: '{spec}' is not a block pattern (use block:i, e.g. block:3 or block:-1).");
            var outputs = List(graph).Where(t => t.IsBlockOutput && t.NodeName.Contains(filter, StringComparison.Ordinal)).ToList();
            if (outputs.Count == 0)
                throw new ConceptDataException($"{source}: no transformer blocks recognised{(filter.Length > 0 ? $" under '{filter}'" : "")}; name a tensor instead (see 'mlnc model layers').");
            var families = outputs.Select(o => o.Scope[..^o.Block.ToString(System.Globalization.CultureInfo.InvariantCulture).Length]).Distinct().ToList();
            if (families.Count > 1)
                throw new ConceptDataException($"{source}: '{spec}' is ambiguous: blocks under {string.Join(", ", families.Select(f => $"'{f}'"))}; prefix a scope, e.g. '{families[0].TrimStart('/').Split('/')[0]}/block:{index}'.");
            var byIndex = outputs.OrderBy(o => o.Block).ToList();
            int k = index < 0 ? byIndex.Count + index : byIndex.FindIndex(o => o.Block == index);
            if (k < 0 || k >= byIndex.Count)
                throw new ConceptDataException($"{source}: block {index} does not exist (blocks {byIndex[0].Block}..{byIndex[^1].Block}).");
            return byIndex[k].Tensor;
        }
        var near = List(graph).Select(t => t.Tensor).Concat(graph.Outputs)
            .Where(t => t.Contains(spec, StringComparison.OrdinalIgnoreCase) || spec.Contains(t, StringComparison.OrdinalIgnoreCase))
            .Take(5).ToList();
        throw new ConceptDataException($"{source}: tensor '{spec}' is not in the graph" +
            (near.Count > 0 ? $" (similar: {string.Join(", ", near)})" : "") + "; list tensors with 'mlnc model layers'.");
    }
}
