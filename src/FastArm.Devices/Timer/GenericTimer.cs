using FastArm.Devices.Gic;
using FastArm.Devices.Registers;
using FastArm.Jit;
using FastArm.Jit.Platform;

namespace FastArm.Devices.Timer;

/// <summary>
/// One PE's generic timer (Arm ARM chapter D11): the counter views CNTPCT_EL0/CNTVCT_EL0 with CNTVOFF_EL2,
/// CNTFRQ_EL0, the EL1 physical and virtual timers, the EL2 physical and virtual timers, the secure physical
/// timer, with the EL0/EL1 access controls of CNTKCTL_EL1/CNTHCTL_EL2 and FEAT_VHE redirection. (Those two
/// and CNTVOFF_EL2 are storage registers of the CPU's own table, in CpuState.Sys.) Each
/// timer drives a level-sensitive PPI: CNTPNSIRQ 30, CNTVIRQ 27, CNTHPIRQ 26, CNTHVIRQ 28, CNTPSIRQ 29.
/// <para>
/// Time: the output of a timer changes either on a register write (handled at once) or when the count
/// reaches a compare value. The board calls <see cref="Poll()"/> from its run loop (every few thousand
/// instructions, or compares <see cref="NextDeadline"/> itself); that is one counter read and a few compares
/// while nothing is due. <see cref="Attach"/> sets <c>cpu.Idle</c> so that WFI sleeps until the next deadline.
/// The event streams of CNTKCTL_EL1/CNTHCTL_EL2 set the PE's Event Register and bound WFE waits.
/// </para>
/// </summary>
public sealed class GenericTimer : ISystemRegisterDevice
{
    public const int PpiSecurePhysical = 29, PpiPhysical = 30, PpiVirtual = 27, PpiHypPhysical = 26, PpiHypVirtual = 28;

    /// <summary>Timer indices.</summary>
    private const int Phys = 0, Virt = 1, HypPhys = 2, HypVirt = 3, SecPhys = 4, TimerCount = 5;
    private static readonly int[] Intids = [PpiPhysical, PpiVirtual, PpiHypPhysical, PpiHypVirtual, PpiSecurePhysical];

    private const ulong CTL_ENABLE = 1, CTL_IMASK = 2, CTL_ISTATUS = 4;

    private readonly ulong[] _ctl = new ulong[TimerCount];
    private readonly ulong[] _cval = new ulong[TimerCount];
    private readonly bool[] _out = new bool[TimerCount];
    private readonly Action<int, bool> _irq;
    private readonly ManualResetEventSlim _wake = new(false);
    /// <summary>Physical count of the next timer firing or event-stream event (what <see cref="Poll()"/> waits for).</summary>
    private ulong _nextDeadline = ulong.MaxValue;
    /// <summary>Physical count of the next timer firing alone (what a WFI waits for).</summary>
    private ulong _timerDeadline = ulong.MaxValue;
    /// <summary>Physical count of the next event of the event streams (CNTKCTL_EL1/CNTHCTL_EL2.EVNTEN).</summary>
    private ulong _nextEvent = ulong.MaxValue;
    private ulong _cntfrq;
    // The CPU-table registers the last Update used: CNTVOFF_EL2 and the event-stream fields of the controls.
    private ulong _voff, _kctlEvents, _hctlEvents;
    private const ulong EventFields = 0xFC;   // EVNTEN [2], EVNTDIR [3], EVNTI [7:4]

    public Cpu Cpu { get; }
    public SystemCounter Counter { get; }

