namespace MlNetConcepts.Transforms.Onnx.Split;

/// <summary>
/// Cuts an ONNX model in two at a named tensor t, at the protobuf wire level (nodes, weights and
/// declarations are copied as bytes, nothing is re-encoded):
/// <list type="bullet">
/// <item>the tail is every node that reads t, directly or through other tail nodes (subgraph
/// bodies of If/Loop/Scan count as reads), plus copies of the constant nodes it needs (nodes
/// that do not depend on any model input, e.g. <c>Constant</c> and shape arithmetic on
/// weights), so constants never cross the cut;</item>
/// <item>every other tensor a tail node reads that the head computes crosses the cut (skip
/// connections, masks, shapes): it becomes a head output and a tail input of the same name;
/// model inputs the tail reads stay tail inputs;</item>
/// <item>the head is what computes t, the crossing tensors and the model outputs that do not
/// depend on t;</item>
/// <item>each half keeps the initializers its nodes read; external data is inlined
/// (<see cref="ExternalData"/>);</item>
/// <item>new inputs and outputs are declared with the element type and shape ONNX Runtime infers
/// for them on the whole model (symbolic dimensions keep their names).</item>
/// </list>
/// </summary>
public static class OnnxGraphSplit
{
    /// <summary>Splits the model file at <paramref name="modelPath"/> at tensor <paramref name="tensor"/> (a name, or <c>block:i</c>).</summary>
    public static OnnxSplit Split(string modelPath, string tensor)
    {
        if (!File.Exists(modelPath)) throw new ConceptDataException($"{modelPath}: model file not found.");
        return Split(File.ReadAllBytes(modelPath), modelPath, tensor, Path.GetDirectoryName(Path.GetFullPath(modelPath)));
    }

