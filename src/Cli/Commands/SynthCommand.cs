using System.CommandLine;
using MlNetConcepts.IO;
using MlNetConcepts.Trainers.Sae.Synthetic;

namespace MlNetConcepts.Cli;

/// <summary><c>mlnc synth superposition</c>: synthetic activations with planted sparse features.</summary>
internal static class SynthCommand
{
    public static Command Create()
    {
        var cmd = new Command("synth", "Synthetic data with known ground truth.");
        var d = new SuperpositionOptions();
        var output = new Option<string>("--out") { Description = "Output folder (activations.npy, features.npy).", Required = true };
        var m = new Option<int>("--features") { Description = "Planted features M.", DefaultValueFactory = _ => d.Features };
        var dim = new Option<int>("--dims") { Description = "Dimensions d.", DefaultValueFactory = _ => d.Dimensions };
        var n = new Option<int>("--samples") { Description = "Samples N.", DefaultValueFactory = _ => d.Samples };
        var active = new Option<double>("--active") { Description = "Mean active features per sample.", DefaultValueFactory = _ => d.MeanActive };
        var alpha = new Option<double>("--alpha") { Description = "Power-law exponent of firing frequencies.", DefaultValueFactory = _ => d.PowerLawExponent };
        var noise = new Option<double>("--noise") { Description = "Gaussian noise standard deviation.", DefaultValueFactory = _ => d.NoiseStd };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => d.Seed };
        var sup = new Command("superposition", "M unit features in d < M dimensions, power-law frequencies, positive magnitudes.");
        foreach (var o in new Option[] { output, m, dim, n, active, alpha, noise, seed }) sup.Options.Add(o);
        CliAction.Set(sup, r =>
        {
            var o = new SuperpositionOptions
            {
                Features = r.GetValue(m), Dimensions = r.GetValue(dim), Samples = r.GetValue(n), MeanActive = r.GetValue(active),
                PowerLawExponent = r.GetValue(alpha), NoiseStd = r.GetValue(noise), Seed = r.GetValue(seed),
            };
            var data = SuperpositionGenerator.Generate(o);
            string dir = r.GetValue(output)!;
            using (var outputs = OutputFolder.Begin(dir))
            {
                NpyFile.WriteMatrix(outputs.File("activations.npy"), data.Activations, o.Samples, o.Dimensions);
                NpyFile.WriteMatrix(outputs.File("features.npy"), data.Features, o.Features, o.Dimensions);
                outputs.Commit();
            }
            Console.WriteLine($"{o.Samples} samples of {o.Features} features in {o.Dimensions} dims ({(double)data.ActiveCount / o.Samples:F2} active per sample) -> {dir}");
            return CliAction.Success;
        });
        cmd.Subcommands.Add(sup);
        return cmd;
    }
}
