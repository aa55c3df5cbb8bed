using System.Diagnostics;
using FastArm.Devices.Timer;
using FastArm.Jit;
using FastArm.Tests.Support;
using NUnit.Framework;
using static FastArm.Devices.Timer.GenericTimer;

namespace FastArm.Tests.Devices;

public class TimerTests
{
    /// <summary>A CPU (with RAM, for trapped instructions) and its timer on a manual clock; PPI levels recorded.</summary>
    private sealed class Rig : IDisposable
    {
        public readonly CpuHarness H;
        public ulong Now;
        public readonly SystemCounter Counter;
        public readonly GenericTimer Timer;
        public readonly Dictionary<int, bool> Ppi = [];
        public readonly List<ExceptionEvent> Exceptions = [];

        public Rig(CpuConfig? config = null, int el = 1)
        {
            H = new CpuHarness(config, el);
            Counter = new SystemCounter(() => Now);
            Timer = new GenericTimer(H.Cpu, Counter, (id, level) => Ppi[id] = level);
            Timer.Attach();
            H.Cpu.ExceptionHook = Exceptions.Add;
        }

        public Cpu Cpu => H.Cpu;
        public bool Line(int ppi) => Ppi.TryGetValue(ppi, out bool l) && l;
        public ulong Rd(uint enc) => Timer.Read(Cpu, enc);
        public void Wr(uint enc, ulong v) => Timer.Write(Cpu, enc, v);

        /// <summary>Executes one instruction (an MRS/MSR) at the current EL through the CPU.</summary>
        public void Exec(string asm)
        {
            H.Bus.Load(CpuHarness.CodeBase, CrossTools.Assemble(asm));
            Cpu.Pc = CpuHarness.CodeBase;
            Cpu.Step();
        }

        public void Dispose() => H.Dispose();
    }

    [Test]
    public void FrequencyIsQemuVirtsAndCountersFollowTheClock()
    {
        using var r = new Rig();
        Assert.That(r.Rd(CNTFRQ_EL0), Is.EqualTo(62_500_000UL));
        r.Now = 12345;
        Assert.That(r.Rd(CNTPCT_EL0), Is.EqualTo(12345UL));
        Assert.That(r.Rd(CNTVCT_EL0), Is.EqualTo(12345UL), "no EL2: no virtual offset");
    }

    [Test]
    public void VirtualCountSubtractsCntvoffBelowEl2()
    {
        using var r = new Rig(new CpuConfig { HasEl2 = true }, el: 2);
        r.Cpu.S.Sys.CNTVOFF_EL2 = 1000;
        r.Cpu.S.Sys.CNTHCTL_EL2 = 3;              // EL1PCTEN, EL1PCEN: EL1 may read the physical count
        r.Now = 5000;
        Assert.That(r.Rd(CNTVCT_EL0), Is.EqualTo(4000UL));
        r.Cpu.S.EL = 1;
        Assert.That(r.Rd(CNTVCT_EL0), Is.EqualTo(4000UL));
        Assert.That(r.Rd(CNTPCT_EL0), Is.EqualTo(5000UL));
    }

    [Test]
    public void PhysicalTimerFiresWhenTheCountReachesCval()
    {
        using var r = new Rig();
        r.Wr(CNTP_CVAL_EL0, 1000);
        r.Wr(CNTP_CTL_EL0, 1);
        Assert.That(r.Timer.NextDeadline, Is.EqualTo(1000UL));
        r.Now = 999;
        r.Timer.Poll();
        Assert.That(r.Line(PpiPhysical), Is.False);
        Assert.That(r.Rd(CNTP_CTL_EL0), Is.EqualTo(1UL));
        r.Now = 1000;
        r.Timer.Poll();
        Assert.That(r.Line(PpiPhysical), Is.True);
        Assert.That(r.Rd(CNTP_CTL_EL0), Is.EqualTo(5UL), "ENABLE and ISTATUS");
        Assert.That(r.Timer.NextDeadline, Is.EqualTo(ulong.MaxValue));
        r.Wr(CNTP_CVAL_EL0, 2000);
        Assert.That(r.Line(PpiPhysical), Is.False, "a later compare value lowers the output at once");
    }