    /// <summary>
    /// Splits model bytes; <paramref name="source"/> names them in errors and
    /// <paramref name="externalDataFolder"/> is where external initializer files are (null: none expected).
    /// </summary>
    public static OnnxSplit Split(byte[] model, string source, string tensor, string? externalDataFolder)
    {
        var g = WireGraph.Parse(model, source);
        if (ExternalData.Any(g))
        {
            if (externalDataFolder is null)
                throw new ConceptDataException($"{source}: the model keeps initializers in external files; give the folder they are in.");
            g = WireGraph.Parse(ExternalData.Inline(g, externalDataFolder), source);
        }
        string t = ResolveTensor(g, tensor);
        var plan = Plan(g, t);
        var infos = InferTypes(g, [t, .. plan.Crossing]);
        if (infos[t].ElementType == OnnxElementType.Undefined)
            throw new ConceptDataException($"{source}: tensor '{t}' is not a tensor ONNX Runtime can type (a sequence or map?).");

        var headOutputs = new List<string> { t };
        headOutputs.AddRange(plan.Crossing);
        headOutputs.AddRange(g.Outputs.Select(o => o.Name).Where(o => plan.HeadOutputsOfModel.Contains(o) && !headOutputs.Contains(o)));

        var head = new GraphWriter(g);
        foreach (var r in g.Other) head.Copy(r);
        foreach (var n in g.Nodes.Where(n => plan.HeadNodes.Contains(n.Index))) head.Copy(n.Range);
        var headInits = Reads(g, plan.HeadNodes).Where(g.Initializers.ContainsKey).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, r) in g.Initializers) if (headInits.Contains(name)) head.Copy(r);
        var headModelInputs = new List<string>();
        var headReads = Reads(g, plan.HeadNodes).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, r) in g.Inputs)
            if (headInits.Contains(name) || (!g.Initializers.ContainsKey(name) && headReads.Contains(name)))
            {
                head.Copy(r);
                if (!g.Initializers.ContainsKey(name)) headModelInputs.Add(name);
            }
        var declaredOutputs = g.Outputs.ToDictionary(o => o.Name, o => o.Range, StringComparer.Ordinal);
        foreach (var o in headOutputs)
        {
            if (declaredOutputs.TryGetValue(o, out var r)) head.Copy(r);
            else head.ValueInfo(12, infos[o]);
        }
        foreach (var (name, r) in g.ValueInfos) if (plan.HeadProduced.Contains(name) && !headOutputs.Contains(name)) head.Copy(r);

        var tail = new GraphWriter(g);
        foreach (var r in g.Other) tail.Copy(r);
        foreach (var n in g.Nodes.Where(n => plan.TailNodes.Contains(n.Index))) tail.Copy(n.Range);
        var tailInits = Reads(g, plan.TailNodes).Where(g.Initializers.ContainsKey).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, r) in g.Initializers) if (tailInits.Contains(name)) tail.Copy(r);
        foreach (var name in (string[])[t, .. plan.Crossing]) tail.ValueInfo(11, infos[name]);
        foreach (var (name, r) in g.Inputs)
            if (tailInits.Contains(name) || plan.TailModelInputs.Contains(name)) tail.Copy(r);
        foreach (var (name, r) in g.Outputs) if (plan.TailOutputs.Contains(name)) tail.Copy(r);
        foreach (var (name, r) in g.ValueInfos) if (plan.TailProduced.Contains(name) && !plan.TailOutputs.Contains(name)) tail.Copy(r);

        return new OnnxSplit
        {
            Head = head.ToModel(),
            Tail = tail.ToModel(),
            Tensor = infos[t],
            Crossing = plan.Crossing.Select(c => infos[c]).ToArray(),
            HeadModelInputs = headModelInputs,
            TailModelInputs = g.Inputs.Select(i => i.Name).Where(plan.TailModelInputs.Contains).ToArray(),
            HeadOutputs = headOutputs,
            TailOutputs = g.Outputs.Select(o => o.Name).Where(plan.TailOutputs.Contains).ToArray(),
        };
    }

    private sealed record SplitPlan(
        HashSet<int> HeadNodes, HashSet<int> TailNodes, List<string> Crossing, HashSet<string> TailModelInputs,
        HashSet<string> TailOutputs, HashSet<string> HeadOutputsOfModel, HashSet<string> HeadProduced, HashSet<string> TailProduced);

    private static IEnumerable<string> Reads(WireGraph g, HashSet<int> nodes) => g.Nodes.Where(n => nodes.Contains(n.Index)).SelectMany(n => n.Reads);

    private static SplitPlan Plan(WireGraph g, string t)
    {
        var modelInputs = g.Inputs.Select(i => i.Name).Where(n => !g.Initializers.ContainsKey(n)).ToHashSet(StringComparer.Ordinal);
        var producer = new Dictionary<string, WireNode>(StringComparer.Ordinal);
        foreach (var n in g.Nodes) foreach (var o in n.Outputs) if (o.Length > 0) producer[o] = n;

        // Nodes that depend on a model input; the others are constants either half may copy.
        var dynamicTensors = new HashSet<string>(modelInputs, StringComparer.Ordinal);
        var dynamicNodes = new HashSet<int>();
        foreach (var n in g.Nodes)
            if (n.Reads.Any(dynamicTensors.Contains)) { dynamicNodes.Add(n.Index); foreach (var o in n.Outputs) dynamicTensors.Add(o); }
        if (!dynamicNodes.Contains(producer[t].Index))
            throw new ConceptDataException($"{g.Source}: tensor '{t}' is a constant (made by {producer[t].OpType} without reading any model input); split at a tensor computed from the inputs.");

        // The tail: every node that reads t, directly or through other tail nodes.
        var tainted = new HashSet<string>(StringComparer.Ordinal) { t };
        var tail = new HashSet<int>();
        foreach (var n in g.Nodes)
            if (n.Reads.Any(tainted.Contains)) { tail.Add(n.Index); foreach (var o in n.Outputs) tainted.Add(o); }
        if (tail.Count == 0)
            throw new ConceptDataException($"{g.Source}: no node reads tensor '{t}', so there is nothing after it to run; pick a tensor before the model's outputs.");
        // t itself, when it is a model output, comes from the head (unedited): the tail outputs what its nodes compute.
        var tailOutputs = g.Outputs.Select(o => o.Name).Where(o => o != t && tainted.Contains(o)).ToHashSet(StringComparer.Ordinal);
        if (tailOutputs.Count == 0)
            throw new ConceptDataException($"{g.Source}: no output of the model depends on tensor '{t}'.");

        // What the tail reads from outside itself: constants are copied in, the rest crosses.
        var crossing = new List<string>();
        var tailModelInputs = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<WireNode>(g.Nodes.Where(n => tail.Contains(n.Index)));
        var tailNodes = new HashSet<int>(tail);
        while (pending.Count > 0)
        {
            foreach (var name in pending.Pop().Reads)
            {
                if (name == t || tainted.Contains(name) || g.Initializers.ContainsKey(name)) continue;
                if (modelInputs.Contains(name)) { tailModelInputs.Add(name); continue; }
                if (!producer.TryGetValue(name, out var p)) continue; // a subgraph-local name
                if (!dynamicNodes.Contains(p.Index)) { if (tailNodes.Add(p.Index)) pending.Push(p); continue; }
                if (!crossing.Contains(name)) crossing.Add(name);
            }
        }
        // Graph order, so the crossing list reads like the model.
        crossing = crossing.OrderBy(c => producer[c].Index).ThenBy(c => c, StringComparer.Ordinal).ToList();

        // The head: what computes t, the crossing tensors and the model outputs that do not need t.
        var headOutputsOfModel = g.Outputs.Select(o => o.Name).Where(o => !tainted.Contains(o) && producer.ContainsKey(o)).ToHashSet(StringComparer.Ordinal);
        var needed = new HashSet<string>([t, .. crossing, .. headOutputsOfModel], StringComparer.Ordinal);
        var head = new HashSet<int>();
        for (int i = g.Nodes.Count - 1; i >= 0; i--)
        {
            var n = g.Nodes[i];
            if (tail.Contains(n.Index) || !n.Outputs.Any(needed.Contains)) continue;
            head.Add(n.Index);
            foreach (var r in n.Reads) needed.Add(r);
        }
        var produced = (HashSet<int> nodes) => g.Nodes.Where(n => nodes.Contains(n.Index)).SelectMany(n => n.Outputs).ToHashSet(StringComparer.Ordinal);
        return new SplitPlan(head, tailNodes, crossing, tailModelInputs, tailOutputs, headOutputsOfModel, produced(head), produced(tailNodes));
    }

    /// <summary>
    /// Element type and shape of <paramref name="names"/>: the declared ones from the graph's
    /// outputs are taken as ONNX Runtime reads them, the others from its inference when they are
    /// added as outputs (the model is loaded once, without optimisation, and not run).
    /// </summary>
    private static Dictionary<string, OnnxTensorInfo> InferTypes(WireGraph g, IReadOnlyList<string> names)
    {
        var edited = g.Graph.WithOutputs(g.Model, names);
        using var s = new OnnxSession(edited, g.Source, new OnnxSessionOptions { IntraOpThreads = 1, OptimizationLevel = OnnxOptimizationLevel.None });
        var result = new Dictionary<string, OnnxTensorInfo>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var info = s.Outputs.FirstOrDefault(o => o.Name == name)
                ?? throw new ConceptDataException($"{g.Source}: ONNX Runtime did not expose tensor '{name}' as an output.");
            result[name] = info;
        }
        return result;
    }

    /// <summary>The tensor <paramref name="spec"/> names (a node output, or <c>block:i</c>), or an error listing close names.</summary>
    private static string ResolveTensor(WireGraph g, string spec)
    {
        if (string.IsNullOrWhiteSpace(spec)) throw new ConceptDataException($"{g.Source}: no tensor name given to split at.");
        var modelInputs = g.Inputs.Select(i => i.Name).Where(n => !g.Initializers.ContainsKey(n));
        if (modelInputs.Contains(spec))
            throw new ConceptDataException($"{g.Source}: '{spec}' is an input of the model; split at a tensor computed from it (nothing would come before the cut).");
        if (g.Initializers.ContainsKey(spec))
            throw new ConceptDataException($"{g.Source}: '{spec}' is a weight (initializer), not a tensor computed by the model; split at a node output.");
        if (g.Nodes.Any(n => n.Outputs.Contains(spec))) return spec;
        if (spec.Contains("block:", StringComparison.Ordinal)) return LayerTaps.Resolve(g.Graph, spec, g.Source);
        var all = g.Nodes.SelectMany(n => n.Outputs).Where(o => o.Length > 0).Distinct().ToList();
        var close = all.OrderBy(n => n.Contains(spec, StringComparison.OrdinalIgnoreCase) || spec.Contains(n, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenBy(n => EditDistance(n.ToLowerInvariant(), spec.ToLowerInvariant())).ThenBy(n => n, StringComparer.Ordinal).Take(5);
        throw new ConceptDataException($"{g.Source}: tensor '{spec}' is not in the graph (close names: {string.Join(", ", close)}); list tensors with 'mlnc model layers'.");
    }

    /// <summary>Levenshtein distance (insertions, deletions, substitutions of one character each cost 1).</summary>
    internal static int EditDistance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
