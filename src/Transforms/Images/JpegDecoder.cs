using System.Runtime.InteropServices;

namespace MlNetConcepts.Transforms.Images;

/// <summary>
/// JPEG decoding through the TurboJPEG C API of libjpeg-turbo (Debian <c>libturbojpeg0</c>):
/// <c>tjInitDecompress</c>, <c>tjDecompressHeader3</c>, <c>tjDecompress2</c> into RGB (or grey
/// for greyscale JPEGs), <c>tjDestroy</c>; errors carry <c>tjGetErrorStr2</c>'s text.
/// </summary>
public static unsafe class JpegDecoder
{
    private const int PixelFormatRgb = 0;   // TJPF_RGB
    private const int PixelFormatGray = 6;  // TJPF_GRAY
    private const int ColorspaceGray = 2;   // TJCS_GRAY

    private static readonly Lazy<Api> Native = new(Load);

    /// <summary>Whether <paramref name="head"/> starts with a JPEG SOI marker.</summary>
    public static bool IsJpeg(ReadOnlySpan<byte> head) => head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF;

    /// <summary>Decodes JPEG bytes; <paramref name="source"/> names the file in errors.</summary>
    public static RasterImage Decode(byte[] data, string source)
    {
        if (!IsJpeg(data)) throw new ConceptDataException($"{source}: not a JPEG file (no SOI marker).");
        var api = Native.Value;
        IntPtr h = api.InitDecompress();
        if (h == IntPtr.Zero) throw new ConceptDataException($"{source}: TurboJPEG could not create a decompressor.");
        try
        {
            int w, ht, subsamp, colorspace;
            fixed (byte* p = data)
            {
                if (api.DecompressHeader3(h, p, new CULong((nuint)data.Length), &w, &ht, &subsamp, &colorspace) != 0)
                    throw new ConceptDataException($"{source}: corrupt or unsupported JPEG ({Error(api, h)}).");
                if (w <= 0 || ht <= 0) throw new ConceptDataException($"{source}: corrupt JPEG (size {w}×{ht}).");
                int channels = colorspace == ColorspaceGray ? 1 : 3;
                var pixels = new byte[checked((long)w * ht * channels)];
                fixed (byte* dst = pixels)
                {
                    // Flags 0: accurate enough defaults; warnings (e.g. premature end) are treated as errors
                    // by the return code so truncated files are reported, not silently grey-filled.
                    if (api.Decompress2(h, p, new CULong((nuint)data.Length), dst, w, 0, ht, channels == 1 ? PixelFormatGray : PixelFormatRgb, 0) != 0)
                        throw new ConceptDataException($"{source}: corrupt JPEG ({Error(api, h)}).");
                }
                var f = new float[pixels.Length];
                for (int i = 0; i < f.Length; i++) f[i] = pixels[i];
                return new RasterImage(w, ht, channels, f);
            }
        }
        finally { api.Destroy(h); }
    }

    private static string Error(Api api, IntPtr h) => Marshal.PtrToStringUTF8(api.GetErrorStr2(h)) ?? "unknown error";

    private sealed class Api
    {
        public delegate* unmanaged<IntPtr> InitDecompress;
        public delegate* unmanaged<IntPtr, byte*, CULong, int*, int*, int*, int*, int> DecompressHeader3;
        public delegate* unmanaged<IntPtr, byte*, CULong, byte*, int, int, int, int, int, int> Decompress2;
        public delegate* unmanaged<IntPtr, int> Destroy;
        public delegate* unmanaged<IntPtr, IntPtr> GetErrorStr2;
    }

    private static Api Load()
    {
        string[] names = OperatingSystem.IsWindows() ? ["turbojpeg.dll"] : OperatingSystem.IsMacOS() ? ["libturbojpeg.0.dylib", "libturbojpeg.dylib"] : ["libturbojpeg.so.0", "libturbojpeg.so"];
        foreach (var name in names)
        {
            if (!NativeLibrary.TryLoad(name, out var lib)) continue;
            return new Api
            {
                InitDecompress = (delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(lib, "tjInitDecompress"),
                DecompressHeader3 = (delegate* unmanaged<IntPtr, byte*, CULong, int*, int*, int*, int*, int>)NativeLibrary.GetExport(lib, "tjDecompressHeader3"),
                Decompress2 = (delegate* unmanaged<IntPtr, byte*, CULong, byte*, int, int, int, int, int, int>)NativeLibrary.GetExport(lib, "tjDecompress2"),
                Destroy = (delegate* unmanaged<IntPtr, int>)NativeLibrary.GetExport(lib, "tjDestroy"),
                GetErrorStr2 = (delegate* unmanaged<IntPtr, IntPtr>)NativeLibrary.GetExport(lib, "tjGetErrorStr2"),
            };
        }
        throw new ConceptDataException($"TurboJPEG ({string.Join(" or ", names)}) is not installed; run './run.sh setup' (Debian package libturbojpeg0) to decode JPEG images.");
    }
}
