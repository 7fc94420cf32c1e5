using MlNetConcepts.IO;
using System.CommandLine;
using MlNetConcepts.Studies.Synthetic;
using Spectre.Console;

namespace MlNetConcepts.Cli;

/// <summary><c>mlnc synth multimodal --out DIR</c>: writes the multimodal synthetic benchmark with its ground truth.</summary>
internal static class SynthMultimodalCommand
{
    public static Command Create()
    {
        var defaults = new MultimodalSynthOptions();
        var output = new Option<string>("--out") { Description = "Output folder.", Required = true };
        var pairs = new Option<int>("--pairs") { Description = "Aligned image–text pairs (rows = 2 × pairs).", DefaultValueFactory = _ => defaults.Pairs };
        var dims = new Option<int>("--dims") { Description = "Width of the joint space.", DefaultValueFactory = _ => defaults.Dimensions };
        var image = new Option<int>("--image-concepts") { Description = "Image-only concepts.", DefaultValueFactory = _ => defaults.ImageConcepts };
        var text = new Option<int>("--text-concepts") { Description = "Text-only concepts.", DefaultValueFactory = _ => defaults.TextConcepts };
        var shared = new Option<int>("--shared-concepts") { Description = "Concepts shared by both rows of a pair.", DefaultValueFactory = _ => defaults.SharedConcepts };
        var bridges = new Option<int>("--bridges") { Description = "Planted cross-modal bridge pairs.", DefaultValueFactory = _ => defaults.BridgePairs };
        var bridgeCos = new Option<double>("--bridge-cosine") { Description = "Cosine between the two directions of a bridge.", DefaultValueFactory = _ => defaults.BridgeCosine };
        var noise = new Option<double>("--noise") { Description = "Gaussian noise per coordinate.", DefaultValueFactory = _ => defaults.Noise };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => defaults.Seed };
        var cmd = new Command("multimodal", "Image-only, text-only and shared concepts in a joint space, aligned pairs, planted bridges, three layers; with ground truth.");
        foreach (var o in new Option[] { output, pairs, dims, image, text, shared, bridges, bridgeCos, noise, seed }) cmd.Options.Add(o);
        CliAction.Set(cmd, r =>
        {
            var options = defaults with
            {
                Pairs = r.GetValue(pairs), Dimensions = r.GetValue(dims), ImageConcepts = r.GetValue(image), TextConcepts = r.GetValue(text),
                SharedConcepts = r.GetValue(shared), BridgePairs = r.GetValue(bridges), BridgeCosine = r.GetValue(bridgeCos),
                Noise = r.GetValue(noise), Seed = r.GetValue(seed),
            };
            var data = MultimodalSynth.Generate(options);
            string dir = r.GetValue(output)!;
            using (var outputs = OutputFolder.Begin(dir))
            {
                data.Write(outputs.Path);
                outputs.Commit();
            }
            AnsiConsole.MarkupLine($"Wrote {data.Rows} rows ({options.Pairs} pairs) × {options.Dimensions} dims, {data.Layers.Count} layers, {options.ConceptCount} planted concepts and {options.BridgePairs} bridges to [bold]{Markup.Escape(dir)}[/].");
            return CliAction.Success;
        });
        return cmd;
    }
}
