using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using FastArm.Devices.HostIo;

namespace FastArm.Devices.Uart;

/// <summary>
/// The host side of a guest serial port: where transmitted bytes go and where received bytes come from. Reads
/// never block (the UART polls from the CPU thread); input that arrives on another thread calls
/// <see cref="InputArrived"/> so that a CPU sleeping in WFI wakes up to take it.
/// </summary>
public abstract class SerialBackend : IDisposable
{
    /// <summary>Called (from any thread) when input becomes available.</summary>
    public Action? InputArrived { get; set; }

    /// <summary>Sends bytes the guest transmitted. Never blocks for long.</summary>
    public abstract void Write(ReadOnlySpan<byte> bytes);

    /// <summary>Takes one received byte if one is ready; never blocks.</summary>
    public abstract bool TryRead(out byte value);

    /// <summary>True when <see cref="TryRead"/> would return a byte (cheap).</summary>
    public abstract bool InputPending { get; }

    public virtual void Flush() { }

    public virtual void Dispose() => GC.SuppressFinalize(this);

    /// <summary>
    /// Parses a <c>--serial</c> specification: <c>stdio</c> (the console), <c>file:PATH</c> (output to a file, no
    /// input), <c>tcp:127.0.0.1:PORT</c> (a loopback server; one client at a time), <c>none</c>. Throws
    /// <see cref="ArgumentException"/> with a one-line reason.
    /// </summary>
    public static SerialBackend Create(string spec, HostConsole console)
    {
        if (spec == "stdio") return new ConsoleSerial(console);
        if (spec == "none" || spec == "null") return new NullSerial();
        if (spec.StartsWith("file:", StringComparison.Ordinal))
        {
            string path = spec[5..];
            if (path.Length == 0) throw new ArgumentException("file: needs a path");
            return new FileSerial(path);
        }
        if (spec.StartsWith("tcp:", StringComparison.Ordinal))
        {
            string rest = spec[4..];
            int colon = rest.LastIndexOf(':');
            if (colon < 0 || !int.TryParse(rest[(colon + 1)..], out int port) || port is < 0 or > 65535)
                throw new ArgumentException($"'{spec}' is not tcp:HOST:PORT");
            string host = rest[..colon];
            if (host.Length == 0) host = "127.0.0.1";
            if (!IPAddress.TryParse(host.Trim('[', ']'), out var addr) || !IPAddress.IsLoopback(addr))
                throw new ArgumentException($"'{host}' is not a loopback address: the console is only served on 127.0.0.1 or ::1");
            return new TcpSerial(addr, port);
        }
        throw new ArgumentException($"unknown serial backend '{spec}' (stdio, file:PATH, tcp:127.0.0.1:PORT or none)");
    }
}

/// <summary>No host side: output is dropped and nothing is ever received.</summary>
public sealed class NullSerial : SerialBackend
{
    public override void Write(ReadOnlySpan<byte> bytes) { }
    public override bool TryRead(out byte value) { value = 0; return false; }
    public override bool InputPending => false;
}

/// <summary>
/// The guest console on a <see cref="HostConsole"/>. When its input is not a terminal, input is read without
/// blocking, only what has been given (a pipe, a file, a test's stream); interactive terminals are read by
/// <see cref="TerminalInput"/> on a thread of their own, which the owner attaches.
/// </summary>
public sealed class ConsoleSerial : SerialBackend
{
    private readonly HostConsole _console;
    private readonly byte[] _buf = new byte[256];
    private int _pos, _len;
    private long _nextPoll;

    public HostConsole Console => _console;

    /// <summary>Interactive input (raw terminal with Ctrl-A escapes); null = read <see cref="HostConsole"/> directly.</summary>
    public TerminalInput? Terminal { get; set; }

    /// <summary>
    /// False: the console is output only (its input belongs to someone else, e.g. semihosting reading an
    /// interactive terminal, which blocks). True by default unless the console's input is a terminal and no
    /// <see cref="Terminal"/> reader is attached.
    /// </summary>
    public bool InputEnabled { get; set; } = true;

    public ConsoleSerial(HostConsole console) => _console = console;

