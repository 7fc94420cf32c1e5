using MlNetConcepts.Cli;
using Spectre.Console;

namespace MlNetConcepts.Tests.Cli;

/// <summary>
/// Runs <c>mlnc</c> in the test process with Console.Out and Console.Error captured. The streams are
/// process-wide, so every test class that uses this carries <c>[DoNotParallelize]</c>.
/// </summary>
internal static class InProcessCli
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (oldOut, oldErr, oldAnsi) = (Console.Out, Console.Error, AnsiConsole.Console);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o);
        Console.SetError(e);
        // Spectre's AnsiConsole keeps the writer it found on first use; without this, every run after
        // the first writes its AnsiConsole lines into the first run's (discarded) StringWriter.
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(o) });
        try { return (MlncApp.Run(args), o.ToString(), e.ToString()); }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); AnsiConsole.Console = oldAnsi; }
    }
}
