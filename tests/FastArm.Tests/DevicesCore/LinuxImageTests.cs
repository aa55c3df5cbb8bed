using System.Buffers.Binary;
using System.IO.Compression;
using FastArm.Devices.Boot;
using NUnit.Framework;

namespace FastArm.Tests.DevicesCore;

public class LinuxImageTests
{
    private static byte[] FakeImage(ulong textOffset = 0, ulong imageSize = 0x0201_0000, ulong flags = 0xA)
    {
        var b = new byte[4096];
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(8), textOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(16), imageSize);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(24), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(0x38), 0x644D5241);
        return b;
    }

    [Test]
    public void HeaderFieldsAreReadAsDebianKernelsWriteThem()
    {
        var h = LinuxImage.ParseHeader(FakeImage());
        Assert.That(h.ImageSize, Is.EqualTo(0x0201_0000UL));
        Assert.That(h.PageSizeKb, Is.EqualTo(4));
        Assert.That(h.PlaceAnywhere, Is.True);
        Assert.That(h.BigEndian, Is.False);
    }

    [Test]
    public void NonImageAndBigEndianKernelsAreRejectedWithAMessage()
    {
        Assert.That(() => LinuxImage.ParseHeader(new byte[100]), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("magic"));
        Assert.That(() => LinuxImage.ParseHeader(FakeImage(flags: 1)), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("big-endian"));
    }

    [Test]
    public void GzipImageIsUnpackedAndGarbageGzipIsRejected()
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(FakeImage());
        Assert.That(LinuxImage.IsImage(LinuxImage.Unpack(ms.ToArray())), Is.True);
        Assert.Throws<InvalidDataException>(() => LinuxImage.Unpack([0x1F, 0x8B, 8, 0, 1, 2, 3]));
    }

    [Test]
    public void LayoutKeepsAlignmentAndRoomForTheKernelImageSize()
    {
        var h = LinuxImage.ParseHeader(FakeImage());
        var l = LinuxImage.Place(0x4000_0000, 1UL << 30, h, 32_956_352, 1_500_000, 0x2000);
        Assert.That(l.KernelAddress % (2 << 20), Is.EqualTo(0UL));
        Assert.That(l.KernelEnd - l.KernelAddress, Is.GreaterThanOrEqualTo(0x0201_0000UL));
        Assert.That(l.InitrdAddress, Is.GreaterThanOrEqualTo(l.KernelEnd));
        Assert.That(l.DtbAddress % 8, Is.EqualTo(0UL));
        Assert.That(l.DtbAddress, Is.GreaterThanOrEqualTo(l.InitrdEnd));
    }

    [Test]
    public void TooLittleRamIsReported()
    {
        var h = LinuxImage.ParseHeader(FakeImage());
        Assert.That(() => LinuxImage.Place(0x4000_0000, 16 << 20, h, 32_956_352, 0, 0x2000),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("MiB of RAM"));
    }
}
