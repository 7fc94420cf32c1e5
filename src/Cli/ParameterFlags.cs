using System.CommandLine;
using System.Text.RegularExpressions;

namespace MlNetConcepts.Cli;

/// <summary>
/// Puts the CLI's flag names into library errors. The library names API parameters
/// (<see cref="ConceptDataException.Parameters"/>, e.g. <c>topN</c>); a user of <c>mlnc</c> should read
/// the flag they typed (<c>--top-n</c>). A parameter maps to its kebab-case flag when the verb has
/// that option, else to the verb's entry in <see cref="Renamed"/>; an unknown one is left as is.
/// </summary>
internal static class ParameterFlags
{
    // Verb (command path without "mlnc") and API parameter → flag, where the flag is not simply
    // the parameter in kebab case.
    private static readonly Dictionary<(string Verb, string Parameter), string> Renamed = new()
    {
        [("eval stability", "topM")] = "--top",
        [("eval modality", "inputsColumn")] = "--inputs",
        [("demo", "Limit")] = "--images",
    };

    /// <summary>The message of <paramref name="e"/> with each named parameter replaced by <paramref name="command"/>'s flag for it.</summary>
    public static string Rewrite(ConceptDataException e, Command command)
    {
        string message = e.Message;
        foreach (var parameter in e.Parameters)
        {
            if (FlagFor(command, parameter) is not string flag) continue;
            // Whole words only: "top" must not change inside "topN" or "--top-n".
            message = Regex.Replace(message, $@"(?<![\w-]){Regex.Escape(parameter)}(?![\w-])", flag);
        }
        return message;
    }

    /// <summary>The flag of <paramref name="command"/> that sets <paramref name="parameter"/>, or null.</summary>
    public static string? FlagFor(Command command, string parameter)
    {
        string kebab = "--" + Kebab(parameter);
        if (command.Options.Any(o => o.Name == kebab || o.Aliases.Contains(kebab))) return kebab;
        return Renamed.TryGetValue((VerbOf(command), parameter), out var flag) ? flag : null;
    }

    /// <summary>topN → top-n, Tokens → tokens, dictionaryWidth → dictionary-width.</summary>
    public static string Kebab(string name) => Regex.Replace(name, "(?<=[a-z0-9])([A-Z])", "-$1").ToLowerInvariant();

    private static string VerbOf(Command command)
    {
        var names = new List<string>();
        for (var c = command; c is not null && c is not RootCommand; c = c.Parents.OfType<Command>().FirstOrDefault())
            names.Insert(0, c.Name);
        return string.Join(' ', names);
    }
}
