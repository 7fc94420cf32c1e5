using System.CommandLine;
using MlNetConcepts.Cli;

return MlncApp.Run(args);

namespace MlNetConcepts.Cli
{
    /// <summary>The <c>mlnc</c> command tree.</summary>
    public static class MlncApp
    {
        /// <summary>Builds the root command with every subcommand.</summary>
        public static RootCommand Build()
        {
            var root = new RootCommand("mlnc: concept discovery in vision-language models (SAEs and clustering side by side).");
            root.Options.Add(GlobalOptions.Threads);
            root.Options.Add(GlobalOptions.Backend);
            root.Options.Add(GlobalOptions.Verbose);
            // One line per command family; each lives in Commands/.
            root.Subcommands.Add(InfoCommand.Create());
            root.Subcommands.Add(StudyCommand.Create());
            root.Subcommands.Add(ExploreCommand.Create());
            root.Subcommands.Add(DemoCommand.Create());
            root.Subcommands.Add(ClusterCommand.Create());
            root.Subcommands.Add(EvalCommand.Create());
            root.Subcommands.Add(ExtractCommand.Create());
            root.Subcommands.Add(ModelCommand.Create());
            root.Subcommands.Add(SaeCommand.Create());
            root.Subcommands.Add(NameCommand.Create());
            root.Subcommands.Add(SteerCommand.Create());
            var synth = SynthCommand.Create();
            synth.Subcommands.Add(SynthMultimodalCommand.Create());
            root.Subcommands.Add(synth);
            return root;
        }

        /// <summary>Parses and runs; parse errors exit with code 2 like other bad input.</summary>
        public static int Run(string[] args)
        {
            var parsed = Build().Parse(args);
            if (parsed.Errors.Count > 0)
            {
                foreach (var e in parsed.Errors) Console.Error.WriteLine($"error: {e.Message}");
                return CliAction.BadInput;
            }
            return parsed.Invoke();
        }
    }
}
