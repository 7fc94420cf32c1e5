using System.CommandLine;
using MlNetConcepts.Transforms.Onnx;

namespace MlNetConcepts.Cli;

/// <summary><c>mlnc model layers MODEL</c>: the tensors of an ONNX model that can be extracted.</summary>
internal static class ModelCommand
{
    public static Command Create()
    {
        var cmd = new Command("model", "Inspect ONNX models.");
        var file = new Argument<string>("model") { Description = "The ONNX model." };
        var blocks = new Option<bool>("--blocks") { Description = "Only the outputs of recognised blocks (what block:i selects)." };
        var shapes = new Option<bool>("--shapes") { Description = "Ask ONNX Runtime for each tensor's type and shape (loads the model with every tensor as an output)." };
        var layers = new Command("layers", "List node outputs with operator, block and (with --shapes) shape.");
        layers.Arguments.Add(file);
        layers.Options.Add(blocks);
        layers.Options.Add(shapes);
        CliAction.Set(layers, r =>
        {
            var path = r.GetValue(file)!;
            var graph = OnnxGraph.Read(path, out var bytes);
            var taps = LayerTaps.List(graph).Where(t => !r.GetValue(blocks) || t.IsBlockOutput).ToList();
            Dictionary<string, string> shapeOf = new(StringComparer.Ordinal);
            if (r.GetValue(shapes))
            {
                var edited = graph.WithOutputs(bytes, taps.Select(t => t.Tensor));
                using var s = new OnnxSession(edited, path, new OnnxSessionOptions { IntraOpThreads = 1, ExternalDataFolder = Path.GetDirectoryName(Path.GetFullPath(path)) });
                foreach (var o in s.Outputs) shapeOf[o.Name] = $"{o.ElementType.ToString().ToLowerInvariant()}{o.ShapeText}";
            }
            Console.WriteLine($"# {path}: {graph.Nodes.Count} nodes; inputs: {string.Join(", ", graph.Inputs.Where(i => !graph.Initializers.Contains(i)))}; outputs: {string.Join(", ", graph.Outputs)}");
            Console.WriteLine(string.Join('\t', "tensor", "op", "block", shapeOf.Count > 0 ? "shape" : null).TrimEnd('\t'));
            foreach (var t in taps)
            {
                string block = t.Block < 0 ? "-" : t.IsBlockOutput ? $"block:{t.Block} (output)" : t.Block.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var line = $"{t.Tensor}\t{t.OpType}\t{block}";
                if (shapeOf.Count > 0) line += "\t" + shapeOf.GetValueOrDefault(t.Tensor, "?");
                Console.WriteLine(line);
            }
            return CliAction.Success;
        });
        cmd.Subcommands.Add(layers);
        return cmd;
    }
}
