using System.Text;
using FastArm.Devices.Board;
using FastArm.Devices.HostIo;
using FastArm.Devices.Uart;
using FastArm.Tests.Host;
using NUnit.Framework;

namespace FastArm.Tests.Devices;

public class Pl011Tests
{
    private static (Pl011 Uart, MemoryStream Out) NewUart()
    {
        var o = new MemoryStream();
        return (new Pl011(new HostConsole(o)), o);
    }

    [Test]
    public void WritingDataTransmitsTheLowByte()
    {
        var (u, o) = NewUart();
        u.Write(0x000, 0x141, 4);
        u.Write(0x000, (byte)'\n', 1);
        Assert.That(o.ToArray(), Is.EqualTo("A\n"u8.ToArray()));
    }

    [Test]
    public void TheFlagRegisterShowsBothFifosEmptyAndNeverFull()
    {
        var (u, _) = NewUart();
        for (int i = 0; i < 100; i++) u.Write(0, (byte)'x', 1);
        ulong fr = u.Read(0x018, 4);
        Assert.That(fr & (1 << 7), Is.Not.Zero, "TXFE");
        Assert.That(fr & (1 << 4), Is.Not.Zero, "RXFE");
        Assert.That(fr & (1 << 5), Is.Zero, "TXFF");
        Assert.That(fr & (1 << 3), Is.Zero, "BUSY");
    }

    [Test]
    public void ControlRegistersResetAsTheTrmSaysAndKeepWhatIsWritten()
    {
        var (u, _) = NewUart();
        Assert.That(u.Read(0x030, 4), Is.EqualTo(0x300UL), "UARTCR: TXE | RXE");
        Assert.That(u.Read(0x034, 4), Is.EqualTo(0x12UL), "UARTIFLS");
        u.Write(0x030, 0x301, 4);
        u.Write(0x024, 0x1_0027, 4);
        u.Write(0x028, 0xFF, 4);
        u.Write(0x02C, 0x70, 4);
        u.Write(0x038, 0x50, 4);
        Assert.That(u.Read(0x030, 4), Is.EqualTo(0x301UL));
        Assert.That(u.Read(0x024, 4), Is.EqualTo(0x27UL), "UARTIBRD is 16 bits");
        Assert.That(u.Read(0x028, 4), Is.EqualTo(0x3FUL), "UARTFBRD is 6 bits");
        Assert.That(u.Read(0x02C, 4), Is.EqualTo(0x70UL));
        Assert.That(u.Read(0x038, 4), Is.EqualTo(0x50UL));
    }

    [Test]
    public void TransmitRaisesTheTransmitInterruptStatusUntilCleared()
    {
        var (u, _) = NewUart();
        u.Write(0, (byte)'x', 1);
        Assert.That(u.Read(0x03C, 4) & 0x20, Is.EqualTo(0x20UL), "UARTRIS.TXRIS");
        Assert.That(u.Read(0x040, 4), Is.Zero, "masked");
        u.Write(0x038, 0x20, 4);
        Assert.That(u.Read(0x040, 4), Is.EqualTo(0x20UL), "UARTMIS.TXMIS");
        u.Write(0x044, 0x20, 4);
        Assert.That(u.Read(0x03C, 4), Is.Zero);
    }

    [Test]
    public void IdentificationRegistersNameAPl011()
    {
        var (u, _) = NewUart();
        var id = Enumerable.Range(0, 8).Select(i => (byte)u.Read(0xFE0 + (ulong)i * 4, 4)).ToArray();
        Assert.That(id, Is.EqualTo(new byte[] { 0x11, 0x10, 0x34, 0x00, 0x0D, 0xF0, 0x05, 0xB1 }));
    }

    [Test]
    public void UnknownOffsetsReadAsZeroAndIgnoreWrites()
    {
        var (u, o) = NewUart();
        u.Write(0x100, 0xFFFF, 4);
        u.Write(0x04C, 0xFFFF, 4);
        Assert.That(u.Read(0x100, 4), Is.Zero);
        Assert.That(u.Read(0x04C, 4), Is.Zero);
        Assert.That(u.Read(0x000, 4), Is.Zero, "nothing received");
        Assert.That(o.Length, Is.Zero);
    }

    [Test]
    public void AnUnknownOffsetGivesOneTraceLineNamingThePl011()
    {
        var (u, _) = NewUart();
        var lines = new List<string>();
        u.Trace = lines.Add;
        Assert.That(u.Read(0x04C, 4), Is.Zero);
        Assert.That(u.Read(0x04C, 4), Is.Zero);
        Assert.That(lines, Is.EqualTo(new[] { "pl011: 4-byte read of unknown offset 0x04c (RAZ/WI)" }));
    }

