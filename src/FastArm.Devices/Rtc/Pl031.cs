using System.Diagnostics;
using FastArm.Devices.Registers;
using FastArm.SoftMmu.Bus;

namespace FastArm.Devices.Rtc;

/// <summary>
/// The Arm PrimeCell real time clock (PL031, Arm DDI 0224): a 32-bit seconds counter that starts at the host's
/// wall-clock time (seconds since 1970, UTC, as QEMU's default -rtc base=utc) and advances with host time, a
/// match register whose interrupt fires when the counter reaches it, and the PrimeCell identification registers.
/// The counter is always running (RTCCR.RTCStart reads as 1; QEMU's model does the same). The registers are
/// declared once in <see cref="Map"/>; the register kit makes offsets the TRM does not define RAZ/WI (reported
/// once each through <see cref="Trace"/>). As an APB peripheral it has no byte lanes: 1-, 2- and 4-byte accesses
/// at a register's offset reach the whole register.
/// </summary>
public sealed class Pl031 : IMmioDevice
{
    public const ulong Size = 0x1000;

    private readonly Func<long> _hostSeconds;
    private readonly RegisterBlock<Pl031> _regs;
    /// <summary>RTCINTR: one status bit, the match.</summary>
    private readonly MaskedInterrupts _int = new(1);
    private long _offset;   // guest count = host seconds + offset (mod 2^32)
    private bool _matchArmed;

    public Action<bool>? Irq { get => _int.Output; set => _int.Output = value; }
    public Action<string>? Trace { get => _regs.Trace; set => _regs.Trace = value; }

    /// <summary>An RTC on host wall-clock time.</summary>
    public Pl031() : this(WallClock()) { }

    /// <summary>An RTC on a given seconds source (tests).</summary>
    public Pl031(Func<long> hostSeconds)
    {
        _hostSeconds = hostSeconds;
        _regs = new RegisterBlock<Pl031>(Map, this);
        Reset();
    }

    /// <summary>UTC seconds since 1970 at creation, then advancing with the monotonic clock (immune to host clock steps).</summary>
    private static Func<long> WallClock()
    {
        long start = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var sw = Stopwatch.StartNew();
        return () => start + (long)sw.Elapsed.TotalSeconds;
    }

    public void Reset()
    {
        _offset = 0;
        _regs.Reset();
        _matchArmed = false;
        _int.Reset();
    }

    /// <summary>RTCDR: the current count.</summary>
    public uint Count => (uint)(_hostSeconds() + _offset);

    public ulong Read(ulong offset, int size) => _regs.Read(offset, size);
    public void Write(ulong offset, ulong value, int size) => _regs.Write(offset, value, size);

    // ---- the register table (TRM 3.2) ----

    private static readonly RegisterDef<Pl031> s_mr = Reg.Stored<Pl031>(0x004, "RTCMR", onWrite: static (r, _, _, _) => r.Arm());

    private static readonly RegisterMap<Pl031> Map = new("pl031", Size,
    [
        Reg.Live<Pl031>(0x000, "RTCDR", static (r, _) => r.Count, Reg.Ignore),
        s_mr,
        // QEMU reads back the current count; the TRM's LR holds the last value loaded.
        Reg.Live<Pl031>(0x008, "RTCLR", static (r, _) => r.Count, static (r, _, v, _) =>
        {
            r._offset = (long)(uint)v - r._hostSeconds();
            r.Arm();
        }),
        Reg.Live<Pl031>(0x00C, "RTCCR", static (_, _) => 1, Reg.Ignore),   // always running
        .. MaskedInterrupts.Registers<Pl031>("RTC", static r => r._int, imsc: 0x010, ris: 0x014, mis: 0x018, icr: 0x01C,
            sample: static r => r.Poll()),
        // TRM 3.3.9-3.3.10: part 0x031, designer 0x41, revision 1.
        .. Reg.PrimeCellIds<Pl031>([0x31, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1]),
    ], NarrowAccess.WholeRegister);

    private uint Mr => (uint)_regs[s_mr];

    /// <summary>The match fires when the count reaches RTCMR; it is armed while RTCMR lies ahead.</summary>
    private void Arm()
    {
        _matchArmed = Mr != Count;
        Poll();
    }

    /// <summary>Raises the match interrupt once the count has reached RTCMR (the board calls this periodically).</summary>
    public void Poll()
    {
        if (!_matchArmed) return;
        if (Count - Mr < 0x8000_0000u)   // count at or past the match (in modulo-2^32 order)
        {
            _matchArmed = false;
            _int.Raw |= 1;
            _int.Update();
        }
    }
}
