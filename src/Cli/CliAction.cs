using System.CommandLine;

namespace MlNetConcepts.Cli;

/// <summary>
/// Runs a command body with the CLI's error contract: user errors (bad files, shapes, values)
/// print one line on stderr, with the verb's flag names in place of the library's parameter
/// names, and exit with code 2; any other failure prints one line and exits with code 1. No
/// stack trace is shown unless <c>--verbose</c> is given.
/// </summary>
internal static class CliAction
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadInput = 2;

    /// <summary>Attaches <paramref name="body"/> to <paramref name="command"/> with global options and error handling.</summary>
    public static void Set(Command command, Func<ParseResult, int> body) => command.SetAction(result => Run(result, body));

    public static int Run(ParseResult result, Func<ParseResult, int> body)
    {
        try
        {
            GlobalOptions.Apply(result);
            return body(result);
        }
        catch (ConceptDataException e)
        {
            Report(result, e, ParameterFlags.Rewrite(e, result.CommandResult.Command));
            return BadInput;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            Report(result, e, e.Message);
            return BadInput;
        }
        catch (Exception e)
        {
            // A bug or an exhausted resource, not bad input: say what it was in one line.
            Report(result, e, $"{e.GetType().Name}: {e.Message}" + (Verbose(result) ? "" : " (--verbose shows the stack trace)"));
            return Failure;
        }
    }

    private static void Report(ParseResult result, Exception e, string message)
    {
        Console.Error.WriteLine($"error: {OneLine(message)}");
        if (Verbose(result)) Console.Error.WriteLine(e.ToString());
    }

    private static bool Verbose(ParseResult result)
    {
        try { return result.GetValue(GlobalOptions.Verbose); }
        catch (InvalidOperationException) { return false; } // a command tree built without the global options
    }

    private static string OneLine(string s) => s.Replace('\n', ' ').Replace('\r', ' ');
}