    /// <summary>Reading the console directly is safe only when it cannot block: not an interactive terminal.</summary>
    private bool DirectInput => InputEnabled && !_console.InputIsTerminal;

    public override void Write(ReadOnlySpan<byte> bytes) => _console.Write(bytes);

    public override bool InputPending
    {
        get
        {
            if (Terminal != null) return Terminal.InputPending;
            if (!DirectInput) return false;
            Fill();
            return _pos < _len;
        }
    }

    public override bool TryRead(out byte value)
    {
        if (Terminal != null) return Terminal.TryRead(out value);
        value = 0;
        if (!DirectInput) return false;
        Fill();
        if (_pos < _len) { value = _buf[_pos++]; return true; }
        return false;
    }

    /// <summary>Refills from the console at most every millisecond (each look at host stdin is a system call).</summary>
    private void Fill()
    {
        if (_pos < _len) return;
        long now = Environment.TickCount64;
        if (now < _nextPoll) return;
        _nextPoll = now + 1;
        int n = _console.Read(_buf);
        _pos = 0;
        _len = n;
    }

    public override void Flush() => _console.Flush();
}

/// <summary>Guest output appended to a file; no input.</summary>
public sealed class FileSerial : SerialBackend
{
    private readonly FileStream _file;

    public FileSerial(string path)
    {
        try { _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or DirectoryNotFoundException)
        {
            throw new ArgumentException($"cannot open '{path}': {e.Message}");
        }
    }

    public override void Write(ReadOnlySpan<byte> bytes) { _file.Write(bytes); }
    public override void Flush() => _file.Flush();
    public override bool TryRead(out byte value) { value = 0; return false; }
    public override bool InputPending => false;

    public override void Dispose()
    {
        _file.Dispose();
        base.Dispose();
    }
}

/// <summary>
/// A loopback TCP server for the console: one client at a time. Output written while no client is connected is
/// kept (up to 64 KiB, oldest dropped) and sent when one connects, so a client that attaches late sees the boot.
/// </summary>
public sealed class TcpSerial : SerialBackend
{
    private const int BacklogLimit = 64 * 1024;
    private readonly TcpListener _listener;
    private readonly ConcurrentQueue<byte> _input = new();
    private readonly object _lock = new();
    private readonly Queue<byte> _backlog = new();
    private readonly CancellationTokenSource _stop = new();
    private Socket? _client;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public TcpSerial(IPAddress address, int port)
    {
        _listener = new TcpListener(address, port);
        try { _listener.Start(1); }
        catch (SocketException e) { throw new ArgumentException($"cannot listen on {address}:{port}: {e.Message}"); }
        var t = new Thread(AcceptLoop) { IsBackground = true, Name = "serial-tcp" };
        t.Start();
    }

    private void AcceptLoop()
    {
        var buf = new byte[1024];
        while (!_stop.IsCancellationRequested)
        {
            Socket s;
            try { s = _listener.AcceptSocket(); }
            catch (Exception) { return; }
            s.NoDelay = true;
            lock (_lock)
            {
                _client = s;
                if (_backlog.Count > 0)
                {
                    try { s.Send(_backlog.ToArray()); } catch (SocketException) { }
                    _backlog.Clear();
                }
            }
            try
            {
                while (true)
                {
                    int n = s.Receive(buf);
                    if (n <= 0) break;
                    for (int i = 0; i < n; i++) _input.Enqueue(buf[i]);
                    InputArrived?.Invoke();
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
            lock (_lock) { if (_client == s) _client = null; }
            s.Dispose();
        }
    }

    public override void Write(ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            if (_client != null)
            {
                try { _client.Send(bytes); return; }
                catch (Exception e) when (e is SocketException or ObjectDisposedException) { _client = null; }
            }
            foreach (byte b in bytes) _backlog.Enqueue(b);
            while (_backlog.Count > BacklogLimit) _backlog.Dequeue();
        }
    }

    public override bool TryRead(out byte value) => _input.TryDequeue(out value);
    public override bool InputPending => !_input.IsEmpty;

    public override void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_lock) { _client?.Dispose(); _client = null; }
        base.Dispose();
    }
}
