using System.Text;

namespace MlNetConcepts.Onnx;

/// <summary>
/// Writes protocol-buffer wire format by hand (varints, 32-bit floats, length-delimited fields): all an ONNX
/// ModelProto needs, so the project writes models without generated classes or a protobuf dependency.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream _out = new();

    public byte[] ToArray() => _out.ToArray();

    private void Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    private void Varint(ulong v)
    {
        while (v >= 0x80) { _out.WriteByte((byte)(v | 0x80)); v >>= 7; }
        _out.WriteByte((byte)v);
    }

    /// <summary>An int32/int64/enum field (negative values as ten-byte two's complement, as protobuf does).</summary>
    public ProtoWriter Int(int field, long value) { Tag(field, 0); Varint(unchecked((ulong)value)); return this; }

    /// <summary>A float field (wire type 5).</summary>
    public ProtoWriter Float(int field, float value)
    {
        Tag(field, 5);
        Span<byte> b = stackalloc byte[4];
        BitConverter.TryWriteBytes(b, value);
        if (!BitConverter.IsLittleEndian) b.Reverse();
        _out.Write(b);
        return this;
    }

    /// <summary>A bytes field.</summary>
    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value) { Tag(field, 2); Varint((ulong)value.Length); _out.Write(value); return this; }

    /// <summary>A string field (UTF-8).</summary>
    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>An embedded message field.</summary>
    public ProtoWriter Message(int field, Action<ProtoWriter> write)
    {
        var inner = new ProtoWriter();
        write(inner);
        return Bytes(field, inner.ToArray());
    }

    /// <summary>A packed repeated int64 field.</summary>
    public ProtoWriter PackedInts(int field, IEnumerable<long> values)
    {
        var inner = new ProtoWriter();
        foreach (long v in values) inner.Varint(unchecked((ulong)v));
        return Bytes(field, inner.ToArray());
    }
}
