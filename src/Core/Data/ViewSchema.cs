using System.Collections;

namespace MlNetConcepts.Data;

/// <summary>
/// The ordered, named columns of a view. Look-ups by a name that is not there fail with an
/// error that lists the columns that are.
/// </summary>
public sealed class ViewSchema : IReadOnlyList<ViewColumn>
{
    private readonly ViewColumn[] _columns;
    private readonly Dictionary<string, int> _byName;

    /// <summary>Builds a schema; column names must be unique.</summary>
    public ViewSchema(IEnumerable<ViewColumn> columns)
    {
        _columns = columns.ToArray();
        _byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _columns.Length; i++)
        {
            if (!_byName.TryAdd(_columns[i].Name, i))
                throw new ConceptDataException($"Duplicate column name '{_columns[i].Name}' in schema.");
            _columns[i].Index = i;
        }
    }

    /// <inheritdoc />
    public ViewColumn this[int index] => _columns[index];

    /// <summary>The column with the given name; a clear error when there is none.</summary>
    public ViewColumn this[string name] => TryGet(name, out var c)
        ? c
        : throw new ConceptDataException($"Unknown column '{name}'. Available columns: {string.Join(", ", _columns.Select(x => x.Name))}.");

    /// <inheritdoc />
    public int Count => _columns.Length;

    /// <summary>Finds a column by name.</summary>
    public bool TryGet(string name, out ViewColumn column)
    {
        if (_byName.TryGetValue(name, out int i)) { column = _columns[i]; return true; }
        column = null!;
        return false;
    }

    /// <summary>True when a column of that name exists.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>
    /// Checks that a column exists and is a float vector (dense or sparse, as allowed); returns it.
    /// </summary>
    public ViewColumn RequireVector(string name, bool allowSparse = true, int? width = null)
    {
        var c = this[name];
        if (c.Type.Kind != DataKind.Float32 || !c.Type.IsVector || (c.Type.IsSparse && !allowSparse))
            throw new ConceptDataException($"Column '{name}' must be a {(allowSparse ? "" : "dense ")}float vector, but it is {c.Type}.");
        if (width is int w && c.Type.VectorSize != w)
            throw new ConceptDataException($"Column '{name}' has width {c.Type.VectorSize}, but {w} is required.");
        return c;
    }

    /// <summary>A new schema with columns appended (an existing column of the same name is replaced, as ML.NET hides it).</summary>
    public ViewSchema With(params ViewColumn[] added)
    {
        var names = new HashSet<string>(added.Select(a => a.Name));
        return new ViewSchema(_columns.Where(c => !names.Contains(c.Name)).Select(Clone).Concat(added));
    }

    private static ViewColumn Clone(ViewColumn c) => new(c.Name, c.Type, c.Annotations);

    /// <inheritdoc />
    public IEnumerator<ViewColumn> GetEnumerator() => ((IEnumerable<ViewColumn>)_columns).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => string.Join(", ", _columns.Select(c => c.ToString()));
}
