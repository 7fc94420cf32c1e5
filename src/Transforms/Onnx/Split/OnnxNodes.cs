using Google.Protobuf;

namespace MlNetConcepts.Transforms.Onnx.Split;

/// <summary>
/// Wire-level writers for the few ONNX messages a graph edit adds (field numbers from onnx.proto):
/// NodeProto input = 1, output = 2, name = 3, op_type = 4, attribute = 5; AttributeProto name = 1,
/// i = 3, ints = 8, type = 20 (INT = 2, INTS = 7); TensorProto dims = 1, data_type = 2 (FLOAT = 1,
/// INT64 = 7), name = 8, raw_data = 9 (little-endian). Each method returns a whole graph field
/// (node = 1, initializer = 5) ready for <see cref="GraphWriter.Raw"/>.
/// </summary>
internal static class OnnxNodes
{
    /// <summary>A node; <paramref name="attributes"/> are integer (one value) or integer-list attributes.</summary>
    public static byte[] Node(string op, string name, string[] inputs, string[] outputs, params (string Name, long[] Values, bool List)[] attributes)
    {
        var body = new MemoryStream();
        var w = new CodedOutputStream(body, leaveOpen: true);
        foreach (var i in inputs) { w.WriteTag(1, WireFormat.WireType.LengthDelimited); w.WriteString(i); }
        foreach (var o in outputs) { w.WriteTag(2, WireFormat.WireType.LengthDelimited); w.WriteString(o); }
        w.WriteTag(3, WireFormat.WireType.LengthDelimited); w.WriteString(name);
        w.WriteTag(4, WireFormat.WireType.LengthDelimited); w.WriteString(op);
        w.Flush();
        foreach (var (attr, values, list) in attributes)
        {
            var a = new MemoryStream();
            var aw = new CodedOutputStream(a, leaveOpen: true);
            aw.WriteTag(1, WireFormat.WireType.LengthDelimited); aw.WriteString(attr);
            if (list) foreach (var v in values) { aw.WriteTag(8, WireFormat.WireType.Varint); aw.WriteInt64(v); }
            else { aw.WriteTag(3, WireFormat.WireType.Varint); aw.WriteInt64(values[0]); }
            aw.WriteTag(20, WireFormat.WireType.Varint); aw.WriteInt32(list ? 7 : 2);
            aw.Flush();
            GraphWriter.Message(body, 5, a.ToArray());
        }
        var field = new MemoryStream();
        GraphWriter.Message(field, 1, body.ToArray());
        return field.ToArray();
    }

    /// <summary>A float32 initializer.</summary>
    public static byte[] FloatTensor(string name, float[] values, params long[] dims)
    {
        var raw = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian hosts");
        return TensorField(name, 1, raw, dims);
    }

    /// <summary>An int64 initializer.</summary>
    public static byte[] Int64Tensor(string name, long[] values, params long[] dims)
    {
        var raw = new byte[values.Length * 8];
        Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
        return TensorField(name, 7, raw, dims);
    }

    private static byte[] TensorField(string name, int type, byte[] raw, long[] dims)
    {
        var body = new MemoryStream();
        var w = new CodedOutputStream(body, leaveOpen: true);
        foreach (var d in dims) { w.WriteTag(1, WireFormat.WireType.Varint); w.WriteInt64(d); }
        w.WriteTag(2, WireFormat.WireType.Varint); w.WriteInt32(type);
        w.WriteTag(8, WireFormat.WireType.LengthDelimited); w.WriteString(name);
        w.WriteTag(9, WireFormat.WireType.LengthDelimited); w.WriteBytes(ByteString.CopyFrom(raw));
        w.Flush();
        var field = new MemoryStream();
        GraphWriter.Message(field, 5, body.ToArray());
        return field.ToArray();
    }

    /// <summary>A copy of node field <paramref name="node"/> whose inputs named <paramref name="from"/> read <paramref name="to"/>.</summary>
    public static byte[] RenameInput(WireGraph g, WireNode node, string from, string to)
    {
        var m = g.Model;
        int bodyStart = -1, bodyEnd = -1;
        foreach (var (_, _, _, b, e) in OnnxGraph.Fields(m, node.Range.Start, node.Range.End)) { bodyStart = b; bodyEnd = e; }
        var body = new MemoryStream();
        foreach (var (field, wire, tag, b, e) in OnnxGraph.Fields(m, bodyStart, bodyEnd))
        {
            if (field == 1 && wire == WireFormat.WireType.LengthDelimited && OnnxGraph.Utf8(m, b, e) == from)
            {
                var w = new CodedOutputStream(body, leaveOpen: true);
                w.WriteTag(1, WireFormat.WireType.LengthDelimited);
                w.WriteString(to);
                w.Flush();
            }
            else body.Write(m, tag, e - tag);
        }
        var result = new MemoryStream();
        GraphWriter.Message(result, 1, body.ToArray());
        return result.ToArray();
    }
}
