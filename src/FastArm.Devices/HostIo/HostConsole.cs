using System.Runtime.InteropServices;

namespace FastArm.Devices.HostIo;

/// <summary>
/// Where guest console bytes go and come from: semihosting's console handles and the UARTs share one instance so
/// that their output interleaves in the order the guest produced it. Bytes pass through unchanged (no encoding).
/// Guest output goes to <see cref="Output"/> (the host's stdout by default); the emulator's own messages never go
/// through here.
/// </summary>
public class HostConsole : IDisposable
{
    private readonly Stream _out;
    private readonly Stream _err;
    private readonly Stream? _in;
    private readonly bool _inIsHostStdin;
    private readonly object _lock = new();

    /// <summary>True when the guest's input is an interactive terminal (SYS_ISTTY, and whether reads may block).</summary>
    public bool InputIsTerminal { get; }
    public bool OutputIsTerminal { get; }

    /// <summary>The process's own stdin/stdout/stderr.</summary>
    public static HostConsole Standard() => new(
        Console.OpenStandardOutput(), Console.OpenStandardError(), Console.OpenStandardInput(),
        inputIsTerminal: !Console.IsInputRedirected, outputIsTerminal: !Console.IsOutputRedirected, inputIsHostStdin: true);

    /// <summary>A console on given streams (tests); <paramref name="input"/> null = no input (reads see EOF).</summary>
    public HostConsole(Stream output, Stream? error = null, Stream? input = null, bool inputIsTerminal = false, bool outputIsTerminal = false)
        : this(output, error ?? output, input, inputIsTerminal, outputIsTerminal, inputIsHostStdin: false) { }

    private HostConsole(Stream output, Stream error, Stream? input, bool inputIsTerminal, bool outputIsTerminal, bool inputIsHostStdin)
    {
        _out = output;
        _err = error;
        _in = input;
        InputIsTerminal = inputIsTerminal;
        OutputIsTerminal = outputIsTerminal;
        _inIsHostStdin = inputIsHostStdin;
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        lock (_lock) { _out.Write(bytes); _out.Flush(); }
    }

    public void WriteByte(byte b)
    {
        Span<byte> one = [b];
        Write(one);
    }

    /// <summary>The guest's stderr (semihosting ":tt" opened for append).</summary>
    public void WriteError(ReadOnlySpan<byte> bytes)
    {
        lock (_lock) { _out.Flush(); _err.Write(bytes); _err.Flush(); }
    }

    /// <summary>
    /// Reads up to <paramref name="dest"/>.Length bytes of guest input. Returns the count; 0 means end of input.
    /// When the input is not a terminal this never blocks: with no data ready it reports end of input, so that a
    /// guest reading stdin under CI (stdin a pipe nobody writes to) does not hang the run.
    /// </summary>
    public int Read(Span<byte> dest)
    {
        if (_in == null || dest.IsEmpty) return 0;
        if (!InputIsTerminal && _inIsHostStdin && !StdinReady()) return 0;
        try { return _in.Read(dest); }
        catch (IOException) { return 0; }
    }

    /// <summary>True when a read of fd 0 would not block (data or end of file), by poll(2) with a zero timeout.</summary>
    private static bool StdinReady()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD()) return true;
        try
        {
            var fds = new PollFd { Fd = 0, Events = PollIn };
            int n = poll(ref fds, 1, 0);
            return n > 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return true;
        }
    }

    private const short PollIn = 1;

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd { public int Fd; public short Events; public short Revents; }

    [DllImport("libc", SetLastError = true)]
    private static extern int poll(ref PollFd fds, nuint nfds, int timeout);

    public void Flush()
    {
        lock (_lock) { _out.Flush(); _err.Flush(); }
    }

    public virtual void Dispose()
    {
        Flush();
        GC.SuppressFinalize(this);
    }
}
