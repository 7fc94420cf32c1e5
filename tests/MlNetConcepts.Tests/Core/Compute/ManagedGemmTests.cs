using MlNetConcepts.Compute;

namespace MlNetConcepts.Tests.Core.Compute;

[TestClass]
public class ManagedGemmTests
{
    public static IEnumerable<object[]> Configurations()
    {
        foreach (var kernel in new[] { ManagedGemmKernel.Vector512, ManagedGemmKernel.Vector256, ManagedGemmKernel.Scalar })
            foreach (int threads in new[] { 1, 2 })
                yield return [kernel, threads];
    }

    private static ManagedGemm Create(ManagedGemmKernel kernel, int threads, bool smallPath)
    {
        if (!ManagedGemm.IsSupported(kernel)) Assert.Inconclusive($"This CPU cannot run the {kernel} kernel.");
        return new ManagedGemm(threads, kernel) { UseSmallPath = smallPath };
    }

    [TestMethod]
    [DynamicData(nameof(Configurations))]
    public void PackedPathMatchesOracleOverOddSizesTransposesAndStrides(ManagedGemmKernel kernel, int threads)
        => GemmOracle.CheckAll(Create(kernel, threads, smallPath: false));

    [TestMethod]
    [DynamicData(nameof(Configurations))]
    public void PackedPathCrossesEveryCacheBlockBoundary(ManagedGemmKernel kernel, int threads)
    {
        // k > Kc (384), m > Mc (≈256) and, separately, n > Nc (4096): every loop runs more than once.
        var gemm = Create(kernel, threads, smallPath: false);
        GemmOracle.Check(gemm, false, false, 261, 37, 400, 1f, 0f, 1, seed: 7, nanInC: true);
        GemmOracle.Check(gemm, true, true, 261, 37, 400, 0.5f, -1f, 0, seed: 8);
        GemmOracle.Check(gemm, false, true, 9, 4133, 5, 1f, 0.5f, 2, seed: 9);
        GemmOracle.Check(gemm, true, false, 9, 4133, 5, 1f, 0f, 0, seed: 10, nanInC: true);
    }

    [TestMethod]
    public void SmallPathMatchesOracle()
    {
        var gemm = new ManagedGemm(1);
        Assert.IsTrue(SmallGemm.Applies(40, 40, 17) && SmallGemm.Applies(500, 1, 300) && SmallGemm.Applies(2, 700, 300),
            "the sizes below must exercise the small path");
        GemmOracle.CheckAll(gemm, [1, 2, 3, 17, 40]);
        // One or two rows always take the small path, whatever the other sizes.
        GemmOracle.Check(gemm, true, true, 2, 700, 300, 1f, 0f, 1, seed: 3, nanInC: true);
        GemmOracle.Check(gemm, false, false, 1, 700, 300, 1f, 1f, 0, seed: 4);
        // So do one or two columns (matrix–vector products), with B's columns gathered or read in place.
        foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
        {
            GemmOracle.Check(gemm, ta, tb, 500, 1, 300, 1f, 0f, 2, seed: 5, nanInC: true);
            GemmOracle.Check(gemm, ta, tb, 300, 2, 500, -2f, 0.5f, 0, seed: 6);
        }
    }

    [TestMethod]
    public void AutoPicksTheWidestSupportedKernel()
    {
        var expected = ManagedGemm.IsSupported(ManagedGemmKernel.Vector512) ? ManagedGemmKernel.Vector512
            : ManagedGemm.IsSupported(ManagedGemmKernel.Vector256) ? ManagedGemmKernel.Vector256 : ManagedGemmKernel.Scalar;
        Assert.AreEqual(expected, new ManagedGemm(2).Kernel);
        StringAssert.Contains(new ManagedGemm(2).Name, "2 threads");
    }

    [TestMethod]
    public void DegenerateSizesScaleCByBeta()
    {
        var gemm = new ManagedGemm(2);
        float[] c = [1, float.NaN, 3, 4];
        gemm.Sgemm(false, false, 2, 2, 0, 1f, [], 1, [], 2, 0f, c, 2);
        CollectionAssert.AreEqual(new float[] { 0, 0, 0, 0 }, c, "k = 0, β = 0 must clear C, NaN included");
        c = [1, 2, 3, 4];
        gemm.Sgemm(false, false, 2, 2, 1, 0f, [float.NaN, 1], 1, [1, 1], 2, 2f, c, 2);
        CollectionAssert.AreEqual(new float[] { 2, 4, 6, 8 }, c, "α = 0 leaves β·C (A is not read)");
        gemm.Sgemm(false, false, 0, 5, 3, 1f, [], 3, new float[15], 5, 0f, [], 5);
    }
}
