using System.Diagnostics;
using System.Text;

namespace FastArm.Bench.Harness;

/// <summary>What one emulator run gave: host arrival time of each marker line (seconds since process start), the
/// results the guest printed, peak RSS, and why it ended.</summary>
public sealed class GuestRunResult
{
    /// <summary>Marker text after the prefix (e.g. "ready", "begin gzip") to its first arrival, in seconds.</summary>
    public Dictionary<string, double> Markers { get; } = new(StringComparer.Ordinal);
    /// <summary>"result NAME VALUE" lines: NAME to VALUE.</summary>
    public Dictionary<string, string> Results { get; } = new(StringComparer.Ordinal);
    /// <summary>Peak resident set size (VmHWM) in KiB, 0 if it could not be read.</summary>
    public long PeakRssKiB { get; set; }
    public string? Failure { get; set; }
    /// <summary>The harness was interrupted (Ctrl-C) during this run: neither a sample nor a failure.</summary>
    public bool Interrupted { get; set; }
    public int? ExitCode { get; set; }
    public string Log { get; set; } = "";

    public double? Marker(string name) => Markers.TryGetValue(name, out double t) ? t : null;

    public double? Between(string from, string to) =>
        Marker(from) is double a && Marker(to) is double b ? b - a : null;
}

/// <summary>
/// Starts an emulator with the guest console on its stdout and watches it: the clock starts just before the process
/// starts and each marker line is stamped with the host time at which its newline arrives, so the guest's own clock
/// (which runs at emulated, not host, speed) never enters the numbers. Peak RSS is VmHWM from /proc/PID/status,
/// polled while the process lives (VmHWM is the kernel's own high-water mark, so polling misses nothing but the
/// last few milliseconds).
/// </summary>
public static class GuestProcess
{
    private const string Panic = "Kernel panic - not syncing";

    public static GuestRunResult Run(string fileName, IReadOnlyList<string> args, string finalMarker, TimeSpan timeout, TextWriter? echo,
        CancellationToken cancel = default)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,    // an empty pipe: never the user's terminal (fastarm would make it raw)
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // The engine is chosen by --engine; the environment must not override the defaults behind the benchmark's back.
        foreach (var v in new[] { "FASTARM_ENGINE", "FASTARM_JIT_THRESHOLD", "FASTARM_JIT_BACKGROUND" }) psi.Environment.Remove(v);

        var result = new GuestRunResult();
        var log = new StringBuilder();
        var logLock = new object();
        var finalSeen = new ManualResetEventSlim();
        var failed = new ManualResetEventSlim();
        var clock = new Stopwatch();
        Process p;
        long hwm = 0;

