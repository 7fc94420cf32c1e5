using MlNetConcepts.Compute;

namespace MlNetConcepts.Tests.Core.Compute;

[TestClass]
public class ReferenceGemmTests
{
    [TestMethod]
    public void TwoByTwoProductMatchesHandComputedValues()
    {
        // A = [[1,2],[3,4]], B = [[5,6],[7,8]]: AB = [[19,22],[43,50]], AᵀB = [[26,30],[38,44]],
        // ABᵀ = [[17,23],[39,53]], AᵀBᵀ = [[23,31],[34,46]].
        float[] a = [1, 2, 3, 4], b = [5, 6, 7, 8];
        var expected = new Dictionary<(bool, bool), float[]>
        {
            [(false, false)] = [19, 22, 43, 50],
            [(true, false)] = [26, 30, 38, 44],
            [(false, true)] = [17, 23, 39, 53],
            [(true, true)] = [23, 31, 34, 46],
        };
        foreach (var ((ta, tb), want) in expected)
        {
            var c = new float[] { 1, 1, 1, 1 };
            ReferenceGemm.Instance.Sgemm(ta, tb, 2, 2, 2, 2f, a, 2, b, 2, -1f, c, 2);
            CollectionAssert.AreEqual(want.Select(v => 2 * v - 1).ToArray(), c, $"ta={ta} tb={tb}");
        }
    }

    [TestMethod]
    public void PassesTheOracleOverOddSizes() => GemmOracle.CheckAll(ReferenceGemm.Instance);
}
