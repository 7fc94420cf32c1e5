using MlNetConcepts.Data;

namespace MlNetConcepts.Tests.Core.Data;

[TestClass]
public sealed class InMemoryViewTests
{
    [TestMethod]
    public void BlocksCoverAllRowsContiguously()
    {
        var data = Enumerable.Range(0, 7 * 3).Select(i => (float)i).ToArray();
        var view = InMemoryView.Create().AddVector("X", data, 3).AddInt32s("Id", Enumerable.Range(0, 7).ToArray()).Build();
        var seen = new List<float>();
        var ids = new List<int>();
        using var cursor = view.GetCursor(batchSize: 3);
        while (cursor.MoveNext())
        {
            seen.AddRange(cursor.GetFloats(0).ToArray());
            ids.AddRange(cursor.GetInt32s(1).ToArray());
        }
        CollectionAssert.AreEqual(data, seen);
        CollectionAssert.AreEqual(Enumerable.Range(0, 7).ToArray(), ids);
    }

    [TestMethod]
    public void UnknownColumnNamesTheAvailableOnes()
    {
        var view = InMemoryView.FromMatrix("X", new float[6], 2);
        var e = Assert.ThrowsExactly<ConceptDataException>(() => view.Schema["Y"]);
        StringAssert.Contains(e.Message, "Unknown column 'Y'");
        StringAssert.Contains(e.Message, "X");
    }
}