    [Test]
    public void ImaskHidesTheOutputButNotIstatus()
    {
        using var r = new Rig();
        r.Now = 50;
        r.Wr(CNTV_CVAL_EL0, 10);
        r.Wr(CNTV_CTL_EL0, 3);
        Assert.That(r.Line(PpiVirtual), Is.False);
        Assert.That(r.Rd(CNTV_CTL_EL0), Is.EqualTo(7UL));
        r.Wr(CNTV_CTL_EL0, 1);
        Assert.That(r.Line(PpiVirtual), Is.True);
        r.Wr(CNTV_CTL_EL0, 0);
        Assert.That(r.Line(PpiVirtual), Is.False);
        Assert.That(r.Rd(CNTV_CTL_EL0), Is.EqualTo(0UL), "ISTATUS reads 0 while disabled");
    }

    [Test]
    public void TvalIsASignedThirtyTwoBitDownCounter()
    {
        using var r = new Rig();
        r.Now = 50;
        r.Wr(CNTP_TVAL_EL0, 100);
        Assert.That(r.Rd(CNTP_CVAL_EL0), Is.EqualTo(150UL));
        r.Now = 60;
        Assert.That(r.Rd(CNTP_TVAL_EL0), Is.EqualTo(90UL));
        r.Now = 200;
        Assert.That(r.Rd(CNTP_TVAL_EL0), Is.EqualTo(0xFFFF_FFCEUL), "(150 - 200)[31:0], zero-extended");
        r.Wr(CNTP_TVAL_EL0, 0xFFFF_FFF6);       // -10: sign-extended
        Assert.That(r.Rd(CNTP_CVAL_EL0), Is.EqualTo(190UL));
        r.Wr(CNTP_CTL_EL0, 1);
        Assert.That(r.Line(PpiPhysical), Is.True);
        r.Wr(CNTP_TVAL_EL0, 0x1_0000_0005);     // bits [63:32] ignored
        Assert.That(r.Rd(CNTP_CVAL_EL0), Is.EqualTo(205UL));
    }

    [Test]
    public void VirtualTimerComparesAgainstTheOffsetCount()
    {
        using var r = new Rig(new CpuConfig { HasEl2 = true }, el: 2);
        r.Now = 500;                              // virtual count 0 (below it, it would wrap to a huge value)
        r.Cpu.S.Sys.CNTVOFF_EL2 = 500;
        r.Wr(CNTV_CVAL_EL0, 100);
        r.Wr(CNTV_CTL_EL0, 1);
        Assert.That(r.Timer.NextDeadline, Is.EqualTo(600UL));
        r.Now = 599;
        r.Timer.Poll();
        Assert.That(r.Line(PpiVirtual), Is.False);
        r.Now = 600;
        r.Timer.Poll();
        Assert.That(r.Line(PpiVirtual), Is.True);
        r.Cpu.S.Sys.CNTVOFF_EL2 = 550;            // as an MSR to the CPU's own register would
        r.Timer.Poll();
        Assert.That(r.Line(PpiVirtual), Is.False, "a new offset is noticed at the next poll");
        Assert.That(r.Timer.NextDeadline, Is.EqualTo(650UL));
    }

    [Test]
    public void El0CounterAccessTrapsToEl1UntilCntkctlAllowsIt()
    {
        using var r = new Rig();
        r.Cpu.S.EL = 0;
        r.Exec("mrs x3, cntvct_el0");
        Assert.That(r.Exceptions, Has.Count.EqualTo(1));
        var e = r.Exceptions[0];
        Assert.That(e.TargetEl, Is.EqualTo(1));
        Assert.That(e.Esr >> 26, Is.EqualTo(0x18UL));
        // ISS: Op0 3, Op2 2, Op1 3, CRn 14, Rt 3, CRm 0, Direction 1 (read).
        Assert.That(e.Esr & 0x1FF_FFFF, Is.EqualTo(3UL << 20 | 2UL << 17 | 3UL << 14 | 14UL << 10 | 3UL << 5 | 1));
        r.Cpu.S.EL = 0;
        r.Cpu.S.Sys.CNTKCTL_EL1 = 2;             // EL0VCTEN
        r.Now = 77;
        r.Exec("mrs x3, cntvct_el0");
        Assert.That(r.H.X(3), Is.EqualTo(77UL));
        Assert.That(r.Exceptions, Has.Count.EqualTo(1));
        r.Exec("mrs x4, cntpct_el0");
        Assert.That(r.Exceptions, Has.Count.EqualTo(2), "EL0PCTEN still clear");
        r.Cpu.S.EL = 0;
        r.Exec("mrs x4, cntfrq_el0");
        Assert.That(r.H.X(4), Is.EqualTo(62_500_000UL), "CNTFRQ_EL0 needs either enable");
    }

