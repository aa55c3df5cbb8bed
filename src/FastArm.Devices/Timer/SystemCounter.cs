using System.Diagnostics;

namespace FastArm.Devices.Timer;

/// <summary>
/// The system counter every PE's generic timer reads (Arm ARM D11.1): a 64-bit count at a fixed frequency,
/// shared by all PEs. By default it follows host monotonic time from zero at creation; for deterministic
/// runs inject any count source (an instruction counter, a manual value), and WFI then moves the count
/// forward to the next timer deadline instead of sleeping (<see cref="SkipIdleTime"/>).
/// </summary>
public sealed class SystemCounter
{
    /// <summary>CNTFRQ_EL0 on QEMU's virt: 62.5 MHz.</summary>
    public const ulong VirtFrequency = 62_500_000;

    private readonly Func<ulong>? _source;
    private readonly long _start;
    private readonly long _hostDivisor;   // Stopwatch ticks per count, when it divides exactly
    private long _skew;                   // counts added by idle skipping (and AdvanceTo)

    public ulong Frequency { get; }

    /// <summary>True: a WFI with a timer armed jumps the count to the deadline rather than sleeping.</summary>
    public bool SkipIdleTime { get; set; }

    /// <summary>A counter that follows host monotonic time (Stopwatch), starting at 0.</summary>
    public SystemCounter(ulong frequency = VirtFrequency)
    {
        if (frequency == 0) throw new ArgumentOutOfRangeException(nameof(frequency));
        Frequency = frequency;
        _start = Stopwatch.GetTimestamp();
        _hostDivisor = Stopwatch.Frequency % (long)frequency == 0 ? Stopwatch.Frequency / (long)frequency : 0;
    }

    /// <summary>A counter whose value is <paramref name="source"/>() (plus idle skips): deterministic runs.</summary>
    public SystemCounter(Func<ulong> source, ulong frequency = VirtFrequency)
    {
        if (frequency == 0) throw new ArgumentOutOfRangeException(nameof(frequency));
        _source = source;
        Frequency = frequency;
        SkipIdleTime = true;
    }

    public bool IsHostClock => _source == null;

    /// <summary>The physical count (CNTPCT_EL0).</summary>
    public ulong Now
    {
        get
        {
            ulong raw;
            if (_source != null) raw = _source();
            else
            {
                long elapsed = Stopwatch.GetTimestamp() - _start;
                raw = _hostDivisor != 0
                    ? (ulong)(elapsed / _hostDivisor)
                    : (ulong)((UInt128)(ulong)elapsed * Frequency / (ulong)Stopwatch.Frequency);
            }
            return raw + (ulong)Volatile.Read(ref _skew);
        }
    }

    /// <summary>Moves the count forward to at least <paramref name="count"/> (never backward).</summary>
    public void AdvanceTo(ulong count)
    {
        ulong now = Now;
        if (count > now) Interlocked.Add(ref _skew, (long)(count - now));
    }

    /// <summary>Host time that <paramref name="counts"/> ticks of this counter take.</summary>
    public TimeSpan ToHostTime(ulong counts)
    {
        UInt128 ticks = (UInt128)counts * TimeSpan.TicksPerSecond / Frequency;
        return ticks > long.MaxValue ? TimeSpan.MaxValue : TimeSpan.FromTicks((long)ticks);
    }
}
