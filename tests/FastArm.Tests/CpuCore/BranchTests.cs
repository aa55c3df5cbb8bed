using FastArm.Jit;
using FastArm.Jit.Decode;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.CpuCore;

public unsafe class BranchTests
{
    [TestCase("eq", 0x4000_0000u, true)]
    [TestCase("eq", 0x0000_0000u, false)]
    [TestCase("ne", 0x0000_0000u, true)]
    [TestCase("cs", 0x2000_0000u, true)]
    [TestCase("cc", 0x2000_0000u, false)]
    [TestCase("mi", 0x8000_0000u, true)]
    [TestCase("pl", 0x8000_0000u, false)]
    [TestCase("vs", 0x1000_0000u, true)]
    [TestCase("vc", 0x1000_0000u, false)]
    [TestCase("hi", 0x2000_0000u, true)]
    [TestCase("hi", 0x6000_0000u, false)]
    [TestCase("ls", 0x6000_0000u, true)]
    [TestCase("ge", 0x9000_0000u, true)]
    [TestCase("ge", 0x8000_0000u, false)]
    [TestCase("lt", 0x8000_0000u, true)]
    [TestCase("gt", 0x0000_0000u, true)]
    [TestCase("gt", 0x4000_0000u, false)]
    [TestCase("le", 0x4000_0000u, true)]
    [TestCase("al", 0x0000_0000u, true)]
    public void BranchConditionalFollowsConditionHolds(string cond, uint nzcv, bool taken)
    {
        using var h = new CpuHarness();
        h.Cpu.S.Nzcv = nzcv;
        // Only ADD/SUB (immediate) of the data processing group is used, so that this runs on the system group alone.
        h.Run($"""
            add x0, x0, #1
            b.{cond} 1f
            add x0, x0, #1
            1: nop
            """);
        Assert.That(h.X(0), Is.EqualTo(taken ? 1UL : 2UL));
    }

    [Test]
    public void BranchConditionalWithCondition1111AlwaysBranches()
    {
        using var h = new CpuHarness();
        h.Cpu.S.Nzcv = 0;
        // b.nv +8 (cond = 1111 behaves as always, Arm ARM C1.2.4)
        h.Run("""
            add x0, x0, #1
            .inst 0x5400004f
            add x0, x0, #1
            nop
            """);
        Assert.That(h.X(0), Is.EqualTo(1UL));
    }

    [Test]
    public void BranchConditionalReachesBackwards()
    {
        using var h = new CpuHarness();
        h.Cpu.SetX(1, 5);
        h.Run("""
            1: add x0, x0, #3
            subs x1, x1, #1
            b.ne 1b
            """);
        Assert.That(h.X(0), Is.EqualTo(15UL));
    }

    [Test]
    public void CompareAndBranchOn32BitsIgnoresTheUpperHalf()
    {
        using var h = new CpuHarness();
        h.Cpu.SetX(0, 0x1_0000_0000);
        h.Run("""
            cbz w0, 1f
            add x2, x2, #1
            1: cbnz x0, 2f
            add x2, x2, #2
            2: cbz x0, 3f
            add x2, x2, #10
            3: nop
            """);
        Assert.That(h.X(2), Is.EqualTo(10UL), "cbz w0 taken (low half zero), cbnz x0 taken, cbz x0 not taken");
    }

    [Test]
    public void TestBitAndBranchReadsBit63AndBit0()
    {
        using var h = new CpuHarness();
        h.Cpu.SetX(0, 0x8000_0000_0000_0000);
        h.Run("""
            tbnz x0, #63, 1f
            add x2, x2, #1
            1: tbz x0, #0, 2f
            add x2, x2, #4
            2: tbnz w0, #31, 3f
            add x2, x2, #8
            3: nop
            """);
        Assert.That(h.X(2), Is.EqualTo(8UL));
    }

    [Test]
    public void BranchWithLinkToRegisterWritesX30AndRetReturns()
    {
        using var h = new CpuHarness();
        h.Cpu.SetX(1, CpuHarness.CodeBase + 12);
        h.Run("""
            blr x1
            add x3, x3, #7
            b 2f
            1: add x4, x30, #0
            ret
            2: nop
            """);
        Assert.That(h.X(4), Is.EqualTo(CpuHarness.CodeBase + 4));
        Assert.That(h.X(3), Is.EqualTo(7UL));
    }

    [Test]
    public void BlrX30BranchesToTheOldX30()
    {
        using var h = new CpuHarness();
        h.Cpu.SetX(30, CpuHarness.CodeBase + 8);
        h.Run("""
            blr x30
            add x3, x3, #1
            1: nop
            """);
        Assert.That(h.X(3), Is.EqualTo(0UL), "the branch went to the old X30, skipping the add");
        Assert.That(h.X(30), Is.EqualTo(CpuHarness.CodeBase + 4));
    }

    [Test]
    public void BrToRegisterBranches()
    {
        using var h = new CpuHarness();
        h.Cpu.SetX(5, CpuHarness.CodeBase + 8);
        h.Run("""
            br x5
            add x3, x3, #1
            1: nop
            """);
        Assert.That(h.X(3), Is.EqualTo(0UL));
    }