    [Test]
    public void El0TimerAccessNeedsEl0ptenOrEl0vten()
    {
        using var r = new Rig();
        r.Cpu.S.EL = 0;
        r.Exec("msr cntp_ctl_el0, x5");
        Assert.That(r.Exceptions, Has.Count.EqualTo(1));
        Assert.That(r.Exceptions[0].Esr & 1, Is.EqualTo(0UL), "Direction 0: write");
        Assert.That(r.Exceptions[0].Esr >> 5 & 0x1F, Is.EqualTo(5UL), "Rt");
        r.Cpu.S.EL = 0;
        r.Cpu.S.Sys.CNTKCTL_EL1 = 1u << 9;       // EL0PTEN
        r.Cpu.SetX(5, 1);
        r.Exec("msr cntp_ctl_el0, x5");
        Assert.That(r.Rd(CNTP_CTL_EL0) & 1, Is.EqualTo(1UL));
        r.Exec("mrs x0, cntv_ctl_el0");
        Assert.That(r.Exceptions, Has.Count.EqualTo(2), "EL0VTEN still clear");
    }

    [Test]
    public void El1OnlyAndAbsentRegistersAreUndefined()
    {
        using var r = new Rig();
        r.Wr(CNTPCT_EL0, 0);                      // read-only
        r.Rd(CNTPS_CTL_EL1);                      // Secure timer, no EL3
        r.Rd(CNTHP_CTL_EL2);                      // EL2 register at EL1
        r.Rd(CNTP_CTL_EL02);                      // needs E2H at EL2
        r.Wr(CNTFRQ_EL0, 1);                      // writable at the highest EL, which is EL1 here
        Assert.That(r.Exceptions.Select(e => e.Esr >> 26), Is.EqualTo(new ulong[] { 0, 0, 0, 0 }));
        Assert.That(r.Rd(CNTFRQ_EL0), Is.EqualTo(1UL));
    }

    [Test]
    public void El1PhysicalAccessTrapsToEl2WhenCnthctlForbidsIt()
    {
        using var r = new Rig(new CpuConfig { HasEl2 = true }, el: 1);
        r.Cpu.S.Sys.CNTHCTL_EL2 = 0;              // EL1PCTEN, EL1PCEN clear
        r.Exec("mrs x0, cntpct_el0");
        Assert.That(r.Exceptions.Single().TargetEl, Is.EqualTo(2));
        Assert.That(r.Exceptions[0].Esr >> 26, Is.EqualTo(0x18UL));
        r.Cpu.S.EL = 1;
        r.Cpu.S.Sys.CNTHCTL_EL2 = 3;              // the reset value: EL1 may use the physical counter and timer
        r.Exec("mrs x0, cntpct_el0");
        r.Exec("msr cntp_ctl_el0, x0");
        Assert.That(r.Exceptions, Has.Count.EqualTo(1));
    }

    [Test]
    public void WithE2hTheEl0TimerRegistersReachTheEl2TimersAtEl2()
    {
        using var r = new Rig(new CpuConfig { HasEl2 = true }, el: 2);
        r.Cpu.S.Sys.HCR_EL2 = 1UL << 34;         // E2H
        r.Now = 10;
        r.Wr(CNTP_CVAL_EL0, 5);
        r.Wr(CNTP_CTL_EL0, 1);
        Assert.That(r.Line(PpiHypPhysical), Is.True);
        Assert.That(r.Line(PpiPhysical), Is.False);
        Assert.That(r.Rd(CNTHP_CVAL_EL2), Is.EqualTo(5UL));
        r.Wr(CNTV_CTL_EL02, 1);                   // the EL1 virtual timer, CVAL 0: fires
        Assert.That(r.Line(PpiVirtual), Is.True);
        Assert.That(r.Line(PpiHypVirtual), Is.False);
        r.Cpu.S.Sys.HCR_EL2 = 0;
        r.Rd(CNTV_CTL_EL02);
        Assert.That(r.Exceptions.Single().Esr >> 26, Is.EqualTo(0UL), "*_EL02 without E2H is UNDEFINED");
    }