        clock.Start();
        try { p = Process.Start(psi) ?? throw new InvalidOperationException("no process"); }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            result.Failure = $"cannot start {fileName}: {e.Message}";
            return result;
        }

        using (p)
        {
            int pid = p.Id;
            void SampleRss()
            {
                long v = ReadHwmKiB(pid);
                if (v > Interlocked.Read(ref hwm)) Interlocked.Exchange(ref hwm, v);
            }

            var outThread = new Thread(() =>
            {
                var stream = p.StandardOutput.BaseStream;
                var line = new List<byte>(256);
                var buf = new byte[4096];
                int n;
                while ((n = stream.Read(buf, 0, buf.Length)) > 0)
                {
                    for (int i = 0; i < n; i++)
                    {
                        byte b = buf[i];
                        if (b != (byte)'\n') { if (b != (byte)'\r') line.Add(b); continue; }
                        double t = clock.Elapsed.TotalSeconds;
                        string text = Encoding.UTF8.GetString(line.ToArray());
                        line.Clear();
                        // The log keeps the host's arrival time of every line (the guest's own stamps run at emulated speed).
                        lock (logLock) log.Append(FormattableString.Invariant($"[host {t,9:0.000}] ")).Append(text).Append('\n');
                        echo?.WriteLine(text);
                        // Kernel messages can land in the middle of a line of the guest's, so look for the prefix anywhere.
                        int at = text.IndexOf(BenchImages.Marker, StringComparison.Ordinal);
                        if (at >= 0)
                        {
                            string marker = text[(at + BenchImages.Marker.Length)..].Trim();
                            SampleRss();
                            if (marker.StartsWith("result ", StringComparison.Ordinal))
                            {
                                var parts = marker.Split(' ', 3);
                                if (parts.Length == 3) result.Results[parts[1]] = parts[2].Trim();
                            }
                            else
                            {
                                lock (result.Markers) result.Markers.TryAdd(marker, t);
                                if (marker == finalMarker) finalSeen.Set();
                            }
                        }
                        else if (text.Contains(Panic, StringComparison.Ordinal))
                        {
                            result.Failure ??= "the guest kernel panicked: " + text.Trim();
                            failed.Set();
                        }
                    }
                }
            }) { IsBackground = true, Name = "guest stdout" };
            var errThread = new Thread(() =>
            {
                string? l;
                while ((l = p.StandardError.ReadLine()) != null)
                    lock (logLock) log.Append("[stderr] ").Append(l).Append('\n');
            }) { IsBackground = true, Name = "guest stderr" };
            var rssThread = new Thread(() =>
            {
                while (!p.HasExited)
                {
                    SampleRss();
                    Thread.Sleep(20);
                }
            }) { IsBackground = true, Name = "rss poll" };
            outThread.Start();
            errThread.Start();
            rssThread.Start();

            var deadline = timeout;
            while (true)
            {
                if (finalSeen.IsSet || failed.IsSet) break;
                if (cancel.IsCancellationRequested) break;
                if (p.WaitForExit(50)) { outThread.Join(2000); break; }
                if (clock.Elapsed > deadline)
                {
                    result.Failure = $"no '{finalMarker}' marker after {timeout.TotalSeconds:0} s (killed)";
                    break;
                }
            }

            // After the last marker the guest powers off by itself; give it a moment, then make sure it is gone.
            bool poweredOff = failed.IsSet || result.Failure != null || WaitForExit(p, TimeSpan.FromSeconds(30), cancel);
            if (!poweredOff && !cancel.IsCancellationRequested)
                result.Failure = "the guest did not power off within 30 s of its last marker (killed)";
            if (!p.HasExited)
            {
                try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                p.WaitForExit(10_000);
            }
            outThread.Join(5000);
            errThread.Join(2000);
            rssThread.Join(2000);
            if (p.HasExited) result.ExitCode = p.ExitCode;
            // On a terminal Ctrl-C reaches the emulator too, which may exit before the harness sees the request.
            if (cancel.IsCancellationRequested && !finalSeen.IsSet)
            {
                result.Interrupted = true;
                result.Failure = "interrupted";
            }
            if (result.Failure == null && !finalSeen.IsSet)
                result.Failure = $"exited with code {result.ExitCode} before the '{finalMarker}' marker";
            if (result.Failure == null && poweredOff && result.ExitCode != 0)
                result.Failure = $"exited with code {result.ExitCode} after powering off";
            result.PeakRssKiB = Interlocked.Read(ref hwm);
            lock (logLock) result.Log = log.ToString();
        }
        return result;
    }

    private static bool WaitForExit(Process p, TimeSpan limit, CancellationToken cancel)
    {
        var until = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < until && !cancel.IsCancellationRequested)
            if (p.WaitForExit(50)) return true;
        return p.HasExited;
    }

    /// <summary>VmHWM (peak RSS, KiB) of a live process; 0 once it is gone.</summary>
    private static long ReadHwmKiB(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var digits = line.AsSpan(6).Trim();
                    int sp = digits.IndexOf(' ');
                    if (sp > 0) digits = digits[..sp];
                    return long.TryParse(digits, out long kib) ? kib : 0;
                }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return 0;
    }
}
