using System.Collections.Concurrent;
using FastArm.Devices.Board;
using FastArm.Devices.HostIo;
using FastArm.Devices.Uart;
using NUnit.Framework;

namespace FastArm.Tests.Board;

/// <summary>A serial backend a test feeds and reads.</summary>
public sealed class ScriptedSerial : SerialBackend
{
    private readonly ConcurrentQueue<byte> _in = new();
    public MemoryStream Output { get; } = new();

    public void Type(string text)
    {
        foreach (char c in text) _in.Enqueue((byte)c);
        InputArrived?.Invoke();
    }

    public override void Write(ReadOnlySpan<byte> bytes) => Output.Write(bytes);
    public override bool TryRead(out byte value) => _in.TryDequeue(out value);
    public override bool InputPending => !_in.IsEmpty;
    public int Waiting => _in.Count;
}

/// <summary>The PL011 through the board's bus, with its interrupt reaching the GIC (SPI 1 = INTID 33).</summary>
public class Pl011BoardTests
{
    private const ulong Base = VirtBoard.Uart0Base;
    private const ulong DR = 0x000, FR = 0x018, LCR_H = 0x02C, CR = 0x030, IFLS = 0x034, IMSC = 0x038, RIS = 0x03C, MIS = 0x040, ICR = 0x044;
    private const ulong RXFE = 1 << 4, TXFF = 1 << 5, RXFF = 1 << 6, TXFE = 1 << 7, BUSY = 1 << 3;
    private const ulong RXI = 1 << 4, TXI = 1 << 5, RTI = 1 << 6;

    private VirtBoard _board = null!;
    private ScriptedSerial _serial = null!;

    [SetUp]
    public void SetUp()
    {
        _serial = new ScriptedSerial();
        _board = new VirtBoard(new VirtBoardOptions { Serial = _serial, Console = new HostConsole(new MemoryStream()) });
    }

    [TearDown]
    public void TearDown() => _board.Dispose();

    private ulong Rd(ulong off)
    {
        Assert.That(_board.Machine.Bus.TryRead(Base + off, 4, out ulong v), Is.True);
        return v;
    }

    private void Wr(ulong off, ulong v) => Assert.That(_board.Machine.Bus.TryWrite(Base + off, 4, v), Is.True);

    private bool Line => _board.Gic.IsPending(0, 32 + VirtBoard.Uart0Spi);

    private void Poll() => _board.Uart0.Poll();

    [Test]
    public void TransmittedBytesReachTheSerialBackendInOrder()
    {
        foreach (char c in "hi\n") Wr(DR, c);
        Assert.That(_serial.Output.ToArray(), Is.EqualTo("hi\n"u8.ToArray()));
        ulong fr = Rd(FR);
        Assert.That(fr & (TXFE | TXFF | BUSY), Is.EqualTo(TXFE), "the transmit FIFO drains at once");
    }

    [Test]
    public void WithFifosEnabledSixteenBytesWaitInTheReceiveFifoAndTheRestInTheHost()
    {
        Wr(LCR_H, 0x70);   // 8 bits, FEN
        _serial.Type("0123456789abcdefXYZ");
        Poll();
        Assert.That(Rd(FR) & (RXFE | RXFF), Is.EqualTo(RXFF), "full");
        Assert.That(_serial.Waiting, Is.EqualTo(3), "nothing is lost: the rest waits");
        var got = new List<char>();
        while ((Rd(FR) & RXFE) == 0) got.Add((char)Rd(DR));
        Poll();
        while ((Rd(FR) & RXFE) == 0) got.Add((char)Rd(DR));
        Assert.That(new string(got.ToArray()), Is.EqualTo("0123456789abcdefXYZ"));
    }

    [Test]
    public void WithoutFifosTheReceiverHoldsOneByte()
    {
        _serial.Type("ab");
        Poll();
        Assert.That(Rd(FR) & (RXFE | RXFF), Is.EqualTo(RXFF), "a one-entry holding register is full with one byte");
        Assert.That(Rd(DR), Is.EqualTo((ulong)'a'));
        Assert.That(Rd(FR) & RXFE, Is.EqualTo(RXFE));
        Poll();
        Assert.That(Rd(DR), Is.EqualTo((ulong)'b'));
    }

