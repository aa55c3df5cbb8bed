using FastArm.Devices.Gic;
using NUnit.Framework;

namespace FastArm.Tests.Translator;

/// <summary>
/// IRQs that arrive while a hot loop runs: the interrupt is taken between two instructions (Arm ARM D1.3.6:
/// asynchronous exceptions are taken at an instruction boundary, ELR_EL1 is the first instruction not executed), so
/// the registers the handler sees match ELR exactly, whatever block granularity the engine runs at.
/// </summary>
[TestFixture(EngineMode.Interpreter)]
[TestFixture(EngineMode.JitEager)]
[TestFixture(EngineMode.JitTiered)]
public class InterruptTests(EngineMode mode)
{
    /// <summary>
    /// The handler's snapshot (X11..X13 = X1..X3 at the interrupt) agrees with ELR: <paramref name="x2Done"/> and
    /// <paramref name="x3Done"/> give the ELR offsets from the loop at which this iteration's update of X2 and X3
    /// has already happened (X1's update is the loop's first instruction).
    /// </summary>
    private static void AssertConsistent(BareMetal m, ulong loop, ulong[] offsets, ulong[] x2Done, ulong[] x3Done)
    {
        ulong elr = m.X(21), x1 = m.X(11), x2 = m.X(12), x3 = m.X(13);
        Assert.That(offsets, Does.Contain(elr - loop), $"ELR_EL1 0x{elr:x} is an instruction of the loop at 0x{loop:x}");
        ulong off = elr - loop;
        // At offset 0 the previous iteration is complete: X1 = k, X2 = 2k, X3 = 3k.
        ulong k = off == 0 ? x1 : x1 - 1;
        Assert.That(x2, Is.EqualTo(2 * (x2Done.Contains(off) || off == 0 ? x1 : k)), $"X2 at ELR offset {off} (X1 = {x1})");
        Assert.That(x3, Is.EqualTo(3 * (x3Done.Contains(off) || off == 0 ? x1 : k)), $"X3 at ELR offset {off} (X1 = {x1})");
        Assert.That(m.X(2), Is.EqualTo(2 * m.X(1)), "the loop went on correctly after the handler");
        Assert.That(m.X(3), Is.EqualTo(3 * m.X(1)));
    }

    [Test]
    public void AnIrqRaisedByAnotherThreadDuringAHotLoopIsTakenAtAnInstructionBoundaryOfTheLoop()
    {
        using var m = new BareMetal(mode);
        m.Load("""
                mov x1, #0
                mov x2, #0
                mov x3, #0
                mov x20, #0
                msr daifclr, #2
                b loop
                .balign 64
            loop:
                add x1, x1, #1
                add x2, x2, #2
                add x3, x3, #3
                cbz x20, loop
                msr daifset, #2
            """, irq: """
                mrs x21, elr_el1
                mov x11, x1
                mov x12, x2
                mov x13, x3
                mov x20, #1
                mrs x22, spsr_el1
                orr x22, x22, #0x80             // return with IRQs masked: the line stays high
                msr spsr_el1, x22
                eret
            """);
        var raiser = new Thread(() =>
        {
            Thread.Sleep(300);
            m.Cpu.SetIrq(true);
        }) { IsBackground = true };
        raiser.Start();
        m.Run();
        raiser.Join();
        Assert.That(m.X(20), Is.EqualTo(1UL), "the handler ran");
        Assert.That(m.X(11), Is.GreaterThan((ulong)BareMetal.Hot), "the loop was hot when the interrupt came");
        AssertConsistent(m, m["loop"], [0, 4, 8, 12], x2Done: [8, 12], x3Done: [12]);
    }

    [Test]
    public void AnSgiTheLoopSendsItselfThroughTheGicV3IsTakenAtAnInstructionBoundaryOfTheLoop()
    {
        using var m = new BareMetal(mode);
        var gic = new GicV3(1);
        gic.Map(m.H.Bus);
        gic.ConnectCpu(0, m.Cpu);
        m.Load($$"""
                // Distributor: EnableGrp1. Redistributor: awake; SGI 1 in Group 1 at priority 0xA0, enabled.
                movz x9, #0x0800, lsl #16
                mov w10, #0x12
                str w10, [x9]
                movz x9, #0x080A, lsl #16
                ldr w10, [x9, #0x14]
                and w10, w10, #~2
                str w10, [x9, #0x14]
            2:  ldr w10, [x9, #0x14]
                tbnz w10, #2, 2b
                add x9, x9, #0x10, lsl #12
                mov w10, #-1
                str w10, [x9, #0x80]
                mov w10, #0xA0
                strb w10, [x9, #0x400 + 1]
                mov w10, #1 << 1
                str w10, [x9, #0x100]
                mov x0, #7
                msr icc_sre_el1, x0
                isb
                mov x0, #0xf0
                msr icc_pmr_el1, x0
                mov x0, #1
                msr icc_igrpen1_el1, x0
                isb
                movz x9, #0x0100, lsl #16
                orr x9, x9, #1                  // INTID 1, TargetList: Aff0 = 0
                mov x1, #0
                mov x2, #0
                mov x3, #0
                mov x20, #0
                ldr x4, ={{BareMetal.Hot * 4}}
                msr daifclr, #2
                b loop
                .balign 64
            loop:
                add x1, x1, #1
                add x2, x2, #2
                cmp x1, x4
                b.ne 1f
                msr icc_sgi1r_el1, x9
            1:  add x3, x3, #3
                cbz x20, loop
                msr daifset, #2
            """, irq: """
                mrs x21, elr_el1
                mov x11, x1
                mov x12, x2
                mov x13, x3
                mrs x0, icc_iar1_el1
                mov x19, x0
                msr icc_eoir1_el1, x0
                mov x20, #1
                eret
            """);
        m.Run();
        Assert.That(m.X(19), Is.EqualTo(1UL), "the handler acknowledged SGI 1");
        Assert.That(m.X(11), Is.GreaterThanOrEqualTo((ulong)BareMetal.Hot * 4), "taken after the loop sent it");
        AssertConsistent(m, m["loop"], [0, 4, 8, 12, 16, 20, 24], x2Done: [8, 12, 16, 20, 24], x3Done: [24]);
        Assert.That(m.Cpu.IrqLine, Is.False);
    }
}
