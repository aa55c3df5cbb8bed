using FastArm.Devices.Registers;
using NUnit.Framework;

namespace FastArm.Tests.Devices;

public class GicRegisterMapTests
{
    private sealed class Dev
    {
        public ulong Live = 0x1234_5678;
        public readonly List<(int Index, ulong Value, ulong Mask)> Writes = [];
        public static readonly RegisterMap<Dev> Map = new("dev", 0x100,
        [
            Reg.Stored<Dev>(0x00, "CTRL", reset: 0xA5, writable: 0xFF),
            Reg.Const<Dev>(0x04, "ID", 0xCAFE),
            Reg.Live<Dev>(0x08, "LIVE", (d, _) => d.Live, (d, i, v, m) => d.Writes.Add((i, v, m))),
            Reg.Live<Dev>(0x10, "ARR", (d, i) => (ulong)(0x100 + i), (d, i, v, m) => d.Writes.Add((i, v, m)), count: 4, sizes: AccessSizes.ByteOrWord),
            Reg.Live<Dev>(0x20, "WIDE", (d, _) => 0x1122_3344_5566_7788, (d, i, v, m) => d.Writes.Add((i, v, m)), width: 8),
            Reg.WriteOnly<Dev>(0x30, "CMD", (d, i, v, m) => d.Writes.Add((i, v, m))),
        ]);
    }

    private static (RegisterBlock<Dev> Block, Dev Dev, List<string> Trace) Make()
    {
        var dev = new Dev();
        var trace = new List<string>();
        return (new RegisterBlock<Dev>(Dev.Map, dev, trace.Add), dev, trace);
    }

    [Test]
    public void StorageRegistersStartAtTheirResetValueAndKeepOnlyWritableBits()
    {
        var (b, _, _) = Make();
        Assert.That(b.Read(0x00, 4), Is.EqualTo(0xA5UL));
        b.Write(0x00, 0xFFFF_FF3C, 4);
        Assert.That(b.Read(0x00, 4), Is.EqualTo(0x3CUL));
        b.Reset();
        Assert.That(b.Read(0x00, 4), Is.EqualTo(0xA5UL));
    }

    [Test]
    public void UnknownOffsetsReadAsZeroIgnoreWritesAndAreReportedOnce()
    {
        var (b, dev, trace) = Make();
        Assert.That(b.Read(0x40, 4), Is.EqualTo(0UL));
        Assert.That(b.Read(0x40, 4), Is.EqualTo(0UL));
        b.Write(0x40, 1, 4);
        b.Write(0x1000, 1, 4);   // beyond the frame
        Assert.That(trace, Has.Count.EqualTo(3));
        Assert.That(trace[0], Does.Contain("0x40"));
        Assert.That(dev.Writes, Is.Empty);
    }

    [Test]
    public void AccessSizesTheRegisterDoesNotTakeAreRazWi()
    {
        var (b, dev, trace) = Make();
        Assert.That(b.Read(0x08, 1), Is.EqualTo(0UL));      // word-only register
        b.Write(0x08, 0xFF, 2);
        Assert.That(b.Read(0x04, 8), Is.EqualTo(0UL));      // wider than the register
        Assert.That(dev.Writes, Is.Empty);
        Assert.That(trace, Has.Count.EqualTo(3));
    }

    [Test]
    public void ByteAccessesToByteFieldsCarryTheirPlaceAndMask()
    {
        var (b, dev, _) = Make();
        // ARR[1] at 0x14 reads 0x101.
        Assert.That(b.Read(0x14, 1), Is.EqualTo(0x01UL));
        Assert.That(b.Read(0x15, 1), Is.EqualTo(0x01UL));
        Assert.That(b.Read(0x16, 1), Is.EqualTo(0x00UL));
        Assert.That(b.Read(0x18, 4), Is.EqualTo(0x102UL));
        b.Write(0x1A, 0xAB, 1);
        Assert.That(dev.Writes, Is.EqualTo(new[] { (2, 0xAB_0000UL, 0xFF_0000UL) }));
    }

    [Test]
    public void SixtyFourBitRegistersTakeWholeAndHalfAccesses()
    {
        var (b, dev, _) = Make();
        Assert.That(b.Read(0x20, 8), Is.EqualTo(0x1122_3344_5566_7788UL));
        Assert.That(b.Read(0x20, 4), Is.EqualTo(0x5566_7788UL));
        Assert.That(b.Read(0x24, 4), Is.EqualTo(0x1122_3344UL));
        b.Write(0x24, 0xDEAD, 4);
        Assert.That(dev.Writes[^1], Is.EqualTo((0, 0xDEAD_0000_0000UL, 0xFFFF_FFFF_0000_0000UL)));
        Assert.That(b.Read(0x24, 8), Is.EqualTo(0UL));      // misaligned 64-bit access
    }

    [Test]
    public void ReadOnlyAndWriteOnlyRegistersIgnoreTheOtherDirection()
    {
        var (b, dev, trace) = Make();
        b.Write(0x04, 0, 4);
        Assert.That(b.Read(0x04, 4), Is.EqualTo(0xCAFEUL));
        Assert.That(b.Read(0x30, 4), Is.EqualTo(0UL));
        b.Write(0x30, 7, 4);
        Assert.That(dev.Writes, Is.EqualTo(new[] { (0, 7UL, 0xFFFF_FFFFUL) }));
        Assert.That(trace, Has.Count.EqualTo(2));
    }

    [Test]
    public void OverlappingDeclarationsAreRejectedAtStartUp()
    {
        Assert.Throws<ArgumentException>(() => _ = new RegisterMap<Dev>("bad", 0x10,
            [Reg.Const<Dev>(0x0, "A", 0, width: 8), Reg.Const<Dev>(0x4, "B", 0)]));
    }
}
