using System.Text;
using FastArm.Devices.HostIo;
using FastArm.Devices.Semihosting;
using FastArm.Jit;
using FastArm.Tests.Support;
using NUnit.Framework;
using static FastArm.Devices.Semihosting.ArmSemihosting;

namespace FastArm.Tests.Devices;

/// <summary>A machine with RAM at 0x40000000, semihosting on and the console captured in memory.</summary>
internal sealed class SemihostingRig : IDisposable
{
    public const ulong Code = 0x4000_0000, Block = 0x4010_0000, Buffer = 0x4010_1000;
    public readonly MemoryStream Out = new(), Err = new();
    public readonly Machine M;

    public SemihostingRig(byte[]? input = null, bool inputIsTerminal = false, bool outputIsTerminal = false)
    {
        M = new Machine(console: new HostConsole(Out, Err, input == null ? null : new MemoryStream(input), inputIsTerminal, outputIsTerminal));
        M.MapRam(0x4000_0000, 16 << 20);
        M.SemihostingEnabled = true;
        M["VBAR_EL1"] = 0x4000_8000;
    }

    /// <summary>Assembles <paramref name="asm"/> at <see cref="Code"/> and runs it to its end (or an exit).</summary>
    public StopReason Run(string asm, ulong x0 = 0, ulong x1 = 0)
    {
        byte[] code = CrossTools.Assemble(asm);
        M.WriteMemory(Code, code);
        M["X0"] = x0;
        M["X1"] = x1;
        M.Pc = Code;
        return M.Run(until: Code + (ulong)code.Length, maxInstructions: 10_000);
    }

    /// <summary>One semihosting call: operation <paramref name="op"/>, X1 = <paramref name="x1"/>; returns X0.</summary>
    public long Call(uint op, ulong x1)
    {
        Run("hlt #0xf000", op, x1);
        return (long)M["X0"];
    }

    /// <summary>A call whose X1 points to a parameter block of 64-bit words at <see cref="Block"/>.</summary>
    public long CallBlock(uint op, params ulong[] words)
    {
        M.WriteMemory(Block, words.SelectMany(BitConverter.GetBytes).ToArray());
        return Call(op, Block);
    }

    public ulong Word(ulong pa) => M.ReadUInt64(pa);

    public ulong PutString(string s, ulong at = Buffer)
    {
        M.WriteMemory(at, Encoding.UTF8.GetBytes(s + "\0"));
        return at;
    }

    public long Open(string name, ulong mode) => CallBlock(SYS_OPEN, PutString(name, Buffer + 0x800), mode, (ulong)Encoding.UTF8.GetByteCount(name));

    public string Stdout => Encoding.UTF8.GetString(Out.ToArray());
    public string Stderr => Encoding.UTF8.GetString(Err.ToArray());
    public int Errno => (int)Call(SYS_ERRNO, 0);

    public void Dispose() => M.Dispose();
}

public class SemihostingTests
{
    [Test]
    public void Write0PrintsTheStringUpToItsNul()
    {
        using var r = new SemihostingRig();
        r.PutString("hello, world\n");
        // W0 = 4 (SYS_WRITE0) built by the snippet itself; X1 = the string.
        var reason = r.Run("""
            add x0, x0, #4
            hlt #0xf000
            """, 0, SemihostingRig.Buffer);
        Assert.That(reason, Is.EqualTo(StopReason.Address));
        Assert.That(r.Stdout, Is.EqualTo("hello, world\n"));
    }

    [Test]
    public void Write0PrintsStringsThatCrossPages()
    {
        using var r = new SemihostingRig();
        string s = new string('a', 5000) + "!";
        r.PutString(s, SemihostingRig.Buffer + 0xFF0);
        Assert.That(r.Call(SYS_WRITE0, SemihostingRig.Buffer + 0xFF0), Is.EqualTo(0));
        Assert.That(r.Stdout, Is.EqualTo(s));
    }

    [Test]
    public void WriteCPrintsTheCharacterX1PointsTo()
    {
        using var r = new SemihostingRig();
        r.M.WriteMemory(SemihostingRig.Buffer, "Q"u8);
        r.Call(SYS_WRITEC, SemihostingRig.Buffer);
        Assert.That(r.Stdout, Is.EqualTo("Q"));
    }