    [Test]
    public void RetToAMisalignedAddressTakesPcAlignmentFaultAtTheTarget()
    {
        using var h = new CpuHarness();
        ulong target = CpuHarness.CodeBase + 8 + 2;
        h.Cpu.SetX(30, target);
        h.Run("""
            ret
            nop
            nop
            """, maxInstructions: 10);
        Assert.That(h.Cpu.S.ESR[1] >> 26, Is.EqualTo(0x22UL));
        Assert.That(h.Cpu.S.ELR[1], Is.EqualTo(target));
        Assert.That(h.Cpu.S.FAR[1], Is.EqualTo(target));
    }

    [Test]
    public void BrToATaggedAddressDropsTheTagUnderTopByteIgnore()
    {
        using var h = SysTest.Harness(el: 0);
        h.Cpu.S.TCR[1] |= 1UL << 37;                         // TBI0
        h.Cpu.SetX(5, 0x3C00_0000_0000_0000UL | (CpuHarness.CodeBase + 8));
        SysTest.AssertCompleted(h, h.Run("""
            blr x5
            add x3, x3, #1
            nop
            """));
        Assert.That(h.X(3), Is.EqualTo(0UL));
        Assert.That(h.X(30), Is.EqualTo(CpuHarness.CodeBase + 4));
    }

    [Test]
    public void BrToATaggedAddressWithoutTopByteIgnoreKeepsTheTag()
    {
        using var h = SysTest.Harness(el: 1);
        ulong tagged = 0x3C00_0000_0000_0000UL | (CpuHarness.CodeBase + 8);
        h.Cpu.SetX(5, tagged);
        h.Run("br x5", maxInstructions: 2);
        Assert.That(h.Cpu.S.ELR[1], Is.EqualTo(tagged), "the fetch from the tagged address faults");
    }

    [Test]
    public void EretAtEl0IsUndefined()
    {
        using var h = SysTest.Harness(el: 0);
        h.Run("eret", maxInstructions: 5);
        SysTest.AssertSync(h, el: 1, offset: 0x400, ec: 0x00, iss: 0, elr: CpuHarness.CodeBase);
    }

    [TestCase(0xD65F0BFFu, TestName = "RETAA is UNDEFINED without FEAT_PAuth")]
    [TestCase(0xD61F083Fu, TestName = "BRAAZ is UNDEFINED without FEAT_PAuth")]
    [TestCase(0xD63F083Fu, TestName = "BLRAAZ is UNDEFINED without FEAT_PAuth")]
    [TestCase(0xD69F0BFFu, TestName = "ERETAA is UNDEFINED without FEAT_PAuth")]
    [TestCase(0xD6BF03E0u, TestName = "DRPS is UNDEFINED outside Debug state")]
    [TestCase(0xD4A00001u, TestName = "DCPS1 is UNDEFINED outside Debug state")]
    [TestCase(0x54000010u, TestName = "BC.cond is UNDEFINED without FEAT_HBC")]
    [TestCase(0xD65F0001u, TestName = "RET with op4 not zero is unallocated")]
    public void UnimplementedBranchFormsAreUndefined(uint word)
    {
        using var h = SysTest.Harness(el: 1);
        Assert.That(h.Cpu.Decode(word), Is.Null);
        h.Bus.Load(CpuHarness.CodeBase, BitConverter.GetBytes(word));
        h.Cpu.Pc = CpuHarness.CodeBase;
        h.Cpu.Step();
        SysTest.AssertSync(h, el: 1, offset: 0x200, ec: 0x00, iss: 0, elr: CpuHarness.CodeBase);
    }

    [Test]
    public void RowsOfEqualSpecificityNeverOverlap()
    {
        var rows = A64Table.All;
        for (int i = 0; i < rows.Length; i++)
            for (int j = i + 1; j < rows.Length; j++)
            {
                A64Row a = rows[i], b = rows[j];
                if (a.Specificity != b.Specificity) continue;
                uint common = a.Mask & b.Mask;
                bool overlap = (a.Value & common) == (b.Value & common);
                Assert.That(overlap, Is.False, $"{a.Name} and {b.Name} overlap with equal specificity");
            }
    }

    [TestCase(0xD503201Fu, "HINT")]
    [TestCase(0xD503233Fu, "HINT")]
    [TestCase(0xD503305Fu, "CLREX")]
    [TestCase(0xD5033F9Fu, "DSB")]
    [TestCase(0xD503309Fu, "DSB")]
    [TestCase(0xD5033BBFu, "DMB")]
    [TestCase(0xD5033FDFu, "ISB")]
    [TestCase(0xD50040BFu, "MSR_imm")]
    [TestCase(0xD508751Fu, "SYS")]
    [TestCase(0xD5181000u, "MSR_reg")]
    [TestCase(0xD5381000u, "MRS")]
    [TestCase(0xD61F0020u, "BR")]
    [TestCase(0xD63F0020u, "BLR")]
    [TestCase(0xD65F03C0u, "RET")]
    [TestCase(0xD69F03E0u, "ERET")]
    [TestCase(0x54000040u, "B_cond")]
    [TestCase(0xB4000040u, "CBZ")]
    [TestCase(0xB6F80040u, "TBZ")]
    public void SystemAndBranchWordsDecodeToTheirRows(uint word, string row)
    {
        using var h = new CpuHarness();
        Assert.That(h.Cpu.Decode(word)?.Name, Is.EqualTo(row));
    }
}
