using System.Diagnostics;
using System.Text;
using FastArm.Devices.HostIo;
using FastArm.Jit;
using FastArm.Jit.Platform;

namespace FastArm.Devices.Semihosting;

/// <summary>The heap and stack a semihosting guest is told about (SYS_HEAPINFO).</summary>
public readonly record struct HeapInfo(ulong HeapBase, ulong HeapLimit, ulong StackBase, ulong StackLimit);

/// <summary>
/// Arm semihosting for A64 guests ("Semihosting for AArch32 and AArch64", Arm IHI 0084): the guest executes
/// <c>HLT #0xF000</c> with the operation number in W0 and the address of a parameter block (or a single argument)
/// in X1; the result goes to X0. Every parameter block field is a 64-bit word on AArch64.
///
/// Host files are never opened: only the console (":tt") and the ":semihosting-features" pseudo-file exist, so a
/// guest cannot read or write the host's file system. Where the spec leaves room, behaviour follows QEMU 7.2
/// (<c>qemu-system-aarch64 -M virt -semihosting</c>), as measured by the tests in tests/guests/host:
/// <list type="bullet">
/// <item>":tt" opened with mode r*, w* or a* is stdin, stdout or stderr; the first handles are 1, 2, 3.</item>
/// <item>SYS_EXIT/SYS_EXIT_EXTENDED: X1 points to {reason, subcode}; ADP_Stopped_ApplicationExit (0x20026) exits with
///   the subcode, every other reason exits with 1.</item>
/// <item>SYS_HEAPINFO: heap from the end of the loaded image to the end of its RAM block, stack base at the end of
///   that RAM block, stack limit = heap base.</item>
/// <item>SYS_GET_CMDLINE: the program's path followed by its arguments.</item>
/// <item>An operation number it does not know stops the machine (QEMU aborts) with a message.</item>
/// </list>
/// Reading stdin never blocks when stdin is not a terminal and holds no data: the read reports end of file.
/// Semihosting calls from EL0 are UNDEFINED, as in QEMU without <c>userspace=on</c>.
/// </summary>
public sealed class ArmSemihosting : ISemihosting
{
    // Operation numbers (IHI 0084, section 6).
    public const uint SYS_OPEN = 0x01, SYS_CLOSE = 0x02, SYS_WRITEC = 0x03, SYS_WRITE0 = 0x04, SYS_WRITE = 0x05,
        SYS_READ = 0x06, SYS_READC = 0x07, SYS_ISERROR = 0x08, SYS_ISTTY = 0x09, SYS_SEEK = 0x0A, SYS_FLEN = 0x0C,
        SYS_TMPNAM = 0x0D, SYS_REMOVE = 0x0E, SYS_RENAME = 0x0F, SYS_CLOCK = 0x10, SYS_TIME = 0x11, SYS_SYSTEM = 0x12,
        SYS_ERRNO = 0x13, SYS_GET_CMDLINE = 0x15, SYS_HEAPINFO = 0x16, SYS_EXIT = 0x18, SYS_EXIT_EXTENDED = 0x20,
        SYS_ELAPSED = 0x30, SYS_TICKFREQ = 0x31;

    /// <summary>ADP_Stopped_ApplicationExit: the reason code of a normal exit (IHI 0084, SYS_EXIT).</summary>
    public const ulong ADP_Stopped_ApplicationExit = 0x20026;

    // errno values as newlib and Linux number them (what semihosting C libraries expect from SYS_ERRNO).
    public const int ENOENT = 2, EBADF = 9, EACCES = 13, EFAULT = 14, EINVAL = 22, ENOSYS = 38;

    /// <summary>":semihosting-features": magic "SHFB" then one byte: SH_EXT_EXIT_EXTENDED | SH_EXT_STDOUT_STDERR.</summary>
    private static readonly byte[] s_features = [(byte)'S', (byte)'H', (byte)'F', (byte)'B', 0x03];

    private enum HandleKind { Stdin, Stdout, Stderr, Features }
    private sealed class OpenHandle(HandleKind kind) { public HandleKind Kind = kind; public long Position; }

    private readonly Dictionary<int, OpenHandle> _handles = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public HostConsole Console { get; }

    /// <summary>The command line SYS_GET_CMDLINE returns (QEMU: the kernel path, then -append's text).</summary>
    public string CommandLine { get; set; } = "";

