using System.Runtime.InteropServices;
using MlNetConcepts.Compute;

namespace MlNetConcepts.Tests.Core.Compute;

[TestClass]
public class OpenBlasGemmTests
{
    private static OpenBlasGemm Create(int threads)
    {
        if (!OpenBlasLibrary.IsAvailable) Assert.Inconclusive(OpenBlasLibrary.LoadError ?? "OpenBLAS is absent.");
        return new OpenBlasGemm(threads);
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    public void MatchesOracleOverOddSizesTransposesAndStrides(int threads) => GemmOracle.CheckAll(Create(threads));

    [TestMethod]
    public void LargerProductMatchesOracleWithTwoThreads()
    {
        var gemm = Create(2);
        GemmOracle.Check(gemm, false, true, 261, 300, 280, 1f, 0f, 1, seed: 11, nanInC: true);
        GemmOracle.Check(gemm, true, false, 200, 130, 300, -1f, 0.5f, 0, seed: 12);
    }

    [TestMethod]
    public void PassesSelfCheckAndReportsItsKernel()
    {
        var gemm = Create(2);
        Assert.IsNull(OpenBlasGemm.SelfCheckError);
        Assert.IsFalse(string.IsNullOrEmpty(OpenBlasLibrary.CoreName));
        StringAssert.Contains(gemm.Name, OpenBlasLibrary.CoreName!);
        StringAssert.Contains(OpenBlasLibrary.Config ?? "", "OpenBLAS");
        Assert.IsTrue(File.Exists(OpenBlasLibrary.LibraryPath), OpenBlasLibrary.LibraryPath);
    }

    [TestMethod]
    public void RunsTheRequestedCoreType()
    {
        Create(1);
        // Whoever chose it (the user's OPENBLAS_CORETYPE or our AVX-512/AVX2 detection), the
        // kernel OpenBLAS reports must be the one requested: proof the variable reached getenv.
        if (OpenBlasLibrary.RequestedCoreType is null) Assert.Inconclusive("No core type requested on this CPU.");
        Assert.AreEqual(OpenBlasLibrary.RequestedCoreType, OpenBlasLibrary.CoreName, ignoreCase: true);
        var user = StartupEnvironment(OpenBlasCoreType.Variable);
        Assert.AreEqual(user is null ? CoreTypeSource.Auto : CoreTypeSource.User, OpenBlasLibrary.CoreTypeSource);
    }

    /// <summary>
    /// A variable as the process started with it: our automatic choice sets OPENBLAS_CORETYPE in both the
    /// .NET and the C environment, so the current value cannot tell the user's setting from ours.
    /// </summary>
    private static string? StartupEnvironment(string name)
    {
        if (!File.Exists("/proc/self/environ")) return Environment.GetEnvironmentVariable(name);
        foreach (var entry in File.ReadAllText("/proc/self/environ").Split('\0'))
            if (entry.StartsWith(name + "=", StringComparison.Ordinal)) return entry[(name.Length + 1)..];
        return null;
    }

    [TestMethod]
    public void BackendFactoryHonoursTheRequestedKind()
    {
        Assert.AreSame(ReferenceGemm.Instance, GemmBackends.Create(ComputeBackendKind.Reference, 2));
        var managed = GemmBackends.Create(ComputeBackendKind.Managed, 3);
        Assert.IsInstanceOfType<ManagedGemm>(managed);
        Assert.AreEqual(3, ((ManagedGemm)managed).Threads);
        var auto = GemmBackends.Create(ComputeBackendKind.Auto, 2);
        if (OpenBlasLibrary.IsAvailable)
        {
            Assert.IsInstanceOfType<OpenBlasGemm>(auto);
            Assert.IsInstanceOfType<OpenBlasGemm>(GemmBackends.Create(ComputeBackendKind.Blas, 1));
        }
        else
        {
            Assert.IsInstanceOfType<ManagedGemm>(auto);
            var e = Assert.ThrowsExactly<ConceptDataException>(() => GemmBackends.Create(ComputeBackendKind.Blas, 1));
            StringAssert.Contains(e.Message, "apt-get install libopenblas0-pthread");
        }
    }
}

[TestClass]
public class OpenBlasCoreTypeTests
{
    [TestMethod]
    public void UserValueIsNeverOverridden()
    {
        Assert.AreEqual(("Zen", CoreTypeSource.User), OpenBlasCoreType.Choose("Zen", avx512F: true, avx2: true));
        Assert.AreEqual(("Haswell", CoreTypeSource.User), OpenBlasCoreType.Choose(" Haswell ", avx512F: true, avx2: true));
    }

