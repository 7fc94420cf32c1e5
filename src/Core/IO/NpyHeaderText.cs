using System.Globalization;

namespace MlNetConcepts.IO;

/// <summary>
/// Parses the Python dict literal of a <c>.npy</c> header, e.g.
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 4), }</c>. Only the literal forms
/// numpy writes are accepted (quoted strings, True/False, a tuple of integers); anything else is
/// a clear error rather than a guess.
/// </summary>
internal static class NpyHeaderText
{
    public static (string Descr, bool Fortran, long[] Shape) Parse(string text, string source)
    {
        string? descr = null;
        bool? fortran = null;
        long[]? shape = null;
        var t = text.Trim();
        if (!t.StartsWith('{') || !t.EndsWith('}')) throw Malformed(source, "the header is not a dict literal");
        int i = 1;
        while (i < t.Length - 1)
        {
            SkipSpace(t, ref i);
            if (t[i] == '}') break;
            string key = ReadString(t, ref i, source);
            SkipSpace(t, ref i);
            Expect(t, ref i, ':', source);
            SkipSpace(t, ref i);
            switch (key)
            {
                case "descr": descr = ReadString(t, ref i, source); break;
                case "fortran_order":
                    if (t.AsSpan(i).StartsWith("True")) { fortran = true; i += 4; }
                    else if (t.AsSpan(i).StartsWith("False")) { fortran = false; i += 5; }
                    else throw Malformed(source, "fortran_order is neither True nor False");
                    break;
                case "shape": shape = ReadTuple(t, ref i, source); break;
                default: throw Malformed(source, $"unexpected key '{key}'");
            }
            SkipSpace(t, ref i);
            if (i < t.Length && t[i] == ',') i++;
            else if (i < t.Length && t[i] != '}') throw Malformed(source, $"expected ',' or '}}' at position {i}");
        }
        if (descr is null || fortran is null || shape is null)
            throw Malformed(source, "descr, fortran_order or shape is missing");
        return (descr, fortran.Value, shape);
    }

    private static ConceptDataException Malformed(string source, string why) => new($"{source}: malformed .npy header ({why}).");

    private static void SkipSpace(string t, ref int i) { while (i < t.Length && char.IsWhiteSpace(t[i])) i++; }

    private static void Expect(string t, ref int i, char c, string source)
    {
        if (i >= t.Length || t[i] != c) throw Malformed(source, $"expected '{c}' at position {i}");
        i++;
    }

    private static string ReadString(string t, ref int i, string source)
    {
        if (i >= t.Length || (t[i] != '\'' && t[i] != '"')) throw Malformed(source, $"expected a quoted string at position {i}");
        char q = t[i++];
        int end = t.IndexOf(q, i);
        if (end < 0) throw Malformed(source, "unterminated string");
        var s = t[i..end];
        i = end + 1;
        return s;
    }

    private static long[] ReadTuple(string t, ref int i, string source)
    {
        Expect(t, ref i, '(', source);
        int end = t.IndexOf(')', i);
        if (end < 0) throw Malformed(source, "the shape tuple is not closed");
        var parts = t[i..end].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        i = end + 1;
        var shape = new long[parts.Length];
        for (int k = 0; k < parts.Length; k++)
        {
            // Python 2 era files may carry a 'L' suffix on longs.
            if (!long.TryParse(parts[k].TrimEnd('L'), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out shape[k]))
                throw Malformed(source, $"shape entry '{parts[k]}' is not an integer");
        }
        return shape;
    }
}
