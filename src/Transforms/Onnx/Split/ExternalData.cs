using Google.Protobuf;

namespace MlNetConcepts.Transforms.Onnx.Split;

/// <summary>
/// Initializers stored outside the model file (TensorProto data_location = 14 set to EXTERNAL,
/// external_data = 13 holding <c>location</c>, <c>offset</c>, <c>length</c>) are read from their
/// file and written back inline as raw_data (9), so each half of a split is one self-contained
/// ModelProto that can be loaded from memory, saved anywhere or embedded in an ML.NET model.
/// The price is memory (each half holds its weights) and protobuf's 2 GB limit per model: a
/// model whose halves would pass it cannot be split this way (an error says so).
/// </summary>
internal static class ExternalData
{
    /// <summary>Whether any dense initializer of <paramref name="g"/> lives in an external file.</summary>
    public static bool Any(WireGraph g) => g.Initializers.Where(kv => !g.SparseInitializers.Contains(kv.Key)).Any(kv => IsExternal(g.Model, kv.Value));

    private static bool IsExternal(byte[] m, FieldRange range)
    {
        var (b, e) = Body(m, range);
        foreach (var (field, wire, _, vb, _) in OnnxGraph.Fields(m, b, e))
            if (field == 14 && wire == WireFormat.WireType.Varint && new CodedInputStream(m, vb, e - vb).ReadInt32() == 1) return true;
        return false;
    }

    private static (int Start, int End) Body(byte[] m, FieldRange range)
    {
        foreach (var (_, _, _, b, e) in OnnxGraph.Fields(m, range.Start, range.End)) return (b, e);
        throw new InvalidDataException("empty field");
    }

    /// <summary>A copy of the model with every external initializer inlined; <paramref name="folder"/> is where the data files are.</summary>
    public static byte[] Inline(WireGraph g, string folder)
    {
        foreach (var name in g.SparseInitializers)
            if (HasExternalValues(g, g.Initializers[name]))
                throw new ConceptDataException($"{g.Source}: sparse initializer '{name}' keeps its values in an external file, which the split does not support (only dense initializers with external data are inlined).");
        var w = new GraphWriter(g);
        foreach (var r in g.Other) w.Copy(r);
        foreach (var n in g.Nodes) w.Copy(n.Range);
        foreach (var (name, range) in g.Initializers)
            w.Raw(!g.SparseInitializers.Contains(name) && IsExternal(g.Model, range) ? InlineTensor(g, name, range, folder) : Slice(g.Model, range));
        foreach (var (_, r) in g.Inputs) w.Copy(r);
        foreach (var (_, r) in g.Outputs) w.Copy(r);
        foreach (var r in g.ValueInfos.Values) w.Copy(r);
        return w.ToModel();
    }

    private static bool HasExternalValues(WireGraph g, FieldRange range)
    {
        var (b, e) = Body(g.Model, range);
        foreach (var (field, wire, tag, vb, ve) in OnnxGraph.Fields(g.Model, b, e))
            if (field == 1 && wire == WireFormat.WireType.LengthDelimited && IsExternal(g.Model, new FieldRange(tag, ve))) return true;
        return false;
    }

    private static byte[] Slice(byte[] m, FieldRange r) => m.AsSpan(r.Start, r.Length).ToArray();

    private static byte[] InlineTensor(WireGraph g, string name, FieldRange range, string folder)
    {
        var m = g.Model;
        var (b, e) = Body(m, range);
        string? location = null;
        long offset = 0, length = -1;
        var kept = new MemoryStream();
        foreach (var (field, wire, tag, vb, ve) in OnnxGraph.Fields(m, b, e))
        {
            if (field == 13 && wire == WireFormat.WireType.LengthDelimited)
            {
                string key = "", value = "";
                foreach (var (kf, kw, _, kb, ke) in OnnxGraph.Fields(m, vb, ve))
                    if (kw == WireFormat.WireType.LengthDelimited) { if (kf == 1) key = OnnxGraph.Utf8(m, kb, ke); else if (kf == 2) value = OnnxGraph.Utf8(m, kb, ke); }
                switch (key)
                {
                    case "location": location = value; break;
                    case "offset": offset = ParseLong(g, name, key, value); break;
                    case "length": length = ParseLong(g, name, key, value); break;
                }
                continue;
            }
            if (field == 14 || field == 9) continue; // data_location is dropped (DEFAULT); raw_data is rewritten below
            kept.Write(m, tag, ve - tag);
        }
        if (string.IsNullOrEmpty(location))
            throw new ConceptDataException($"{g.Source}: initializer '{name}' is marked external but names no location.");
        var path = Path.Combine(folder, location);
        if (!File.Exists(path))
            throw new ConceptDataException($"{g.Source}: initializer '{name}' keeps its data in '{location}', which is not in {folder}.");
        using var f = File.OpenRead(path);
        if (length < 0) length = f.Length - offset;
        if (offset < 0 || offset + length > f.Length)
            throw new ConceptDataException($"{path}: initializer '{name}' asks for bytes {offset}..{offset + length}, but the file has {f.Length}.");
        if (length > int.MaxValue - 1024)
            throw new ConceptDataException($"{g.Source}: initializer '{name}' has {length} bytes of external data, more than one protobuf message can hold inline.");
        var data = new byte[length];
        f.Position = offset;
        f.ReadExactly(data);
        GraphWriter.Message(kept, 9, data);
        var result = new MemoryStream();
        GraphWriter.Message(result, 5, kept.ToArray());
        return result.ToArray();
    }

    private static long ParseLong(WireGraph g, string name, string key, string value)
        => long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long v) ? v
            : throw new ConceptDataException($"{g.Source}: initializer '{name}' has external_data {key} = '{value}', not a non-negative integer.");
}
