using System.Runtime.InteropServices;

namespace MlNetConcepts.Onnx;

/// <summary>
/// Builds a small ONNX model (one graph, default domain, opset 17) from inputs, float/int64 initializers and
/// nodes, and serialises it. Field numbers are those of <c>onnx.proto</c> (ModelProto: ir_version 1, producer_name 2,
/// graph 7, opset_import 8; GraphProto: node 1, name 2, initializer 5, input 11, output 12; NodeProto: input 1,
/// output 2, name 3, op_type 4, attribute 5; AttributeProto: name 1, f 2, i 3, t 5, ints 8, type 20; TensorProto:
/// dims 1, data_type 2, name 8, raw_data 9; ValueInfoProto: name 1, type 2; TypeProto.tensor_type 1;
/// Tensor: elem_type 1, shape 2; Dimension: dim_value 1, dim_param 2).
/// </summary>
public sealed class OnnxModelWriter
{
    /// <summary>ONNX element type FLOAT.</summary>
    public const int Float = 1;
    /// <summary>ONNX element type INT32.</summary>
    public const int Int32 = 6;
    /// <summary>ONNX element type INT64.</summary>
    public const int Int64 = 7;

    private readonly List<Action<ProtoWriter>> _nodes = new();
    private readonly List<Action<ProtoWriter>> _initializers = new();
    private readonly List<Action<ProtoWriter>> _inputs = new();
    private readonly List<Action<ProtoWriter>> _outputs = new();
    private int _nodeCount;

    /// <summary>Name of the symbolic batch dimension (written where a shape has −1).</summary>
    public const string BatchDimension = "N";

    /// <summary>Declares a graph input; −1 in <paramref name="shape"/> is the symbolic batch dimension.</summary>
    public OnnxModelWriter Input(string name, int elementType, params long[] shape) { _inputs.Add(ValueInfo(name, elementType, shape)); return this; }

    /// <summary>Declares a graph output.</summary>
    public OnnxModelWriter Output(string name, int elementType, params long[] shape) { _outputs.Add(ValueInfo(name, elementType, shape)); return this; }

    /// <summary>A float32 constant tensor.</summary>
    public OnnxModelWriter Initializer(string name, float[] values, params long[] dims)
    {
        var bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        _initializers.Add(w => Tensor(w, name, Float, dims, bytes));
        return this;
    }

    /// <summary>An int64 constant tensor.</summary>
    public OnnxModelWriter Initializer(string name, long[] values, params long[] dims)
    {
        var bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        _initializers.Add(w => Tensor(w, name, Int64, dims, bytes));
        return this;
    }

    /// <summary>A node; attribute values may be long, float, long[] or a float scalar tensor (float[] of length 1).</summary>
    public OnnxModelWriter Node(string opType, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes)
    {
        string name = $"mlnc_{opType}_{_nodeCount++}"; // prefixed: nodes may be appended to another model's graph
        _nodes.Add(w =>
        {
            foreach (var i in inputs) w.String(1, i);
            foreach (var o in outputs) w.String(2, o);
            w.String(3, name).String(4, opType);
            foreach (var (an, value) in attributes)
                w.Message(5, a =>
                {
                    a.String(1, an);
                    switch (value)
                    {
                        case long l: a.Int(3, l).Int(20, 2); break;
                        case int i: a.Int(3, i).Int(20, 2); break;
                        case float f: a.Float(2, f).Int(20, 1); break;
                        case long[] ls: foreach (long l in ls) a.Int(8, l); a.Int(20, 7); break;
                        case float[] t: a.Message(5, tw => Tensor(tw, "", Float, [t.Length], MemoryMarshal.AsBytes(t.AsSpan()).ToArray())).Int(20, 4); break;
                        default: throw new ArgumentException($"Attribute '{an}' has an unsupported type {value.GetType().Name}.");
                    }
                });
        });
        return this;
    }

    /// <summary>The serialised ModelProto.</summary>
    public byte[] ToBytes(string graphName, int opset = 17)
    {
        var model = new ProtoWriter();
        model.Int(1, 8); // IR version 8 goes with opset 17
        model.String(2, "MlNetConcepts");
        model.Message(7, g =>
        {
            foreach (var n in _nodes) g.Message(1, n);
            g.String(2, graphName);
            foreach (var t in _initializers) g.Message(5, t);
            foreach (var i in _inputs) g.Message(11, i);
            foreach (var o in _outputs) g.Message(12, o);
        });
        model.Message(8, o => o.String(1, "").Int(2, opset));
        return model.ToArray();
    }

    /// <summary>
    /// The nodes, initializers and outputs as GraphProto fields only (no inputs, no name), to be appended to an existing
    /// graph: protobuf concatenates repeated fields, so the appended nodes run after the graph's own.
    /// </summary>
    public byte[] GraphFields()
    {
        var g = new ProtoWriter();
        foreach (var n in _nodes) g.Message(1, n);
        foreach (var t in _initializers) g.Message(5, t);
        foreach (var o in _outputs) g.Message(12, o);
        return g.ToArray();
    }

    private static void Tensor(ProtoWriter w, string name, int type, long[] dims, byte[] raw)
    {
        foreach (long d in dims) w.Int(1, d);
        w.Int(2, type);
        if (name.Length > 0) w.String(8, name);
        w.Bytes(9, raw);
    }

    private static Action<ProtoWriter> ValueInfo(string name, int elementType, long[] shape) => w =>
    {
        w.String(1, name);
        w.Message(2, t => t.Message(1, tensor =>
        {
            tensor.Int(1, elementType);
            tensor.Message(2, s =>
            {
                foreach (long d in shape)
                    s.Message(1, dim => { if (d < 0) dim.String(2, BatchDimension); else dim.Int(1, d); });
            });
        }));
    };
}