    [Test]
    public void ConsoleOpensAsStdinStdoutAndStderrByMode()
    {
        using var r = new SemihostingRig();
        Assert.That(r.Open(":tt", 0), Is.EqualTo(1), "mode r: stdin");
        Assert.That(r.Open(":tt", 4), Is.EqualTo(2), "mode w: stdout");
        Assert.That(r.Open(":tt", 8), Is.EqualTo(3), "mode a: stderr");
    }

    [Test]
    public void OpeningAHostFileFailsWithEnoent()
    {
        using var r = new SemihostingRig();
        Assert.That(r.Open("/etc/passwd", 0), Is.EqualTo(-1));
        Assert.That(r.Errno, Is.EqualTo(ENOENT));
        Assert.That(r.Open(":tt", 12), Is.EqualTo(-1), "mode 12 does not exist");
        Assert.That(r.Errno, Is.EqualTo(EINVAL));
    }

    [Test]
    public void WriteReturnsTheNumberOfBytesNotWritten()
    {
        using var r = new SemihostingRig();
        long hOut = r.Open(":tt", 4), hErr = r.Open(":tt", 8);
        r.PutString("to stdout");
        Assert.That(r.CallBlock(SYS_WRITE, (ulong)hOut, SemihostingRig.Buffer, 9), Is.EqualTo(0));
        r.PutString("to stderr");
        Assert.That(r.CallBlock(SYS_WRITE, (ulong)hErr, SemihostingRig.Buffer, 9), Is.EqualTo(0));
        Assert.That(r.Stdout, Is.EqualTo("to stdout"));
        Assert.That(r.Stderr, Is.EqualTo("to stderr"));
    }

    [Test]
    public void WriteToABadHandleWritesNothingAndSetsEbadf()
    {
        using var r = new SemihostingRig();
        Assert.That(r.CallBlock(SYS_WRITE, 99, SemihostingRig.Buffer, 10), Is.EqualTo(10));
        Assert.That(r.Errno, Is.EqualTo(EBADF));
        Assert.That(r.Stdout, Is.Empty);
    }

    [Test]
    public void ReadReturnsTheNumberOfBytesNotRead()
    {
        using var r = new SemihostingRig(input: "abc"u8.ToArray());
        long h = r.Open(":tt", 0);
        Assert.That(r.CallBlock(SYS_READ, (ulong)h, SemihostingRig.Buffer, 10), Is.EqualTo(7));
        Assert.That(r.M.ReadMemory(SemihostingRig.Buffer, 3), Is.EqualTo("abc"u8.ToArray()));
        Assert.That(r.CallBlock(SYS_READ, (ulong)h, SemihostingRig.Buffer, 10), Is.EqualTo(10), "end of input: nothing read");
    }

    [Test]
    public void ReadWithNoInputReportsEndOfFileInsteadOfBlocking()
    {
        using var r = new SemihostingRig(input: null);
        long h = r.Open(":tt", 0);
        Assert.That(r.CallBlock(SYS_READ, (ulong)h, SemihostingRig.Buffer, 4), Is.EqualTo(4));
        Assert.That(r.Call(SYS_READC, 0), Is.EqualTo(-1));
    }

    [Test]
    public void ReadCReturnsOneByteOfInput()
    {
        using var r = new SemihostingRig(input: "xy"u8.ToArray());
        Assert.That(r.Call(SYS_READC, 0), Is.EqualTo('x'));
        Assert.That(r.Call(SYS_READC, 0), Is.EqualTo('y'));
    }

    [Test]
    public void IsTtyFollowsTheHostSide()
    {
        using (var r = new SemihostingRig(inputIsTerminal: true, outputIsTerminal: false))
        {
            Assert.That(r.CallBlock(SYS_ISTTY, (ulong)r.Open(":tt", 0)), Is.EqualTo(1));
            Assert.That(r.CallBlock(SYS_ISTTY, (ulong)r.Open(":tt", 4)), Is.EqualTo(0));
            Assert.That(r.CallBlock(SYS_ISTTY, 42), Is.EqualTo(-1));
            Assert.That(r.Errno, Is.EqualTo(EBADF));
        }
    }

    [Test]
    public void CloseFreesTheHandleAndASecondCloseFails()
    {
        using var r = new SemihostingRig();
        long h = r.Open(":tt", 4);
        Assert.That(r.CallBlock(SYS_CLOSE, (ulong)h), Is.EqualTo(0));
        Assert.That(r.CallBlock(SYS_CLOSE, (ulong)h), Is.EqualTo(-1));
        Assert.That(r.Errno, Is.EqualTo(EBADF));
        Assert.That(r.Open(":tt", 0), Is.EqualTo(h), "the lowest free handle is reused");
    }

