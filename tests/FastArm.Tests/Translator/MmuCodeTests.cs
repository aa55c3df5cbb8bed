using FastArm.Jit.Decode;
using FastArm.Tests.SoftMmu;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.Translator;

/// <summary>
/// One virtual address, different code: the translation regime decides which physical instructions a VA fetches,
/// so translated code must not outlive the mapping it was built under. SCTLR_EL1.M toggled (identity with the MMU
/// off, a remapped page with it on), TTBR0_EL1 switched between two tables (with TLBI, or with distinct ASIDs and
/// non-global pages), and a PTE rewritten followed by each TLBI form (Arm ARM D8.13 "TLB maintenance", the
/// break-before-make-free case of a valid-to-valid change of output address is fine for a single PE whose only
/// accesses to the page are instruction fetches after the TLBI + DSB + ISB).
/// </summary>
[TestFixture(EngineMode.Interpreter)]
[TestFixture(EngineMode.JitEager)]
[TestFixture(EngineMode.JitTiered)]
public class MmuCodeTests(EngineMode mode)
{
    private const ulong CodeVa = CpuHarness.RamBase + 0x1_0000;
    private const ulong OtherVa = CpuHarness.RamBase + 0x1_4000;
    private static ulong PagePa(int n) => CpuHarness.RamBase + 0x1_0000 + (ulong)n * 0x1000;

    /// <summary>The routine at physical page n returns K[n] + X1.</summary>
    private static readonly ulong[] K = [0x1D, 0x2B, 0x3C, 0x4D, 0x5E];

    private static readonly string Pages = $$"""
            .org 0x10000
            movz x0, #{{K[0]}}
            add x0, x0, x1
            ret
            .org 0x11000
            movz x0, #{{K[1]}}
            add x0, x0, x1
            ret
            .org 0x12000
            mov x0, x1
            add x0, x0, #{{K[2]}}
            ret
            .org 0x13000
            movz x0, #{{K[3]}}
            b 1f
            nop
        1:  add x0, x0, x1
            ret
            .org 0x14000
            movz x0, #{{K[4]}}
            add x0, x0, x1
            ret
        """;

    private static ulong HotSum(ulong k) => k * BareMetal.Hot + (ulong)BareMetal.Hot * (BareMetal.Hot + 1) / 2;

    [Test]
    public void TogglingTheMmuEachIterationSwitchesTheSameVaBetweenTwoRoutines()
    {
        using var m = new BareMetal(mode);
        m.MmuRegisters(m.FlatTables((CodeVa, PagePa(1), BareMetal.Normal)));
        m.Load($$"""
                mrs x9, sctlr_el1
                bic x9, x9, #1
                orr x10, x9, #1
                ldr x19, ={{CodeVa}}
                mov x20, #0
                mov x21, #0
                mov x2, #{{BareMetal.Hot}}
            1:  msr sctlr_el1, x9               // MMU off: the VA is the PA
                isb
                mov x1, x2
                blr x19
                add x20, x20, x0
                msr sctlr_el1, x10              // MMU on: the VA maps page 1
                isb
                mov x1, x2
                blr x19
                add x21, x21, x0
                cmp x2, #{{BareMetal.Hot / 2}}
                b.ne 2f
                bl hostpause
            2:  subs x2, x2, #1
                b.ne 1b
                msr sctlr_el1, x9
                isb
                b done
            {{Pages}}
            """);
        m.Run();
        Assert.That(m.X(20), Is.EqualTo(HotSum(K[0])), "MMU off: the routine at the VA's own physical page");
        Assert.That(m.X(21), Is.EqualTo(HotSum(K[1])), "MMU on: the routine of the page the VA maps");
    }

    [Test]
    public void HotPhasesWithTheMmuOffAndOnEachRunTheirOwnCodeAtOneVa()
    {
        using var m = new BareMetal(mode);
        m.MmuRegisters(m.FlatTables((CodeVa, PagePa(3), BareMetal.Normal)));
        m.Load($$"""
                mrs x9, sctlr_el1
                bic x9, x9, #1
                orr x10, x9, #1
                ldr x19, ={{CodeVa}}
                mov x20, #0                     // phase
                mov x24, #0                     // MMU-off sums
                mov x25, #0                     // MMU-on sums
            phase:
                tst x20, #1
                csel x3, x9, x10, eq
                msr sctlr_el1, x3
                isb
                mov x21, #0
                mov x2, #{{BareMetal.Hot}}
            1:  mov x1, x2
                blr x19
                add x21, x21, x0
                subs x2, x2, #1
                b.ne 1b
                tst x20, #1
                b.ne 2f
                add x24, x24, x21
                b 3f
            2:  add x25, x25, x21
            3:  bl hostpause
                add x20, x20, #1
                cmp x20, #4
                b.ne phase
                msr sctlr_el1, x9
                isb
                b done
            {{Pages}}
            """);
        m.Run();
        Assert.That(m.X(24), Is.EqualTo(2 * HotSum(K[0])), "two phases with the MMU off");
        Assert.That(m.X(25), Is.EqualTo(2 * HotSum(K[3])), "two phases with the MMU on");
    }