    [Test]
    public void IdleWithASkippingClockJumpsToTheDeadline()
    {
        using var r = new Rig();
        r.Wr(CNTV_TVAL_EL0, 1_000_000);
        r.Wr(CNTV_CTL_EL0, 1);
        r.Timer.Idle(r.Cpu);
        Assert.That(r.Line(PpiVirtual), Is.True);
        Assert.That(r.Counter.Now, Is.EqualTo(1_000_000UL));
    }

    [Test]
    public void EventStreamSetsTheEventRegisterAtEachSelectedTransition()
    {
        using var r = new Rig();
        r.Cpu.S.Sys.CNTKCTL_EL1 = 1 << 2 | 3 << 4;   // EVNTEN, EVNTI = 3: bit 3 going 0 to 1, every 16 counts
        r.Timer.Poll();
        Assert.That(r.Timer.NextDeadline, Is.EqualTo(8UL));
        r.Now = 7;
        r.Timer.Poll();
        Assert.That(r.Cpu.S.Sys.EventRegister, Is.EqualTo(0UL));
        r.Now = 8;
        r.Timer.Poll();
        Assert.That(r.Cpu.S.Sys.EventRegister, Is.EqualTo(1UL));
        Assert.That(r.Timer.NextDeadline, Is.EqualTo(24UL));
        r.Cpu.S.Sys.CNTKCTL_EL1 |= 1 << 3;          // EVNTDIR: 1 to 0 transitions instead
        r.Timer.Poll();
        Assert.That(r.Timer.NextDeadline, Is.EqualTo(16UL));
    }

    [Test]
    public void WfeWaitsForTheNextStreamEventButWfiOnlyForTheTimer()
    {
        using var r = new Rig();
        r.Cpu.S.Sys.CNTKCTL_EL1 = 1 << 2 | 3 << 4;
        r.Wr(CNTV_CVAL_EL0, 1000);
        r.Wr(CNTV_CTL_EL0, 1);
        r.Exec("wfe");                              // one idle period: up to the next event
        Assert.That(r.Counter.Now, Is.EqualTo(8UL));
        r.Exec("wfi");                              // waits; the idle period is the timer's
        Assert.That(r.Cpu.IsWaitingForInterrupt, Is.True);
        r.Timer.Idle(r.Cpu);
        Assert.That(r.Counter.Now, Is.EqualTo(1000UL));
        Assert.That(r.Line(PpiVirtual), Is.True);
        Assert.That(r.Cpu.S.Sys.EventRegister, Is.EqualTo(1UL), "stream events that passed meanwhile");
    }

    [Test]
    public void IdleWithTheHostClockSleepsUntilTheTimerFires()
    {
        using var h = new CpuHarness();
        var counter = new SystemCounter();
        bool fired = false;
        var timer = new GenericTimer(h.Cpu, counter, (id, level) => fired |= id == PpiVirtual && level);
        timer.Write(h.Cpu, CNTV_TVAL_EL0, 62_500_000 / 1000 * 20);   // 20 ms
        timer.Write(h.Cpu, CNTV_CTL_EL0, 1);
        h.Bus.Load(CpuHarness.CodeBase, BitConverter.GetBytes(0xD503207Fu));   // wfi
        h.Cpu.Pc = CpuHarness.CodeBase;
        h.Cpu.Step();
        Assert.That(h.Cpu.IsWaitingForInterrupt, Is.True);
        var sw = Stopwatch.StartNew();
        int calls = 0;
        while (!fired && sw.ElapsedMilliseconds < 5000) { timer.Idle(h.Cpu); calls++; }
        Assert.That(fired, Is.True);
        Assert.That(sw.ElapsedMilliseconds, Is.GreaterThanOrEqualTo(19));
        Assert.That(calls, Is.LessThan(30), "sleeps rather than spins");
    }

    [Test]
    public void HostCounterRunsAtItsFrequency()
    {
        var counter = new SystemCounter();
        long t0 = Stopwatch.GetTimestamp();
        ulong a = counter.Now;
        long t1 = Stopwatch.GetTimestamp();
        Thread.Sleep(30);
        long t2 = Stopwatch.GetTimestamp();
        ulong b = counter.Now;
        long t3 = Stopwatch.GetTimestamp();
        double perTick = 62_500_000.0 / Stopwatch.Frequency;
        Assert.That((double)(b - a), Is.InRange((t2 - t1) * perTick - 2, (t3 - t0) * perTick + 2));
    }
}
