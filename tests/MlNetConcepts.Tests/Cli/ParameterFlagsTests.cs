using System.CommandLine;
using MlNetConcepts.Cli;
using MlNetConcepts.Tests.Evaluators;
using static MlNetConcepts.Tests.Cli.InProcessCli;

namespace MlNetConcepts.Tests.Cli;

/// <summary>
/// The CLI side of parameter-named errors: the library says <c>topN</c>, the user of <c>mlnc</c>
/// reads the flag of the verb they ran (the library side: Evaluators/ParameterErrorTests.cs).
/// </summary>
[TestClass]
[DoNotParallelize] // redirects Console
public sealed class ParameterFlagsTests
{
    private static void AssertOneLineError(string[] args, string expected)
    {
        var (code, output, err) = Run(args);
        Assert.AreEqual(CliAction.BadInput, code, err);
        Assert.AreEqual($"error: {expected}", err.TrimEnd(), $"stdout: {output}");
    }

    [TestMethod]
    public void KebabCaseOfApiNames()
    {
        Assert.AreEqual("top-n", ParameterFlags.Kebab("topN"));
        Assert.AreEqual("tokens", ParameterFlags.Kebab("Tokens"));
        Assert.AreEqual("dictionary-width", ParameterFlags.Kebab("dictionaryWidth"));
        Assert.AreEqual("top", ParameterFlags.Kebab("top"));
    }

    [TestMethod]
    public void RewriteReplacesWholeWordsWithTheVerbsFlags()
    {
        var cmd = new Command("x");
        cmd.Options.Add(new Option<int>("--top"));
        cmd.Options.Add(new Option<int>("--top-n"));
        var e = new ConceptDataException("topN must exceed top; topNess and top-level stay.", ["topN", "top"]);
        Assert.AreEqual("--top-n must exceed --top; topNess and top-level stay.", ParameterFlags.Rewrite(e, cmd));
        // A parameter the verb has no flag for is left as the library named it.
        var other = new ConceptDataException("width must be positive.", ["width"]);
        Assert.AreEqual("width must be positive.", ParameterFlags.Rewrite(other, cmd));
    }

    [TestMethod]
    public void EvalVerbsNameTheirFlags()
    {
        AssertOneLineError(["eval", "ms", "--activations", EvalFixtures.PathOf("A"), "--embeddings", EvalFixtures.PathOf("EMB"), "--top-n", "0"],
            "--top-n must be at least 1, got 0.");
        AssertOneLineError(["eval", "ms-clusters", "--activations", EvalFixtures.PathOf("X"), "--centroids", EvalFixtures.PathOf("C"),
            "--embeddings", EvalFixtures.PathOf("EMB"), "--top-n", "-2"], "--top-n must be at least 1, got -2.");
        AssertOneLineError(["eval", "bridge", "--image-codes", EvalFixtures.PathOf("ZI"), "--text-codes", EvalFixtures.PathOf("ZT"),
            "--dictionary", EvalFixtures.PathOf("DBR"), "--top", "0", "--out", Path.Combine(Path.GetTempPath(), $"mlnc-{Guid.NewGuid():N}.csv")],
            "--top must be at least 1, got 0.");
        AssertOneLineError(["eval", "uniqueness", "--codes", EvalFixtures.PathOf("U"), "--top", "0"], "--top must be at least 1, got 0.");
        // Stability's topM is the verb's --top: a renamed mapping, not kebab case.
        var (code, _, err) = Run("eval", "stability", "--dict-a", EvalFixtures.PathOf("DA"), "--dict-b", EvalFixtures.PathOf("DB"),
            "--codes-a", EvalFixtures.PathOf("ZA"), "--codes-b", EvalFixtures.PathOf("ZB"), "--top", "0");
        Assert.AreEqual(CliAction.BadInput, code);
        StringAssert.StartsWith(err, "error: --top must be between 1 and ");
        (code, _, err) = Run("eval", "modality", "--codes", EvalFixtures.PathOf("A"), "--modality", EvalFixtures.PathOf("modality"),
            "--inputs", EvalFixtures.PathOf("X"), "--out", Path.Combine(Path.GetTempPath(), $"mlnc-{Guid.NewGuid():N}.csv"));
        Assert.AreEqual(CliAction.BadInput, code);
        Assert.AreEqual("error: The modality classifier needs both --inputs and --dictionary.", err.TrimEnd());
    }

    [TestMethod]
    public void ExtractNamesTokens()
    {
        AssertOneLineError(["extract", "--model", "m.onnx", "--input", "x=x.npy", "--tensor", "t", "--tokens", "middle", "--out", "unused"],
            "--tokens 'middle': use cls, all, mean, end or random:N.");
    }
}
