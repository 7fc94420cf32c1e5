using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using MlNetConcepts.Imaging;

namespace MlNetConcepts.Tests.Core.Imaging;

[TestClass]
public sealed class PngWriterTests
{
    [TestMethod]
    public void Crc32MatchesTheStandardCheckValues()
    {
        // "123456789" → 0xCBF43926 is the published check value of CRC-32/ISO-HDLC; every PNG ends with IEND's CRC AE 42 60 82.
        Assert.AreEqual(0xCBF43926u, Crc32.Update(0xFFFFFFFFu, Encoding.ASCII.GetBytes("123456789")) ^ 0xFFFFFFFFu);
        var png = PngWriter.Encode(PixelImage.Filled(2, 2, 1, 0, 0, 0));
        CollectionAssert.AreEqual(new byte[] { 0xAE, 0x42, 0x60, 0x82 }, png[^4..]);
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(3)]
    [DataRow(4)]
    public void ScanlinesDecodeBackToThePixels(int channels)
    {
        var rng = new Random(5);
        int w = 7, h = 5;
        var px = new byte[w * h * channels];
        rng.NextBytes(px);
        var png = PngWriter.Encode(new PixelImage(w, h, channels, px));

        CollectionAssert.AreEqual(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }, png[..8]);
        var chunks = ReadChunks(png);
        var ihdr = chunks.Single(c => c.Type == "IHDR").Data;
        Assert.AreEqual((uint)w, BinaryPrimitives.ReadUInt32BigEndian(ihdr));
        Assert.AreEqual((uint)h, BinaryPrimitives.ReadUInt32BigEndian(ihdr.AsSpan(4)));
        Assert.AreEqual(channels switch { 1 => 0, 3 => 2, _ => 6 }, ihdr[9]);

        // Undo the filters with the specification's rules (types 0–4) to recover the pixels.
        var raw = Inflate(chunks.Where(c => c.Type == "IDAT").SelectMany(c => c.Data).ToArray());
        int stride = w * channels;
        var prev = new byte[stride];
        var decoded = new List<byte>();
        for (int y = 0; y < h; y++)
        {
            byte filter = raw[y * (stride + 1)];
            var line = raw.AsSpan(y * (stride + 1) + 1, stride).ToArray();
            for (int i = 0; i < stride; i++)
            {
                int a = i >= channels ? line[i - channels] : 0, b = prev[i], c = i >= channels ? prev[i - channels] : 0;
                line[i] = (byte)(line[i] + filter switch { 0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2, _ => Paeth(a, b, c) });
            }
            decoded.AddRange(line);
            prev = line;
        }
        CollectionAssert.AreEqual(px, decoded.ToArray());
    }

    [TestMethod]
    public void CollagePlacesCellsOnAGrid()
    {
        var black = PixelImage.Filled(2, 2, 1, 0, 0, 0);
        var collage = Collage.Build([black, black, black], cell: 4, columns: 2, gap: 1);
        Assert.AreEqual(2 * 4 + 3 * 1, collage.Width);
        Assert.AreEqual(2 * 4 + 3 * 1, collage.Height);
        Assert.AreEqual((0, 0, 0), ((int, int, int))collage.GetRgb(1, 1)); // first cell
        Assert.AreEqual((255, 255, 255), ((int, int, int))collage.GetRgb(0, 0)); // gap
        Assert.AreEqual((255, 255, 255), ((int, int, int))collage.GetRgb(7, 7)); // the empty fourth cell
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static byte[] Inflate(byte[] z)
    {
        using var input = new ZLibStream(new MemoryStream(z), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private static List<(string Type, byte[] Data)> ReadChunks(byte[] png)
    {
        var list = new List<(string, byte[])>();
        int at = 8;
        while (at < png.Length)
        {
            int len = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
            string type = Encoding.ASCII.GetString(png, at + 4, 4);
            list.Add((type, png.AsSpan(at + 8, len).ToArray()));
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + len));
            Assert.AreEqual(Crc32.Update(0xFFFFFFFFu, png.AsSpan(at + 4, 4 + len)) ^ 0xFFFFFFFFu, crc, $"CRC of {type}");
            at += 12 + len;
        }
        return list;
    }
}
