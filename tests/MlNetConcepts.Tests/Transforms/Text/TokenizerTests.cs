using System.Text.Json;
using MlNetConcepts.Transforms.Text;

namespace MlNetConcepts.Tests.Transforms.Text;

/// <summary>
/// Two oracles for the CLIP BPE (Python's open_clip/transformers are not available here):
/// ids worked out by hand from the tiny vocabulary in Fixtures/Ort/text (ids 0–23 hand-written;
/// the byte tokens a byte-level vocabulary needs are appended from 24 on), e.g. "hello" =
/// h e l l o&lt;/w&gt; → (h,e) rank 0 → he l l o&lt;/w&gt; → (l,l) rank 1 → he ll o&lt;/w&gt; → (he,ll) rank 2 →
/// hell o&lt;/w&gt; → rank 3 → hello&lt;/w&gt; = 8; and the outputs of the project's earlier hand-written
/// tokenizer on tricky strings over a CLIP-layout vocabulary (Fixtures/Text/clip_bpe, made by
/// tools/fixtures/clip_bpe_vocab.py, recorded by tools/fixtures/record_clip_bpe.fsx).
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
    public void ClipSpellsAnyTextWithByteTokens()
    {
        // x y z</w>: no merge applies, so each byte is its own token (appended ids, read from the vocabulary).
        var vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(OrtFixtures.Path("text/vocab.json")))!;
        CollectionAssert.AreEqual(new long[] { vocab["x"], vocab["y"], vocab["z</w>"] }, Clip().Tokenize("xyz"));
    }

    [TestMethod]
    public void ClipVocabularyWithoutByteTokensIsAClearError()
    {
        var dir = OrtFixtures.TempDir();
        try
        {
            var vocab = Path.Combine(dir, "vocab.json");
            File.WriteAllText(vocab, """{"h": 0, "<|startoftext|>": 1, "<|endoftext|>": 2}""");
            var e = Assert.ThrowsExactly<ConceptDataException>(() => new ClipBpeTokenizer(vocab, OrtFixtures.Path("text/merges.txt")));
            StringAssert.Contains(e.Message, vocab);
            StringAssert.Contains(e.Message, "not a byte-level CLIP vocabulary");
            File.WriteAllText(vocab, """{"h": 0}""");
            StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => new ClipBpeTokenizer(vocab, OrtFixtures.Path("text/merges.txt"))).Message, "'<|startoftext|>' is not in the vocabulary");
            var merges = Path.Combine(dir, "merges.txt");
            File.WriteAllText(merges, "#version: 0.2\nh e\nh e l\n");
            StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => new ClipBpeTokenizer(OrtFixtures.Path("text/vocab.json"), merges)).Message, "line 3 is not a merge");
        }
        finally { Directory.Delete(dir, true); }
    }

    private sealed record Recorded(string Text, long[] Ids, long[] Row);

    [TestMethod]
    public void ClipMatchesTheEarlierTokenizerOnTrickyStrings()
    {
        // Punctuation runs, digits, contractions ('s 't 're 've 'm 'll 'd), HTML entities, whitespace,
        // empty text, accents, combining marks, CJK, emoji, special tokens inside text, over-long text.
        string dir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Text", "clip_bpe");
        var tok = new ClipBpeTokenizer(Path.Combine(dir, "vocab.json"), Path.Combine(dir, "merges.txt"));
        var cases = JsonSerializer.Deserialize<Recorded[]>(File.ReadAllText(Path.Combine(dir, "expected.json")), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        Assert.IsTrue(cases.Length >= 20);
        foreach (var c in cases)
        {
            CollectionAssert.AreEqual(c.Ids, tok.Tokenize(c.Text), $"ids of '{c.Text}'");
            CollectionAssert.AreEqual(c.Row, tok.Encode(c.Text), $"row of '{c.Text}'");
        }
        // Hand-checked in CLIP's layout: "a</w>" is 320 (byte 'a' is the 65th printable byte, + 256);
        // digits are single pieces "0</w>" = 271 …; the start/end tokens are the last two ids.
        CollectionAssert.AreEqual(new long[] { 271, 272, 273 }, tok.Tokenize("012"));
        CollectionAssert.AreEqual(new long[] { 697, 320, 698, 0 }, tok.Encode("A")[..4]);
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
