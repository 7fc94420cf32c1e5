namespace MlNetConcepts.Models;

/// <summary>
/// A fitted component that can be written to a model archive. It stores its options as JSON
/// and its weights as named tensors; a loader registered under <see cref="ComponentKind"/>
/// reads them back.
/// </summary>
public interface ISavableComponent
{
    /// <summary>The registry key of the component's loader, e.g. "sae" or "kmeans".</summary>
    string ComponentKind { get; }

    /// <summary>Writes options, tensors and child components into <paramref name="context"/>.</summary>
    void Save(ModelSaveContext context);
}
