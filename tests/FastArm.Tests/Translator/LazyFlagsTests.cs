using FastArm.Jit;
using NUnit.Framework;

namespace FastArm.Tests.Translator;

/// <summary>
/// Generated code computes NZCV only where it can be observed. These are the places where it can be, and where a
/// lazy scheme goes wrong when it forgets one: an exception in the middle of a block (SPSR_EL1 holds NZCV), a
/// condition read from the operands of a compare, a block boundary where the run stops (budget) with the flags of
/// the block before still unstored, and successors in the same region that overwrite or read them.
/// </summary>
[TestFixture(EngineMode.Interpreter)]
[TestFixture(EngineMode.JitEager)]
[TestFixture(EngineMode.JitTiered)]
public class LazyFlagsTests(EngineMode mode)
{
    [Test]
    public void AnExceptionAfterACompareSavesItsFlagsInSpsr()
    {
        using var m = new BareMetal(mode);
        m.Load($$"""
                mov x20, #0
                mov x9, #0x10000000              // nothing there: the load takes a data abort
                mov x2, #{{BareMetal.Hot}}
            1:  mov x1, #5
                cmp x1, #7                       // N (5 - 7 < 0), not Z, not C (borrow), not V
                ldr x3, [x9]
                mov x4, #3
                adds x4, x4, #-3                 // Z and C (3 + 0xff..fd carries out)
                ldr x3, [x9]
                subs x2, x2, #1
                b.ne 1b
            """,
            sync: """
                mrs x21, spsr_el1
                lsr x21, x21, #28
                add x20, x20, #1
                tbnz x20, #0, 2f                 // odd: the first abort of the iteration
                cmp x21, #0x6
                b.ne 3f
                b 4f
            2:  cmp x21, #0x8
                b.ne 3f
            4:  mrs x22, elr_el1
                add x22, x22, #4
                msr elr_el1, x22
                mov x28, #0
                eret
            3:  mov x28, x21                     // wrong flags: report them
                add x28, x28, #0x100
                b done
            """);
        m.Run(allowUnexpected: true);
        Assert.That(m.X(28), Is.EqualTo(0UL), $"SPSR_EL1.NZCV wrong in the handler: 0x{(m.X(28) - 0x100):x} (abort {m.X(20)})");
        Assert.That(m.X(20), Is.EqualTo(2UL * BareMetal.Hot), "two aborts per iteration");
    }

    /// <summary>A loop of several blocks in one page whose flags flow between blocks: conditions of all kinds
    /// after compares, CMN, TST and ADDS/SUBS of both widths, flags dead on some edges and live on others.</summary>
    private const string FlagsLoop = """
                mov x1, #0
                mov x5, #0
                mov x6, #0
                ldr x3, =1000
                ldr x9, =data
            loop:
                add x1, x1, #1
                cmp x1, #2                       // dead on both edges (both successors write NZCV first)
                b.hs 1f
                cmn w1, #0x3e8                   // never zero: the flags of the other path
                b.eq 9f
            1:  tst x1, #3
                csinc x5, x5, x5, ne             // counts multiples of 4
                subs w7, w1, #700
                cset x8, ge
                add x6, x6, x8
                cset x8, hi
                add x6, x6, x8, lsl #16
                cset x8, lt
                add x6, x6, x8, lsl #32
                ldr x10, [x9]                    // a load (may fault) with the flags of SUBS pending
                adds x10, x10, x1
                str x10, [x9]
                b.mi 9f                          // never negative
                cmp x1, x3
                b.ne loop
                b 2f
            9:  mov x5, #-1
            2:  b done
                .ltorg
                .balign 8
            data:
                .quad 0
            """;

    private static (ulong Pc, ulong Nzcv, ulong X1, ulong X5, ulong X6, ulong X10) Snapshot(BareMetal m) =>
        (m.Cpu.Pc, m.Cpu.S.Nzcv, m.X(1), m.X(5), m.X(6), m.X(10));

    [Test]
    public void FlagsFlowBetweenBlocksAsInTheInterpreter()
    {
        using var m = new BareMetal(mode);
        m.Load(FlagsLoop);
        m.Run();
        Assert.That(m.X(5), Is.EqualTo(250UL), "multiples of 4 up to 1000, and no wrong branch taken");
        Assert.That(m.X(6), Is.EqualTo(301UL + (300UL << 16) + (699UL << 32)), "GE, HI and LT of w1 - 700");
    }

    [Test]
    public void EveryInstructionBudgetStopsWithTheInterpretersFlags()
    {
        // A stop after any number of instructions, block boundaries included, sees NZCV as the interpreter has it.
        using var reference = new BareMetal(EngineMode.Interpreter);
        using var m = new BareMetal(mode);
        reference.Load(FlagsLoop);
        m.Load(FlagsLoop);
        reference.Run();
        m.Run();   // warm: compiled in the jit modes; both end with the same registers
        for (ulong budget = 1; budget < 400; budget += 3)
        {
            foreach (var b in new[] { reference, m })
            {
                b.Cpu.Pc = b["main"];
                b.Cpu.S.Nzcv = 0;
                b.Write64(b["data"], 0);
                Assert.That(b.Cpu.Run(new RunLimits(MaxInstructions: budget)), Is.EqualTo(StopReason.InstructionLimit));
            }
            Assert.That(Snapshot(m), Is.EqualTo(Snapshot(reference)), $"after {budget} instructions");
        }
    }
}
