using System.CommandLine;
using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Cli;

/// <summary>
/// The variant-specific flags of <c>mlnc sae train</c>, made from the parameters each registered variant declares
/// (<see cref="SaeVariant.Parameters"/>), so a new variant brings its flags with it. Variants that declare the same
/// name share one flag; a flag the chosen <c>--arch</c> does not declare is a clear error.
/// </summary>
internal sealed class SaeVariantFlags
{
    private readonly List<(string Name, Option Option)> _flags = [];

    public SaeVariantFlags()
    {
        var declared = SaeVariants.All().SelectMany(v => v.Parameters.Select(p => (Variant: v.Name, Parameter: p)));
        foreach (var group in declared.GroupBy(x => x.Parameter.Name, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            string description = string.Join("; ", group.GroupBy(x => x.Parameter.Description)
                .Select(g => $"{string.Join("/", g.Select(x => x.Variant))}: {g.Key}")) + ".";
            Option option = group.First().Parameter.IsFlag
                ? new Option<bool>("--" + group.Key) { Description = description }
                : new Option<string?>("--" + group.Key) { Description = description };
            _flags.Add((group.Key, option));
        }
    }

    /// <summary>The flags, to add to the command.</summary>
    public IEnumerable<Option> Options => _flags.Select(f => f.Option);

    /// <summary>Applies the flags given on the command line to <paramref name="options"/> through <paramref name="variant"/>'s declarations.</summary>
    public SaeOptions Apply(ParseResult result, SaeVariant variant, SaeOptions options)
    {
        foreach (var (name, option) in _flags)
        {
            string? text = option switch
            {
                Option<bool> flag => result.GetValue(flag) ? "true" : null,
                Option<string?> valued => result.GetValue(valued),
                _ => null,
            };
            if (text is null) continue;
            var parameter = variant.Parameters.FirstOrDefault(p => p.Name == name) ?? throw new ConceptDataException(
                $"--{name} does not apply to --arch {variant.Name} ({(variant.Parameters.Count == 0 ? "it takes no variant options" : "its options: " + string.Join(", ", variant.Parameters.Select(p => "--" + p.Name)))}).");
            options = parameter.Apply(options, text);
        }
        return options;
    }
}
