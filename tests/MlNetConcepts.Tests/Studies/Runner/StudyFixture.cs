using MlNetConcepts.Studies.Runner;
using MlNetConcepts.Studies.Synthetic;

namespace MlNetConcepts.Tests.Studies.Runner;

/// <summary>Synthetic data written once per test run and shared by the study tests.</summary>
internal static class StudyFixture
{
    private static readonly Lazy<string> Data = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), $"mlnc-study-data-{Environment.ProcessId}");
        MultimodalSynth.Generate(DefaultStudy.Data).Write(dir);
        return dir;
    });

    /// <summary>The default benchmark's folder.</summary>
    public static string DataDirectory => Data.Value;

    /// <summary>The default study config over it.</summary>
    public static StudyConfig DefaultConfig() => DefaultStudy.ConfigFor(DataDirectory, DefaultStudy.Data);

    /// <summary>A fresh output folder.</summary>
    public static string NewOutput() => Directory.CreateTempSubdirectory("mlnc-study-out-").FullName;
}
