using MlNetConcepts.Transforms.Extraction;
using MlNetConcepts.Transforms.Onnx;
using MlNetConcepts.Transforms.Text;

namespace MlNetConcepts.Studies.Naming;

/// <summary>
/// A model's own text tower as a function from texts to joint-space embeddings: the texts are
/// tokenized, run through the ONNX text model by the activation extractor, and the embedding
/// tensor's rows are returned (one per text, row-major).
/// </summary>
/// <param name="ModelPath">The text tower (.onnx).</param>
/// <param name="Tokenizer">Its tokenizer.</param>
/// <param name="Tensor">The embedding output ([batch, width], e.g. text_embeds).</param>
public sealed record TextTower(string ModelPath, ITextTokenizer Tokenizer, string Tensor = "text_embeds")
{
    /// <summary>Embeds <paramref name="texts"/>; returns texts × <paramref name="width"/> values.</summary>
    public float[] Embed(IReadOnlyList<string> texts, out int width)
    {
        if (texts.Count == 0) throw new ConceptDataException("no texts to embed.", ["texts"]);
        var values = new List<float>();
        int w = 0;
        using (var ex = new ActivationExtractor(new() { ModelPath = ModelPath, Tensors = [Tensor], Tokens = new TokenSelection(TokenMode.End), BatchSize = 256, Session = new OnnxSessionOptions() }))
        {
            ex.Run(new TextInput(texts, Tokenizer), blocks =>
            {
                w = blocks[0].Width;
                values.AddRange(blocks[0].Values);
            });
        }
        width = w;
        if (values.Count != texts.Count * w)
            throw new ConceptDataException($"{ModelPath}: tensor '{Tensor}' gave {values.Count / Math.Max(w, 1)} rows for {texts.Count} texts; name a [batch, width] embedding output.");
        return values.ToArray();
    }
}
