using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetConcepts.Transforms.Steering;

/// <summary>
/// The output of <see cref="SteeringTransformer.Transform"/>: the input's columns, passed through,
/// plus the steered model output, computed for a row when its getter is first called.
/// </summary>
internal sealed class SteeredDataView(SteeringTransformer transformer, IDataView source) : IDataView
{
    private readonly DataViewSchema.Column _input = transformer.CheckInput(source.Schema);

    public bool CanShuffle => false;
    public DataViewSchema Schema { get; } = transformer.GetOutputSchema(source.Schema);
    public long? GetRowCount() => source.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.ToList();
        var fromSource = needed.Where(c => c.Index < source.Schema.Count).Select(c => source.Schema[c.Index]).ToList();
        bool output = needed.Any(c => c.Index == source.Schema.Count);
        if (output && !fromSource.Any(c => c.Index == _input.Index)) fromSource.Add(_input);
        return new Cursor(this, source.GetRowCursor(fromSource), output);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(SteeredDataView view, DataViewRowCursor source, bool outputActive) : DataViewRowCursor
    {
        private readonly ValueGetter<VBuffer<float>>? _read = outputActive ? source.GetGetter<VBuffer<float>>(view._input) : null;
        private VBuffer<float> _in;
        private float[]? _out;
        private long _outPosition = -1;

        public override DataViewSchema Schema => view.Schema;
        public override long Position => source.Position;
        public override long Batch => source.Batch;
        public override bool MoveNext() => source.MoveNext();
        public override ValueGetter<DataViewRowId> GetIdGetter() => source.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column)
            => column.Index == view.Schema.Count - 1 ? outputActive : source.IsColumnActive(source.Schema[column.Index]);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index < view.Schema.Count - 1) return source.GetGetter<TValue>(source.Schema[column.Index]);
            if (!outputActive) throw new InvalidOperationException($"column '{column.Name}' was not requested when the cursor was made.");
            if (typeof(TValue) != typeof(VBuffer<float>)) throw new InvalidOperationException($"column '{column.Name}' is a vector of Single, not {typeof(TValue).Name}.");
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> dst) =>
            {
                if (_outPosition != source.Position)
                {
                    _read!(ref _in);
                    var x = new float[_in.Length];
                    _in.CopyTo(x);
                    _out = view.RunRow(x);
                    _outPosition = source.Position;
                }
                var editor = VBufferEditor.Create(ref dst, _out!.Length);
                _out.CopyTo(editor.Values);
                dst = editor.Commit();
            };
            return (ValueGetter<TValue>)(Delegate)getter;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) source.Dispose();
            base.Dispose(disposing);
        }
    }

    private float[] RunRow(float[] row) => transformer.Run(row, 1);
}
