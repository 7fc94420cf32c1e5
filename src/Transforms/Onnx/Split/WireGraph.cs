using Google.Protobuf;

namespace MlNetConcepts.Transforms.Onnx.Split;

/// <summary>A byte range <c>[Start, End)</c> of a whole protobuf field (tag included) in the model bytes.</summary>
internal readonly record struct FieldRange(int Start, int End)
{
    public int Length => End - Start;
}

/// <summary>One node as the split needs it: its tensors, and where its bytes are.</summary>
/// <param name="Index">Position in the graph (ONNX requires topological order).</param>
/// <param name="OpType">Operator.</param>
/// <param name="Inputs">Input tensor names ("" for an omitted optional input).</param>
/// <param name="Outputs">Output tensor names.</param>
/// <param name="OuterReads">
/// Names read by nodes of its subgraph attributes (If/Loop/Scan bodies), which may come from the
/// outer graph: a superset, since names defined inside the subgraph are included too; only those
/// that exist in the outer graph matter.
/// </param>
/// <param name="Range">The node's field in the model bytes.</param>
internal sealed record WireNode(int Index, string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, IReadOnlySet<string> OuterReads, FieldRange Range)
{
    /// <summary>Every name the node reads, its own inputs and its subgraphs' outer reads.</summary>
    public IEnumerable<string> Reads => Inputs.Where(i => i.Length > 0).Concat(OuterReads);
}

/// <summary>
/// The top-level graph of a ModelProto with the byte range of every field, so halves of it can
/// be assembled by copying ranges (payloads are never decoded). Field numbers from onnx.proto:
/// GraphProto node = 1, initializer = 5, input = 11, output = 12, value_info = 13,
/// sparse_initializer = 15; NodeProto input = 1, output = 2, op_type = 4, attribute = 5;
/// AttributeProto g = 6, graphs = 11; TensorProto name = 8; SparseTensorProto values = 1;
/// ValueInfoProto name = 1.
/// </summary>
internal sealed class WireGraph
{
    public required byte[] Model { get; init; }
    public required string Source { get; init; }
    public required OnnxGraph Graph { get; init; }
    public required List<WireNode> Nodes { get; init; }
    /// <summary>Initializers (dense and sparse) by name.</summary>
    public required Dictionary<string, FieldRange> Initializers { get; init; }
    /// <summary>Names of the sparse initializers among <see cref="Initializers"/>.</summary>
    public required HashSet<string> SparseInitializers { get; init; }
    /// <summary>Graph inputs by name, in declaration order.</summary>
    public required List<(string Name, FieldRange Range)> Inputs { get; init; }
    /// <summary>Graph outputs by name, in declaration order.</summary>
    public required List<(string Name, FieldRange Range)> Outputs { get; init; }
    /// <summary>Value infos (intermediate tensor types) by name.</summary>
    public required Dictionary<string, FieldRange> ValueInfos { get; init; }
    /// <summary>Every other graph field (name, doc string, annotations): copied into both halves.</summary>
    public required List<FieldRange> Other { get; init; }

    public static WireGraph Parse(byte[] model, string source)
    {
        var graph = OnnxGraph.Parse(model, source);
        var nodes = new List<WireNode>();
        var inits = new Dictionary<string, FieldRange>(StringComparer.Ordinal);
        var sparse = new HashSet<string>(StringComparer.Ordinal);
        var inputs = new List<(string, FieldRange)>();
        var outputs = new List<(string, FieldRange)>();
        var infos = new Dictionary<string, FieldRange>(StringComparer.Ordinal);
        var other = new List<FieldRange>();
        try
        {
            foreach (var (field, wire, tag, b, e) in OnnxGraph.Fields(model, graph.PayloadStart, graph.GraphEnd))
            {
                var range = new FieldRange(tag, e);
                if (wire != WireFormat.WireType.LengthDelimited) { other.Add(range); continue; }
                switch (field)
                {
                    case 1: nodes.Add(ReadNode(model, b, e, nodes.Count, range)); break;
                    case 5: inits[StringField(model, b, e, 8)] = range; break;
                    case 15:
                    {
                        string name = "";
                        foreach (var (f, w, _, vb, ve) in OnnxGraph.Fields(model, b, e))
                            if (f == 1 && w == WireFormat.WireType.LengthDelimited) name = StringField(model, vb, ve, 8);
                        inits[name] = range;
                        sparse.Add(name);
                        break;
                    }
                    case 11: inputs.Add((StringField(model, b, e, 1), range)); break;
                    case 12: outputs.Add((StringField(model, b, e, 1), range)); break;
                    case 13: infos[StringField(model, b, e, 1)] = range; break;
                    default: other.Add(range); break;
                }
            }
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidDataException)
        {
            throw new ConceptDataException($"{source}: not a valid ONNX model (protobuf parsing failed: {e.Message}).", e);
        }
        return new WireGraph
        {
            Model = model, Source = source, Graph = graph, Nodes = nodes, Initializers = inits, SparseInitializers = sparse,
            Inputs = inputs, Outputs = outputs, ValueInfos = infos, Other = other,
        };
    }

    private static WireNode ReadNode(byte[] m, int from, int to, int index, FieldRange range)
    {
        string op = "";
        var ins = new List<string>();
        var outs = new List<string>();
        var outer = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (field, wire, _, b, e) in OnnxGraph.Fields(m, from, to))
        {
            if (wire != WireFormat.WireType.LengthDelimited) continue;
            switch (field)
            {
                case 1: ins.Add(OnnxGraph.Utf8(m, b, e)); break;
                case 2: outs.Add(OnnxGraph.Utf8(m, b, e)); break;
                case 4: op = OnnxGraph.Utf8(m, b, e); break;
                case 5: SubgraphReads(m, b, e, outer); break;
            }
        }
        return new WireNode(index, op, ins, outs, outer, range);
    }

    /// <summary>Adds every name read by the nodes of the graphs inside attribute <c>m[from..to)</c>, recursively.</summary>
    private static void SubgraphReads(byte[] m, int from, int to, HashSet<string> reads)
    {
        foreach (var (field, wire, _, b, e) in OnnxGraph.Fields(m, from, to))
        {
            if (wire != WireFormat.WireType.LengthDelimited || (field != 6 && field != 11)) continue;
            foreach (var (gf, gw, _, nb, ne) in OnnxGraph.Fields(m, b, e))
            {
                if (gf != 1 || gw != WireFormat.WireType.LengthDelimited) continue;
                foreach (var (nf, nw, _, xb, xe) in OnnxGraph.Fields(m, nb, ne))
                {
                    if (nw != WireFormat.WireType.LengthDelimited) continue;
                    if (nf == 1) reads.Add(OnnxGraph.Utf8(m, xb, xe));
                    else if (nf == 5) SubgraphReads(m, xb, xe, reads);
                }
            }
        }
    }

    private static string StringField(byte[] m, int from, int to, int wanted)
    {
        string value = "";
        foreach (var (field, wire, _, b, e) in OnnxGraph.Fields(m, from, to))
            if (field == wanted && wire == WireFormat.WireType.LengthDelimited) value = OnnxGraph.Utf8(m, b, e);
        return value;
    }
}
