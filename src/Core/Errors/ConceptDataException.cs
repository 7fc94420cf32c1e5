namespace MlNetConcepts;

/// <summary>
/// Raised for bad user input: a wrong shape, a corrupt or truncated file, an unknown column,
/// NaN where a number is required. The message names the file, column or shape at fault and is
/// meant to be shown to a user as it is (the CLI prints it on one line and exits with code 2).
/// </summary>
public class ConceptDataException : Exception
{
    /// <summary>Creates the exception with a message that names what is wrong.</summary>
    public ConceptDataException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the low-level cause.</summary>
    public ConceptDataException(string message, Exception inner) : base(message, inner) { }
}