    /// <summary>Longest a WFI sleeps before looking again (host input may arrive without a timer).</summary>
    public TimeSpan IdleBound { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <param name="irq">Drives a PPI of this PE: (INTID, level).</param>
    public GenericTimer(Cpu cpu, SystemCounter counter, Action<int, bool> irq)
    {
        Cpu = cpu;
        Counter = counter;
        _irq = irq;
        Reset();
    }

    /// <summary>A timer whose outputs go to PE <c>cpu.Config.CpuIndex</c>'s PPIs on <paramref name="gic"/>.</summary>
    public GenericTimer(Cpu cpu, SystemCounter counter, IInterruptController gic)
        : this(cpu, counter, (intid, level) => gic.SetPrivateLevel(cpu.Config.CpuIndex, intid, level)) { }

    /// <summary>Registers the timer's system registers with its CPU and makes WFI/WFE sleep on it.</summary>
    public void Attach()
    {
        if (!Cpu.SystemRegisterDevices.Contains(this)) Cpu.SystemRegisterDevices.Add(this);
        Cpu.Idle = Idle;
    }

    /// <summary>Timers disabled, outputs low, CNTFRQ_EL0 = the counter's frequency.</summary>
    public void Reset()
    {
        Array.Clear(_ctl);
        Array.Clear(_cval);
        for (int i = 0; i < TimerCount; i++)
            if (_out[i]) { _out[i] = false; _irq(Intids[i], false); }
        _cntfrq = Counter.Frequency;
        _nextDeadline = _timerDeadline = _nextEvent = ulong.MaxValue;
        _voff = _kctlEvents = _hctlEvents = 0;
    }

    /// <summary>
    /// The physical count at which <see cref="Poll()"/> next has work: a timer output rises or an event-stream
    /// event is due; <see cref="ulong.MaxValue"/> when neither will happen.
    /// </summary>
    public ulong NextDeadline => _nextDeadline;

    /// <summary>
    /// Brings the outputs up to date if a deadline has passed (or CNTVOFF_EL2 / the event-stream controls were
    /// written through the CPU): a few loads and compares, and one counter read only when something is armed.
    /// </summary>
    public void Poll()
    {
        if (ControlsChanged()) { Update(Counter.Now); return; }
        if (_nextDeadline == ulong.MaxValue) return;
        ulong now = Counter.Now;
        if (now >= _nextDeadline) Update(now);
    }

    /// <summary>As <see cref="Poll()"/> with a count the caller already read (one read for several PEs).</summary>
    public void Poll(ulong now)
    {
        if (now >= _nextDeadline || ControlsChanged()) Update(now);
    }

    private bool ControlsChanged()
    {
        ref var sys = ref Cpu.S.Sys;
        return sys.CNTVOFF_EL2 != _voff || (sys.CNTKCTL_EL1 & EventFields) != _kctlEvents || (sys.CNTHCTL_EL2 & EventFields) != _hctlEvents;
    }

    /// <summary>Register reads of the timers must see a CNTVOFF_EL2 written through the CPU.</summary>
    private void CheckControls()
    {
        if (ControlsChanged()) Update(Counter.Now);
    }

    /// <summary>Ends a WFI sleep early (the interrupt controller calls it when an output to this PE rises).</summary>
    public void Wake() => _wake.Set();

    /// <summary>
    /// <see cref="Cpu.Idle"/>: what WFI does while nothing is pending, and what WFE does once. A WFI waits for the
    /// next timer deadline; a WFE also for the next event-stream event (the events Linux counts on to end its
    /// WFE polling loops). With a host clock it sleeps (at most <see cref="IdleBound"/>, or until
    /// <see cref="Wake"/>); with a skipping clock it jumps the count forward. Returns so the run loop can look at
    /// the interrupt lines again.
    /// </summary>
    public void Idle(Cpu cpu)
    {
        _wake.Reset();
        ulong now = Counter.Now;
        if (now >= _nextDeadline || ControlsChanged())
        {
            Update(now);
            if (now >= _timerDeadline || !cpu.IsWaitingForInterrupt) return;
        }
        if (cpu.IrqLine || cpu.FiqLine) return;
        ulong until = cpu.IsWaitingForInterrupt ? _timerDeadline : _nextDeadline;
        if (Counter.SkipIdleTime && until != ulong.MaxValue)
        {
            Counter.AdvanceTo(until);
            Update(Counter.Now);
            return;
        }
        TimeSpan wait = IdleBound;
        if (!Counter.SkipIdleTime && until != ulong.MaxValue)
        {
            var left = Counter.ToHostTime(until - now);
            if (left < wait) wait = left;
        }
        if (cpu.IsWaitingForInterrupt)
        {
            // Host waits have millisecond granularity: a WFI oversleeps by less than 1 ms rather than spin.
            _wake.Wait(TimeSpan.FromMilliseconds(Math.Max(1, Math.Ceiling(wait.TotalMilliseconds))));
        }
        else if (wait >= TimeSpan.FromMilliseconds(1)) _wake.Wait(wait);
        else Thread.Yield();   // a WFE shorter than the host's sleep granularity (the event stream): complete it
        Poll();
    }

    // ---- timer state ----

    /// <summary>The count a timer compares against: CNTVCT (physical minus CNTVOFF_EL2) for the EL1 virtual timer.</summary>
    private ulong Offset(int t) => t == Virt && Cpu.Config.HasEl2 ? Cpu.S.Sys.CNTVOFF_EL2 : 0;

    private bool ConditionMet(int t, ulong now) => now - Offset(t) >= _cval[t];

    /// <summary>Recomputes every output, the event stream and the next deadline at count <paramref name="now"/>.</summary>
    private void Update(ulong now)
    {
        ref var sys = ref Cpu.S.Sys;
        _voff = sys.CNTVOFF_EL2;
        _kctlEvents = sys.CNTKCTL_EL1 & EventFields;
        _hctlEvents = sys.CNTHCTL_EL2 & EventFields;
        ulong next = ulong.MaxValue;
        for (int t = 0; t < TimerCount; t++)
        {
            ulong ctl = _ctl[t];
            bool level = false;
            if ((ctl & CTL_ENABLE) != 0)
            {
                ulong count = now - Offset(t);
                if (count >= _cval[t]) level = (ctl & CTL_IMASK) == 0;
                else if ((ctl & CTL_IMASK) == 0)
                {
                    // Physical count at which this timer fires; saturates for compare values far ahead.
                    ulong remaining = _cval[t] - count;
                    ulong at = now + remaining < now ? ulong.MaxValue : now + remaining;
                    if (at < next) next = at;
                }
            }
            if (level != _out[t])
            {
                _out[t] = level;
                _irq(Intids[t], level);
            }
        }
        _timerDeadline = next;

        // The event streams (Arm ARM D11.2.3): an event each time the selected counter bit makes the selected
        // transition sets the Event Register; one that passed since the last update is delivered now.
        if (now >= _nextEvent) Cpu.SignalEvent();
        _nextEvent = NextStreamEvent(now);
        _nextDeadline = Math.Min(next, _nextEvent);
    }

    /// <summary>
    /// The physical count of the next event after <paramref name="now"/>: CNTKCTL_EL1's stream counts the
    /// virtual count, CNTHCTL_EL2's the physical count; EVNTI selects the bit, EVNTDIR 0 a 0-to-1 transition.
    /// </summary>
    private ulong NextStreamEvent(ulong now)
    {
        ulong best = ulong.MaxValue;
        if ((_kctlEvents & 4) != 0)
        {
            ulong off = Cpu.Config.HasEl2 ? _voff : 0;
            best = NextTransition(now - off, _kctlEvents) + off;
        }
        if (Cpu.Config.HasEl2 && (_hctlEvents & 4) != 0)
            best = Math.Min(best, NextTransition(now, _hctlEvents));
        return best;
    }

    private static ulong NextTransition(ulong count, ulong ctl)
    {
        int n = (int)(ctl >> 4) & 0xF;
        ulong period = 2UL << n;
        ulong phase = (ctl & 8) == 0 ? 1UL << n : 0;   // bit n becomes 1 at phase 2^n, becomes 0 at 0 (mod period)
        ulong at = (count & ~(period - 1)) + phase;
        if (at <= count) at += period;
        return at;
    }

    private ulong ReadCtl(int t) =>
        _ctl[t] | ((_ctl[t] & CTL_ENABLE) != 0 && ConditionMet(t, Counter.Now) ? CTL_ISTATUS : 0);

    /// <summary>TVAL reads (CVAL - count)[31:0]: a signed 32-bit down-counter, zero-extended.</summary>
    private ulong ReadTval(int t) => (uint)(_cval[t] - (Counter.Now - Offset(t)));

    private void WriteCtl(int t, ulong v)
    {
        _ctl[t] = v & (CTL_ENABLE | CTL_IMASK);
        Update(Counter.Now);
    }

    private void WriteCval(int t, ulong v)
    {
        _cval[t] = v;
        Update(Counter.Now);
    }

    /// <summary>TVAL writes set CVAL = count + SignExtend(value[31:0]).</summary>
    private void WriteTval(int t, ulong v)
    {
        ulong now = Counter.Now;
        _cval[t] = now - Offset(t) + (ulong)(long)(int)(uint)v;
        Update(now);
    }

    // ---- system registers ----
    // CNTKCTL_EL1, CNTHCTL_EL2 and CNTVOFF_EL2 are plain storage in CpuState.Sys and belong to the CPU's own
    // table (with their E2H aliases); the timer reads them from there and notices CNTVOFF_EL2 changes on Poll.

    private enum R
    {
        None, Frq, Pct, Vct,
        PTval, PCtl, PCval, VTval, VCtl, VCval,
        HpTval, HpCtl, HpCval, HvTval, HvCtl, HvCval,
        PsTval, PsCtl, PsCval,
        P02Tval, P02Ctl, P02Cval, V02Tval, V02Ctl, V02Cval,
    }

    private static uint E(uint op1, uint crm, uint op2) => SysRegAccess.Enc(3, op1, 14, crm, op2);

    public static readonly uint CNTFRQ_EL0 = E(3, 0, 0), CNTPCT_EL0 = E(3, 0, 1), CNTVCT_EL0 = E(3, 0, 2);
    public static readonly uint CNTP_TVAL_EL0 = E(3, 2, 0), CNTP_CTL_EL0 = E(3, 2, 1), CNTP_CVAL_EL0 = E(3, 2, 2);
    public static readonly uint CNTV_TVAL_EL0 = E(3, 3, 0), CNTV_CTL_EL0 = E(3, 3, 1), CNTV_CVAL_EL0 = E(3, 3, 2);
    public static readonly uint CNTHP_TVAL_EL2 = E(4, 2, 0), CNTHP_CTL_EL2 = E(4, 2, 1), CNTHP_CVAL_EL2 = E(4, 2, 2);
    public static readonly uint CNTHV_TVAL_EL2 = E(4, 3, 0), CNTHV_CTL_EL2 = E(4, 3, 1), CNTHV_CVAL_EL2 = E(4, 3, 2);
    public static readonly uint CNTPS_TVAL_EL1 = E(7, 2, 0), CNTPS_CTL_EL1 = E(7, 2, 1), CNTPS_CVAL_EL1 = E(7, 2, 2);
    public static readonly uint CNTP_TVAL_EL02 = E(5, 2, 0), CNTP_CTL_EL02 = E(5, 2, 1), CNTP_CVAL_EL02 = E(5, 2, 2);
    public static readonly uint CNTV_TVAL_EL02 = E(5, 3, 0), CNTV_CTL_EL02 = E(5, 3, 1), CNTV_CVAL_EL02 = E(5, 3, 2);

    private static readonly Dictionary<uint, R> s_regs = new()
    {
        [CNTFRQ_EL0] = R.Frq, [CNTPCT_EL0] = R.Pct, [CNTVCT_EL0] = R.Vct,
        [CNTP_TVAL_EL0] = R.PTval, [CNTP_CTL_EL0] = R.PCtl, [CNTP_CVAL_EL0] = R.PCval,
        [CNTV_TVAL_EL0] = R.VTval, [CNTV_CTL_EL0] = R.VCtl, [CNTV_CVAL_EL0] = R.VCval,
        [CNTHP_TVAL_EL2] = R.HpTval, [CNTHP_CTL_EL2] = R.HpCtl, [CNTHP_CVAL_EL2] = R.HpCval,
        [CNTHV_TVAL_EL2] = R.HvTval, [CNTHV_CTL_EL2] = R.HvCtl, [CNTHV_CVAL_EL2] = R.HvCval,
        [CNTPS_TVAL_EL1] = R.PsTval, [CNTPS_CTL_EL1] = R.PsCtl, [CNTPS_CVAL_EL1] = R.PsCval,
        [CNTP_TVAL_EL02] = R.P02Tval, [CNTP_CTL_EL02] = R.P02Ctl, [CNTP_CVAL_EL02] = R.P02Cval,
        [CNTV_TVAL_EL02] = R.V02Tval, [CNTV_CTL_EL02] = R.V02Ctl, [CNTV_CVAL_EL02] = R.V02Cval,
    };

    public bool Owns(uint encoding) => ((encoding >> 7) & 0xF) == 14 && ((encoding >> 3) & 0xF) is 0 or 2 or 3 && s_regs.ContainsKey(encoding);

    // CNTKCTL_EL1 (and CNTHCTL_EL2 with E2H = 1) EL0 access enables.
    private const ulong EL0PCTEN = 1 << 0, EL0VCTEN = 1 << 1, EL0VTEN = 1 << 8, EL0PTEN = 1 << 9;
    // CNTHCTL_EL2 EL1 enables: bits 0/1 with E2H = 0, bits 10/11 with E2H = 1.
    private const int EL1PCTEN_NVHE = 0, EL1PCEN_NVHE = 1, EL1PCTEN_VHE = 10, EL1PTEN_VHE = 11;

    /// <summary>
    /// The EL0 enable check of CNTKCTL_EL1 (or CNTHCTL_EL2 in the EL2&amp;0 host regime): false after raising the
    /// trap (to EL2 when HCR_EL2.TGE routes EL0 there, else EL1). <paramref name="enables"/> is the set of
    /// bits any one of which permits the access.
    /// </summary>
    private bool El0Allowed(ulong enables)
    {
        var cpu = Cpu;
        if (SysRegAccess.HostEl20(cpu))
        {
            if ((cpu.S.Sys.CNTHCTL_EL2 & enables) != 0) return true;
            SysRegAccess.Trap(cpu, 2);
            return false;
        }
        if ((cpu.S.Sys.CNTKCTL_EL1 & enables) != 0) return true;
        bool tge = SysRegAccess.El2Enabled(cpu) && (cpu.S.Sys.HCR_EL2 & SysRegAccess.HCR_TGE) != 0;
        SysRegAccess.Trap(cpu, tge ? 2 : 1);
        return false;
    }

    /// <summary>The CNTHCTL_EL2 EL1 enable for EL0/EL1 accesses outside the host regime: false after trapping to EL2.</summary>
    private bool El2Allows(int bitNvhe, int bitVhe)
    {
        var cpu = Cpu;
        if (cpu.S.EL > 1 || !SysRegAccess.El2Enabled(cpu) || SysRegAccess.HostEl20(cpu)) return true;
        int bit = SysRegAccess.E2h(cpu) ? bitVhe : bitNvhe;
        if ((cpu.S.Sys.CNTHCTL_EL2 & (1UL << bit)) != 0) return true;
        SysRegAccess.Trap(cpu, 2);
        return false;
    }

    /// <summary>
    /// Resolves an access to the physical or virtual EL0 timer registers: checks the EL0/EL1 controls and,
    /// under FEAT_VHE (E2H = 1 at EL2, or at EL0 in the host regime), redirects to the EL2 timers.
    /// Returns the timer index, or -1 after a trap.
    /// </summary>
    private int ResolveEl0Timer(bool physical)
    {
        var cpu = Cpu;
        int el = cpu.S.EL;
        if (el == 0 && !El0Allowed(physical ? EL0PTEN : EL0VTEN)) return -1;
        if (physical && !El2Allows(EL1PCEN_NVHE, EL1PTEN_VHE)) return -1;
        bool redirect = (el == 2 && SysRegAccess.E2h(cpu)) || (el == 0 && SysRegAccess.HostEl20(cpu));
        return physical ? (redirect ? HypPhys : Phys) : (redirect ? HypVirt : Virt);
    }

    /// <summary>
    /// Which register an access reaches after the EL checks (Arm ARM accessibility pseudocode), as
    /// (register, timer): EL2 timers need EL2 (or EL3, where they are RAZ/WI without EL2), *_EL02 need E2H at
    /// EL2 or EL3, CNTPS_* needs EL3 or Secure EL1 with SCR_EL3.ST. Null: the access became an exception, or
    /// is RAZ/WI.
    /// </summary>
    private (R reg, int timer)? Resolve(uint enc, bool isRead)
    {
        var cpu = Cpu;
        int el = cpu.S.EL;
        R r = s_regs[enc];
        switch (r)
        {
            case R.Frq:
                if (el == 0 && !El0Allowed(EL0PCTEN | EL0VCTEN)) return null;
                if (!isRead)
                {
                    // Writable only at the highest implemented Exception level.
                    int highest = cpu.Config.HasEl3 ? 3 : cpu.Config.HasEl2 ? 2 : 1;
                    if (el != highest) { cpu.RaiseUndefined(); return null; }
                }
                return (r, -1);
            case R.Pct:
                if (!isRead) { cpu.RaiseUndefined(); return null; }
                if (el == 0 && !El0Allowed(EL0PCTEN)) return null;
                if (!El2Allows(EL1PCTEN_NVHE, EL1PCTEN_VHE)) return null;
                return (r, -1);
            case R.Vct:
                if (!isRead) { cpu.RaiseUndefined(); return null; }
                if (el == 0 && !El0Allowed(EL0VCTEN)) return null;
                return (r, -1);
            case R.PTval or R.PCtl or R.PCval:
            {
                int t = ResolveEl0Timer(physical: true);
                return t < 0 ? null : (r, t);
            }
            case R.VTval or R.VCtl or R.VCval:
            {
                int t = ResolveEl0Timer(physical: false);
                return t < 0 ? null : (r, t);
            }
            case R.HpTval or R.HpCtl or R.HpCval or R.HvTval or R.HvCtl or R.HvCval:
                if (el < 2) { cpu.RaiseUndefined(); return null; }
                if (!cpu.Config.HasEl2) return null;   // EL3 without EL2: RES0
                return (r, r is R.HpTval or R.HpCtl or R.HpCval ? HypPhys : HypVirt);
            case R.PsTval or R.PsCtl or R.PsCval:
                if (el == 3) return (r, SecPhys);
                if (el == 1 && cpu.Config.HasEl3 && (cpu.S.Sys.SCR_EL3 & SysRegAccess.SCR_NS) == 0)
                {
                    if ((cpu.S.Sys.SCR_EL3 & (1UL << 11)) != 0) return (r, SecPhys);   // SCR_EL3.ST
                    SysRegAccess.Trap(cpu, 3);
                    return null;
                }
                cpu.RaiseUndefined();
                return null;
            default:
                // *_EL02: the EL0 timer registers of the EL1&0 regime from EL2 (or EL3) when HCR_EL2.E2H is 1.
                if (el < 2 || !SysRegAccess.E2h(cpu)) { cpu.RaiseUndefined(); return null; }
                return r switch
                {
                    R.P02Tval => (R.PTval, Phys), R.P02Ctl => (R.PCtl, Phys), R.P02Cval => (R.PCval, Phys),
                    R.V02Tval => (R.VTval, Virt), R.V02Ctl => (R.VCtl, Virt), _ => (R.VCval, Virt),
                };
        }
    }

    private static int Field(R r) => r switch
    {
        R.PTval or R.VTval or R.HpTval or R.HvTval or R.PsTval => 0,
        R.PCtl or R.VCtl or R.HpCtl or R.HvCtl or R.PsCtl => 1,
        _ => 2,
    };

    public ulong Read(Cpu cpu, uint encoding)
    {
        if (Resolve(encoding, true) is not var (r, t)) return 0;
        switch (r)
        {
            case R.Frq: return _cntfrq;
            case R.Pct: return Counter.Now;
            case R.Vct:
            {
                // The virtual offset does not apply at EL2 with E2H = 1, nor at EL0 in the host regime.
                int el = cpu.S.EL;
                bool noOffset = !cpu.Config.HasEl2 || (el == 2 && SysRegAccess.E2h(cpu)) || (el == 0 && SysRegAccess.HostEl20(cpu));
                return Counter.Now - (noOffset ? 0 : cpu.S.Sys.CNTVOFF_EL2);
            }
        }
        CheckControls();
        return Field(r) switch { 0 => ReadTval(t), 1 => ReadCtl(t), _ => _cval[t] };
    }

    public void Write(Cpu cpu, uint encoding, ulong value)
    {
        if (Resolve(encoding, false) is not var (r, t)) return;
        if (r == R.Frq) { _cntfrq = value & 0xFFFF_FFFF; return; }
        switch (Field(r))
        {
            case 0: WriteTval(t, value); break;
            case 1: WriteCtl(t, value); break;
            default: WriteCval(t, value); break;
        }
    }
}
