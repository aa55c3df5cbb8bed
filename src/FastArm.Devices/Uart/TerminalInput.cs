using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace FastArm.Devices.Uart;

/// <summary>
/// Interactive console input from the host terminal: puts stdin in raw mode (every key goes to the guest,
/// Ctrl-C included; output post-processing stays on, as QEMU's stdio does), reads it on a thread of its own and
/// handles the Ctrl-A escapes: Ctrl-A x quits, Ctrl-A h prints help, Ctrl-A a (or Ctrl-A Ctrl-A) sends a Ctrl-A.
/// The terminal's settings are restored on <see cref="Dispose"/> and at process exit.
/// </summary>
public sealed class TerminalInput : IDisposable
{
    public const byte EscapeChar = 0x01;   // Ctrl-A

    public const string Help = "\r\nC-a h    print this help\r\nC-a x    exit the emulator\r\nC-a a    send C-a\r\n";

    private readonly ConcurrentQueue<byte> _input = new();
    private readonly Stream _stdin;
    private byte[]? _savedTermios;
    private bool _escape;
    private int _disposed;

    /// <summary>Ctrl-A x.</summary>
    public Action? Quit { get; set; }
    /// <summary>Where Ctrl-A h writes (the host terminal).</summary>
    public Action<string>? Message { get; set; }
    /// <summary>Called when a byte for the guest arrives.</summary>
    public Action? InputArrived { get; set; }

    public bool InputPending => !_input.IsEmpty;
    public bool TryRead(out byte value) => _input.TryDequeue(out value);

    public TerminalInput() : this(attach: true) { }

    /// <param name="attach">False: only the escape handling, fed through <see cref="Take"/> (tests).</param>
    internal TerminalInput(bool attach)
    {
        _stdin = attach ? Console.OpenStandardInput() : Stream.Null;
        if (!attach) return;
        EnterRawMode();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
        AppDomain.CurrentDomain.UnhandledException += (_, _) => Dispose();   // never leave the terminal raw
        var t = new Thread(ReadLoop) { IsBackground = true, Name = "console-input" };
        t.Start();
    }

    private void ReadLoop()
    {
        var buf = new byte[256];
        while (Volatile.Read(ref _disposed) == 0)
        {
            int n;
            try { n = _stdin.Read(buf, 0, buf.Length); }
            catch (IOException) { return; }
            if (n <= 0) return;
            for (int i = 0; i < n; i++) Take(buf[i]);
            InputArrived?.Invoke();
        }
    }

    /// <summary>One byte from the terminal: escapes are the emulator's, everything else the guest's.</summary>
    internal void Take(byte b)
    {
        if (_escape)
        {
            _escape = false;
            switch (b)
            {
                case (byte)'x' or (byte)'X': Quit?.Invoke(); return;
                case (byte)'h' or (byte)'H' or (byte)'?': Message?.Invoke(Help); return;
                case (byte)'a' or EscapeChar: _input.Enqueue(EscapeChar); return;
                default: return;   // unknown escapes are swallowed, as in QEMU
            }
        }
        if (b == EscapeChar) { _escape = true; return; }
        _input.Enqueue(b);
    }

    // ---- termios (Linux layout: four tcflag_t words, c_line, c_cc[32], speeds) ----

    private const int TermiosSize = 60, OflagOffset = 4, TCSANOW = 0;
    private const uint OPOST = 1;

    [DllImport("libc", SetLastError = true)] private static extern int tcgetattr(int fd, byte[] termios);
    [DllImport("libc", SetLastError = true)] private static extern int tcsetattr(int fd, int action, byte[] termios);
    [DllImport("libc")] private static extern void cfmakeraw(byte[] termios);
    [DllImport("libc")] private static extern int isatty(int fd);

    /// <summary>True when fd 0 is a terminal (and this platform's termios layout is known).</summary>
    public static bool StdinIsTerminal()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try { return isatty(0) == 1; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
    }

    private void EnterRawMode()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            var t = new byte[TermiosSize + 64];   // slack in case the C library's struct is larger
            if (tcgetattr(0, t) != 0) return;
            _savedTermios = (byte[])t.Clone();
            cfmakeraw(t);
            uint oflag = BitConverter.ToUInt32(t, OflagOffset) | OPOST;
            BitConverter.TryWriteBytes(t.AsSpan(OflagOffset), oflag);
            tcsetattr(0, TCSANOW, t);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _savedTermios = null;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_savedTermios != null)
        {
            try { tcsetattr(0, TCSANOW, _savedTermios); } catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
        }
    }
}
