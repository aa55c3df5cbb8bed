using FastArm.Devices.Gic;
using FastArm.Devices.Timer;
using FastArm.Jit;
using FastArm.Jit.Exceptions;
using FastArm.Tests.Support;
using NUnit.Framework;
using static FastArm.Devices.Gic.GicV3CpuInterface;

namespace FastArm.Tests.Devices;

/// <summary>Timer → GIC → CPU wiring, as the board does it, with a CPU running guest code.</summary>
public class GicTimerIntegrationTests
{
    [Test]
    public void VirtualTimerInterruptIsTakenAtTheIrqVectorOfEl1()
    {
        using var h = new CpuHarness();
        var cpu = h.Cpu;
        var gic = new GicV3(1);
        gic.Map(h.Bus);
        var counter = new SystemCounter(() => cpu.InstructionsExecuted);
        var timer = new GenericTimer(cpu, counter, gic);
        gic.ConnectCpu(0, cpu, timer.Wake);
        timer.Attach();

        // What Linux's GICv3 driver does, through MMIO and the CPU interface.
        h.Bus.TryWrite(GicV3.DistributorBase, 4, 0x12);                             // GICD_CTLR: EnableGrp1
        h.Bus.TryWrite(GicV3.RedistributorBase + 0x14, 4, 0);                       // GICR_WAKER: awake
        h.Bus.TryWrite(GicV3.RedistributorBase + 0x10080, 4, 0xFFFF_FFFF);          // GICR_IGROUPR0: Group 1
        h.Bus.TryWrite(GicV3.RedistributorBase + 0x10400 + 27, 1, 0xA0);            // priority of PPI 27
        h.Bus.TryWrite(GicV3.RedistributorBase + 0x10100, 4, 1u << 27);             // GICR_ISENABLER0
        var ci = gic.CpuInterfaces[0];
        ci.Write(cpu, ICC_PMR_EL1, 0xF0);
        ci.Write(cpu, ICC_IGRPEN1_EL1, 1);

        timer.Write(cpu, GenericTimer.CNTV_TVAL_EL0, 100);
        timer.Write(cpu, GenericTimer.CNTV_CTL_EL0, 1);
        var events = new List<ExceptionEvent>();
        ulong takenAt = 0;
        cpu.ExceptionHook = e => { events.Add(e); takenAt = cpu.InstructionsExecuted; };
        cpu.S.Daif = 0;                                                             // unmask IRQ
        h.Bus.Load(CpuHarness.CodeBase, BitConverter.GetBytes(0x14000000u));         // b .
        cpu.Pc = CpuHarness.CodeBase;

        // The board's run loop: slices of guest code with a timer poll between them.
        for (int slice = 0; slice < 100 && events.Count == 0; slice++)
        {
            cpu.Run(new RunLimits(MaxInstructions: 16));
            timer.Poll();
        }

        Assert.That(events, Has.Count.EqualTo(1));
        Assert.That(events[0].Kind, Is.EqualTo(ExceptionKind.Irq));
        Assert.That(events[0].Vector, Is.EqualTo(CpuHarness.VectorBase + 0x280), "current EL with SP_ELx, IRQ");
        Assert.That(takenAt, Is.InRange(100UL, 116UL), "taken at the first poll after the deadline");
        Assert.That(ci.Read(cpu, ICC_IAR1_EL1), Is.EqualTo(27UL));
        timer.Write(cpu, GenericTimer.CNTV_CTL_EL0, 0);
        ci.Write(cpu, ICC_EOIR1_EL1, 27);
        Assert.That(cpu.IrqLine, Is.False);
    }

    [Test]
    public void GuestAtEl1TakesTheVirtualTimerInterruptThroughItsOwnVectorAndEndsIt()
    {
        using var h = new CpuHarness();
        var cpu = h.Cpu;
        var gic = new GicV3(1);
        gic.Map(h.Bus);
        var counter = new SystemCounter(() => cpu.InstructionsExecuted);   // deterministic: WFI skips ahead
        var timer = new GenericTimer(cpu, counter, gic);
        gic.ConnectCpu(0, cpu, timer.Wake);
        timer.Attach();

        timer.IdleBound = TimeSpan.FromMilliseconds(1);   // so that a broken wiring ends in the timeout below
        byte[] code = CrossTools.Assemble("""
                b       main
                .balign 0x800
            vectors:
                .org    vectors + 0x280                 // IRQ, current EL with SP_ELx
                mrs     x0, icc_iar1_el1
                add     x19, x0, #0                     // the INTID
                msr     cntv_ctl_el0, xzr               // quiet the level-sensitive timer output
                msr     icc_eoir1_el1, x0
                add     x20, x20, #1                    // interrupts taken
                mrs     x21, icc_rpr_el1
                eret
                .org    vectors + 0x800
            main:
                // Distributor: Group 1 on (ARE is fixed). Redistributor: awake (the WAKER handshake), PPI 27 in
                // Group 1 at priority 0xA0, enabled.
                movz    x9, #0x0800, lsl #16            // GICD
                mov     w10, #0x12
                str     w10, [x9]
                movz    x9, #0x080A, lsl #16            // GICR RD_base of PE 0
                ldr     w10, [x9, #0x14]
                and     w10, w10, #~2                   // clear ProcessorSleep
                str     w10, [x9, #0x14]
            2:  ldr     w10, [x9, #0x14]
                tbnz    w10, #2, 2b                     // wait for ChildrenAsleep = 0
                add     x9, x9, #0x10, lsl #12          // SGI_base
                mov     w10, #-1
                str     w10, [x9, #0x80]                // GICR_IGROUPR0
                mov     w10, #0xA0
                strb    w10, [x9, #0x400 + 27]          // GICR_IPRIORITYR byte of INTID 27
                mov     w10, #1 << 27
                str     w10, [x9, #0x100]               // GICR_ISENABLER0
                mrs     x0, vbar_el1                    // the harness's table at 0x40008000
                sub     x0, x0, #0x7, lsl #12
                sub     x0, x0, #0x800                  // ours: 0x40000800
                msr     vbar_el1, x0
                add     x1, x1, #7
                msr     icc_sre_el1, x1
                isb
                add     x2, x2, #0xf0
                msr     icc_pmr_el1, x2
                add     x3, x3, #1
                msr     icc_igrpen1_el1, x3
                isb
                add     x4, x4, #200
                msr     cntv_tval_el0, x4
                msr     cntv_ctl_el0, x3                // ENABLE
                msr     daifclr, #2
            1:  wfi
                cbz     x20, 1b
                mrs     x22, cntvct_el0
                mrs     x23, icc_rpr_el1
            """);
        h.Bus.Load(CpuHarness.CodeBase, code);
        cpu.Pc = CpuHarness.CodeBase;
        var reason = cpu.Run(new RunLimits(MaxInstructions: 10_000, UntilAddress: CpuHarness.CodeBase + (ulong)code.Length,
            Timeout: TimeSpan.FromSeconds(10)));

        Assert.That(reason, Is.EqualTo(StopReason.Address));
        Assert.That(h.X(19), Is.EqualTo(27UL), "the handler acknowledged the virtual timer's PPI");
        Assert.That(h.X(20), Is.EqualTo(1UL), "exactly one interrupt");
        Assert.That(h.X(21), Is.EqualTo(0xFFUL), "priority dropped by the EOI");
        Assert.That(h.X(22), Is.GreaterThanOrEqualTo(200UL), "WFI slept until the deadline");
        Assert.That(gic.IsActive(0, 27) || gic.IsPending(0, 27), Is.False);
        Assert.That(cpu.IrqLine, Is.False);
    }
}
