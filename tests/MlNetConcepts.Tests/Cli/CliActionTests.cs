using System.CommandLine;
using MlNetConcepts.Cli;

namespace MlNetConcepts.Tests.Cli;

/// <summary>
/// The CLI's error contract: bad input exits 2 and anything unexpected exits 1, each with one
/// line on stderr and no stack trace unless --verbose.
/// </summary>
[TestClass]
[DoNotParallelize] // redirects Console
public sealed class CliActionTests
{
    private static (int Code, string Err) Run(Func<ParseResult, int> body, params string[] args)
    {
        var root = new RootCommand();
        root.Options.Add(GlobalOptions.Threads);
        root.Options.Add(GlobalOptions.Backend);
        root.Options.Add(GlobalOptions.Verbose);
        var cmd = new Command("boom");
        CliAction.Set(cmd, body);
        root.Subcommands.Add(cmd);
        var oldErr = Console.Error;
        var e = new StringWriter();
        Console.SetError(e);
        try { return (root.Parse(["boom", .. args]).Invoke(), e.ToString()); }
        finally { Console.SetError(oldErr); }
    }

    private static int Throw(Exception e) => throw e;

    [TestMethod]
    public void UnexpectedExceptionIsOneLineAndExitCodeOne()
    {
        var (code, err) = Run(_ => Throw(new InvalidOperationException("the state\nwas odd")));
        Assert.AreEqual(CliAction.Failure, code);
        Assert.AreEqual("error: InvalidOperationException: the state was odd (--verbose shows the stack trace)", err.TrimEnd());
        (code, err) = Run(_ => Throw(new OverflowException("Arithmetic operation resulted in an overflow.")));
        Assert.AreEqual(1, code);
        Assert.AreEqual(1, err.TrimEnd().Split('\n').Length, err);
    }

    [TestMethod]
    public void VerboseAddsTheStackTrace()
    {
        var (code, err) = Run(_ => Throw(new InvalidOperationException("odd")), "--verbose");
        Assert.AreEqual(CliAction.Failure, code);
        var lines = err.TrimEnd().Split('\n');
        Assert.AreEqual("error: InvalidOperationException: odd", lines[0]);
        Assert.IsTrue(lines.Any(l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal)), err);
    }

    [TestMethod]
    public void BadInputStaysExitCodeTwo()
    {
        var (code, err) = Run(_ => Throw(new ConceptDataException("x.npy: column 3 is NaN.")));
        Assert.AreEqual(CliAction.BadInput, code);
        Assert.AreEqual("error: x.npy: column 3 is NaN.", err.TrimEnd());
        (code, err) = Run(_ => Throw(new FileNotFoundException("Could not find file '/a/b'.")));
        Assert.AreEqual(CliAction.BadInput, code);
        Assert.AreEqual("error: Could not find file '/a/b'.", err.TrimEnd());
    }
}
