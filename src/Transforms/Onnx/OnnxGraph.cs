using Google.Protobuf;

namespace MlNetConcepts.Transforms.Onnx;

/// <summary>One node of an ONNX graph: its name, operator type and output tensor names.</summary>
/// <param name="Index">Position in the graph's node list (ONNX requires topological order).</param>
/// <param name="Name">Node name (may be empty).</param>
/// <param name="OpType">Operator, e.g. <c>Add</c>, <c>MatMul</c>.</param>
/// <param name="Outputs">Names of the tensors it produces.</param>
public sealed record OnnxNode(int Index, string Name, string OpType, IReadOnlyList<string> Outputs);

/// <summary>
/// The top-level graph of an ONNX model as read at the protobuf wire level (no generated
/// classes, initializer payloads skipped without copying): nodes, graph inputs and outputs and
/// initializer names. Field numbers are from <c>onnx.proto</c>: ModelProto.graph = 7;
/// GraphProto node = 1, initializer = 5, input = 11, output = 12; NodeProto output = 2,
/// name = 3, op_type = 4; ValueInfoProto.name = 1; TensorProto.name = 8.
/// </summary>
public sealed class OnnxGraph
{
    private OnnxGraph(List<OnnxNode> nodes, List<string> inputs, List<string> outputs, HashSet<string> initializers, int graphTagStart, int graphEnd, int payloadStart)
    {
        Nodes = nodes;
        Inputs = inputs;
        Outputs = outputs;
        Initializers = initializers;
        GraphTagStart = graphTagStart;
        GraphEnd = graphEnd;
        PayloadStart = payloadStart;
    }

    /// <summary>Nodes in graph order.</summary>
    public IReadOnlyList<OnnxNode> Nodes { get; }
    /// <summary>Graph input names (may include initializers in old exports).</summary>
    public IReadOnlyList<string> Inputs { get; }
    /// <summary>Declared graph output names.</summary>
    public IReadOnlyList<string> Outputs { get; }
    /// <summary>Names of the weight tensors.</summary>
    public IReadOnlySet<string> Initializers { get; }

    internal int GraphTagStart { get; }
    internal int GraphEnd { get; }
    internal int PayloadStart { get; }

    /// <summary>Whether <paramref name="name"/> is a tensor computed by some node.</summary>
    public bool IsNodeOutput(string name) => Nodes.Any(n => n.Outputs.Contains(name));

    /// <summary>Reads the model file at <paramref name="path"/>.</summary>
    public static OnnxGraph Read(string path, out byte[] bytes)
    {
        if (!File.Exists(path)) throw new ConceptDataException($"{path}: model file not found.");
        bytes = File.ReadAllBytes(path);
        return Parse(bytes, path);
    }

