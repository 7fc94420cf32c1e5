using MlNetConcepts.Cli;

namespace MlNetConcepts.Tests.Cli;

/// <summary>
/// Runs <c>mlnc</c> in the test process with Console.Out and Console.Error captured. The streams are
/// process-wide, so every test class that uses this carries <c>[DoNotParallelize]</c>.
/// </summary>
internal static class InProcessCli
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o);
        Console.SetError(e);
        try { return (MlncApp.Run(args), o.ToString(), e.ToString()); }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
    }
}