    /// <summary>SYS_HEAPINFO's answer; the machine supplies it from its RAM map and loaded image.</summary>
    public Func<HeapInfo> HeapInfo { get; set; } = static () => default;

    /// <summary>When false (the default, as QEMU), HLT #0xF000 at EL0 is UNDEFINED.</summary>
    public bool AllowFromEl0 { get; set; }

    /// <summary>The last SYS_ERRNO value.</summary>
    public int Errno { get; private set; }

    /// <summary>Set when the guest asked for something that ends the run (an unknown operation); the run stops.</summary>
    public string? FatalError { get; private set; }

    /// <summary>The reason and subcode of the guest's SYS_EXIT / SYS_EXIT_EXTENDED, once it has exited.</summary>
    public (ulong Reason, ulong Subcode)? ExitReason { get; private set; }

    public ArmSemihosting(HostConsole console) { Console = console; }

    /// <summary>Forgets open handles, errno and the exit state, and restarts SYS_CLOCK (a machine reset).</summary>
    public void Reset()
    {
        _handles.Clear();
        Errno = 0;
        FatalError = null;
        ExitReason = null;
        _clock.Restart();
    }

    public void Handle(Cpu cpu)
    {
        if (cpu.S.EL == 0 && !AllowFromEl0) { cpu.RaiseUndefined(); return; }
        uint op = (uint)cpu.GetX(0);
        ulong arg = cpu.GetX(1);
        long result = op switch
        {
            SYS_OPEN => Open(cpu, arg),
            SYS_CLOSE => Close(cpu, arg),
            SYS_WRITEC => WriteC(cpu, arg),
            SYS_WRITE0 => Write0(cpu, arg),
            SYS_WRITE => Write(cpu, arg),
            SYS_READ => Read(cpu, arg),
            SYS_READC => ReadC(),
            SYS_ISERROR => IsError(cpu, arg),
            SYS_ISTTY => IsTty(cpu, arg),
            SYS_SEEK => Seek(cpu, arg),
            SYS_FLEN => Flen(cpu, arg),
            SYS_TMPNAM or SYS_REMOVE or SYS_RENAME or SYS_SYSTEM => Fail(EACCES),   // the host's files and shell are off limits
            SYS_CLOCK => _clock.ElapsedTicks * 100 / Stopwatch.Frequency,
            SYS_TIME => DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            SYS_ERRNO => Errno,
            SYS_GET_CMDLINE => GetCmdline(cpu, arg),
            SYS_HEAPINFO => HeapInfoOp(cpu, arg),
            SYS_EXIT or SYS_EXIT_EXTENDED => Exit(cpu, arg),
            SYS_ELAPSED => Elapsed(cpu, arg),
            SYS_TICKFREQ => 1_000_000_000,
            _ => Unsupported(cpu, op),
        };
        cpu.SetX(0, (ulong)result);
    }

    private long Fail(int errno) { Errno = errno; return -1; }

    private long Unsupported(Cpu cpu, uint op)
    {
        FatalError = $"semihosting: unsupported operation 0x{op:X} at PC 0x{cpu.Pc:X}";
        cpu.RequestStop();
        return -1;
    }

    // ---- parameter blocks ----

    private static bool TryArgs(Cpu cpu, ulong block, Span<ulong> args)
    {
        Span<byte> raw = stackalloc byte[args.Length * 8];
        if (!cpu.TryReadVirtual(block, raw)) return false;
        for (int i = 0; i < args.Length; i++) args[i] = BitConverter.ToUInt64(raw.Slice(i * 8, 8));
        return true;
    }

    private static bool TryWriteWord(Cpu cpu, ulong va, ulong value) => cpu.TryWriteVirtual(va, BitConverter.GetBytes(value));

    /// <summary>Reads a NUL-terminated guest string (at most <paramref name="max"/> bytes), page by page.</summary>
    private static byte[]? ReadString(Cpu cpu, ulong va, int max = 1 << 20)
    {
        var bytes = new List<byte>();
        Span<byte> chunk = stackalloc byte[0x1000];
        while (bytes.Count < max)
        {
            int n = (int)(0x1000 - (va & 0xFFF));
            var part = chunk[..n];
            if (!cpu.TryReadVirtual(va, part)) return null;
            int nul = part.IndexOf((byte)0);
            if (nul >= 0) { bytes.AddRange(part[..nul]); return [.. bytes]; }
            bytes.AddRange(part);
            va += (ulong)n;
        }
        return [.. bytes];
    }