    /// <summary>Parses ModelProto bytes; <paramref name="source"/> names them in errors.</summary>
    public static OnnxGraph Parse(byte[] model, string source)
    {
        try
        {
            int tagStart = -1, payload = -1, end = -1;
            foreach (var (field, wire, start, bodyStart, bodyEnd) in Fields(model, 0, model.Length))
            {
                if (field != 7 || wire != WireFormat.WireType.LengthDelimited) continue;
                if (tagStart >= 0) throw new ConceptDataException($"{source}: the model has more than one graph field; re-save it with onnx.save.");
                (tagStart, payload, end) = (start, bodyStart, bodyEnd);
            }
            if (tagStart < 0) throw new ConceptDataException($"{source}: not an ONNX model (no graph found).");
            var nodes = new List<OnnxNode>();
            var inputs = new List<string>();
            var outputs = new List<string>();
            var inits = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (field, wire, _, b, e) in Fields(model, payload, end))
            {
                if (wire != WireFormat.WireType.LengthDelimited) continue;
                switch (field)
                {
                    case 1: nodes.Add(ReadNode(model, b, e, nodes.Count)); break;
                    case 5: inits.Add(ReadString(model, b, e, 8)); break;
                    case 11: inputs.Add(ReadString(model, b, e, 1)); break;
                    case 12: outputs.Add(ReadString(model, b, e, 1)); break;
                }
            }
            return new OnnxGraph(nodes, inputs, outputs, inits, tagStart, end, payload);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidDataException)
        {
            throw new ConceptDataException($"{source}: not a valid ONNX model (protobuf parsing failed: {e.Message}).", e);
        }
    }

    /// <summary>
    /// The fields of the message in <c>model[from..to)</c>: number, wire type, offset of the tag,
    /// and for length-delimited fields the body range (other fields: body = value range). Bodies
    /// are skipped, never copied.
    /// </summary>
    internal static IEnumerable<(int Field, WireFormat.WireType Wire, int TagStart, int BodyStart, int BodyEnd)> Fields(byte[] model, int from, int to)
    {
        int pos = from;
        while (pos < to)
        {
            var s = new CodedInputStream(model, pos, to - pos);
            long origin = s.Position; // relative positions: robust to how the stream counts its offset
            uint tag = s.ReadTag();
            if (tag == 0) yield break;
            var wire = WireFormat.GetTagWireType(tag);
            int field = WireFormat.GetTagFieldNumber(tag);
            int bodyStart, bodyEnd;
            if (wire == WireFormat.WireType.LengthDelimited)
            {
                int len = s.ReadLength();
                bodyStart = pos + (int)(s.Position - origin);
                bodyEnd = bodyStart + len;
                if (len < 0 || bodyEnd > to) throw new InvalidDataException($"field {field} at byte {pos} runs past the end of its message");
            }
            else
            {
                bodyStart = pos + (int)(s.Position - origin);
                s.SkipLastField();
                bodyEnd = pos + (int)(s.Position - origin);
            }
            yield return (field, wire, pos, bodyStart, bodyEnd);
            pos = bodyEnd;
        }
    }

    private static OnnxNode ReadNode(byte[] m, int from, int to, int index)
    {
        string name = "", op = "";
        var outs = new List<string>();
        foreach (var (field, wire, _, b, e) in Fields(m, from, to))
        {
            if (wire != WireFormat.WireType.LengthDelimited) continue;
            switch (field)
            {
                case 2: outs.Add(Utf8(m, b, e)); break;
                case 3: name = Utf8(m, b, e); break;
                case 4: op = Utf8(m, b, e); break;
            }
        }
        return new OnnxNode(index, name, op, outs);
    }

    private static string ReadString(byte[] m, int from, int to, int wanted)
    {
        string value = "";
        foreach (var (field, wire, _, b, e) in Fields(m, from, to))
            if (field == wanted && wire == WireFormat.WireType.LengthDelimited) value = Utf8(m, b, e);
        return value;
    }

    internal static string Utf8(byte[] m, int from, int to) => System.Text.Encoding.UTF8.GetString(m, from, to - from);

    /// <summary>
    /// Returns a copy of <paramref name="model"/> whose graph also declares <paramref name="names"/>
    /// as outputs (name only: ONNX Runtime infers type and shape). The new output entries are
    /// appended inside the graph message, which protobuf allows because a repeated field's
    /// entries need not be contiguous; names already declared are skipped.
    /// </summary>
    public byte[] WithOutputs(byte[] model, IEnumerable<string> names)
    {
        var extra = new MemoryStream();
        var w = new CodedOutputStream(extra, leaveOpen: true);
        foreach (var name in names.Distinct().Where(n => !Outputs.Contains(n)))
        {
            var nameBytes = System.Text.Encoding.UTF8.GetBytes(name);
            int valueInfoLen = CodedOutputStream.ComputeTagSize(1) + CodedOutputStream.ComputeLengthSize(nameBytes.Length) + nameBytes.Length;
            w.WriteTag(12, WireFormat.WireType.LengthDelimited);
            w.WriteLength(valueInfoLen);
            w.WriteTag(1, WireFormat.WireType.LengthDelimited);
            w.WriteBytes(ByteString.CopyFrom(nameBytes));
        }
        w.Flush();
        if (extra.Length == 0) return model;
        return WithGraphFields(model, extra.ToArray());
    }

    /// <summary>
    /// <paramref name="model"/> (the bytes this graph was parsed from) with <paramref name="fields"/> (GraphProto fields:
    /// nodes, initializers, outputs) appended to its graph; protobuf concatenates repeated fields, so appended nodes come
    /// after the graph's own in topological order.
    /// </summary>
    public byte[] WithGraphFields(byte[] model, byte[] fields)
    {
        var extra = new MemoryStream(fields);
        int oldLen = GraphEnd - PayloadStart;
        long newLen = oldLen + extra.Length;
        if (newLen > int.MaxValue - 64) throw new ConceptDataException($"the model's graph is too large to edit in memory (over 2 GB); use external data.");
        var result = new MemoryStream(model.Length + (int)extra.Length + 16);
        result.Write(model, 0, GraphTagStart);
        var head = new CodedOutputStream(result, leaveOpen: true);
        head.WriteTag(7, WireFormat.WireType.LengthDelimited);
        head.WriteLength((int)newLen);
        head.Flush();
        result.Write(model, PayloadStart, oldLen);
        extra.Position = 0;
        extra.CopyTo(result);
        result.Write(model, GraphEnd, model.Length - GraphEnd);
        return result.ToArray();
    }
}
