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
        // Spectre's AnsiConsole binds to whatever Console.Out was when it was first used, which in a full
        // run may be another test's writer or the real stdout; point it at this capture for the call.
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(o) });
        try { return (MlncApp.Run(args), o.ToString(), e.ToString()); }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); AnsiConsole.Console = oldAnsi; }
    }
}
