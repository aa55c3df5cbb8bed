using FastArm.Devices.Registers;
using NUnit.Framework;

namespace FastArm.Tests.Devices;

/// <summary>The register kit for APB PrimeCell frames (no byte lanes) and the shared RIS/IMSC/MIS/ICR block.</summary>
public class ApbRegisterMapTests
{
    private sealed class Dev
    {
        public readonly MaskedInterrupts Int = new(0x3);
        public readonly List<ulong> Writes = [];
        public int Samples;
        public static readonly RegisterMap<Dev> Map = new("apb", 0x1000,
        [
            Reg.Stored<Dev>(0x00, "CTRL", reset: 0x0300, writable: 0xFF87),
            Reg.Live<Dev>(0x04, "DATA", (_, _) => 0x1234_5678, (d, _, v, _) => d.Writes.Add(v)),
            Reg.Live<Dev>(0x08, "STATUS", (_, _) => 0x90, Reg.Ignore),
            .. MaskedInterrupts.Registers<Dev>("X", d => d.Int, imsc: 0x10, ris: 0x14, mis: 0x18, icr: 0x1C, sample: d => d.Samples++),
            .. Reg.PrimeCellIds<Dev>([1, 2, 3, 4, 5, 6, 7, 8]),
        ], NarrowAccess.WholeRegister);
    }

    private static (RegisterBlock<Dev> Block, Dev Dev, List<string> Trace) Make()
    {
        var dev = new Dev();
        var trace = new List<string>();
        return (new RegisterBlock<Dev>(Dev.Map, dev, trace.Add), dev, trace);
    }

    [Test]
    public void ByteHalfAndWordAccessesAtARegistersOffsetReachTheWholeRegister()
    {
        var (b, dev, trace) = Make();
        Assert.That(b.Read(0x04, 1), Is.EqualTo(0x78UL));
        Assert.That(b.Read(0x04, 2), Is.EqualTo(0x5678UL));
        Assert.That(b.Read(0x04, 4), Is.EqualTo(0x1234_5678UL));
        b.Write(0x04, 0xFFFF_FF41, 1);
        Assert.That(dev.Writes, Is.EqualTo(new[] { 0x41UL }), "a byte write hands over the zero-extended byte");
        Assert.That(trace, Is.Empty);
    }

    [Test]
    public void ANarrowWriteReplacesTheWholeRegisterWithItsZeroExtendedValue()
    {
        var (b, _, _) = Make();
        Assert.That(b.Read(0x00, 4), Is.EqualTo(0x300UL));
        b.Write(0x00, 0x01, 1);
        Assert.That(b.Read(0x00, 4), Is.EqualTo(0x01UL), "no write strobes: bits 15:8 are written with zeros");
        b.Write(0x00, 0xFFFF, 2);
        Assert.That(b.Read(0x00, 4), Is.EqualTo(0xFF87UL), "reserved bits keep their reset value");
    }

    [Test]
    public void AccessesInsideARegisterOrOfEightBytesAreRazWiAndReportedOnceEach()
    {
        var (b, dev, trace) = Make();
        Assert.That(b.Read(0x05, 1), Is.Zero);
        Assert.That(b.Read(0x06, 2), Is.Zero);
        Assert.That(b.Read(0x04, 8), Is.Zero);
        b.Write(0x05, 1, 1);
        b.Write(0x04, 1, 8);
        b.Write(0x04, 1, 8);
        Assert.That(dev.Writes, Is.Empty);
        Assert.That(trace, Has.Count.EqualTo(5), string.Join("\n", trace));
        Assert.That(trace[0], Is.EqualTo("apb: 1-byte read at 0x005 of DATA not supported (RAZ/WI)"));
    }

    [Test]
    public void AnUnknownOffsetReadsZeroIgnoresWritesAndGivesOneTraceLinePerDirection()
    {
        var (b, _, trace) = Make();
        b.Write(0x04C, 0xFF, 4);
        Assert.That(b.Read(0x04C, 4), Is.Zero);
        Assert.That(b.Read(0x04C, 4), Is.Zero);
        Assert.That(trace, Is.EqualTo(new[]
        {
            "apb: 4-byte write of unknown offset 0x04c (RAZ/WI)",
            "apb: 4-byte read of unknown offset 0x04c (RAZ/WI)",
        }));
    }

    [Test]
    public void WritesToStatusRegistersAndReadsOfTheClearRegisterAreSilent()
    {
        var (b, _, trace) = Make();
        b.Write(0x08, 0, 4);
        b.Write(0x14, 3, 4);
        b.Write(0x18, 3, 4);
        Assert.That(b.Read(0x08, 4), Is.EqualTo(0x90UL));
        Assert.That(b.Read(0x1C, 4), Is.Zero);
        Assert.That(trace, Is.Empty);
    }

    [Test]
    public void ThePrimeCellIdentificationSitsAtTheEndOfTheFrame()
    {
        var (b, _, _) = Make();
        var id = Enumerable.Range(0, 8).Select(i => b.Read(0xFE0 + (ulong)i * 4, 4)).ToArray();
        Assert.That(id, Is.EqualTo(new ulong[] { 1, 2, 3, 4, 5, 6, 7, 8 }));
        Assert.That(b.Map.Definitions.Single(d => d.Offset == 0xFF0).Name, Is.EqualTo("PCellID0"));
    }

    [Test]
    public void TheInterruptOutputIsTheOrOfTheMaskedStatusAndChangesOnlyOnEdges()
    {
        var (b, dev, _) = Make();
        var levels = new List<bool>();
        dev.Int.Output = levels.Add;
        dev.Int.Raw = 2;
        dev.Int.Update();
        Assert.That(levels, Is.Empty, "masked");
        b.Write(0x10, 0xFF, 4);
        Assert.That(b.Read(0x10, 4), Is.EqualTo(3UL), "IMSC keeps the implemented bits");
        Assert.That(b.Read(0x18, 4), Is.EqualTo(2UL));
        Assert.That(dev.Samples, Is.EqualTo(1), "MIS reads sample the conditions first");
        dev.Int.Raw |= 1;
        dev.Int.Update();
        b.Write(0x1C, 2, 4);
        Assert.That(b.Read(0x14, 4), Is.EqualTo(1UL), "ICR clears the bits written as one");
        b.Write(0x1C, 0xFFFF, 4);
        Assert.That(levels, Is.EqualTo(new[] { true, false }));
        dev.Int.Raw = 1;
        dev.Int.Reset();
        Assert.That((dev.Int.Raw, dev.Int.Mask, dev.Int.Level), Is.EqualTo((0u, 0u, false)));
    }

    [Test]
    public void AFrameWithoutByteLanesRejectsSixtyFourBitRegisters()
    {
        Assert.Throws<ArgumentException>(() => _ = new RegisterMap<Dev>("bad", 0x100,
            [Reg.Const<Dev>(0x0, "WIDE", 0, width: 8)], NarrowAccess.WholeRegister));
    }
}
