using Ort = Microsoft.ML.OnnxRuntime;

namespace MlNetConcepts.Transforms.Onnx;

/// <summary>Turns <see cref="OnnxSessionOptions"/> into ONNX Runtime's <c>SessionOptions</c>.</summary>
internal static class OnnxSessionSettings
{
    /// <summary>Session options for <paramref name="o"/>; the caller disposes them once the session exists.</summary>
    public static Ort.SessionOptions Create(OnnxSessionOptions o)
    {
        if (o.IntraOpThreads < 0) throw new ConceptDataException($"intra-op threads must be ≥ 0, got {o.IntraOpThreads}.");
        var s = new Ort.SessionOptions();
        try
        {
            s.IntraOpNumThreads = o.IntraOpThreads;
            s.InterOpNumThreads = 1; // one graph runs at a time; parallelism is inside operators
            s.GraphOptimizationLevel = (Ort.GraphOptimizationLevel)(int)o.OptimizationLevel;
            s.LogSeverityLevel = Ort.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR; // keep stderr for our own progress lines
            s.AddSessionConfigEntry("session.intra_op.allow_spinning", o.AllowSpinning ? "1" : "0");
            s.AddSessionConfigEntry("session.inter_op.allow_spinning", o.AllowSpinning ? "1" : "0");
            if (o.ExternalDataFolder != null)
                s.AddSessionConfigEntry("session.model_external_initializers_file_folder_path", Path.GetFullPath(o.ExternalDataFolder));
            AddProvider(s, o);
            return s;
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    private static void AddProvider(Ort.SessionOptions s, OnnxSessionOptions o)
    {
        var name = o.ExecutionProvider.Trim();
        if (name.Equals("CPU", StringComparison.OrdinalIgnoreCase)) return; // ORT's default
        var available = OnnxSession.AvailableProviders;
        if (!available.Any(p => p.Equals(name + "ExecutionProvider", StringComparison.OrdinalIgnoreCase)))
            throw new ConceptDataException($"execution provider '{name}' is not in this ONNX Runtime build (available: {string.Join(", ", available.Select(p => p.Replace("ExecutionProvider", "")))}).");
        OnnxSession.Guard($"adding execution provider '{name}'", () =>
        {
            if (name.Equals("CUDA", StringComparison.OrdinalIgnoreCase)) s.AppendExecutionProvider_CUDA(o.DeviceId);
            else s.AppendExecutionProvider(name, o.ProviderOptions?.ToDictionary() ?? []);
            return 0;
        });
    }
}
