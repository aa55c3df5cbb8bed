using FastArm.Devices.Board;
using FastArm.Devices.HostIo;
using FastArm.Devices.Rtc;
using NUnit.Framework;

namespace FastArm.Tests.Board;

public class Pl031BoardTests
{
    private const ulong DR = 0x000, MR = 0x004, LR = 0x008, CR = 0x00C, IMSC = 0x010, RIS = 0x014, MIS = 0x018, ICR = 0x01C;

    [Test]
    public void TheBoardsRtcReadsHostWallClockTime()
    {
        using var b = new VirtBoard(new VirtBoardOptions { Console = new HostConsole(new MemoryStream()) });
        long before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.That(b.Machine.Bus.TryRead(VirtBoard.RtcBase + DR, 4, out ulong dr), Is.True);
        long after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.That((long)dr, Is.InRange(before - 1, after + 1));
        Assert.That(b.Machine.Bus.TryRead(VirtBoard.RtcBase + 0xFE0, 4, out ulong pid0), Is.True);
        Assert.That(pid0, Is.EqualTo(0x31UL));
    }

    [Test]
    public void TheCountAdvancesWithTimeAndALoadMovesIt()
    {
        long t = 1_000_000;
        var rtc = new Pl031(() => t);
        Assert.That(rtc.Read(DR, 4), Is.EqualTo(1_000_000UL));
        t += 5;
        Assert.That(rtc.Read(DR, 4), Is.EqualTo(1_000_005UL));
        rtc.Write(LR, 42, 4);
        Assert.That(rtc.Read(DR, 4), Is.EqualTo(42UL));
        t += 3;
        Assert.That(rtc.Read(DR, 4), Is.EqualTo(45UL));
        Assert.That(rtc.Read(CR, 4), Is.EqualTo(1UL), "always running");
    }

    [Test]
    public void TheMatchInterruptFiresWhenTheCountReachesTheMatchRegister()
    {
        long t = 100;
        bool line = false;
        var rtc = new Pl031(() => t) { Irq = l => line = l };
        rtc.Write(MR, 103, 4);
        rtc.Write(IMSC, 1, 4);
        t = 102;
        rtc.Poll();
        Assert.That((rtc.Read(RIS, 4), line), Is.EqualTo((0UL, false)));
        t = 103;
        rtc.Poll();
        Assert.That((rtc.Read(RIS, 4), rtc.Read(MIS, 4), line), Is.EqualTo((1UL, 1UL, true)));
        rtc.Write(ICR, 1, 4);
        Assert.That((rtc.Read(RIS, 4), line), Is.EqualTo((0UL, false)));
        t = 200;
        rtc.Poll();
        Assert.That(rtc.Read(RIS, 4), Is.Zero, "a match fires once");
    }

    [Test]
    public void TheMaskGatesTheLineButNotTheRawStatus()
    {
        long t = 10;
        bool line = false;
        var rtc = new Pl031(() => t) { Irq = l => line = l };
        rtc.Write(MR, 11, 4);
        t = 11;
        rtc.Poll();
        Assert.That((rtc.Read(RIS, 4), rtc.Read(MIS, 4), line), Is.EqualTo((1UL, 0UL, false)));
        rtc.Write(IMSC, 1, 4);
        Assert.That(line, Is.True);
    }

    [Test]
    public void UnknownOffsetsReadZeroAndAreTraced()
    {
        var lines = new List<string>();
        var rtc = new Pl031(() => 0) { Trace = lines.Add };
        rtc.Write(0x100, 1, 4);
        Assert.That(rtc.Read(0x100, 4), Is.Zero);
        Assert.That(lines, Has.Count.EqualTo(2));
    }

    [Test]
    public void UnknownOffsetsGiveOneTraceLinePerDirectionAndTheRegistersHaveNoByteLanes()
    {
        var lines = new List<string>();
        var rtc = new Pl031(() => 0x1234_5678) { Trace = lines.Add };
        rtc.Write(0x020, 1, 4);
        rtc.Write(0x020, 1, 4);
        Assert.That(rtc.Read(0x020, 4), Is.Zero);
        Assert.That(rtc.Read(DR, 2), Is.EqualTo(0x5678UL), "a halfword read at RTCDR truncates the count");
        Assert.That(rtc.Read(DR + 2, 2), Is.Zero, "an access inside a register is RAZ/WI");
        rtc.Write(LR + 1, 0xFF, 1);
        Assert.That(rtc.Read(DR, 4), Is.EqualTo(0x1234_5678UL));
        Assert.That(lines, Has.Count.EqualTo(4), string.Join("\n", lines));
        Assert.That(lines[0], Is.EqualTo("pl031: 4-byte write of unknown offset 0x020 (RAZ/WI)"));
    }

    [Test]
    public void ControlAndStatusWritesAreIgnoredWithoutATrace()
    {
        var lines = new List<string>();
        var rtc = new Pl031(() => 100) { Trace = lines.Add };
        rtc.Write(CR, 0, 4);
        rtc.Write(DR, 5, 4);
        rtc.Write(RIS, 1, 4);
        rtc.Write(MIS, 1, 4);
        Assert.That(rtc.Read(CR, 4), Is.EqualTo(1UL));
        Assert.That(rtc.Read(DR, 4), Is.EqualTo(100UL));
        Assert.That(rtc.Read(ICR, 4), Is.Zero);
        Assert.That(lines, Is.Empty);
    }

    [Test]
    public void AMatchByteWriteArmsTheMatchWithTheZeroExtendedValue()
    {
        long t = 0x100;
        bool line = false;
        var rtc = new Pl031(() => t) { Irq = l => line = l };
        rtc.Write(LR, 0, 4);
        rtc.Write(MR, 0xFF00, 4);
        rtc.Write(MR, 0x02, 1);
        Assert.That(rtc.Read(MR, 4), Is.EqualTo(0x02UL), "bits 15:8 written with zeros");
        rtc.Write(IMSC, 1, 1);
        Assert.That(line, Is.False);
        t += 2;
        Assert.That(rtc.Read(MIS, 4), Is.EqualTo(1UL));
        Assert.That(line, Is.True);
    }
}
