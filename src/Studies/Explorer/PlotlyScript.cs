namespace MlNetConcepts.Studies.Explorer;

/// <summary>
/// plotly.js as Plotly.NET ships it: the NuGet package Plotly.NET (6.0.0) embeds the minified
/// plotly.js bundle (2.28.0) and its licence as resources of its assembly, so the explorer inlines
/// the library without npm or a network fetch.
/// </summary>
internal static class PlotlyScript
{
    private const string Resource = "Plotly.NET.plotly-2.28.0.min.js";

    private static readonly Lazy<(string Script, string License)> Loaded = new(Load);

    /// <summary>The minified library, safe to put inside an HTML script element.</summary>
    public static string Script => Loaded.Value.Script;

    /// <summary>The licence notice that comes with it (MIT, plus its bundled modules).</summary>
    public static string License => Loaded.Value.License;

    /// <summary>The plotly.js version inlined.</summary>
    public const string Version = "2.28.0";

    private static (string, string) Load()
    {
        var assembly = typeof(Plotly.NET.Chart).Assembly;
        string Read(string name)
        {
            using var stream = assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"{assembly.GetName().Name} has no resource {name}; the Plotly.NET package version changed?");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        var script = Read(Resource);
        // An HTML parser ends a script element at "</script" and treats "<!--" specially inside it; the
        // bundle contains neither today, and if a future one did, inlining it would break the page.
        if (script.Contains("</script", StringComparison.OrdinalIgnoreCase) || script.Contains("<!--", StringComparison.Ordinal))
            throw new InvalidOperationException($"{Resource} contains '</script' or '<!--' and cannot be inlined as is.");
        return (script, Read(Resource + ".LICENSE.txt"));
    }
}
