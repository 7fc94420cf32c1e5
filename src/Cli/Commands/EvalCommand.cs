using System.CommandLine;

namespace MlNetConcepts.Cli;

/// <summary><c>mlnc eval</c>: the evaluators on .npy inputs (rows aligned across files).</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var cmd = new Command("eval", "Evaluate concepts: MonoSemanticity, overlap, stability, modality, bridge, uniqueness, energy.");
        cmd.Subcommands.Add(EvalMsCommand.CreateNeurons());
        cmd.Subcommands.Add(EvalMsCommand.CreateClusters());
        cmd.Subcommands.Add(EvalOverlapCommand.Create());
        cmd.Subcommands.Add(EvalStabilityCommand.Create());
        cmd.Subcommands.Add(EvalModalityCommand.Create());
        cmd.Subcommands.Add(EvalBridgeCommand.Create());
        cmd.Subcommands.Add(EvalUniquenessCommand.Create());
        cmd.Subcommands.Add(EvalEnergyCommand.Create());
        return cmd;
    }
}
