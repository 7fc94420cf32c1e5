using Google.Protobuf;

namespace MlNetConcepts.Transforms.Onnx.Split;

/// <summary>
/// Assembles a ModelProto whose graph is made of fields of another model (copied byte for byte)
/// plus newly written value infos; every ModelProto field other than the graph (IR version,
/// opsets, functions, metadata) is kept as it was.
/// </summary>
internal sealed class GraphWriter(WireGraph source)
{
    private readonly MemoryStream _body = new();

    /// <summary>Copies a field of the source graph.</summary>
    public GraphWriter Copy(FieldRange range)
    {
        _body.Write(source.Model, range.Start, range.Length);
        return this;
    }

    /// <summary>Writes raw field bytes (already tagged).</summary>
    public GraphWriter Raw(byte[] field)
    {
        _body.Write(field);
        return this;
    }

    /// <summary>Writes a graph input (field 11) or output (field 12) declaring <paramref name="info"/>'s type and shape.</summary>
    public GraphWriter ValueInfo(int field, OnnxTensorInfo info) => Raw(ValueInfoField(field, info));

    /// <summary>
    /// The field bytes of a ValueInfoProto: name = 1, type = 2 → TypeProto.tensor_type = 1 →
    /// elem_type = 1, shape = 2 → TensorShapeProto.dim = 1 → dim_value = 1 | dim_param = 2
    /// (a dynamic dimension without a symbolic name is written as an empty dim: unknown).
    /// </summary>
    public static byte[] ValueInfoField(int field, OnnxTensorInfo info)
    {
        var shape = new MemoryStream();
        for (int i = 0; i < info.Dims.Length; i++)
        {
            var dim = new MemoryStream();
            var dw = new CodedOutputStream(dim, leaveOpen: true);
            if (info.Dims[i] >= 0) { dw.WriteTag(1, WireFormat.WireType.Varint); dw.WriteInt64(info.Dims[i]); }
            else if (info.SymbolicDims.ElementAtOrDefault(i) is { Length: > 0 } p) { dw.WriteTag(2, WireFormat.WireType.LengthDelimited); dw.WriteString(p); }
            dw.Flush();
            Message(shape, 1, dim.ToArray());
        }
        var tensor = new MemoryStream();
        var tw = new CodedOutputStream(tensor, leaveOpen: true);
        tw.WriteTag(1, WireFormat.WireType.Varint);
        tw.WriteInt32((int)info.ElementType);
        tw.Flush();
        Message(tensor, 2, shape.ToArray());
        var type = new MemoryStream();
        Message(type, 1, tensor.ToArray());
        var vi = new MemoryStream();
        var vw = new CodedOutputStream(vi, leaveOpen: true);
        vw.WriteTag(1, WireFormat.WireType.LengthDelimited);
        vw.WriteString(info.Name);
        vw.Flush();
        Message(vi, 2, type.ToArray());
        var result = new MemoryStream();
        Message(result, field, vi.ToArray());
        return result.ToArray();
    }

    /// <summary>Writes a length-delimited field <paramref name="field"/> holding <paramref name="body"/>.</summary>
    internal static void Message(Stream to, int field, byte[] body)
    {
        var w = new CodedOutputStream(to, leaveOpen: true);
        w.WriteTag(field, WireFormat.WireType.LengthDelimited);
        w.WriteLength(body.Length);
        w.Flush();
        to.Write(body);
    }

    /// <summary>The model: the source's bytes around its graph field, with this graph in place of it.</summary>
    public byte[] ToModel()
    {
        var m = source.Model;
        var g = source.Graph;
        if (_body.Length > int.MaxValue - 64)
            throw new ConceptDataException($"{source.Source}: a half of the split model would exceed protobuf's 2 GB limit.");
        var result = new MemoryStream(m.Length + 64);
        result.Write(m, 0, g.GraphTagStart);
        Message(result, 7, _body.ToArray());
        result.Write(m, g.GraphEnd, m.Length - g.GraphEnd);
        return result.ToArray();
    }
}