    [Test]
    public void TheFeaturesFileAdvertisesExitExtendedAndStdoutStderr()
    {
        using var r = new SemihostingRig();
        long h = r.Open(":semihosting-features", 0);
        Assert.That(h, Is.GreaterThan(0));
        Assert.That(r.CallBlock(SYS_FLEN, (ulong)h), Is.EqualTo(5));
        Assert.That(r.CallBlock(SYS_READ, (ulong)h, SemihostingRig.Buffer, 8), Is.EqualTo(3));
        Assert.That(r.M.ReadMemory(SemihostingRig.Buffer, 5), Is.EqualTo(new byte[] { (byte)'S', (byte)'H', (byte)'F', (byte)'B', 3 }));
        Assert.That(r.CallBlock(SYS_SEEK, (ulong)h, 4), Is.EqualTo(0));
        Assert.That(r.CallBlock(SYS_READ, (ulong)h, SemihostingRig.Buffer, 1), Is.EqualTo(0));
        Assert.That(r.M.ReadMemory(SemihostingRig.Buffer, 1)[0], Is.EqualTo(3));
    }

    [Test]
    public void SeekOnTheConsoleSucceedsAndFlenFails()
    {
        using var r = new SemihostingRig();
        long h = r.Open(":tt", 4);
        Assert.That(r.CallBlock(SYS_SEEK, (ulong)h, 0), Is.EqualTo(0));
        Assert.That(r.CallBlock(SYS_FLEN, (ulong)h), Is.EqualTo(-1));
    }

    [TestCase(ADP_Stopped_ApplicationExit, 0UL, 0)]
    [TestCase(ADP_Stopped_ApplicationExit, 5UL, 5)]
    [TestCase(ADP_Stopped_ApplicationExit, 0x1_0000_0001UL, 1)]
    [TestCase(0x20023UL, 5UL, 1)]
    [TestCase(0x20000UL, 0UL, 1)]
    public void ExitEndsTheRunWithTheSubcodeOnlyForApplicationExit(ulong reason, ulong subcode, int expected)
    {
        foreach (uint op in new[] { SYS_EXIT, SYS_EXIT_EXTENDED })
        {
            using var r = new SemihostingRig();
            r.M.WriteMemory(SemihostingRig.Block, [.. BitConverter.GetBytes(reason), .. BitConverter.GetBytes(subcode)]);
            var stop = r.Run("hlt #0xf000\nadd x5, x5, #1", op, SemihostingRig.Block);
            Assert.That(stop, Is.EqualTo(StopReason.Exit));
            Assert.That(r.M.ExitCode, Is.EqualTo(expected));
            Assert.That(r.M["X5"], Is.EqualTo(0UL), "nothing runs after the exit");
        }
    }

    [Test]
    public void HeapInfoDescribesRamAfterTheLoadedImage()
    {
        using var r = new SemihostingRig();
        r.M.LoadRaw(new byte[0x137C], 0x4000_0000);
        r.M.WriteMemory(SemihostingRig.Block, BitConverter.GetBytes(SemihostingRig.Buffer));
        Assert.That(r.Call(SYS_HEAPINFO, SemihostingRig.Block), Is.EqualTo(0));
        ulong ramEnd = 0x4000_0000 + (16 << 20);
        Assert.That(r.Word(SemihostingRig.Buffer), Is.EqualTo(0x4000_137CUL), "heap base");
        Assert.That(r.Word(SemihostingRig.Buffer + 8), Is.EqualTo(ramEnd), "heap limit");
        Assert.That(r.Word(SemihostingRig.Buffer + 16), Is.EqualTo(ramEnd), "stack base");
        Assert.That(r.Word(SemihostingRig.Buffer + 24), Is.EqualTo(0x4000_137CUL), "stack limit");
    }

    [Test]
    public void GetCmdlineCopiesTheCommandLineAndItsLength()
    {
        using var r = new SemihostingRig();
        r.M.Semihosting.CommandLine = "prog.elf -v";
        Assert.That(r.CallBlock(SYS_GET_CMDLINE, SemihostingRig.Buffer, 64), Is.EqualTo(0));
        Assert.That(Encoding.UTF8.GetString(r.M.ReadMemory(SemihostingRig.Buffer, 12)), Is.EqualTo("prog.elf -v\0"));
        Assert.That(r.Word(SemihostingRig.Block + 8), Is.EqualTo(11UL));
        Assert.That(r.CallBlock(SYS_GET_CMDLINE, SemihostingRig.Buffer, 5), Is.EqualTo(-1), "buffer too small");
    }

