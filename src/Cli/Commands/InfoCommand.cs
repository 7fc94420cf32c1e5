using System.CommandLine;

namespace MlNetConcepts.Cli;

/// <summary><c>mlnc info FILE</c>: arrays in a file with dtype, shape and statistics.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = ".npy, .npz, .safetensors or IDX file" };
        var json = new Option<bool>("--json") { Description = "Machine-readable JSON output." };
        var cmd = new Command("info", "Show each array's name, dtype, shape and min/mean/max/NaN count.");
        cmd.Arguments.Add(file);
        cmd.Options.Add(json);
        CliAction.Set(cmd, r => throw new ConceptDataException("info: not implemented yet"));
        return cmd;
    }
}
