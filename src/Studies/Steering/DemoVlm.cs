using System.Text.Json;
using MlNetConcepts.IO;
using MlNetConcepts.Transforms.Onnx;
using MlNetConcepts.Transforms.Text;

namespace MlNetConcepts.Studies.Steering;

/// <summary>
/// What the steering study needs from the demo VLM besides the steered image tower: class names,
/// the class prompts' text embeddings, the logit scale of zero-shot classification, the
/// auxiliary encoder's embeddings (E of MonoSemanticity) and normalised test images.
/// </summary>
internal sealed class DemoVlm
{
    public required string Directory { get; init; }
    public required string[] Classes { get; init; }
    /// <summary>Unit-norm embeddings of "a photo of a CLASS", classes × e.</summary>
    public required float[] ClassText { get; init; }
    public required int EmbeddingWidth { get; init; }
    public required float LogitScale { get; init; }
    public required float PixelMean { get; init; }
    public required float PixelStd { get; init; }

    public string ImageModel => Path.Combine(Directory, "image.onnx");

    public static DemoVlm Load(string directory, OnnxSessionOptions session)
    {
        var configPath = Path.Combine(directory, "config.json");
        if (!File.Exists(configPath)) throw new ConceptDataException($"{configPath}: not found; --model-dir must be the demo model's folder (tools/demo-model/model).");
        using var doc = JsonDocument.Parse(File.ReadAllText(configPath));
        var c = doc.RootElement;
        var classes = c.GetProperty("classes").EnumerateArray().Select(x => x.GetString()!).ToArray();
        var prompts = classes.Select(x => c.GetProperty("prompt").GetString()!.Replace("{}", x)).ToArray();
        var tokenizer = new WordTokenizer(Path.Combine(directory, "vocab.txt"), c.GetProperty("context_length").GetInt32());
        using var text = new OnnxSession(Path.Combine(directory, "text.onnx"), session);
        var ids = tokenizer.EncodeBatch(prompts);
        var t = text.Run([OnnxInput.Int64("input_ids", ids, prompts.Length, tokenizer.ContextLength)], ["text_embeds"])[0];
        return new DemoVlm
        {
            Directory = directory,
            Classes = classes,
            ClassText = t.ToFloat32(),
            EmbeddingWidth = (int)t.Shape[^1],
            LogitScale = (float)c.GetProperty("logit_scale").GetDouble(),
            PixelMean = (float)c.GetProperty("pixel_mean").GetDouble(),
            PixelStd = (float)c.GetProperty("pixel_std").GetDouble(),
        };
    }

    /// <summary>The first <paramref name="count"/> Fashion-MNIST test images (0–255, n × 784) and labels.</summary>
    public static (float[] Pixels, int[] Labels) TestImages(string dataset, int count) => Images(dataset, "t10k", "test", count, "images");

    /// <summary>The first <paramref name="count"/> Fashion-MNIST training images (0–255, n × 784); the labels are not needed.</summary>
    public static float[] TrainImages(string dataset, int count) => Images(dataset, "train", "training", count, "trainImages").Pixels;

    private static (float[] Pixels, int[] Labels) Images(string dataset, string prefix, string set, int count, string parameter)
    {
        var imagesPath = Path.Combine(dataset, $"{prefix}-images-idx3-ubyte.gz");
        if (!File.Exists(imagesPath)) throw new ConceptDataException($"{imagesPath}: Fashion-MNIST {set} set not found (install Debian's dataset-fashion-mnist: ./run.sh setup).");
        var images = IdxFile.Read(imagesPath);
        if (count < 1 || count > images.Shape[0]) throw new ConceptDataException($"{parameter}: {count} asked, the {set} set has {images.Shape[0]}.", [parameter]);
        var pixels = images.ToFloat32()[..(count * 784)];
        var labels = IdxFile.Read(Path.Combine(dataset, $"{prefix}-labels-idx1-ubyte.gz")).ToInt32()[..count];
        return (pixels, labels);
    }

    /// <summary>The image tower's input: (x/255 − mean)/std.</summary>
    public float[] Normalise(float[] pixels) => Array.ConvertAll(pixels, v => (v / 255f - PixelMean) / PixelStd);

    /// <summary>The auxiliary encoder's embeddings of 0–255 pixels (n × e_aux).</summary>
    public float[] Aux(float[] pixels, int count, OnnxSessionOptions session, out int width)
    {
        using var aux = new OnnxSession(Path.Combine(Directory, "aux.onnx"), session);
        var x = Array.ConvertAll(pixels, v => v / 255f);
        var result = new List<float>();
        width = 0;
        for (int first = 0; first < count; first += 500)
        {
            int rows = Math.Min(500, count - first);
            var e = aux.Run([OnnxInput.Float("pixel_values", x[(first * 784)..((first + rows) * 784)], rows, 1, 28, 28)], ["embedding"])[0];
            width = (int)e.Shape[^1];
            result.AddRange(e.ToFloat32());
        }
        return result.ToArray();
    }

    /// <summary>Zero-shot class probabilities softmax(scale · e·t_c) of unit-norm image embeddings (n × e) → n × classes.</summary>
    public double[] Probabilities(float[] embeddings, int rows)
    {
        int e = EmbeddingWidth, k = Classes.Length;
        var p = new double[rows * k];
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity;
            for (int c = 0; c < k; c++)
            {
                double s = 0;
                for (int j = 0; j < e; j++) s += (double)embeddings[r * e + j] * ClassText[c * e + j];
                p[r * k + c] = LogitScale * s;
                max = Math.Max(max, p[r * k + c]);
            }
            double sum = 0;
            for (int c = 0; c < k; c++) sum += p[r * k + c] = Math.Exp(p[r * k + c] - max);
            for (int c = 0; c < k; c++) p[r * k + c] /= sum;
        }
        return p;
    }
}