    /// <summary>Four hot phases, all calls (<paramref name="call"/>, which returns K + X1) under table 1 (X9), then all
    /// under table 2 (X10), twice; the sums go to X24 and X25.</summary>
    private static string HotPhases(string flush, string call) => $$"""
                mov x24, #0
                mov x25, #0
                mov x6, #0
            phase:
                tst x6, #1
                csel x3, x9, x10, eq
                msr ttbr0_el1, x3
                isb
            {{flush}}
                mov x2, #{{BareMetal.Hot}}
                mov x23, #0
            3:  mov x1, x2
                {{call}}
                add x23, x23, x0
                subs x2, x2, #1
                b.ne 3b
                tst x6, #1
                b.ne 4f
                add x24, x24, x23
                b 5f
            4:  add x25, x25, x23
            5:  bl hostpause
                add x6, x6, #1
                cmp x6, #4
                b.ne phase
            """;

    /// <summary>Two tables that map <see cref="CodeVa"/> to page 2 and to page 3 (with their own ASIDs and non-global
    /// pages, or one ASID and a TLBI after each switch: <c>Flush</c>); the MMU is on with the first.</summary>
    private static (ulong Ttbr1, ulong Ttbr2, string Flush) TwoTables(BareMetal m, bool asids)
    {
        ulong attrs = BareMetal.Normal | (asids ? PageTableBuilder.NotGlobal : 0);
        var t1 = m.FlatTables((CodeVa, PagePa(2), attrs));
        var t2 = m.FlatTables((CodeVa, PagePa(3), attrs));
        m.MmuRegisters(t1, asids ? (ushort)1 : (ushort)0, mmuOn: true);
        return (t1.Ttbr(asids ? (ushort)1 : (ushort)0), t2.Ttbr(asids ? (ushort)2 : (ushort)0), asids ? "" : """
                tlbi vmalle1
                dsb ish
                isb
            """);
    }

    [TestCase(false, TestName = "{m}(one ASID, TLBI VMALLE1 after each switch)")]
    [TestCase(true, TestName = "{m}(two ASIDs, non-global pages, no TLBI)")]
    public void SwitchingTtbr0BetweenTwoTablesSwitchesTheCodeAtOneVa(bool asids)
    {
        using var m = new BareMetal(mode);
        var (ttbr1, ttbr2, flush) = TwoTables(m, asids);
        m.Load($$"""
                ldr x9, ={{ttbr1}}
                ldr x10, ={{ttbr2}}
                ldr x19, ={{CodeVa}}
                mov x20, #0
                mov x21, #0
                mov x2, #{{BareMetal.Hot}}
            1:  msr ttbr0_el1, x9
                isb
            {{flush}}
                mov x1, x2
                blr x19
                add x20, x20, x0
                msr ttbr0_el1, x10
                isb
            {{flush}}
                mov x1, x2
                blr x19
                add x21, x21, x0
                cmp x2, #{{BareMetal.Hot / 2}}
                b.ne 2f
                bl hostpause
            2:  subs x2, x2, #1
                b.ne 1b
                // Then hot phases: all calls under one table, then all under the other, twice.
            {{HotPhases(flush, "blr x19")}}
                b done
            {{Pages}}
            """);
        m.Run();
        Assert.That(m.X(20), Is.EqualTo(HotSum(K[2])), "table 1 maps the VA to page 2");
        Assert.That(m.X(21), Is.EqualTo(HotSum(K[3])), "table 2 maps the VA to page 3");
        Assert.That(m.X(24), Is.EqualTo(2 * HotSum(K[2])), "hot phases under table 1");
        Assert.That(m.X(25), Is.EqualTo(2 * HotSum(K[3])), "hot phases under table 2");
    }

    /// <summary>
    /// The same switch with a direct call (BL) to the VA from a hot loop on another page: the call chains from the
    /// loop's compiled region into the callee's, and must notice that the callee's page now maps elsewhere.
    /// </summary>
    [TestCase(false)]
    [TestCase(true)]
    public void SwitchingTtbr0UnderAHotLoopThatCallsTheVaDirectlyRunsEachTablesCode(bool asids)
    {
        using var m = new BareMetal(mode);
        var (ttbr1, ttbr2, flush) = TwoTables(m, asids);
        m.Load($$"""
                ldr x9, ={{ttbr1}}
                ldr x10, ={{ttbr2}}
            {{HotPhases(flush, "bl code_va")}}
                b done
            {{Pages.Replace(".org 0x10000", ".org 0x10000\ncode_va:")}}
            """);
        m.Run();
        Assert.That(m.X(24), Is.EqualTo(2 * HotSum(K[2])), "hot phases under table 1 call page 2");
        Assert.That(m.X(25), Is.EqualTo(2 * HotSum(K[3])), "hot phases under table 2 call page 3");
    }

