using MlNetConcepts.Imaging;
using MlNetConcepts.IO;
using MlNetConcepts.Studies.Runner;

namespace MlNetConcepts.Studies.Report;

/// <summary>
/// Finds the picture behind a study row for collages: an IDX image file (e.g. Fashion-MNIST,
/// images × height × width bytes) with an optional per-row image index (−1 for rows without one,
/// such as captions).
/// </summary>
internal sealed class StudyImageSource
{
    private readonly NdArray _images;
    private readonly int[]? _index;
    private readonly int _height, _width, _channels;

    private StudyImageSource(NdArray images, int[]? index)
    {
        _images = images;
        _index = index;
        _height = (int)images.Shape[1];
        _width = (int)images.Shape[2];
        _channels = images.Rank == 4 ? (int)images.Shape[3] : 1;
    }

    /// <summary>The source for a layer's images, or null when its rows reference none.</summary>
    public static StudyImageSource? Open(StudyImages? spec)
    {
        if (spec?.Idx is not string idx) return null;
        var images = IdxFile.Read(idx);
        if (images.Rank is not (3 or 4) || images.Type != NdType.UInt8 || (images.Rank == 4 && images.Shape[3] is not (1 or 3)))
            throw new ConceptDataException($"{idx}: expected uint8 images (count × height × width[× channels]), got {NdArray.NumpyName(images.Type)} {images.ShapeText}.");
        var index = spec.Index is null ? null : NpyFile.Read(spec.Index).ToInt32();
        return new StudyImageSource(images, index);
    }

    /// <summary>The image of a row, or null when the row has none.</summary>
    public PixelImage? ForRow(int row)
    {
        int i = _index is null ? row : _index[row];
        if (i < 0 || i >= _images.Shape[0]) return null;
        int size = _height * _width * _channels;
        var px = new byte[size];
        Array.Copy((byte[])_images.Data, (long)i * size, px, 0, size);
        return new PixelImage(_width, _height, _channels, px);
    }
}
