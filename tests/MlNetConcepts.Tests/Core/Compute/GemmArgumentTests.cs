using MlNetConcepts.Compute;

namespace MlNetConcepts.Tests.Core.Compute;

[TestClass]
public class GemmArgumentTests
{
    private static IEnumerable<IGemmBackend> Backends()
    {
        yield return ReferenceGemm.Instance;
        yield return new ManagedGemm(2);
        if (OpenBlasLibrary.IsAvailable) yield return new OpenBlasGemm(2);
    }

    [TestMethod]
    public void EveryBackendRejectsBadShapesWithTheSameMessage()
    {
        foreach (var gemm in Backends())
        {
            var a = new float[6]; var b = new float[6]; var c = new float[4];
            var e1 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => gemm.Sgemm(false, false, -1, 2, 3, 1f, a, 3, b, 2, 0f, c, 2));
            StringAssert.Contains(e1.Message, "m=-1", gemm.Name);
            var e2 = Assert.ThrowsExactly<ArgumentException>(() => gemm.Sgemm(false, false, 2, 2, 3, 1f, a, 2, b, 2, 0f, c, 2));
            StringAssert.Contains(e2.Message, "leading dimension of A (2) is smaller than its column count (3)", gemm.Name);
            var e3 = Assert.ThrowsExactly<ArgumentException>(() => gemm.Sgemm(false, true, 2, 2, 3, 1f, a, 3, new float[5], 3, 0f, c, 2));
            StringAssert.Contains(e3.Message, "B needs 6 elements (2×3, stride 3) but the buffer holds 5", gemm.Name);
            var e4 = Assert.ThrowsExactly<ArgumentException>(() => gemm.Sgemm(false, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, c, 3));
            StringAssert.Contains(e4.Message, "C needs 5 elements", gemm.Name);
        }
    }
}
