using System.Buffers.Binary;
using FastArm.Devices.Boot;
using FastArm.Devices.HostIo;
using NUnit.Framework;

namespace FastArm.Tests.Devices;

/// <summary>Builds small ELF64 files byte by byte, so each malformation is exactly the one a test names.</summary>
internal sealed class ElfBuilder
{
    public ushort Machine = 183, Type = 2;
    public byte Class = 2, Data = 1;
    public ulong Entry = 0x4000_0000;
    public readonly List<(uint Type, ulong VAddr, ulong PAddr, byte[] Data, ulong MemSize)> Segments = [];

    public ElfBuilder Segment(ulong paddr, byte[] data, ulong? memSize = null, ulong? vaddr = null, uint type = 1)
    {
        Segments.Add((type, vaddr ?? paddr, paddr, data, memSize ?? (ulong)data.Length));
        return this;
    }

    public byte[] Build()
    {
        int phoff = 64, dataOff = phoff + 56 * Segments.Count;
        var b = new byte[dataOff + Segments.Sum(s => s.Data.Length)];
        "\u007fELF"u8.CopyTo(b);
        b[4] = Class; b[5] = Data; b[6] = 1;
        var s = b.AsSpan();
        BinaryPrimitives.WriteUInt16LittleEndian(s[16..], Type);
        BinaryPrimitives.WriteUInt16LittleEndian(s[18..], Machine);
        BinaryPrimitives.WriteUInt32LittleEndian(s[20..], 1);
        BinaryPrimitives.WriteUInt64LittleEndian(s[24..], Entry);
        BinaryPrimitives.WriteUInt64LittleEndian(s[32..], (ulong)phoff);
        BinaryPrimitives.WriteUInt16LittleEndian(s[52..], 64);
        BinaryPrimitives.WriteUInt16LittleEndian(s[54..], 56);
        BinaryPrimitives.WriteUInt16LittleEndian(s[56..], (ushort)Segments.Count);
        int off = dataOff;
        for (int i = 0; i < Segments.Count; i++)
        {
            var (type, va, pa, data, mem) = Segments[i];
            var p = s.Slice(phoff + 56 * i, 56);
            BinaryPrimitives.WriteUInt32LittleEndian(p, type);
            BinaryPrimitives.WriteUInt32LittleEndian(p[4..], 5);
            BinaryPrimitives.WriteUInt64LittleEndian(p[8..], (ulong)off);
            BinaryPrimitives.WriteUInt64LittleEndian(p[16..], va);
            BinaryPrimitives.WriteUInt64LittleEndian(p[24..], pa);
            BinaryPrimitives.WriteUInt64LittleEndian(p[32..], (ulong)data.Length);
            BinaryPrimitives.WriteUInt64LittleEndian(p[40..], mem);
            data.CopyTo(s[off..]);
            off += data.Length;
        }
        return b;
    }
}

public class ElfLoaderTests
{
    private static Machine NewMachine()
    {
        var m = new Machine(console: new HostConsole(new MemoryStream()));
        m.MapRam(0x4000_0000, 0x10_0000);
        m.WriteMemory(0x4000_0000, Enumerable.Repeat((byte)0xFF, 0x10_0000).ToArray());
        return m;
    }