    // ---- operations ----

    private long Open(Cpu cpu, ulong block)
    {
        Span<ulong> a = stackalloc ulong[3];   // {name, mode, length of name}
        if (!TryArgs(cpu, block, a)) return Fail(EFAULT);
        ulong mode = a[1], len = a[2];
        if (mode > 11) return Fail(EINVAL);
        if (len > 4096) return Fail(ENOENT);
        var name = new byte[len];
        if (!cpu.TryReadVirtual(a[0], name)) return Fail(EFAULT);
        string path = Encoding.UTF8.GetString(name);
        HandleKind kind;
        if (path == ":tt") kind = mode < 4 ? HandleKind.Stdin : mode < 8 ? HandleKind.Stdout : HandleKind.Stderr;
        else if (path == ":semihosting-features" && mode < 4) kind = HandleKind.Features;
        else return Fail(ENOENT);   // host files are never opened; the guest sees a file that does not exist
        int h = 1;
        while (_handles.ContainsKey(h)) h++;
        _handles[h] = new OpenHandle(kind);
        return h;
    }

    private OpenHandle? Get(ulong h) => h <= int.MaxValue && _handles.TryGetValue((int)h, out var o) ? o : null;

    private long Close(Cpu cpu, ulong block)
    {
        Span<ulong> a = stackalloc ulong[1];
        if (!TryArgs(cpu, block, a)) return Fail(EFAULT);
        if (Get(a[0]) == null) return Fail(EBADF);
        _handles.Remove((int)a[0]);
        return 0;
    }

    private long WriteC(Cpu cpu, ulong va)
    {
        Span<byte> c = stackalloc byte[1];
        if (!cpu.TryReadVirtual(va, c)) return Fail(EFAULT);
        Console.Write(c);
        return 0;
    }

    private long Write0(Cpu cpu, ulong va)
    {
        var s = ReadString(cpu, va);
        if (s == null) return Fail(EFAULT);
        Console.Write(s);
        return 0;
    }

    /// <summary>SYS_WRITE returns the number of bytes NOT written (0 = all of them).</summary>
    private long Write(Cpu cpu, ulong block)
    {
        Span<ulong> a = stackalloc ulong[3];   // {handle, buffer, length}
        if (!TryArgs(cpu, block, a)) return Fail(EFAULT);
        var h = Get(a[0]);
        ulong len = a[2];
        if (h == null || h.Kind is HandleKind.Stdin or HandleKind.Features) { Errno = EBADF; return (long)len; }
        ulong done = 0;
        var buf = new byte[0x1000];
        while (done < len)
        {
            ulong va = a[1] + done;
            int n = (int)Math.Min(len - done, 0x1000 - (va & 0xFFF));
            var part = buf.AsSpan(0, n);
            if (!cpu.TryReadVirtual(va, part)) { Errno = EFAULT; break; }
            if (h.Kind == HandleKind.Stderr) Console.WriteError(part); else Console.Write(part);
            done += (ulong)n;
        }
        return (long)(len - done);
    }

    /// <summary>SYS_READ returns the number of bytes NOT read: the full length means end of file.</summary>
    private long Read(Cpu cpu, ulong block)
    {
        Span<ulong> a = stackalloc ulong[3];   // {handle, buffer, length}
        if (!TryArgs(cpu, block, a)) return Fail(EFAULT);
        var h = Get(a[0]);
        ulong len = a[2];
        if (h == null || h.Kind is HandleKind.Stdout or HandleKind.Stderr) { Errno = EBADF; return (long)len; }
        int want = (int)Math.Min(len, 1 << 20);
        byte[] buf;
        int got;
        if (h.Kind == HandleKind.Features)
        {
            int from = (int)Math.Min(h.Position, s_features.Length);
            got = Math.Min(want, s_features.Length - from);
            buf = s_features[from..(from + got)];
            h.Position += got;
        }
        else
        {
            buf = new byte[want];
            got = Console.Read(buf);
        }
        if (got > 0 && !cpu.TryWriteVirtual(a[1], buf.AsSpan(0, got))) { Errno = EFAULT; return (long)len; }
        return (long)(len - (ulong)got);
    }

