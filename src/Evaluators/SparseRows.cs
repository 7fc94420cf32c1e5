using MlNetConcepts.IO;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// Sparse codes in compressed sparse row (CSR) form, as <c>mlnc sae encode --sparse</c> writes
/// them: row r holds the values <c>Values[RowStart[r]..RowStart[r+1]]</c> at columns
/// <c>Columns[…]</c>; every other entry is 0. Construction checks the structure and that
/// every stored value is finite, naming the source and the offending entry.
/// </summary>
public sealed class SparseRows
{
    private SparseRows(string name, long rows, int cols, long[] rowStart, int[] columns, float[] values)
    {
        Name = name;
        Rows = rows;
        Cols = cols;
        RowStart = rowStart;
        Columns = columns;
        Values = values;
    }

    /// <summary>Name used in error messages (the file).</summary>
    public string Name { get; }
    /// <summary>Number of rows N.</summary>
    public long Rows { get; }
    /// <summary>Number of columns K.</summary>
    public int Cols { get; }
    /// <summary>N + 1 offsets into <see cref="Columns"/> and <see cref="Values"/>, non-decreasing, from 0 to nnz.</summary>
    public long[] RowStart { get; }
    /// <summary>Column of each stored value, in [0, K).</summary>
    public int[] Columns { get; }
    /// <summary>The stored values.</summary>
    public float[] Values { get; }
    /// <summary>Number of stored values (nnz).</summary>
    public long Stored => RowStart[^1];

    /// <summary>Wraps CSR arrays after checking them.</summary>
    public static SparseRows Create(string name, long rows, int cols, long[] rowStart, int[] columns, float[] values)
    {
        if (rows < 1 || cols < 1) throw new ConceptDataException($"{name}: expected a non-empty matrix but the shape is ({rows}, {cols}).");
        if (rowStart.LongLength != rows + 1)
            throw new ConceptDataException($"{name}: indptr has {rowStart.LongLength} entries but {rows} rows need {rows + 1}.");
        if (columns.LongLength != values.LongLength)
            throw new ConceptDataException($"{name}: indices has {columns.LongLength} entries but values has {values.LongLength}.");
        if (rowStart[0] != 0 || rowStart[^1] != values.LongLength)
            throw new ConceptDataException($"{name}: indptr must run from 0 to {values.LongLength} (the number of values) but runs from {rowStart[0]} to {rowStart[^1]}.");
        for (long r = 0; r < rows; r++)
            if (rowStart[r + 1] < rowStart[r])
                throw new ConceptDataException($"{name}: indptr decreases at row {r} ({rowStart[r]} then {rowStart[r + 1]}).");
        for (long r = 0; r < rows; r++)
            for (long e = rowStart[r]; e < rowStart[r + 1]; e++)
            {
                if ((uint)columns[e] >= (uint)cols)
                    throw new ConceptDataException($"{name}: row {r} stores column {columns[e]}, outside [0, {cols}).");
                if (!float.IsFinite(values[e]))
                    throw new ConceptDataException($"{name}: value {values[e]} at row {r}, column {columns[e]} is not finite.");
            }
        return new SparseRows(name, rows, cols, rowStart, columns, values);
    }

    /// <summary>
    /// Reads a <c>.npz</c> archive holding <c>indptr</c>, <c>indices</c>, <c>values</c> and
    /// <c>shape</c> (the layout of <c>mlnc sae encode --sparse</c>).
    /// </summary>
    public static SparseRows ReadNpz(string path)
    {
        var arrays = NpzFile.Read(path);
        NdArray Member(string key) => arrays.TryGetValue(key, out var a) ? a
            : throw new ConceptDataException($"{path}: sparse codes need the arrays indptr, indices, values and shape; '{key}' is missing (found: {string.Join(", ", arrays.Keys)}).");
        var shape = Member("shape").ToInt64();
        if (shape.Length != 2) throw new ConceptDataException($"{path}[shape]: expected 2 entries (rows, columns), got {shape.Length}.");
        if (shape[1] > int.MaxValue) throw new ConceptDataException($"{path}[shape]: {shape[1]} columns are too many.");
        var indices = Member("indices").ToInt64();
        var columns = new int[indices.LongLength];
        for (long i = 0; i < indices.LongLength; i++)
            columns[i] = indices[i] is >= 0 and <= int.MaxValue ? (int)indices[i]
                : throw new ConceptDataException($"{path}[indices]: entry {i} is {indices[i]}, outside [0, {shape[1]}).");
        return Create(path, shape[0], (int)shape[1], Member("indptr").ToInt64(), columns, Member("values").ToFloat32());
    }
}