    [Test]
    public void TheReceiveInterruptFollowsTheTriggerLevelAndReachesTheGic()
    {
        Wr(LCR_H, 0x70);
        Wr(IFLS, 0x00);    // RX trigger at 1/8 = 2 bytes
        Wr(IMSC, RXI);
        _serial.Type("a");
        Poll();
        Assert.That(Rd(RIS) & RXI, Is.Zero, "one byte is below the level");
        _serial.Type("bc");
        Poll();
        Assert.That(Rd(MIS), Is.EqualTo(RXI));
        Assert.That(Line, Is.True, "UARTINTR is SPI 1");
        Rd(DR); Rd(DR);
        Assert.That(Rd(RIS) & RXI, Is.Zero, "reading below the level clears it");
        Assert.That(Line, Is.False);
    }

    [Test]
    public void TheReceiveTimeoutFiresForDataBelowTheLevelAndClearsWhenTheFifoEmpties()
    {
        Wr(LCR_H, 0x70);
        Wr(IMSC, RTI | RXI);
        _serial.Type("x");
        Poll();
        Assert.That(Rd(MIS), Is.EqualTo(RTI), "RT, not RX: one byte is below the 1/2 level");
        Assert.That(Line, Is.True);
        Assert.That(Rd(DR), Is.EqualTo((ulong)'x'));
        Assert.That(Rd(RIS) & RTI, Is.Zero);
        Assert.That(Line, Is.False);
    }

    [Test]
    public void TransmitRaisesTxUntilClearedAndTheMaskGatesTheLine()
    {
        Wr(DR, 'x');
        Assert.That(Rd(RIS) & TXI, Is.EqualTo(TXI));
        Assert.That(Line, Is.False, "masked");
        Wr(IMSC, TXI);
        Assert.That(Line, Is.True);
        Wr(ICR, TXI);
        Assert.That(Rd(RIS) & TXI, Is.Zero);
        Assert.That(Line, Is.False);
    }

    [Test]
    public void LoopbackSendsTransmittedBytesToTheReceiver()
    {
        Wr(LCR_H, 0x70);
        Wr(CR, 0x381);     // UARTEN TXE RXE LBE
        foreach (char c in "ok") Wr(DR, c);
        Assert.That(_serial.Output.Length, Is.Zero);
        Assert.That((char)Rd(DR), Is.EqualTo('o'));
        Assert.That((char)Rd(DR), Is.EqualTo('k'));
    }

    [Test]
    public void ControlAndBaudRegistersKeepWhatIsWritten()
    {
        Wr(0x024, 13);
        Wr(0x028, 1);
        Wr(LCR_H, 0x70);
        Wr(CR, 0x301);
        Assert.That((Rd(0x024), Rd(0x028), Rd(LCR_H), Rd(CR)), Is.EqualTo((13UL, 1UL, 0x70UL, 0x301UL)));
    }

    [Test]
    public void ThePrimeCellIdentificationNamesAPl011()
    {
        var id = Enumerable.Range(0, 8).Select(i => (byte)Rd(0xFE0 + (ulong)i * 4)).ToArray();
        Assert.That(id, Is.EqualTo(new byte[] { 0x11, 0x10, 0x34, 0x00, 0x0D, 0xF0, 0x05, 0xB1 }));
    }

    [Test]
    public void InputWakesTheBoardFromIdle()
    {
        bool woke = false;
        _serial.InputArrived = () => woke = true;
        _serial.Type("z");
        Assert.That(woke, Is.True);
        Assert.That(_board.Serial, Is.SameAs(_serial));
    }

    [Test]
    public void AnUnknownOffsetReadsZeroIgnoresWritesAndIsTracedOnce()
    {
        var lines = new List<string>();
        _board.Uart0.Trace = lines.Add;
        Wr(0x04C, 0xFF);
        Assert.That(Rd(0x04C), Is.Zero);
        Rd(0x04C);
        Assert.That(lines, Has.Count.EqualTo(2), "one line for the write, one for the reads");
        Assert.That(lines[0], Does.Contain("0x04c"));
    }

    [Test]
    public void TerminalEscapesQuitHelpAndPassCtrlAThrough()
    {
        bool quit = false;
        var messages = new List<string>();
        using var t = new TerminalInput(attach: false) { Quit = () => quit = true, Message = messages.Add };
        foreach (byte b in new byte[] { (byte)'a', 1, (byte)'h', 1, (byte)'a', 1, (byte)'x' }) t.Take(b);
        var got = new List<byte>();
        while (t.TryRead(out byte b)) got.Add(b);
        Assert.That(got, Is.EqualTo(new byte[] { (byte)'a', 1 }));
        Assert.That(messages, Has.Count.EqualTo(1).And.Some.Contain("C-a x"));
        Assert.That(quit, Is.True);
    }
}