    [Test]
    public void SegmentsLoadAtTheirPhysicalAddressesWithTheirBssZeroed()
    {
        using var m = NewMachine();
        var elf = new ElfBuilder { Entry = 0x4000_1004 }
            .Segment(0x4000_1000, [1, 2, 3, 4, 5, 6, 7, 8], memSize: 0x20)
            .Segment(0x4002_0000, [9, 9])
            .Segment(0x4003_0000, [7, 7], type: 4)   // PT_NOTE: not loaded
            .Build();
        ulong entry = m.LoadElf(elf);
        Assert.That(entry, Is.EqualTo(0x4000_1004UL));
        Assert.That(m.ReadMemory(0x4000_1000, 8), Is.EqualTo(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }));
        Assert.That(m.ReadMemory(0x4000_1008, 0x18), Is.All.EqualTo(0), "p_memsz beyond p_filesz is zeroed");
        Assert.That(m.ReadMemory(0x4000_1020, 1)[0], Is.EqualTo(0xFF), "nothing past p_memsz is touched");
        Assert.That(m.ReadMemory(0x4002_0000, 2), Is.EqualTo(new byte[] { 9, 9 }));
        Assert.That(m.ReadMemory(0x4003_0000, 2), Is.EqualTo(new byte[] { 0xFF, 0xFF }));
        Assert.That(m.LoadedImageEnd, Is.EqualTo(0x4002_0002UL));
    }

    [Test]
    public void TheEntryIsTranslatedToPhysicalWhenTheSegmentIsLinkedElsewhere()
    {
        using var m = NewMachine();
        var elf = new ElfBuilder { Entry = 0x5000_0008 }.Segment(0x4000_0000, new byte[16], vaddr: 0x5000_0000).Build();
        Assert.That(m.LoadElf(elf), Is.EqualTo(0x4000_0008UL));
    }

    [Test]
    public void AnElfFileLoadsFromAPath()
    {
        using var m = NewMachine();
        string path = Path.Combine(Path.GetTempPath(), $"fastarm-elf-{Environment.ProcessId}.elf");
        File.WriteAllBytes(path, new ElfBuilder().Segment(0x4000_0000, [0x2A]).Build());
        try { Assert.That(m.LoadElf(path), Is.EqualTo(0x4000_0000UL)); }
        finally { File.Delete(path); }
        Assert.That(m.ReadMemory(0x4000_0000, 1)[0], Is.EqualTo(0x2A));
    }

    private static IEnumerable<TestCaseData> Malformed()
    {
        byte[] good = new ElfBuilder().Segment(0x4000_0000, [1, 2, 3, 4]).Build();
        yield return new TestCaseData(good[..40], "truncated ELF header").SetName("AHeaderCutShortIsRejected");
        yield return new TestCaseData("MZ\x90\0"u8.ToArray(), "not an ELF").SetName("AFileWithoutTheMagicIsRejected");
        yield return new TestCaseData(new ElfBuilder { Class = 1 }.Segment(0x4000_0000, [1]).Build(), "32-bit").SetName("A32BitElfIsRejected");
        yield return new TestCaseData(new ElfBuilder { Data = 2 }.Segment(0x4000_0000, [1]).Build(), "big-endian").SetName("ABigEndianElfIsRejected");
        yield return new TestCaseData(new ElfBuilder { Machine = 62 }.Segment(0x4000_0000, [1]).Build(), "not an AArch64 ELF (e_machine 62").SetName("AnX86ElfIsRejected");
        yield return new TestCaseData(new ElfBuilder { Type = 1 }.Segment(0x4000_0000, [1]).Build(), "relocatable").SetName("AnObjectFileIsRejected");
        yield return new TestCaseData(new ElfBuilder().Build(), "no program headers").SetName("AnElfWithoutProgramHeadersIsRejected");
        yield return new TestCaseData(new ElfBuilder().Segment(0x4000_0000, [1], type: 4).Build(), "no PT_LOAD").SetName("AnElfWithoutLoadableSegmentsIsRejected");
        yield return new TestCaseData(new ElfBuilder().Segment(0x4000_0000, [1, 2, 3, 4], memSize: 2).Build(), "larger than p_memsz").SetName("FileSizeLargerThanMemorySizeIsRejected");
        yield return new TestCaseData(good[..(good.Length - 2)], "runs past the end of the file").SetName("SegmentDataPastTheEndOfTheFileIsRejected");
        byte[] phoff = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(phoff.AsSpan(32), 0xFFFF_FFFF_FFFF_FF00);
        yield return new TestCaseData(phoff, "program headers").SetName("ProgramHeadersPastTheEndOfTheFileAreRejected");
        byte[] wrap = new ElfBuilder().Segment(0xFFFF_FFFF_FFFF_FFF0, [1], memSize: 0x100).Build();
        yield return new TestCaseData(wrap, "wraps").SetName("ASegmentThatWrapsTheAddressSpaceIsRejected");
    }

    [TestCaseSource(nameof(Malformed))]
    public void MalformedElf(byte[] file, string message)
    {
        using var m = NewMachine();
        var e = Assert.Throws<InvalidDataException>(() => m.LoadElf(file));
        Assert.That(e!.Message, Does.Contain(message));
    }

    [Test]
    public void ASegmentOutsideRamIsRejectedBeforeAnythingIsWritten()
    {
        using var m = NewMachine();
        var elf = new ElfBuilder().Segment(0x4000_0000, [1, 2]).Segment(0x0900_0000, [3, 4]).Build();
        var e = Assert.Throws<InvalidDataException>(() => m.LoadElf(elf));
        Assert.That(e!.Message, Does.Contain("0x9000000").And.Contain("not inside RAM"));
        Assert.That(m.ReadMemory(0x4000_0000, 2), Is.EqualTo(new byte[] { 0xFF, 0xFF }));
    }

    [Test]
    public void DamagedFilesNeverThrowAnythingButInvalidData()
    {
        byte[] good = new ElfBuilder { Entry = 0x4000_0010 }.Segment(0x4000_0000, new byte[64], memSize: 0x100).Segment(0x4000_1000, new byte[8]).Build();
        var rng = new Random(1234);
        using var m = NewMachine();
        int rejected = 0;
        for (int i = 0; i < 2000; i++)
        {
            byte[] bad = good[..rng.Next(good.Length + 1)];
            for (int k = rng.Next(4); k > 0 && bad.Length > 0; k--) bad[rng.Next(bad.Length)] = (byte)rng.Next(256);
            try { m.LoadElf(bad); }
            catch (InvalidDataException) { rejected++; }
        }
        Assert.That(rejected, Is.InRange(1, 1999), "some damaged files load, the rest are rejected cleanly");
    }

    [Test]
    public void IsElfLooksAtTheMagicOnly()
    {
        Assert.That(ElfLoader.IsElf("\u007fELF"u8), Is.True);
        Assert.That(ElfLoader.IsElf("\u007fEL"u8), Is.False);
        Assert.That(ElfLoader.IsElf("\u007fELG"u8), Is.False);
    }
}
