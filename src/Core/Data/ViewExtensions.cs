namespace MlNetConcepts.Data;

/// <summary>Helpers that read whole columns of a view into arrays.</summary>
public static class ViewExtensions
{
    /// <summary>
    /// Reads a float vector column (dense or sparse) into one row-major array.
    /// Only for data that fits in memory; streaming consumers should use a cursor.
    /// </summary>
    public static float[] ReadMatrix(this IConceptView view, string column, out int rows, out int width)
    {
        var col = view.Schema.RequireVector(column);
        width = col.Type.VectorSize;
        var parts = new List<float[]>();
        long total = 0;
        using (var cursor = view.GetCursor(columns: [column]))
        {
            while (cursor.MoveNext())
            {
                var block = cursor.GetFloats(col.Index).ToArray();
                parts.Add(block);
                total += block.Length;
            }
        }
        if (total > Array.MaxLength) throw new ConceptDataException($"Column '{column}' has {total} values, too many for one array; stream it with a cursor.");
        var result = new float[total];
        int at = 0;
        foreach (var p in parts) { p.CopyTo(result, at); at += p.Length; }
        rows = (int)(total / width);
        return result;
    }

    /// <summary>Reads an Int32 scalar column into an array.</summary>
    public static int[] ReadInt32s(this IConceptView view, string column)
    {
        var col = view.Schema[column];
        var list = new List<int>();
        using var cursor = view.GetCursor(columns: [column]);
        while (cursor.MoveNext()) list.AddRange(cursor.GetInt32s(col.Index).ToArray());
        return list.ToArray();
    }

    /// <summary>Reads a string column into an array.</summary>
    public static string[] ReadStrings(this IConceptView view, string column)
    {
        var col = view.Schema[column];
        var list = new List<string>();
        using var cursor = view.GetCursor(columns: [column]);
        while (cursor.MoveNext()) list.AddRange(cursor.GetStrings(col.Index));
        return list.ToArray();
    }

    /// <summary>Counts rows, with a pass over the data when the view does not know.</summary>
    public static long CountRows(this IConceptView view)
    {
        if (view.RowCount is long n) return n;
        long count = 0;
        using var cursor = view.GetCursor(columns: [view.Schema[0].Name]);
        while (cursor.MoveNext()) count += cursor.BatchRows;
        return count;
    }
}
