namespace MlNetConcepts;

/// <summary>
/// Raised for bad user input: a wrong shape, a corrupt or truncated file, an unknown column,
/// NaN where a number is required. The message names the file, column, shape or parameter at
/// fault and is meant to be shown to a user as it is (the CLI prints it on one line and exits
/// with code 2).
/// </summary>
public class ConceptDataException : Exception
{
    /// <summary>Creates the exception with a message that names what is wrong.</summary>
    public ConceptDataException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the low-level cause.</summary>
    public ConceptDataException(string message, Exception inner) : base(message, inner) { }

    /// <summary>
    /// Creates the exception for bad argument values: <paramref name="message"/> names each of
    /// <paramref name="parameters"/> by its API name (e.g. <c>topN</c>), so a front end can put
    /// its own spelling in its place (the CLI writes <c>--top-n</c>).
    /// </summary>
    public ConceptDataException(string message, IReadOnlyList<string> parameters) : base(message) => Parameters = parameters;

    /// <summary>The API parameters at fault, as named in <see cref="Exception.Message"/> (empty when none is).</summary>
    public IReadOnlyList<string> Parameters { get; } = [];
}
