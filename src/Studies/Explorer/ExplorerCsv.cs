using System.Globalization;
using System.Text;

namespace MlNetConcepts.Studies.Explorer;

/// <summary>
/// A CSV table read as text (RFC 4180: quoted fields may hold commas, quotes and line breaks), with
/// typed lookups that name the file and column on bad input. The study's CSVs and those of later
/// steps (naming) are read through it.
/// </summary>
internal sealed class ExplorerCsv
{
    private readonly Dictionary<string, int> _columns;
    private readonly List<string[]> _rows;

    private ExplorerCsv(string path, string[] header, List<string[]> rows)
    {
        Path = path;
        _columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < header.Length; i++) _columns.TryAdd(header[i].Trim(), i);
        _rows = rows;
    }

    public string Path { get; }
    public int Rows => _rows.Count;
    public bool Has(string column) => _columns.ContainsKey(column);

    public static ExplorerCsv Read(string path)
    {
        var records = Parse(File.ReadAllText(path));
        if (records.Count == 0) throw new ConceptDataException($"{path}: empty CSV (no header).");
        var header = records[0];
        for (int r = 1; r < records.Count; r++)
            if (records[r].Length != header.Length)
                throw new ConceptDataException($"{path}: line {r + 1} has {records[r].Length} fields, the header has {header.Length}.");
        return new ExplorerCsv(path, header, records.Skip(1).ToList());
    }

    public string Text(int row, string column) => _rows[row][Index(column)];

    /// <summary>A number; "NaN" and an empty field are NaN.</summary>
    public double Number(int row, string column)
    {
        var s = Text(row, column).Trim();
        if (s.Length == 0) return double.NaN;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            throw new ConceptDataException($"{Path}: column '{column}', line {row + 2}: '{s}' is not a number.");
        return v;
    }

    public int Integer(int row, string column)
    {
        double v = Number(row, column);
        if (double.IsNaN(v) || v != Math.Floor(v) || v < int.MinValue || v > int.MaxValue)
            throw new ConceptDataException($"{Path}: column '{column}', line {row + 2}: '{Text(row, column)}' is not an integer.");
        return (int)v;
    }

    private int Index(string column) => _columns.TryGetValue(column, out int i) ? i
        : throw new ConceptDataException($"{Path}: no column '{column}' (columns: {string.Join(", ", _columns.Keys)}).");

    private static List<string[]> Parse(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false, any = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
                continue;
            }
            switch (c)
            {
                case '"': quoted = true; any = true; break;
                case ',': fields.Add(field.ToString()); field.Clear(); any = true; break;
                case '\r': break;
                case '\n':
                    if (any || field.Length > 0) { fields.Add(field.ToString()); records.Add([.. fields]); }
                    fields.Clear(); field.Clear(); any = false;
                    break;
                default: field.Append(c); any = true; break;
            }
        }
        if (any || field.Length > 0) { fields.Add(field.ToString()); records.Add([.. fields]); }
        return records;
    }
}
