namespace MlNetConcepts.Data;

/// <summary>
/// A lazy, schema'd table read through batched cursors (the shape of ML.NET's IDataView, with
/// whole blocks of rows per step). Views are immutable; transforms return new views that
/// compute their columns when a cursor asks for them.
/// </summary>
public interface IConceptView
{
    /// <summary>The default number of rows per block.</summary>
    public const int DefaultBatchSize = 1024;

    /// <summary>The columns of the view.</summary>
    ViewSchema Schema { get; }

    /// <summary>The number of rows, or null when it is only known after a full pass.</summary>
    long? RowCount { get; }

    /// <summary>
    /// Opens a cursor over the rows in order, <paramref name="batchSize"/> rows per block. When
    /// <paramref name="columns"/> is given, only those columns need to be produced; reading any
    /// other column from the cursor is then an error.
    /// </summary>
    IBatchCursor GetCursor(int batchSize = DefaultBatchSize, IReadOnlyCollection<string>? columns = null);
}