    /// <summary>The TLBI forms that invalidate the remapped page: (instruction, operand kind, needs FEAT_TLBIRANGE).</summary>
    public static IEnumerable<TestCaseData> TlbiForms()
    {
        yield return new TestCaseData("tlbi vae1, x14", "va+asid", false).SetArgDisplayNames("VAE1");
        yield return new TestCaseData("tlbi vale1, x14", "va+asid", false).SetArgDisplayNames("VALE1");
        yield return new TestCaseData("tlbi vaae1, x14", "va", false).SetArgDisplayNames("VAAE1");
        yield return new TestCaseData("tlbi vae1is, x14", "va+asid", false).SetArgDisplayNames("VAE1IS");
        yield return new TestCaseData("tlbi aside1, x14", "asid", false).SetArgDisplayNames("ASIDE1");
        yield return new TestCaseData("tlbi vmalle1", "none", false).SetArgDisplayNames("VMALLE1");
        yield return new TestCaseData("tlbi rvae1, x14", "range", true).SetArgDisplayNames("RVAE1");
        yield return new TestCaseData("tlbi rvale1, x14", "range", true).SetArgDisplayNames("RVALE1");
    }

    [TestCaseSource(nameof(TlbiForms))]
    public void RemappingAHotCodePageAndInvalidatingItsTranslationRunsTheNewPage(string tlbi, string operand, bool range)
    {
        const ushort asid = 5;
        using var m = new BareMetal(mode, range ? Feature.TLBIRANGE : Feature.None);
        ulong attrs = BareMetal.Normal | PageTableBuilder.NotGlobal;
        var t = m.FlatTables((CodeVa, PagePa(1), attrs));
        m.MmuRegisters(t, asid, mmuOn: true);
        ulong page = CodeVa >> 12;
        ulong xt = operand switch
        {
            "va+asid" => ((ulong)asid << 48) | page,
            "va" => page,
            "asid" => (ulong)asid << 48,
            // TG = 01 (4 KB), SCALE = 0, NUM = 0: two pages from BaseADDR (Arm ARM, "TLB range operand").
            "range" => ((ulong)asid << 48) | (1UL << 46) | page,
            _ => 0,
        };
        m.Load($$"""
                ldr x19, ={{CodeVa}}
                ldr x18, ={{OtherVa}}
                ldr x11, ={{t.Pte[CodeVa]}}
                ldr x12, ={{BareMetal.PageDescriptor(PagePa(1), attrs)}}
                ldr x13, ={{BareMetal.PageDescriptor(PagePa(2), attrs)}}
                ldr x14, ={{xt}}
                mov x20, #0                     // round
                mov x21, #0                     // hot calls of the remapped VA
                mov x26, #0                     // hot calls of the other VA
                mov x25, #0                     // first call after each remap
                mov x23, #0                     // the other VA after each remap
            round:
                mov x2, #{{BareMetal.Hot}}
            1:  mov x1, x2
                blr x19
                add x21, x21, x0
                mov x1, x2
                blr x18
                add x26, x26, x0
                subs x2, x2, #1
                b.ne 1b
                cbnz x20, 2f
                bl hostpause
            2:  tst x20, #1
                csel x3, x13, x12, eq           // even rounds: page 2, odd: page 1
                str x3, [x11]
                dsb ishst
                {{tlbi}}
                dsb ish
                isb
                mov x1, #0
                blr x19
                add x25, x25, x0
                mov x1, #0
                blr x18
                add x23, x23, x0
                add x20, x20, #1
                cmp x20, #6
                b.ne round
                b done
            {{Pages}}
            """);
        m.Run();
        ulong hot = 0, first = 0;
        for (int r = 0; r < 6; r++)
        {
            ulong during = r == 0 || r % 2 == 0 ? K[1] : K[2];
            hot += HotSum(during);
            first += r % 2 == 0 ? K[2] : K[1];
        }
        Assert.That(m.X(25), Is.EqualTo(first), "the first call after each remap runs the new page");
        Assert.That(m.X(21), Is.EqualTo(hot), "the hot calls run the page mapped at the time");
        Assert.That(m.X(23), Is.EqualTo(6 * K[4]), "the VA the TLBI did not name keeps its code");
        Assert.That(m.X(26), Is.EqualTo(6 * HotSum(K[4])));
    }
}
