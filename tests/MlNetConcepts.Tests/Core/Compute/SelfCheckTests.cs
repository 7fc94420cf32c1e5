using System.Runtime.Intrinsics.X86;
using MlNetConcepts.Compute;

namespace MlNetConcepts.Tests.Core.Compute;

[TestClass]
public class SelfCheckTests
{
    /// <summary>A backend that is right except for one transpose pair, as a mis-chosen kernel might be.</summary>
    private sealed class WrongWhenBothTransposed : IGemmBackend
    {
        public string Name => "wrong";

        public void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
            ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        {
            ReferenceGemm.Instance.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            if (transA && transB) c[5 * ldc + 7] += 0.01f;
        }
    }

    /// <summary>A backend that reads C even when β = 0 (NaN leaks through), a classic BLAS-binding bug.</summary>
    private sealed class IgnoresBetaZero : IGemmBackend
    {
        public string Name => "nan-leaking";

        public void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
            ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        {
            var before = c.ToArray();
            ReferenceGemm.Instance.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) c[i * ldc + j] += 0f * before[i * ldc + j];
        }
    }

    [TestMethod]
    public void AgreeingBackendsPass()
    {
        Assert.IsNull(OpenBlasGemm.Compare(new ManagedGemm(2), ReferenceGemm.Instance));
        Assert.IsNull(OpenBlasGemm.Compare(new ManagedGemm(1, ManagedGemmKernel.Scalar), ReferenceGemm.Instance));
    }

    [TestMethod]
    public void AWrongBackendIsCaughtWithTheCaseNamed()
    {
        var error = OpenBlasGemm.Compare(new WrongWhenBothTransposed(), ReferenceGemm.Instance);
        Assert.IsNotNull(error);
        StringAssert.Contains(error, "transA=True, transB=True, C[5,7]");
        StringAssert.Contains(error, "max abs error 0.01");
        var nan = OpenBlasGemm.Compare(new IgnoresBetaZero(), ReferenceGemm.Instance);
        Assert.IsNotNull(nan);
        StringAssert.Contains(nan, "a NaN or infinite value against reference at transA=False, transB=False, C[0,0]");
    }

    [TestMethod]
    public void SystemInfoNamesBackendKernelCoreTypeSourceAndCpuFeatures()
    {
        var info = SystemInfo.Describe().ToDictionary(p => p.Key, p => p.Value);
        Assert.AreEqual(ComputeSettings.Gemm.Name, info["backend"]);
        Assert.AreEqual(Avx2.IsSupported, info["cpu features"].Contains("AVX2"));
        Assert.AreEqual(Avx512F.IsSupported, info["cpu features"].Contains("AVX-512F"));
        StringAssert.StartsWith(info["managed kernel"], "managed (");
        if (OpenBlasLibrary.IsAvailable)
        {
            Assert.AreEqual(OpenBlasLibrary.CoreName, info["openblas kernel"]);
            string expectedSource = OpenBlasLibrary.CoreTypeSource switch
            {
                CoreTypeSource.User => "(user: OPENBLAS_CORETYPE)",
                CoreTypeSource.Auto => "(auto: chosen from CPU features)",
                _ => "detected by OpenBLAS",
            };
            StringAssert.Contains(info["openblas core type"], expectedSource);
            Assert.AreEqual("passed", info["openblas self-check"]);
        }
        else
        {
            StringAssert.Contains(info["openblas"], "apt-get install libopenblas0-pthread");
        }
    }
}