    [TestMethod]
    public void WithoutUserValueTheWidestMatchingKernelIsChosen()
    {
        Assert.AreEqual(("SkylakeX", CoreTypeSource.Auto), OpenBlasCoreType.Choose(null, avx512F: true, avx2: true));
        Assert.AreEqual(("Haswell", CoreTypeSource.Auto), OpenBlasCoreType.Choose("", avx512F: false, avx2: true));
        Assert.AreEqual(((string?)null, CoreTypeSource.Library), OpenBlasCoreType.Choose(null, avx512F: false, avx2: false));
    }

    [TestMethod]
    public unsafe void NativeSetReachesLibcGetenv()
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("libc setenv is Linux-only here.");
        const string Name = "MLNC_TEST_NATIVE_ENV";
        Assert.IsTrue(NativeEnvironment.TrySet(Name, "value-42"));
        Assert.AreEqual("value-42", Environment.GetEnvironmentVariable(Name));
        var libc = NativeLibrary.Load("libc.so.6");
        var getenv = (delegate* unmanaged<byte*, byte*>)NativeLibrary.GetExport(libc, "getenv");
        var name = Marshal.StringToCoTaskMemUTF8(Name);
        try { Assert.AreEqual("value-42", Marshal.PtrToStringUTF8((nint)getenv((byte*)name))); }
        finally { Marshal.FreeCoTaskMem(name); }
    }
}

[TestClass]
public class OpenBlasLoadingTests
{
    [TestMethod]
    public void FailureNamesEveryPathWhyItWasRejectedAndHowToInstall()
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("Linux paths.");
        string notALibrary = Path.Combine(Path.GetTempPath(), $"mlnc-not-a-library-{Guid.NewGuid():N}.so");
        File.WriteAllText(notALibrary, "not an ELF file");
        try
        {
            var candidates = new List<string> { "/nonexistent/dir/libopenblas.so.0", notALibrary };
            // A real shared library that is not OpenBLAS (libc) must be rejected by its exports.
            string? libc = new[] { "/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6" }
                .FirstOrDefault(File.Exists);
            if (libc is not null) candidates.Add(libc);

            var (handle, path, error) = OpenBlasLibrary.LoadFirst(candidates);
            Assert.AreEqual((nint)0, handle);
            Assert.IsNull(path);
            Assert.IsNotNull(error);
            StringAssert.Contains(error, "apt-get install libopenblas0-pthread");
            StringAssert.Contains(error, "/nonexistent/dir/libopenblas.so.0 (absent)");
            StringAssert.Contains(error, $"{notALibrary} (failed to load)");
            if (libc is not null) StringAssert.Contains(error, "(no cblas_sgemm/openblas_set_num_threads: not OpenBLAS)");
        }
        finally
        {
            File.Delete(notALibrary);
        }
    }

    [TestMethod]
    public void TheDebianAlternativesLinkIsFollowedToTheRealFile()
    {
        const string Link = "/usr/lib/x86_64-linux-gnu/libopenblas.so.0";
        if (!File.Exists(Link)) Assert.Inconclusive($"{Link} is absent.");
        var (handle, path, error) = OpenBlasLibrary.LoadFirst([Link]);
        Assert.IsNull(error);
        Assert.AreNotEqual((nint)0, handle);
        Assert.AreEqual(new FileInfo(Link).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Link, path);
        Assert.IsFalse(new FileInfo(path!).Attributes.HasFlag(FileAttributes.ReparsePoint), $"{path} is still a link");
    }
}
