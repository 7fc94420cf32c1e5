using System.CommandLine;
using MlNetConcepts.Evaluators;
using MlNetConcepts.Evaluators.Naming;
using MlNetConcepts.IO;
using MlNetConcepts.Reports;
using MlNetConcepts.Studies.Naming;
using MlNetConcepts.Transforms.Text;

namespace MlNetConcepts.Cli;

/// <summary>
/// <c>mlnc name</c>: names and types concepts (visual / textual / multimodal) with candidate labels
/// embedded by the model's own text tower, thresholds from random labels (Lanza et al. 2026, made
/// numeric; docs/NAMING.md).
/// </summary>
internal static class NameCommand
{
    public static Command Create()
    {
        var embeddings = EvalOptions.RequiredPath("--embeddings", "N × e joint-space embeddings of the rows (image embeddings for image rows, text embeddings for text rows).");
        var codes = EvalOptions.RequiredPath("--codes", "N × K concept activations (dense .npy: SAE codes, memberships…).");
        var modality = EvalOptions.RequiredPath("--modality", "N modality labels (.npy ints: 0 = image, 1 = text).");
        var dictionary = EvalOptions.OptionalPath("--dictionary", "K × e concept directions in the joint space (SAE decoder rows), scored against the labels too.");
        var model = EvalOptions.RequiredPath("--text-model", "The model's text tower (.onnx).");
        var tensor = new Option<string>("--text-tensor") { Description = "Embedding output of the text tower ([batch, e]).", DefaultValueFactory = _ => "text_embeds" };
        var vocab = EvalOptions.RequiredPath("--vocab", "Tokenizer vocabulary: vocab.json (CLIP BPE, with --merges) or a word list (one token per line).");
        var merges = EvalOptions.OptionalPath("--merges", "merges.txt of a CLIP BPE tokenizer.");
        var context = new Option<int>("--context") { Description = "Context length of the tokenizer.", DefaultValueFactory = _ => 77 };
        var labels = EvalOptions.RequiredPath("--labels", "Candidate labels, one per line.");
        var prompt = new Option<string>("--prompt") { Description = "Prompt around each label; {} stands for the label (e.g. \"a photo of a {}\").", DefaultValueFactory = _ => "{}" };
        var nullWords = EvalOptions.OptionalPath("--null-words", "Words the random labels are drawn from, one per line (default: the word-list --vocab without <special> tokens).");
        var nullCount = new Option<int>("--null") { Description = "Random labels in the null distribution.", DefaultValueFactory = _ => 200 };
        var nullSeed = new Option<int>("--null-seed") { Description = "Seed of the random labels.", DefaultValueFactory = _ => 15 };
        var topN = new Option<int>("--top-n") { Description = "Top activating rows per modality averaged into the concept's image and text embedding.", DefaultValueFactory = _ => 16 };
        var percentile = new Option<double>("--percentile") { Description = "Percentile of the null alignments a label must beat (numpy's linear rule).", DefaultValueFactory = _ => 95 };
        var classes = EvalOptions.OptionalPath("--classes", "N class indices (.npy ints, −1 = unknown), with --class-names: adds naming accuracy.");
        var classNames = EvalOptions.OptionalPath("--class-names", "Class names, one per line (line i = class i).");
        var output = EvalOptions.RequiredPath("--out", "Output folder: naming.csv, naming_types.csv, naming_modality.csv[, naming_accuracy.csv].");
        var cmd = new Command("name", "Name concepts with labels through the model's text tower and type them visual, textual, multimodal or none.");
        foreach (var o in new Option[] { embeddings, codes, modality, dictionary, model, tensor, vocab, merges, context, labels, prompt, nullWords, nullCount, nullSeed, topN, percentile, classes, classNames, output })
            cmd.Options.Add(o);
        CliAction.Set(cmd, r =>
        {
            var x = EvalOptions.Matrix(r, embeddings);
            var z = EvalOptions.Matrix(r, codes);
            var modalityPath = r.GetValue(modality)!;
            var rowsModality = Modality.Labels(NpyFile.Read(modalityPath), modalityPath);
            string vocabPath = r.GetValue(vocab)!;
            ITextTokenizer tokenizer = r.GetValue(merges) is string m ? new ClipBpeTokenizer(vocabPath, m, r.GetValue(context)) : new WordTokenizer(vocabPath, r.GetValue(context));
            var words = r.GetValue(nullWords) is string wordsPath ? Lines(wordsPath)
                : r.GetValue(merges) is null ? Lines(vocabPath).Where(w => !w.StartsWith('<')).ToArray()
                : throw new ConceptDataException("--null-words is needed with a CLIP BPE vocabulary.");
            var namer = new ConceptNamer
            {
                Tower = new TextTower(r.GetValue(model)!, tokenizer, r.GetValue(tensor)!),
                Labels = Lines(r.GetValue(labels)!),
                NullWords = words,
                Prompt = r.GetValue(prompt)!,
                NullCount = r.GetValue(nullCount),
                NullSeed = r.GetValue(nullSeed),
                Options = new ConceptNamingOptions { TopN = r.GetValue(topN), NullPercentile = r.GetValue(percentile) },
            };
            NamingTruth? truth = null;
            if ((r.GetValue(classes) is null) != (r.GetValue(classNames) is null))
                throw new ConceptDataException("--classes and --class-names go together.");
            if (r.GetValue(classes) is string classesPath)
            {
                var rowClass = NpyFile.Read(classesPath).ToInt32();
                var names = Lines(r.GetValue(classNames)!);
                if (rowClass.Length != x.Rows) throw new ConceptDataException($"{classesPath} has {rowClass.Length} rows but {x.Name} has {x.Rows}.");
                if (rowClass.Any(c => c < -1 || c >= names.Length)) throw new ConceptDataException($"{classesPath}: class indices must be −1 or below {names.Length} (the lines of --class-names).");
                truth = new NamingTruth(names, rowClass, null);
            }
            var modalityScore = Modality.Scores(z, rowsModality).Table.Doubles("modality_score");
            var outcome = namer.Run(x, z, rowsModality, EvalOptions.OptionalMatrix(r, dictionary), modalityScore, truth);
            using (var folder = OutputFolder.Begin(r.GetValue(output)!))
            {
                outcome.Save(folder.Path);
                folder.Commit();
            }
            var counts = ConceptTypes.All.Select(t => $"{ConceptTypes.Name(t)} {outcome.Names.Type.Count(x => x == t)}");
            Console.WriteLine($"{outcome.Names.Count} concepts: {string.Join(", ", counts)}");
            Console.Error.WriteLine($"wrote {r.GetValue(output)}");
            return CliAction.Success;
        });
        return cmd;
    }

    private static string[] Lines(string path)
    {
        var lines = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        if (lines.Length == 0) throw new ConceptDataException($"{path}: no lines.");
        return lines;
    }
}