    /// <summary>SYS_READC: one byte of console input; end of input reads as -1.</summary>
    private long ReadC()
    {
        Span<byte> c = stackalloc byte[1];
        return Console.Read(c) == 1 ? c[0] : -1;
    }

    private long IsError(Cpu cpu, ulong block)
    {
        Span<ulong> a = stackalloc ulong[1];
        if (!TryArgs(cpu, block, a)) return Fail(EFAULT);
        return (long)a[0] < 0 ? 1 : 0;
    }

    private long IsTty(Cpu cpu, ulong block)
    {
        Span<ulong> a = stackalloc ulong[1];
        if (!TryArgs(cpu, block, a)) return Fail(EFAULT);
        var h = Get(a[0]);
        if (h == null) return Fail(EBADF);
        // Like QEMU, a console handle is a TTY only when the host side really is a terminal.
        return h.Kind switch
        {
            HandleKind.Stdin => Console.InputIsTerminal ? 1 : 0,
            HandleKind.Stdout or HandleKind.Stderr => Console.OutputIsTerminal ? 1 : 0,
            _ => 0,
        };
    }

    private long Seek(Cpu cpu, ulong block)
    {
        Span<ulong> a = stackalloc ulong[2];   // {handle, absolute position}
        if (!TryArgs(cpu, block, a)) return Fail(EFAULT);
        var h = Get(a[0]);
        if (h == null) return Fail(EBADF);
        if (h.Kind == HandleKind.Features)
        {
            if ((long)a[1] < 0) return Fail(EINVAL);
            h.Position = (long)a[1];
        }
        return 0;   // seeking the console succeeds and does nothing (QEMU)
    }

    private long Flen(Cpu cpu, ulong block)
    {
        Span<ulong> a = stackalloc ulong[1];
        if (!TryArgs(cpu, block, a)) return Fail(EFAULT);
        var h = Get(a[0]);
        if (h == null) return Fail(EBADF);
        return h.Kind == HandleKind.Features ? s_features.Length : Fail(EBADF);   // the console has no length
    }

    private long GetCmdline(Cpu cpu, ulong block)
    {
        Span<ulong> a = stackalloc ulong[2];   // {buffer, size} -> size becomes the length without the NUL
        if (!TryArgs(cpu, block, a)) return Fail(EFAULT);
        byte[] s = Encoding.UTF8.GetBytes(CommandLine + "\0");
        if ((ulong)s.Length > a[1]) return Fail(EINVAL);
        if (!cpu.TryWriteVirtual(a[0], s) || !TryWriteWord(cpu, block + 8, (ulong)(s.Length - 1))) return Fail(EFAULT);
        return 0;
    }

    private long HeapInfoOp(Cpu cpu, ulong arg)
    {
        // X1 holds the address of a word that points to the four-word result block.
        Span<ulong> p = stackalloc ulong[1];
        if (!TryArgs(cpu, arg, p)) return Fail(EFAULT);
        var hi = HeapInfo();
        var bytes = new byte[32];
        BitConverter.TryWriteBytes(bytes.AsSpan(0), hi.HeapBase);
        BitConverter.TryWriteBytes(bytes.AsSpan(8), hi.HeapLimit);
        BitConverter.TryWriteBytes(bytes.AsSpan(16), hi.StackBase);
        BitConverter.TryWriteBytes(bytes.AsSpan(24), hi.StackLimit);
        if (!cpu.TryWriteVirtual(p[0], bytes)) return Fail(EFAULT);
        return 0;
    }

    private long Elapsed(Cpu cpu, ulong va)
    {
        // The 64-bit tick count (SYS_TICKFREQ ticks per second) goes to the doubleword at X1.
        ulong ticks = (ulong)(_clock.ElapsedTicks * (1_000_000_000.0 / Stopwatch.Frequency));
        return TryWriteWord(cpu, va, ticks) ? 0 : Fail(EFAULT);
    }

    private long Exit(Cpu cpu, ulong block)
    {
        // On AArch64, X1 always points to {reason, subcode} (IHI 0084, SYS_EXIT). An unreadable block is not a
        // normal exit.
        Span<ulong> a = stackalloc ulong[2];
        if (!TryArgs(cpu, block, a)) { a[0] = 0; a[1] = 0; }
        ExitReason = (a[0], a[1]);
        Console.Flush();
        cpu.RequestExit(a[0] == ADP_Stopped_ApplicationExit ? (int)a[1] : 1);
        return 0;
    }
}