    [Test]
    public void ClockAndTimeAdvanceWithTheHost()
    {
        using var r = new SemihostingRig();
        long c0 = r.Call(SYS_CLOCK, 0);
        Thread.Sleep(50);
        long c1 = r.Call(SYS_CLOCK, 0);
        Assert.That(c1 - c0, Is.InRange(4, 1000), "centiseconds");
        long t = r.Call(SYS_TIME, 0);
        Assert.That(t, Is.EqualTo(DateTimeOffset.UtcNow.ToUnixTimeSeconds()).Within(5));
        Assert.That(r.Call(SYS_TICKFREQ, 0), Is.EqualTo(1_000_000_000));
        Assert.That(r.Call(SYS_ELAPSED, SemihostingRig.Block), Is.EqualTo(0));
        Assert.That(r.Word(SemihostingRig.Block), Is.GreaterThan(0UL));
    }

    [Test]
    public void IsErrorIsTrueForNegativeStatus()
    {
        using var r = new SemihostingRig();
        Assert.That(r.CallBlock(SYS_ISERROR, unchecked((ulong)-5L)), Is.EqualTo(1));
        Assert.That(r.CallBlock(SYS_ISERROR, 3), Is.EqualTo(0));
    }

    [Test]
    public void AnUnreadableParameterBlockFailsWithEfault()
    {
        using var r = new SemihostingRig();
        Assert.That(r.Call(SYS_WRITE, 0x10), Is.EqualTo(-1));
        Assert.That(r.Errno, Is.EqualTo(EFAULT));
    }

    [Test]
    public void AnUnknownOperationStopsTheMachineWithAMessage()
    {
        using var r = new SemihostingRig();
        Assert.That(r.Run("hlt #0xf000", 0x99, 0), Is.EqualTo(StopReason.Fatal));
        Assert.That(r.M.Semihosting.FatalError, Does.Contain("0x99"));
    }

    [Test]
    public void SemihostingFromEl0IsUndefined()
    {
        using var r = new SemihostingRig();
        r.PutString("no");
        r.M["PSTATE"] = 0;   // EL0t
        r.M.WriteMemory(SemihostingRig.Code, BitConverter.GetBytes(0xD45E0000u));
        r.M["X0"] = SYS_WRITE0;
        r.M["X1"] = SemihostingRig.Buffer;
        r.M.Pc = SemihostingRig.Code;
        r.M.Step();
        Assert.That(r.M.Pc, Is.EqualTo(0x4000_8400UL), "synchronous exception from a lower EL");
        Assert.That(r.Stdout, Is.Empty);
    }
}

public class SemihostingEdgeTests
{
    [Test]
    public void WriteStopsAtUnreadableMemoryAndReportsWhatIsLeft()
    {
        using var r = new SemihostingRig();
        long h = r.Open(":tt", 4);
        ulong ramEnd = 0x4000_0000 + (16 << 20);
        r.M.WriteMemory(ramEnd - 3, "xyz"u8);
        Assert.That(r.CallBlock(ArmSemihosting.SYS_WRITE, (ulong)h, ramEnd - 3, 10), Is.EqualTo(7));
        Assert.That(r.Stdout, Is.EqualTo("xyz"));
        Assert.That(r.Errno, Is.EqualTo(ArmSemihosting.EFAULT));
    }

    [Test]
    public void ReadingTheStdoutHandleFailsWithEbadf()
    {
        using var r = new SemihostingRig(input: "data"u8.ToArray());
        long h = r.Open(":tt", 4);
        Assert.That(r.CallBlock(ArmSemihosting.SYS_READ, (ulong)h, SemihostingRig.Buffer, 4), Is.EqualTo(4));
        Assert.That(r.Errno, Is.EqualTo(ArmSemihosting.EBADF));
    }

    [Test]
    public void ResetForgetsOpenHandles()
    {
        using var r = new SemihostingRig();
        r.Open(":tt", 4);
        r.M.Reset(0x4000_0000, 1);
        Assert.That(r.Open(":tt", 0), Is.EqualTo(1));
    }
}