    [Test]
    public void LinuxsHalfwordAccessesAndEarlyconsByteWritesReachTheRegisters()
    {
        var (u, o) = NewUart();
        u.Write(0x000, (byte)'k', 1);
        u.Write(0x030, 0x0301, 2);
        Assert.That(u.Read(0x030, 2), Is.EqualTo(0x301UL));
        Assert.That(u.Read(0x018, 2) & Pl011.FR_TXFE, Is.Not.Zero);
        u.Write(0x030, 0x01, 1);
        Assert.That(u.Read(0x030, 4), Is.EqualTo(0x01UL), "no byte lanes: a byte write replaces the whole UARTCR");
        Assert.That(o.ToArray(), Is.EqualTo("k"u8.ToArray()));
    }

    [Test]
    public void AnAccessInsideARegisterNeitherTransmitsNorTakesReceivedData()
    {
        var (u, o) = NewUart();
        var lines = new List<string>();
        u.Trace = lines.Add;
        u.Write(0x030, 0x0380, 4);   // UARTCR.LBE: what is sent comes back
        u.Write(0x000, (byte)'a', 1);
        Assert.That(u.ReceiveCount, Is.EqualTo(1));
        u.Write(0x001, (byte)'b', 1);
        Assert.That(u.Read(0x001, 1), Is.Zero);
        Assert.That(u.Read(0x000, 8), Is.Zero, "8-byte accesses are RAZ/WI");
        Assert.That(u.ReceiveCount, Is.EqualTo(1));
        Assert.That(u.Read(0x000, 4), Is.EqualTo((ulong)'a'));
        Assert.That(o.Length, Is.Zero);
        Assert.That(lines, Has.Count.EqualTo(3), string.Join("\n", lines));
        Assert.That(lines[0], Is.EqualTo("pl011: 1-byte write at 0x001 of UARTDR not supported (RAZ/WI)"));
    }

    [Test]
    public void StatusWritesAndClearRegisterReadsHaveNoEffectAndAreNotTraced()
    {
        var (u, _) = NewUart();
        var lines = new List<string>();
        u.Trace = lines.Add;
        u.Write(0, (byte)'x', 1);
        u.Write(0x018, 0, 4);
        u.Write(0x03C, 0, 4);
        u.Write(0x040, 0, 4);
        u.Write(0x004, 0xF, 4);
        Assert.That(u.Read(0x044, 4), Is.Zero);
        Assert.That(u.Read(0x004, 4), Is.Zero);
        Assert.That(u.Read(0x03C, 4) & Pl011.INT_TX, Is.Not.Zero);
        Assert.That(u.Read(0x048, 4), Is.Zero, "UARTDMACR");
        u.Write(0x048, 0xFF, 4);
        Assert.That(u.Read(0x048, 4), Is.EqualTo(7UL));
        Assert.That(lines, Is.Empty);
    }

    [Test]
    public void ResetPutsTheRegistersBackAndLowersTheLine()
    {
        var levels = new List<bool>();
        var u = new Pl011(new ConsoleSerial(new HostConsole(new MemoryStream())), levels.Add);
        u.Write(0x038, Pl011.INT_TX, 4);
        u.Write(0, (byte)'x', 1);
        u.Write(0x030, 0x81, 4);
        u.Write(0x034, 0, 4);
        u.Reset();
        Assert.That(levels, Is.EqualTo(new[] { true, false }));
        Assert.That(u.Read(0x030, 4), Is.EqualTo(0x300UL));
        Assert.That(u.Read(0x034, 4), Is.EqualTo(0x12UL));
        Assert.That(u.Read(0x038, 4), Is.Zero);
    }

    [Test]
    public void TheVirtBoardPutsTheUartAt0x09000000()
    {
        var o = new MemoryStream();
        using var b = new VirtBoard(new VirtBoardOptions { Console = new HostConsole(o) });
        Assert.That(b.Machine.Bus.TryWrite(VirtBoard.Uart0Base, 1, 'z'), Is.True);
        Assert.That(b.Machine.Bus.TryRead(VirtBoard.Uart0Base + 0xFE0, 4, out ulong id0), Is.True);
        Assert.That(Encoding.ASCII.GetString(o.ToArray()), Is.EqualTo("z"));
        Assert.That(id0, Is.EqualTo(0x11UL));
        Assert.That(b.Machine.Bus.RamBlocks.Single().PhysBase, Is.EqualTo(0x4000_0000UL));
        Assert.That(b.Machine.Bus.RamBlocks.Single().Size, Is.EqualTo(128UL << 20));
    }

    [Test]
    public void AProgramPrintsThroughTheUartAsOnQemu()
    {
        string elf = HostGuests.Build("uart.S");
        var r = CliTests.Fastarm("run", "--kernel", elf, "--semihosting", "--max-insns", "100k");
        if (r.ExitCode != 0) CliTests.InconclusiveIfUndefined(elf);
        Assert.That((r.ExitCode, r.GuestOutput), Is.EqualTo((0, "uart ok\n")));
        var q = HostGuests.RunQemu(elf);
        Assert.That((q.ExitCode, q.Stdout), Is.EqualTo((0, "uart ok\n")));
    }
}
