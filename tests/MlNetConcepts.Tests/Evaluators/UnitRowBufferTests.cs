using MlNetConcepts.Evaluators;

namespace MlNetConcepts.Tests.Evaluators;

/// <summary>The vectorised, buffer-reusing row normalisation against its plain form <see cref="UnitRows.UnitBlock"/>.</summary>
[TestClass]
public sealed class UnitRowBufferTests
{
    [TestMethod]
    public void EqualsThePlainNormalisationOnEveryWidthAndBlock()
    {
        var rng = new Random(4);
        foreach (int width in new[] { 1, 7, 8, 37, 130 })
        {
            var buffer = new UnitRowBuffer(width);
            foreach (int rows in new[] { 5, 300, 2 }) // a larger block after a small one, then a smaller one: the buffer grows and is reused
            {
                var block = new float[rows * width];
                for (int i = 0; i < block.Length; i++) block[i] = (float)(rng.NextDouble() * 4 - 2);
                for (int r = 0; r < rows; r++) block[r * width] += 3; // no row is all zeros
                var expected = new float[block.Length];
                UnitRows.UnitBlock(block, rows, width, 10, "e", expected);
                var actual = buffer.Normalise(block, rows, 10, "e");
                Assert.AreEqual(expected.Length, actual.Length, $"width {width}, {rows} rows");
                for (int i = 0; i < expected.Length; i++)
                    Assert.AreEqual(expected[i], actual[i], 2e-7 * Math.Max(1, Math.Abs(expected[i])), $"width {width}, {rows} rows, value {i}");
            }
        }
    }

    [TestMethod]
    public void NamesTheRowOfANonFiniteValueOrAZeroRow()
    {
        var block = new float[] { 1, 2, 3, 4, 5, 6, 7, float.NaN, 9 };
        var nan = Assert.ThrowsExactly<ConceptDataException>(() => new UnitRowBuffer(3).Normalise(block, 3, 100, "emb"));
        StringAssert.Contains(nan.Message, "row 102");
        StringAssert.Contains(nan.Message, "emb");
        var zeros = new float[] { 1, 2, 3, 0, 0, 0 };
        var plain = Assert.ThrowsExactly<ConceptDataException>(() => UnitRows.UnitBlock(zeros, 2, 3, 100, "emb", new float[6]));
        var fast = Assert.ThrowsExactly<ConceptDataException>(() => new UnitRowBuffer(3).Normalise(zeros, 2, 100, "emb"));
        Assert.AreEqual(plain.Message, fast.Message);
        StringAssert.Contains(fast.Message, "row 101");
    }
}
