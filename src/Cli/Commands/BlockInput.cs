using MlNetConcepts.Evaluators;
using MlNetConcepts.IO;

namespace MlNetConcepts.Cli;

/// <summary>
/// A dense <c>.npy</c> input read in blocks: float32 files are memory-mapped (any size); other
/// numeric types are converted in memory, which needs them to fit in one array.
/// </summary>
internal sealed class BlockInput : IDisposable
{
    private readonly NpyMappedMatrix? _mapped;

    private BlockInput(RowBlocks blocks, NpyMappedMatrix? mapped)
    {
        Blocks = blocks;
        _mapped = mapped;
    }

    /// <summary>The rows, block by block.</summary>
    public RowBlocks Blocks { get; }

    public static BlockInput Open(string path)
    {
        var (type, shape) = NpyFile.ReadShape(path);
        if (type == NdType.Float32 && shape.Length is 1 or 2)
        {
            var mapped = NpyMappedMatrix.Open(path);
            return new BlockInput(RowBlocks.Of(mapped), mapped);
        }
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count > Array.MaxLength)
            throw new ConceptDataException($"{path}: {count} {NdArray.NumpyName(type)} values are too many to convert in memory; save the array as float32 (<f4) so it can be read in blocks.");
        return new BlockInput(RowBlocks.Of(DenseMatrix.ReadNpy(path)), null);
    }

    public void Dispose() => _mapped?.Dispose();
}
