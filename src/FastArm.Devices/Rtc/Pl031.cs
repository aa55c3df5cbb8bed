using System.Diagnostics;
using FastArm.SoftMmu.Bus;

namespace FastArm.Devices.Rtc;

/// <summary>
/// The Arm PrimeCell real time clock (PL031, Arm DDI 0224): a 32-bit seconds counter that starts at the host's
/// wall-clock time (seconds since 1970, UTC, as QEMU's default -rtc base=utc) and advances with host time, a
/// match register whose interrupt fires when the counter reaches it, and the PrimeCell identification registers.
/// The counter is always running (RTCCR.RTCStart reads as 1; QEMU's model does the same). Offsets the TRM
/// does not define read as zero and ignore writes.
/// </summary>
public sealed class Pl031 : IMmioDevice
{
    public const ulong Size = 0x1000;

    private const ulong DR = 0x000, MR = 0x004, LR = 0x008, CR = 0x00C, IMSC = 0x010, RIS = 0x014, MIS = 0x018, ICR = 0x01C;

    /// <summary>RTCPeriphID0..3, RTCPCellID0..3 (TRM 3.3.9-3.3.10: part 0x031, designer 0x41, revision 1).</summary>
    private static readonly byte[] s_id = [0x31, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1];

    private readonly Func<long> _hostSeconds;
    private long _offset;   // guest count = host seconds + offset (mod 2^32)
    private uint _mr, _imsc, _ris;
    private bool _matchArmed;
    private bool _irqLevel;
    private readonly HashSet<ulong> _traced = [];

    public Action<bool>? Irq { get; set; }
    public Action<string>? Trace { get; set; }

    /// <summary>An RTC on host wall-clock time.</summary>
    public Pl031() : this(WallClock()) { }

    /// <summary>An RTC on a given seconds source (tests).</summary>
    public Pl031(Func<long> hostSeconds)
    {
        _hostSeconds = hostSeconds;
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
        _mr = _imsc = _ris = 0;
        _matchArmed = false;
        UpdateIrq();
    }

    /// <summary>RTCDR: the current count.</summary>
    public uint Count => (uint)(_hostSeconds() + _offset);

    public ulong Read(ulong offset, int size)
    {
        if ((offset & 3) != 0) { Unknown(offset, false); return 0; }
        if (offset >= 0xFE0 && offset <= 0xFFC) return s_id[(offset - 0xFE0) / 4];
        switch (offset)
        {
            case DR: return Count;
            case MR: return _mr;
            case LR: return Count;   // QEMU reads back the current count; the TRM's LR holds the last load
            case CR: return 1;
            case IMSC: return _imsc;
            case RIS: Poll(); return _ris;
            case MIS: Poll(); return _ris & _imsc;
            case ICR: return 0;
            default: Unknown(offset, false); return 0;
        }
    }

    public void Write(ulong offset, ulong value, int size)
    {
        if ((offset & 3) != 0) { Unknown(offset, true); return; }
        uint v = (uint)value;
        switch (offset)
        {
            case MR: _mr = v; Arm(); break;
            case LR: _offset = (long)v - _hostSeconds(); Arm(); break;
            case CR: break;   // always running
            case IMSC: _imsc = v & 1; UpdateIrq(); break;
            case ICR: _ris &= ~(v & 1); UpdateIrq(); break;
            case DR or RIS or MIS: break;
            default: Unknown(offset, true); break;
        }
    }

    /// <summary>The match fires when the count reaches RTCMR; it is armed while RTCMR lies ahead.</summary>
    private void Arm()
    {
        _matchArmed = _mr != Count;
        Poll();
    }

    /// <summary>Raises the match interrupt once the count has reached RTCMR (the board calls this periodically).</summary>
    public void Poll()
    {
        if (!_matchArmed) return;
        if (Count - _mr < 0x8000_0000u)   // count at or past the match (in modulo-2^32 order)
        {
            _matchArmed = false;
            _ris |= 1;
            UpdateIrq();
        }
    }

    private void UpdateIrq()
    {
        bool level = (_ris & _imsc) != 0;
        if (level == _irqLevel) return;
        _irqLevel = level;
        Irq?.Invoke(level);
    }

    private void Unknown(ulong offset, bool write)
    {
        if (Trace != null && _traced.Add(offset * 2 + (write ? 1UL : 0)))
            Trace($"pl031: {(write ? "write to" : "read of")} unknown offset 0x{offset:x3} (RAZ/WI)");
    }
}
