using System.CommandLine;

namespace MlNetConcepts.Cli;

/// <summary>
/// Runs a command body with the CLI's error contract: user errors (bad files, shapes, values)
/// print one line on stderr and exit with code 2, never a stack trace.
/// </summary>
internal static class CliAction
{
    public const int Success = 0;
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
            Console.Error.WriteLine($"error: {OneLine(e.Message)}");
            return BadInput;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {OneLine(e.Message)}");
            return BadInput;
        }
    }

    private static string OneLine(string s) => s.Replace('\n', ' ').Replace('\r', ' ');
}
