// The quickstart from code (what `./run.sh demo` / `mlnc demo` runs): the project's demo VLM reads
// the Fashion-MNIST test set, and the robustness study compares SAEs and clustering on every
// block and on the joint image–caption space. Output: out/quickstart/report.html.
using MlNetConcepts.Studies.Quickstart;

var output = args.Length > 0 ? args[0] : Path.Combine("out", "quickstart");
var result = new FashionQuickstart(line => Console.WriteLine(line)).Run(output);
foreach (var layer in result.Layers)
{
    var c = layer.Comparisons[0];
    Console.WriteLine($"{layer.Layer,-14} {c.Sae} × {c.Clusters}: {c.ClustersMatched:P0} of clusters and {c.FeaturesMatched:P1} of features matched");
}
Console.WriteLine($"Report: {Path.GetFullPath(Path.Combine(output, "report.html"))}");
