using MlNetConcepts.Transforms.Text;

namespace MlNetConcepts.Tests.Transforms.Text;

/// <summary>
/// Expected ids are worked out by hand from the tiny vocabulary in Fixtures/Ort/text (see the
/// comments): e.g. "hello" = h e l l o&lt;/w&gt; → (h,e) rank 0 → he l l o&lt;/w&gt; → (l,l) rank 1 →
/// he ll o&lt;/w&gt; → (he,ll) rank 2 → hell o&lt;/w&gt; → rank 3 → hello&lt;/w&gt; = 8.
/// </summary>
[TestClass]
public sealed class TokenizerTests
{
    private static ClipBpeTokenizer Clip(int ctx = 8) => new(OrtFixtures.Path("text/vocab.json"), OrtFixtures.Path("text/merges.txt"), ctx);

    [TestMethod]
    [DataRow("hello", new long[] { 8 })]
    [DataRow("HELLO!", new long[] { 8, 9 })]                  // lower-cased; "!" is its own piece
    [DataRow("  hello \n\t hello  ", new long[] { 8, 8 })]     // whitespace collapsed and trimmed
    [DataRow("hell", new long[] { 5, 2, 12 })]                // he l l</w>: (l,l</w>) is no merge
    [DataRow("he's", new long[] { 0, 13, 16 })]               // contraction split off: h e</w> | 's</w>
    [DataRow("é", new long[] { 17, 18 })]                     // UTF-8 C3 A9 → byte chars Ã ©</w>
    [DataRow("42", new long[] { 19, 20 })]                    // digits one by one
    [DataRow("?!", new long[] { 22 })]                        // punctuation run merged: ? !</w>
    [DataRow("&amp;", new long[] { 23 })]                     // HTML-unescaped before splitting
    [DataRow("hello<|endoftext|>", new long[] { 8, 11 })]     // special token recognised in text
    public void ClipBpeMatchesHandCheckedIds(string text, long[] expected)
        => CollectionAssert.AreEqual(expected, Clip().Tokenize(text));

    [TestMethod]
    public void ClipFramesPadsAndTruncatesKeepingTheEndToken()
    {
        CollectionAssert.AreEqual(new long[] { 10, 8, 9, 11, 0, 0, 0, 0 }, Clip().Encode("Hello!"));
        CollectionAssert.AreEqual(new long[] { 10, 8, 8, 8, 11 }, Clip(5).Encode("hello hello hello hello hello"));
        Assert.AreEqual(4, Clip(5).EndIndex(Clip(5).Encode("hello hello hello hello hello")));
    }

    [TestMethod]
    public void ClipDefaultContextIs77()
    {
        var t = new ClipBpeTokenizer(OrtFixtures.Path("text/vocab.json"), OrtFixtures.Path("text/merges.txt"));
        var row = t.Encode(string.Join(' ', Enumerable.Repeat("hello", 100)));
        Assert.AreEqual(77, row.Length);
        Assert.AreEqual(10, row[0]);
        Assert.AreEqual(11, row[76]);
        Assert.IsTrue(row[1..76].All(v => v == 8));
    }

    [TestMethod]
    public void ClipUnknownPieceIsAClearError()
    {
        var e = Assert.ThrowsExactly<ConceptDataException>(() => Clip().Tokenize("xyz"));
        StringAssert.Contains(e.Message, "vocab.json");
        StringAssert.Contains(e.Message, "not in the vocabulary");
    }

    [TestMethod]
    public void WordTokenizerFramesAndRejectsUnknownWords()
    {
        var t = new WordTokenizer(OrtFixtures.Path("text/words.txt"), 6);
        CollectionAssert.AreEqual(new long[] { 1, 3, 4, 5, 3, 2 }, t.Encode("A photo of a"));
        CollectionAssert.AreEqual(new long[] { 1, 6, 7, 2, 0, 0 }, t.Encode("DARK   bag"));
        CollectionAssert.AreEqual(new long[] { 1, 3, 3, 3, 3, 2 }, t.Encode("a a a a a a a"));
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => t.Encode("a shoe")).Message, "word 'shoe'");
    }
}
