using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.Translator;

/// <summary>
/// Code copied to another place and run there, as kexec, module loaders and JITs in the guest do: the copy is
/// followed by DC CVAU over the destination, DSB ISH, IC IVAU over it (or IC IALLU), DSB ISH, ISB (Arm ARM
/// B2.4.4, K11.5.2). Destinations are overwritten with other routines after they ran hot, including the place a
/// routine was first run from and a destination that straddles two pages.
/// </summary>
[TestFixture(EngineMode.Interpreter)]
[TestFixture(EngineMode.JitEager)]
[TestFixture(EngineMode.JitTiered)]
public class CodeCopyTests(EngineMode mode)
{
    private const ulong Dest1 = CpuHarness.RamBase + 0x40_0000;
    /// <summary>A destination whose 64 bytes straddle a page boundary.</summary>
    private const ulong Dest2 = CpuHarness.RamBase + 0x40_1FE0;

    private static ulong A(ulong i) => 0xA1 + i;
    private static ulong B(ulong i) => 2 * i + 0xB2;
    private static ulong C(ulong i) => 0xC3 + 3 * (i & 15);

    private static ulong HotSum(Func<ulong, ulong> f)
    {
        ulong s = 0;
        for (ulong i = 1; i <= BareMetal.Hot; i++) s += f(i);
        return s;
    }

    /// <summary>copy: 16 words from X12 to X13, then the maintenance (X14 = 0: IC IVAU per word, else IC IALLU).
    /// hot: calls X19 with X1 = Hot..1 and sums the results in X23. The routines are position independent and
    /// keep X1, X19, X22, X23.</summary>
    private static readonly string Library = $$"""
        copy:
            mov x15, #0
        1:  ldr w16, [x12, x15]
            str w16, [x13, x15]
            add x15, x15, #4
            cmp x15, #64
            b.ne 1b
            mov x15, #0
        2:  add x17, x13, x15
            dc cvau, x17
            add x15, x15, #4
            cmp x15, #64
            b.ne 2b
            dsb ish
            cbnz x14, 4f
            mov x15, #0
        3:  add x17, x13, x15
            ic ivau, x17
            add x15, x15, #4
            cmp x15, #64
            b.ne 3b
            b 5f
        4:  ic iallu
        5:  dsb ish
            isb
            ret

        hot:
            mov x22, x30
            mov x23, #0
            mov x1, #{{BareMetal.Hot}}
        1:  blr x19
            add x23, x23, x0
            subs x1, x1, #1
            b.ne 1b
            mov x30, x22
            ret

            .balign 256
        routine_a:
            movz x0, #0xA1
            add x0, x0, x1
            ret
            .balign 256
        routine_b:
            mov x0, x1
            lsl x0, x0, #1
            add x0, x0, #0xB2
            ret
            .balign 256
        routine_c:
            and x9, x1, #15
            movz x0, #0xC3
        1:  cbz x9, 2f
            add x0, x0, #3
            sub x9, x9, #1
            b 1b
        2:  ret
            .balign 256
        """;

    [Test]
    public void CodeCopiedToAnotherPageRunsAndEachLaterCopyOverItRunsInstead()
    {
        using var m = new BareMetal(mode);
        m.Load($$"""
                ldr x13, ={{Dest1}}
                adr x12, routine_a
                mov x14, #0
                bl copy
                ldr x19, ={{Dest1}}
                bl hot
                mov x20, x23                    // A at Dest1
                bl hostpause
                adr x12, routine_b
                ldr x13, ={{Dest1}}
                mov x14, #0
                bl copy
                bl hot
                mov x21, x23                    // B over it
                bl hostpause
                adr x12, routine_c
                ldr x13, ={{Dest1}}
                mov x14, #1                     // IC IALLU this time
                bl copy
                bl hot
                mov x24, x23                    // C over it
                adr x12, routine_a
                ldr x13, ={{Dest2}}
                mov x14, #0
                bl copy
                ldr x19, ={{Dest2}}
                bl hot
                mov x25, x23                    // A across a page boundary
                bl hostpause
                adr x12, routine_c
                ldr x13, ={{Dest2}}
                mov x14, #0
                bl copy
                bl hot
                mov x26, x23                    // C over it
                b done
            {{Library}}
            """);
        m.Run();
        Assert.That(m.X(20), Is.EqualTo(HotSum(A)), "routine A copied to a fresh page");
        Assert.That(m.X(21), Is.EqualTo(HotSum(B)), "routine B copied over hot A (IC IVAU)");
        Assert.That(m.X(24), Is.EqualTo(HotSum(C)), "routine C copied over hot B (IC IALLU)");
        Assert.That(m.X(25), Is.EqualTo(HotSum(A)), "routine A copied across a page boundary");
        Assert.That(m.X(26), Is.EqualTo(HotSum(C)), "routine C copied over it");
    }

    [Test]
    public void CopyingOverThePlaceAHotRoutineWasLoadedAtRunsTheNewRoutineThere()
    {
        using var m = new BareMetal(mode);
        m.Load($$"""
                adr x19, routine_a
                bl hot
                mov x20, x23                    // A where it was assembled
                bl hostpause
                adr x12, routine_b
                adr x13, routine_a
                mov x14, #0
                bl copy
                adr x19, routine_a
                bl hot
                mov x21, x23                    // B there now
                bl hostpause
                adr x12, routine_c
                adr x13, routine_a
                mov x14, #1
                bl copy
                bl hot
                mov x24, x23                    // and C
                b done
            {{Library}}
            """);
        m.Run();
        Assert.That(m.X(20), Is.EqualTo(HotSum(A)));
        Assert.That(m.X(21), Is.EqualTo(HotSum(B)), "B copied over the hot original of A");
        Assert.That(m.X(24), Is.EqualTo(HotSum(C)), "C copied over B");
    }

    [Test]
    public void TwelveRoundsOfCopyingRoutinesOverOneDestinationEachRunTheirOwnCode()
    {
        // Round r copies routine (A, B, C)[r % 3] to Dest1 with maintenance by VA (even r) or IC IALLU (odd r),
        // calls it Hot times and adds the sum to X24.
        using var m = new BareMetal(mode);
        m.Load($$"""
                mov x20, #0
                mov x24, #0
                ldr x19, ={{Dest1}}
            round:
                mov x3, #3
                udiv x4, x20, x3
                msub x4, x4, x3, x20            // r % 3
                adr x12, routine_a
                add x12, x12, x4, lsl #8        // the routines are 256 bytes apart
                ldr x13, ={{Dest1}}
                and x14, x20, #1
                bl copy
                bl hot
                add x24, x24, x23
                cmp x20, #2
                b.ne 1f
                bl hostpause
            1:  add x20, x20, #1
                cmp x20, #12
                b.ne round
                b done
            {{Library}}
            """);
        m.Run();
        Assert.That(m.X(24), Is.EqualTo(4 * (HotSum(A) + HotSum(B) + HotSum(C))));
    }
}
