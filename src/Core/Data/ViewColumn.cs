namespace MlNetConcepts.Data;

/// <summary>
/// One column of a <see cref="ViewSchema"/>: its name, position, type and annotations.
/// Annotations carry metadata such as slot names (concept labels) for vector columns.
/// </summary>
public sealed class ViewColumn
{
    /// <summary>The annotation key under which slot names are stored.</summary>
    public const string SlotNamesKey = "SlotNames";

    /// <summary>Creates a column description.</summary>
    public ViewColumn(string name, ColumnType type, IReadOnlyDictionary<string, object>? annotations = null)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A column needs a non-empty name.", nameof(name));
        Name = name;
        Type = type;
        Annotations = annotations ?? new Dictionary<string, object>();
    }

    /// <summary>Column name (unique within a schema).</summary>
    public string Name { get; }

    /// <summary>Element type, width and storage.</summary>
    public ColumnType Type { get; }

    /// <summary>Position in the schema; set when the schema is built.</summary>
    public int Index { get; internal set; }

    /// <summary>Metadata attached to the column (e.g. <see cref="SlotNamesKey"/>).</summary>
    public IReadOnlyDictionary<string, object> Annotations { get; }

    /// <summary>Slot names of a vector column, or null when none were attached.</summary>
    public IReadOnlyList<string>? SlotNames =>
        Annotations.TryGetValue(SlotNamesKey, out var v) ? v as IReadOnlyList<string> : null;

    /// <summary>A copy of this column with slot names attached (their count must equal the width).</summary>
    public ViewColumn WithSlotNames(IReadOnlyList<string> names)
    {
        if (names.Count != Type.VectorSize)
            throw new ConceptDataException($"Column '{Name}' has {Type.VectorSize} slots but {names.Count} slot names were given.");
        var ann = new Dictionary<string, object>(Annotations) { [SlotNamesKey] = names.ToArray() };
        return new ViewColumn(Name, Type, ann);
    }

    /// <summary>A copy of this column under another name.</summary>
    public ViewColumn Renamed(string name) => new(name, Type, Annotations);

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Type}";
}
