namespace MlNetConcepts.Studies.Steering;

/// <summary>
/// What one set of image embeddings says about one concept: mean cosine similarity to the
/// concept's top images (sim_own), to the other steered concepts' top images (sim_other, mean
/// over those concepts), to the text of the concept's label ("a photo of a LABEL"); the mean
/// zero-shot probability of the label class, the fraction predicted as it, and the mean
/// probability of each image's true class.
/// </summary>
internal readonly record struct SteeringMeasure(double SimOwn, double SimOther, double SimText, double PLabel, double PredLabel, double PTrue)
{
    /// <param name="vlm">Class texts and zero-shot scale.</param>
    /// <param name="embeddings">Unit-norm image embeddings, rows × e.</param>
    /// <param name="rows">Images.</param>
    /// <param name="trueLabels">Their classes (null: none, e.g. a blank image).</param>
    /// <param name="reference">Unsteered embeddings of the dataset (images × e).</param>
    /// <param name="own">The concept's top images.</param>
    /// <param name="others">The other concepts' top images.</param>
    /// <param name="label">The concept's label class.</param>
    public static SteeringMeasure Of(DemoVlm vlm, float[] embeddings, int rows, int[]? trueLabels, float[] reference, int[] own, IReadOnlyList<int[]> others, int label)
    {
        int e = vlm.EmbeddingWidth, k = vlm.Classes.Length;
        double Cos(int r, float[] other, int row)
        {
            double s = 0;
            for (int j = 0; j < e; j++) s += (double)embeddings[r * e + j] * other[row * e + j];
            return s;
        }
        double MeanTo(int[] images) => Enumerable.Range(0, rows).Average(r => images.Average(m => Cos(r, reference, m)));
        var p = vlm.Probabilities(embeddings, rows);
        double pred = Enumerable.Range(0, rows).Average(r => Enumerable.Range(0, k).MaxBy(c => p[r * k + c]) == label ? 1.0 : 0.0);
        return new SteeringMeasure(
            MeanTo(own),
            others.Count == 0 ? double.NaN : others.Average(MeanTo),
            Enumerable.Range(0, rows).Average(r => Cos(r, vlm.ClassText, label)),
            Enumerable.Range(0, rows).Average(r => p[r * k + label]),
            pred,
            trueLabels is null ? double.NaN : Enumerable.Range(0, rows).Average(r => p[r * k + trueLabels[r]]));
    }
}
