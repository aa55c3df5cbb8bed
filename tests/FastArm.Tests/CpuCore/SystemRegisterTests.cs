using FastArm.Jit;
using FastArm.Jit.Decode;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.CpuCore;

/// <summary>Helpers of the branch, exception and system tests: harnesses at any EL, syndrome checks.</summary>
internal static unsafe class SysTest
{
    /// <summary>A harness at <paramref name="el"/> with every VBAR_ELx on the harness's vector table.</summary>
    public static CpuHarness Harness(int el, bool el2 = false, bool el3 = false, Feature? features = null)
    {
        var h = new CpuHarness(new CpuConfig { HasEl2 = el2, HasEl3 = el3, Features = features ?? Feature.Default }, el: el);
        for (int i = 1; i <= 3; i++) h.Cpu.S.VBAR[i] = CpuHarness.VectorBase;
        return h;
    }

    public static ulong Esr(uint ec, uint iss) => ((ulong)ec << 26) | (1UL << 25) | iss;

    /// <summary>ISS of a trapped MSR/MRS/SYS (EC 0x18).</summary>
    public static uint SysIss(uint op0, uint op1, uint crn, uint crm, uint op2, uint rt, bool read) =>
        (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (rt << 5) | (crm << 1) | (read ? 1u : 0);

    /// <summary>Asserts a synchronous exception was taken to <paramref name="el"/> at vector offset
    /// <paramref name="offset"/> with the syndrome and return address given.</summary>
    public static void AssertSync(CpuHarness h, int el, ulong offset, uint ec, uint? iss, ulong elr)
    {
        Assert.That(h.Cpu.S.EL, Is.EqualTo(el), "target EL");
        Assert.That(h.Cpu.Pc, Is.EqualTo(CpuHarness.VectorBase + offset), "vector");
        Assert.That(h.Cpu.S.ESR[el] >> 26, Is.EqualTo((ulong)ec), "EC");
        if (iss is uint i) Assert.That(h.Cpu.S.ESR[el], Is.EqualTo(Esr(ec, i)), "ESR");
        Assert.That(h.Cpu.S.ELR[el], Is.EqualTo(elr), "ELR");
    }

    /// <summary>Asserts the snippet ran to its end without an exception.</summary>
    public static void AssertCompleted(CpuHarness h, StopReason reason)
    {
        Assert.That(reason, Is.EqualTo(StopReason.Address), $"stopped at {h.Cpu.Pc:X} ESR_EL1 {h.Cpu.S.ESR[1]:X} EL {h.Cpu.S.EL}");
    }

    /// <summary>Runs one instruction word at the code base.</summary>
    public static void Step(CpuHarness h, uint word)
    {
        h.Bus.Load(CpuHarness.CodeBase, BitConverter.GetBytes(word));
        h.Cpu.Pc = CpuHarness.CodeBase;
        h.Cpu.Step();
    }
}

public unsafe class SystemRegisterTests
{
    private const ulong Code = CpuHarness.CodeBase;

    [Test]
    public void CurrentElReadsTheExceptionLevelInBits3To2()
    {
        using var h = SysTest.Harness(el: 3, el2: true, el3: true);
        SysTest.AssertCompleted(h, h.Run("mrs x0, CurrentEL"));
        Assert.That(h.X(0), Is.EqualTo(12UL));
    }

    [Test]
    public void CurrentElIsUndefinedAtEl0()
    {
        using var h = SysTest.Harness(el: 0);
        h.Run("mrs x0, CurrentEL", maxInstructions: 3);
        SysTest.AssertSync(h, 1, 0x400, 0x00, 0, Code);
    }

    [Test]
    public void NzcvAndDaifMoveThroughMsrAndMrs()
    {
        using var h = SysTest.Harness(el: 1);
        h.Cpu.SetX(4, 0xF000_0000);
        h.Cpu.SetX(5, 0x0F00_000F);
        h.Cpu.SetX(6, 0x140);
        SysTest.AssertCompleted(h, h.Run("""
            msr nzcv, x4
            mrs x1, nzcv
            msr nzcv, x5
            mrs x2, nzcv
            msr daif, x6
            mrs x3, daif
            """));
        Assert.That(h.X(1), Is.EqualTo(0xF000_0000UL));
        Assert.That(h.X(2), Is.EqualTo(0UL), "RES0 bits ignored");
        Assert.That(h.X(3), Is.EqualTo(0x140UL));
    }

    [Test]
    public void TpidrEl0IsReadWriteAtEl0AndTpidrroEl0ReadOnly()
    {
        using var h = SysTest.Harness(el: 0);
        h.Cpu.S.Sys.TPIDRRO_EL0 = 0x1234;
        h.Cpu.SetX(0, 0x55);
        SysTest.AssertCompleted(h, h.Run("""
            msr tpidr_el0, x0
            mrs x1, tpidr_el0
            mrs x2, tpidrro_el0
            """));
        Assert.That(h.X(1), Is.EqualTo(0x55UL));
        Assert.That(h.X(2), Is.EqualTo(0x1234UL));

        h.Run("msr tpidrro_el0, x0", maxInstructions: 3);
        SysTest.AssertSync(h, 1, 0x400, 0x00, 0, Code);
    }

    [Test]
    public void AnEl2RegisterIsUndefinedAtEl1()
    {
        using var h = SysTest.Harness(el: 1, el2: true);
        h.Run("mrs x0, hcr_el2", maxInstructions: 3);
        SysTest.AssertSync(h, 1, 0x200, 0x00, 0, Code);
    }

    [Test]
    public void El2RegistersAreRes0FromEl3WithoutEl2()
    {
        using var h = SysTest.Harness(el: 3, el3: true);
        h.Cpu.SetX(0, 0x1234);
        h.Cpu.SetX(2, 0x5555);
        SysTest.AssertCompleted(h, h.Run("""
            msr hcr_el2, x2
            mrs x0, hcr_el2
            msr vbar_el2, x2
            mrs x1, vbar_el2
            """));
        Assert.That(h.X(0), Is.EqualTo(0UL));
        Assert.That(h.X(1), Is.EqualTo(0UL));
        Assert.That(h.Cpu.TryReadSysReg("HCR_EL2", out _), Is.False, "not implemented");
    }

    [Test]
    public void SpEl1IsReachableFromEl3WithoutEl2()
    {
        using var h = SysTest.Harness(el: 3, el3: true);
        h.Cpu.S.SpEl[1] = 0x880;
        SysTest.AssertCompleted(h, h.Run("mrs x0, sp_el1"));
        Assert.That(h.X(0), Is.EqualTo(0x880UL));
    }

    [Test]
    public void El3RegistersAreUndefinedWithoutEl3()
    {
        using var h = SysTest.Harness(el: 2, el2: true);
        h.Run("mrs x0, scr_el3", maxInstructions: 3);
        SysTest.AssertSync(h, 2, 0x200, 0x00, 0, Code);
    }

    [Test]
    public void HcrTvmTrapsEl1WritesOfSctlrWithTheFullSyndrome()
    {
        using var h = SysTest.Harness(el: 1, el2: true);
        h.Cpu.S.Sys.HCR_EL2 |= 1UL << 26;   // TVM
        h.Run("""
            mrs x4, sctlr_el1
            msr sctlr_el1, x5
            """, maxInstructions: 5);
        SysTest.AssertSync(h, 2, 0x400, 0x18, SysTest.SysIss(3, 0, 1, 0, 0, 5, read: false), Code + 4);
        Assert.That(h.X(4), Is.EqualTo(h.Cpu.S.SCTLR[1]), "reads are not trapped by TVM");
    }

    [Test]
    public void HcrTrvmTrapsEl1ReadsOfTcrWithDirectionRead()
    {
        using var h = SysTest.Harness(el: 1, el2: true);
        h.Cpu.S.Sys.HCR_EL2 |= 1UL << 30;   // TRVM
        h.Run("mrs x7, tcr_el1", maxInstructions: 3);
        SysTest.AssertSync(h, 2, 0x400, 0x18, SysTest.SysIss(3, 0, 2, 0, 2, 7, read: true), Code);
    }

    [Test]
    public void HcrTid3TrapsIdRegisterReadsAtEl1()
    {
        using var h = SysTest.Harness(el: 1, el2: true);
        h.Cpu.S.Sys.HCR_EL2 |= 1UL << 18;
        h.Run("mrs x2, id_aa64pfr0_el1", maxInstructions: 3);
        SysTest.AssertSync(h, 2, 0x400, 0x18, SysTest.SysIss(3, 0, 0, 4, 0, 2, read: true), Code);
    }

    [Test]
    public void HcrTrapsDoNothingWhenEl2IsNotEnabledInSecureState()
    {
        using var h = SysTest.Harness(el: 1, el2: true, el3: true);
        h.Cpu.S.Sys.SCR_EL3 &= ~1UL;        // Secure: EL2 not enabled (no FEAT_SEL2)
        h.Cpu.S.Sys.HCR_EL2 |= 1UL << 18;
        SysTest.AssertCompleted(h, h.Run("mrs x2, id_aa64pfr0_el1"));
    }

    [Test]
    public void HcrTid2TrapsCtrEl0AtEl0AfterTheUctCheck()
    {
        using var h = SysTest.Harness(el: 0, el2: true);
        h.Cpu.S.SCTLR[1] |= 1UL << 15;      // UCT
        h.Cpu.S.Sys.HCR_EL2 |= 1UL << 17;   // TID2
        h.Run("mrs x3, ctr_el0", maxInstructions: 3);
        SysTest.AssertSync(h, 2, 0x400, 0x18, SysTest.SysIss(3, 3, 0, 0, 1, 3, read: true), Code);
    }

    [Test]
    public void CtrEl0AtEl0TrapsToEl1WithoutUct()
    {
        using var h = SysTest.Harness(el: 0);
        h.Run("mrs x3, ctr_el0", maxInstructions: 3);
        SysTest.AssertSync(h, 1, 0x400, 0x18, SysTest.SysIss(3, 3, 0, 0, 1, 3, read: true), Code);
    }

    [Test]
    public void CtrEl0AtEl0WithUctReadsTheCacheGeometry()
    {
        using var h = SysTest.Harness(el: 0);
        h.Cpu.S.SCTLR[1] |= 1UL << 15;
        SysTest.AssertCompleted(h, h.Run("mrs x3, ctr_el0"));
        Assert.That(h.X(3) >> 31, Is.EqualTo(1UL), "RES1 bit 31");
        Assert.That((h.X(3) >> 16) & 0xF, Is.EqualTo(4UL), "DminLine = 64 bytes");
    }

    [Test]
    public void DaifAtEl0TrapsWithoutUmaAndWorksWithIt()
    {
        using var h = SysTest.Harness(el: 0);
        h.Run("mrs x1, daif", maxInstructions: 3);
        SysTest.AssertSync(h, 1, 0x400, 0x18, SysTest.SysIss(3, 3, 4, 2, 1, 1, read: true), Code);

        using var h2 = SysTest.Harness(el: 0);
        h2.Cpu.S.SCTLR[1] |= 1UL << 9;      // UMA
        h2.Cpu.S.Daif = 0x80;
        SysTest.AssertCompleted(h2, h2.Run("mrs x1, daif"));
        Assert.That(h2.X(1), Is.EqualTo(0x80UL));
    }

    [Test]
    public void El0TrapsGoToEl2UnderTge()
    {
        using var h = SysTest.Harness(el: 0, el2: true);
        h.Cpu.S.Sys.HCR_EL2 |= 1UL << 27;   // TGE
        h.Run("mrs x1, daif", maxInstructions: 3);
        SysTest.AssertSync(h, 2, 0x400, 0x18, SysTest.SysIss(3, 3, 4, 2, 1, 1, read: true), Code);
    }

    [Test]
    public void FpcrWithCpacrFpenClearTrapsToEl1WithEc07()
    {
        using var h = SysTest.Harness(el: 1);
        h.Cpu.S.Sys.CPACR_EL1 = 0;
        h.Run("mrs x0, fpcr", maxInstructions: 3);
        SysTest.AssertSync(h, 1, 0x200, 0x07, (1u << 24) | (0xEu << 20), Code);
    }

    [Test]
    public void FpsrWithCpacrFpen01TrapsAtEl0ButNotAtEl1()
    {
        using var h = SysTest.Harness(el: 0);
        h.Cpu.S.Sys.CPACR_EL1 = 1UL << 20;
        h.Run("mrs x0, fpsr", maxInstructions: 3);
        SysTest.AssertSync(h, 1, 0x400, 0x07, null, Code);

        using var h1 = SysTest.Harness(el: 1);
        h1.Cpu.S.Sys.CPACR_EL1 = 1UL << 20;
        SysTest.AssertCompleted(h1, h1.Run("mrs x0, fpsr"));
    }

    [Test]
    public void CptrEl2TfpTrapsFpcrToEl2AndCptrEl3TfpToEl3()
    {
        using var h = SysTest.Harness(el: 1, el2: true, el3: true);
        h.Cpu.S.Sys.CPTR_EL2 |= 1UL << 10;
        h.Run("msr fpcr, x0", maxInstructions: 3);
        SysTest.AssertSync(h, 2, 0x400, 0x07, null, Code);

        using var h3 = SysTest.Harness(el: 2, el2: true, el3: true);
        h3.Cpu.S.Sys.CPTR_EL3 |= 1UL << 10;
        h3.Run("msr fpcr, x0", maxInstructions: 3);
        SysTest.AssertSync(h3, 3, 0x400, 0x07, null, Code);
    }

    [Test]
    public void FpTrapFromEl0UnderTgeIsReportedAsUnknownAtEl2()
    {
        using var h = SysTest.Harness(el: 0, el2: true);
        h.Cpu.S.Sys.HCR_EL2 |= 1UL << 27;
        h.Cpu.S.Sys.CPACR_EL1 = 0;
        h.Run("mrs x0, fpcr", maxInstructions: 3);
        SysTest.AssertSync(h, 2, 0x400, 0x00, 0, Code);
    }

    [Test]
    public void FpcrKeepsOnlyItsImplementedBits()
    {
        using var h = SysTest.Harness(el: 1);
        h.Cpu.SetX(0, ulong.MaxValue);
        SysTest.AssertCompleted(h, h.Run("""
            msr fpcr, x0
            mrs x1, fpcr
            msr fpsr, x0
            mrs x2, fpsr
            """));
        Assert.That(h.X(1), Is.EqualTo(0x07C0_0000UL), "AHP DN FZ RMode; no FP16, no trap enables");
        Assert.That(h.X(2), Is.EqualTo(0x0800_009FUL), "QC and the cumulative flags");
    }

    [Test]
    public void IdRegistersAdvertiseExactlyTheImplementedFeatures()
    {
        using var h = SysTest.Harness(el: 1, el2: true);
        SysTest.AssertCompleted(h, h.Run("""
            mrs x0, id_aa64pfr0_el1
            mrs x1, id_aa64isar0_el1
            mrs x2, id_aa64mmfr0_el1
            mrs x3, id_aa64mmfr1_el1
            mrs x4, id_aa64mmfr2_el1
            mrs x5, id_aa64dfr0_el1
            mrs x6, id_aa64isar1_el1
            mrs x7, id_aa64pfr1_el1
            mrs x8, s3_0_c0_c3_7
            mrs x9, id_pfr0_el1
            mrs x10, s3_0_c0_c6_2
            mrs x11, s3_0_c0_c4_4
            """));
        ulong pfr0 = h.X(0);
        Assert.That(pfr0 & 0xF, Is.EqualTo(1UL), "EL0 AArch64 only");
        Assert.That((pfr0 >> 8) & 0xF, Is.EqualTo(1UL), "EL2 implemented");
        Assert.That((pfr0 >> 12) & 0xF, Is.EqualTo(0UL), "no EL3");
        Assert.That((pfr0 >> 16) & 0xFF, Is.EqualTo(0UL), "FP and AdvSIMD, no FP16");
        Assert.That((pfr0 >> 24) & 0xF, Is.EqualTo(0UL), "no GIC system registers without a device");
        Assert.That((pfr0 >> 28) & 0xF, Is.EqualTo(0UL), "no RAS");
        Assert.That((pfr0 >> 32) & 0xF, Is.EqualTo(0UL), "no SVE");
        ulong isar0 = h.X(1);
        Assert.That((isar0 >> 16) & 0xF, Is.EqualTo(1UL), "CRC32");
        Assert.That((isar0 >> 20) & 0xF, Is.EqualTo(2UL), "LSE atomics");
        Assert.That((isar0 >> 4) & 0xF, Is.EqualTo(2UL), "AES with PMULL");
        Assert.That((isar0 >> 8) & 0xF, Is.EqualTo(1UL), "SHA1");
        Assert.That((isar0 >> 12) & 0xF, Is.EqualTo(1UL), "SHA256");
        Assert.That(h.X(2) & 0xF, Is.EqualTo(5UL), "PARange 48 bits");
        Assert.That((h.X(2) >> 4) & 0xF, Is.EqualTo(2UL), "16-bit ASIDs");
        Assert.That((h.X(2) >> 20) & 0xF, Is.EqualTo(1UL), "16K granule");
        Assert.That((h.X(2) >> 24) & 0xF, Is.EqualTo(0UL), "64K granule");
        Assert.That((h.X(2) >> 28) & 0xF, Is.EqualTo(0UL), "4K granule");
        Assert.That((h.X(3) >> 20) & 0xF, Is.EqualTo(2UL), "PAN with AT S1E1RP/WP");
        Assert.That((h.X(3) >> 8) & 0xF, Is.EqualTo(0UL), "no VHE by default");
        Assert.That((h.X(4) >> 4) & 0xF, Is.EqualTo(1UL), "UAO");
        Assert.That((h.X(5) >> 8) & 0xF, Is.EqualTo(0UL), "PMUVer = 0: no PMU");
        Assert.That(h.X(5) & 0xF, Is.EqualTo(6UL), "Armv8.0 debug");
        Assert.That(h.X(6) & ~0xFUL, Is.EqualTo(0UL), "no PAuth, no JSCVT, no SB...");
        Assert.That(h.X(7), Is.EqualTo(0UL), "no BTI, no MTE, no SSBS");
        Assert.That(h.X(8) | h.X(9) | h.X(10) | h.X(11), Is.EqualTo(0UL), "reserved and AArch32 ID registers RAZ");
    }

    [TestCase(40, 2UL)]
    [TestCase(44, 4UL)]
    [TestCase(52, 6UL)]
    public void PaRangeFollowsThePhysicalAddressSize(int bits, ulong parange)
    {
        using var h = new CpuHarness(new CpuConfig { PABits = bits });
        Assert.That(h.Cpu.TryReadSysReg("ID_AA64MMFR0_EL1", out ulong v), Is.True);
        Assert.That(v & 0xF, Is.EqualTo(parange));
    }

    [Test]
    public void PmuRegistersAreUndefinedWithoutAPmu()
    {
        using var h = SysTest.Harness(el: 1);
        h.Run("mrs x0, pmcr_el0", maxInstructions: 3);
        SysTest.AssertSync(h, 1, 0x200, 0x00, 0, Code);
    }

    [Test]
    public void IdRegisterWritesAreUndefined()
    {
        using var h = SysTest.Harness(el: 1);
        h.Run("msr s3_0_c0_c4_0, x0", maxInstructions: 3);
        SysTest.AssertSync(h, 1, 0x200, 0x00, 0, Code);
    }

    [Test]
    public void MidrAndMpidrReadAsVpidrAndVmpidrAtEl1WhenEl2Exists()
    {
        using var h = SysTest.Harness(el: 1, el2: true);
        h.Cpu.S.Sys.VPIDR_EL2 = 0x410FD034;
        h.Cpu.S.Sys.VMPIDR_EL2 = 0x8000_0003;
        SysTest.AssertCompleted(h, h.Run("""
            mrs x0, midr_el1
            mrs x1, mpidr_el1
            """));
        Assert.That(h.X(0), Is.EqualTo(0x410FD034UL));
        Assert.That(h.X(1), Is.EqualTo(0x8000_0003UL));

        using var h2 = SysTest.Harness(el: 2, el2: true);
        h2.Cpu.S.Sys.VPIDR_EL2 = 0x410FD034;
        SysTest.AssertCompleted(h2, h2.Run("mrs x0, midr_el1"));
        Assert.That(h2.X(0), Is.EqualTo(0x411FD073UL), "EL2 sees the real MIDR");
    }

    [Test]
    public void VpidrAndVmpidrResetToTheRealValues()
    {
        using var h = SysTest.Harness(el: 2, el2: true);
        Assert.That(h.Cpu.TryReadSysReg("VPIDR_EL2", out ulong vpidr), Is.True);
        Assert.That(h.Cpu.TryReadSysReg("MPIDR_EL1", out ulong mpidr), Is.True);
        Assert.That(h.Cpu.TryReadSysReg("VMPIDR_EL2", out ulong vmpidr), Is.True);
        Assert.That(vpidr, Is.EqualTo(0x411FD073UL));
        Assert.That(vmpidr, Is.EqualTo(mpidr));
        Assert.That(mpidr, Is.EqualTo(0x8000_0000UL));
    }

    [Test]
    public void SctlrEl1KeepsItsRes1BitsAndDropsRes0Bits()
    {
        using var h = SysTest.Harness(el: 1);
        h.Cpu.SetX(1, ~1UL);
        SysTest.AssertCompleted(h, h.Run("""
            msr sctlr_el1, xzr
            mrs x0, sctlr_el1
            msr sctlr_el1, x1
            mrs x2, sctlr_el1
            """));
        Assert.That(h.X(0), Is.EqualTo(0x3050_0980UL), "LSMAOE nTLSMD EIS TSCXT EOS, and SED ITD without AArch32, are RES1");
        Assert.That(h.X(2) & (1UL << 25), Is.EqualTo(0UL), "EE is RES0 without mixed endian");
        Assert.That(h.X(2) & (1UL << 31), Is.EqualTo(0UL), "EnIA is RES0 without PAuth");
        Assert.That(h.X(2) & (1UL << 26), Is.Not.EqualTo(0UL), "UCI is implemented");
    }

    [Test]
    public void SpEl0IsUndefinedWhileItIsTheCurrentStackPointer()
    {
        using var h = SysTest.Harness(el: 1);
        h.Cpu.S.SpSel = 0;
        h.Run("mrs x0, sp_el0", maxInstructions: 3);
        SysTest.AssertSync(h, 1, 0x000, 0x00, 0, Code);

        using var h2 = SysTest.Harness(el: 1);
        h2.Cpu.S.SpEl[0] = 0x1230;
        SysTest.AssertCompleted(h2, h2.Run("mrs x0, sp_el0"));
        Assert.That(h2.X(0), Is.EqualTo(0x1230UL));
    }

    [Test]
    public void SpEl1IsReachableFromEl2AndNotFromEl1()
    {
        using var h = SysTest.Harness(el: 2, el2: true);
        h.Cpu.S.SpEl[1] = 0x4440;
        SysTest.AssertCompleted(h, h.Run("mrs x0, sp_el1"));
        Assert.That(h.X(0), Is.EqualTo(0x4440UL));

        using var h1 = SysTest.Harness(el: 1, el2: true);
        h1.Run("mrs x0, sp_el1", maxInstructions: 3);
        SysTest.AssertSync(h1, 1, 0x200, 0x00, 0, Code);
    }

    [Test]
    public void CcsidrDescribesTheCacheThatCsselrSelects()
    {
        using var h = SysTest.Harness(el: 1);
        SysTest.AssertCompleted(h, h.Run("""
            msr csselr_el1, xzr
            isb
            mrs x0, ccsidr_el1
            add x1, x1, #1
            msr csselr_el1, x1
            isb
            mrs x2, ccsidr_el1
            mrs x3, clidr_el1
            """));
        Assert.That(h.X(0) & 7, Is.EqualTo(2UL), "64-byte lines");
        Assert.That(h.X(0), Is.Not.EqualTo(h.X(2)), "data and instruction caches differ");
        Assert.That(h.X(3) & 7, Is.EqualTo(3UL), "L1: separate instruction and data caches");
    }

    [Test]
    public void OslarSetsAndClearsTheOsLockSeenInOslsr()
    {
        using var h = SysTest.Harness(el: 1);
        SysTest.AssertCompleted(h, h.Run("""
            mrs x0, oslsr_el1
            msr oslar_el1, xzr
            mrs x1, oslsr_el1
            add x2, x2, #1
            msr oslar_el1, x2
            mrs x3, oslsr_el1
            """));
        Assert.That(h.X(0), Is.EqualTo(0b1010UL), "OSLM = 0b10, locked at reset");
        Assert.That(h.X(1), Is.EqualTo(0b1000UL));
        Assert.That(h.X(3), Is.EqualTo(0b1010UL));
    }

    [Test]
    public void DebugBreakpointRegistersAreStorage()
    {
        using var h = SysTest.Harness(el: 1);
        h.Cpu.SetX(0, 0x1000);
        h.Cpu.SetX(4, 0x1E7);
        SysTest.AssertCompleted(h, h.Run("""
            msr dbgbvr5_el1, x0
            mrs x1, dbgbvr5_el1
            msr dbgbcr0_el1, x4
            mrs x2, dbgbcr0_el1
            mrs x3, mdrar_el1
            """));
        Assert.That(h.X(1), Is.EqualTo(0x1000UL));
        Assert.That(h.X(2), Is.EqualTo(0x1E7UL));
        Assert.That(h.X(3), Is.EqualTo(0UL));
    }

    [Test]
    public void DebugRegistersBeyondTheAdvertisedCountAreUndefined()
    {
        using var h = SysTest.Harness(el: 1);
        h.Run("mrs x0, dbgbvr6_el1", maxInstructions: 3);
        SysTest.AssertSync(h, 1, 0x200, 0x00, 0, Code);
    }

    [Test]
    public void MdcrEl2TdaTrapsDebugRegistersToEl2()
    {
        using var h = SysTest.Harness(el: 1, el2: true);
        h.Cpu.S.Sys.MDCR_EL2 = 1UL << 9;
        h.Run("mrs x1, mdscr_el1", maxInstructions: 3);
        SysTest.AssertSync(h, 2, 0x400, 0x18, SysTest.SysIss(2, 0, 0, 2, 2, 1, read: true), Code);
    }

    [Test]
    public void CpacrEl1IsTrappedByCptrEl2Tcpac()
    {
        using var h = SysTest.Harness(el: 1, el2: true);
        h.Cpu.S.Sys.CPTR_EL2 |= 1UL << 31;
        h.Run("mrs x1, cpacr_el1", maxInstructions: 3);
        SysTest.AssertSync(h, 2, 0x400, 0x18, SysTest.SysIss(3, 0, 1, 0, 2, 1, read: true), Code);
    }

    [Test]
    public void HcrEl2KeepsRwSetAndDropsUnimplementedBits()
    {
        using var h = SysTest.Harness(el: 2, el2: true);
        h.Cpu.SetX(0, ulong.MaxValue);
        SysTest.AssertCompleted(h, h.Run("""
            msr hcr_el2, x0
            mrs x1, hcr_el2
            msr hcr_el2, xzr
            mrs x2, hcr_el2
            """));
        Assert.That(h.X(1), Is.EqualTo(0x3_FFFF_FFFFUL), "no E2H without VHE, no TLOR without LOR, no RAS/PAuth/NV bits");
        Assert.That(h.X(2), Is.EqualTo(1UL << 31), "RW is RAO/WI: EL1 is AArch64 only");
    }

    [Test]
    public void ScrEl3KeepsItsRes1Bits()
    {
        using var h = SysTest.Harness(el: 3, el2: true, el3: true);
        SysTest.AssertCompleted(h, h.Run("""
            msr scr_el3, xzr
            mrs x0, scr_el3
            """));
        Assert.That(h.X(0), Is.EqualTo(0x430UL));
    }

    [Test]
    public void VbarLowBitsAreRes0()
    {
        using var h = SysTest.Harness(el: 1);
        h.Cpu.SetX(0, 0x4000_0FFF);
        SysTest.AssertCompleted(h, h.Run("""
            msr vbar_el1, x0
            mrs x1, vbar_el1
            """));
        Assert.That(h.X(1), Is.EqualTo(0x4000_0800UL));
    }

    [Test]
    public void IsrEl1ShowsPendingInterrupts()
    {
        using var h = SysTest.Harness(el: 1);
        h.Cpu.SetIrq(true);
        SysTest.AssertCompleted(h, h.Run("mrs x0, isr_el1"));
        Assert.That(h.X(0), Is.EqualTo(0x80UL));
    }

    [Test]
    public void ByNameApiReadsAndWritesWithoutAccessChecks()
    {
        using var h = SysTest.Harness(el: 0, el2: true, el3: true);
        Assert.That(h.Cpu.TryWriteSysReg("SCR_EL3", 0x501), Is.True);
        Assert.That(h.Cpu.TryReadSysReg("scr_el3", out ulong scr), Is.True);
        Assert.That(scr, Is.EqualTo(0x531UL), "masks apply, names are case-insensitive");
        Assert.That(h.Cpu.TryWriteSysReg("S3_0_C13_C0_4", 0x77), Is.True, "generic names");
        Assert.That(h.Cpu.S.TPIDR[1], Is.EqualTo(0x77UL));
        Assert.That(h.Cpu.TryReadSysReg("MIDR_EL1", out ulong midr), Is.True);
        Assert.That(midr, Is.EqualTo(0x411FD073UL));
        Assert.That(h.Cpu.TryWriteSysReg("MIDR_EL1", 1), Is.False, "read-only");
        Assert.That(h.Cpu.TryReadSysReg("PMCR_EL0", out _), Is.False);
        Assert.That(h.Cpu.TryReadSysReg("NO_SUCH_REG", out _), Is.False);
    }

    [Test]
    public void TheRegisterListNamesEveryRequiredRegister()
    {
        string[] required =
        [
            "NZCV", "DAIF", "CurrentEL", "SPSel", "PAN", "UAO", "DIT", "SSBS", "FPCR", "FPSR", "SP_EL0", "SP_EL1", "SP_EL2",
            "ELR_EL1", "ELR_EL2", "ELR_EL3", "SPSR_EL1", "SPSR_EL2", "SPSR_EL3", "ESR_EL1", "ESR_EL2", "ESR_EL3",
            "FAR_EL1", "FAR_EL2", "FAR_EL3", "VBAR_EL1", "VBAR_EL2", "VBAR_EL3", "SCTLR_EL1", "SCTLR_EL2", "SCTLR_EL3",
            "TTBR0_EL1", "TTBR1_EL1", "TTBR0_EL2", "TTBR1_EL2", "TTBR0_EL3", "TCR_EL1", "TCR_EL2", "TCR_EL3",
            "MAIR_EL1", "MAIR_EL2", "MAIR_EL3", "AMAIR_EL1", "AFSR0_EL1", "AFSR1_EL1", "CONTEXTIDR_EL1",
            "TPIDR_EL0", "TPIDR_EL1", "TPIDR_EL2", "TPIDR_EL3", "TPIDRRO_EL0", "CPACR_EL1", "CNTKCTL_EL1", "MDSCR_EL1",
            "PAR_EL1", "ACTLR_EL1", "CSSELR_EL1", "CCSIDR_EL1", "CLIDR_EL1", "CTR_EL0", "DCZID_EL0", "MIDR_EL1",
            "MPIDR_EL1", "REVIDR_EL1", "AIDR_EL1", "ID_AA64PFR0_EL1", "ID_AA64PFR1_EL1", "ID_AA64DFR0_EL1",
            "ID_AA64ISAR0_EL1", "ID_AA64ISAR1_EL1", "ID_AA64MMFR0_EL1", "ID_AA64MMFR1_EL1", "ID_AA64MMFR2_EL1",
            "ID_PFR0_EL1", "MVFR0_EL1", "HCR_EL2", "SCR_EL3", "CPTR_EL2", "CPTR_EL3", "MDCR_EL2", "MDCR_EL3",
            "HSTR_EL2", "VTCR_EL2", "VTTBR_EL2", "VPIDR_EL2", "VMPIDR_EL2", "CNTHCTL_EL2", "CNTVOFF_EL2",
            "DBGBVR0_EL1", "DBGBCR0_EL1", "DBGWVR0_EL1", "DBGWCR0_EL1", "MDCCINT_EL1", "OSLAR_EL1", "OSLSR_EL1",
            "OSDLR_EL1", "DBGPRCR_EL1", "MDRAR_EL1", "SCTLR_EL12", "ELR_EL12", "SPSR_EL12",
        ];
        Assert.That(Cpu.SystemRegisterNames, Is.SupersetOf(required));
    }

    [Test]
    public void EveryImplementedRegisterReadsAtEl3WithoutCrashing()
    {
        using var h = SysTest.Harness(el: 3, el2: true, el3: true, features: Feature.Default | Feature.VHE | Feature.LOR | Feature.DIT | Feature.SSBS);
        foreach (string name in h.Cpu.ImplementedSystemRegisterNames)
        {
            bool ok = h.Cpu.TryReadSysReg(name, out _);
            Assert.That(ok || name == "OSLAR_EL1", Is.True, name);
        }
    }
}

public unsafe class SystemRegisterDeviceTests
{
    /// <summary>A stand-in for the GIC CPU interface: owns ICC_SRE_EL1 and ICC_PMR_EL1, traps EL0 to EL1.</summary>
    private sealed class FakeIcc : FastArm.Jit.Platform.ISystemRegisterDevice
    {
        public static readonly uint Sre = FastArm.Jit.Semantics.SysRegEncoding.Make(3, 0, 12, 12, 5);
        public static readonly uint Pmr = FastArm.Jit.Semantics.SysRegEncoding.Make(3, 0, 4, 6, 0);
        public ulong PmrValue = 0xF0;
        public bool Owns(uint encoding) => encoding == Sre || encoding == Pmr;
        public ulong Read(Cpu cpu, uint encoding)
        {
            if (cpu.S.EL == 0) { cpu.RaiseSysRegTrap(1); return 0; }
            return encoding == Pmr ? PmrValue : 7;
        }
        public void Write(Cpu cpu, uint encoding, ulong value) { if (encoding == Pmr) PmrValue = value; }
    }

    [Test]
    public void TheGicFieldOfIdAa64Pfr0FollowsTheRegisteredDevices()
    {
        using var h = SysTest.Harness(el: 1);
        Assert.That(h.Cpu.TryReadSysReg("ID_AA64PFR0_EL1", out ulong before), Is.True);
        h.Cpu.SystemRegisterDevices.Add(new FakeIcc());
        Assert.That(h.Cpu.TryReadSysReg("ID_AA64PFR0_EL1", out ulong after), Is.True);
        Assert.That((before >> 24) & 0xF, Is.EqualTo(0UL));
        Assert.That((after >> 24) & 0xF, Is.EqualTo(1UL));
    }

    [Test]
    public void DeviceRegistersAreAskedFirstAndCanTrapWithTheAccessSyndrome()
    {
        using var h = SysTest.Harness(el: 1);
        var icc = new FakeIcc();
        h.Cpu.SystemRegisterDevices.Add(icc);
        h.Cpu.SetX(3, 0x80);
        SysTest.AssertCompleted(h, h.Run("""
            msr s3_0_c4_c6_0, x3
            mrs x4, s3_0_c4_c6_0
            """));
        Assert.That(icc.PmrValue, Is.EqualTo(0x80UL));
        Assert.That(h.X(4), Is.EqualTo(0x80UL));
        Assert.That(h.Cpu.TryReadSysReg("S3_0_C12_C12_5", out ulong sre), Is.True);
        Assert.That(sre, Is.EqualTo(7UL));

        using var h0 = SysTest.Harness(el: 0);
        h0.Cpu.SystemRegisterDevices.Add(new FakeIcc());
        h0.Run("mrs x9, s3_0_c4_c6_0", maxInstructions: 2);
        SysTest.AssertSync(h0, 1, 0x400, 0x18, SysTest.SysIss(3, 0, 4, 6, 0, 9, read: true), CpuHarness.CodeBase);
    }
}

public unsafe class SystemRegisterVheTests
{
    private const ulong Code = CpuHarness.CodeBase;
    private const Feature Vhe = Feature.Default | Feature.VHE;

    [Test]
    public void WithE2hEl1EncodingsAtEl2ReachTheEl2Registers()
    {
        using var h = SysTest.Harness(el: 2, el2: true, features: Vhe);
        h.Cpu.S.Sys.HCR_EL2 |= 1UL << 34;
        h.Cpu.SetX(0, 0x1000);
        h.Cpu.SetX(1, 0x2000);
        h.Cpu.SetX(2, 0x77);
        SysTest.AssertCompleted(h, h.Run("""
            msr vbar_el1, x0
            msr vbar_el12, x1
            msr contextidr_el1, x2
            """));
        Assert.That(h.Cpu.S.VBAR[2], Is.EqualTo(0x1000UL));
        Assert.That(h.Cpu.S.VBAR[1], Is.EqualTo(0x2000UL));
        Assert.That(h.Cpu.S.Sys.CONTEXTIDR_EL2, Is.EqualTo(0x77UL));
    }

    [Test]
    public void El12EncodingsAreUndefinedWithoutE2h()
    {
        using var h = SysTest.Harness(el: 2, el2: true, features: Vhe);
        h.Run("mrs x0, sctlr_el12", maxInstructions: 3);
        SysTest.AssertSync(h, 2, 0x200, 0x00, 0, Code);
    }

    [Test]
    public void El12EncodingsAreUndefinedAtEl1()
    {
        using var h = SysTest.Harness(el: 1, el2: true, features: Vhe);
        h.Run("mrs x0, sctlr_el12", maxInstructions: 3);
        SysTest.AssertSync(h, 1, 0x200, 0x00, 0, Code);
    }

    [Test]
    public void E2hIsRes0WithoutVhe()
    {
        using var h = SysTest.Harness(el: 2, el2: true);
        Assert.That(h.Cpu.TryWriteSysReg("HCR_EL2", 1UL << 34), Is.True);
        Assert.That(h.Cpu.S.Sys.HCR_EL2 & (1UL << 34), Is.EqualTo(0UL));
    }

    [Test]
    public void VheIsAdvertisedOnlyWithTheFeature()
    {
        using var h = SysTest.Harness(el: 2, el2: true, features: Vhe);
        Assert.That(h.Cpu.TryReadSysReg("ID_AA64MMFR1_EL1", out ulong mmfr1), Is.True);
        Assert.That((mmfr1 >> 8) & 0xF, Is.EqualTo(1UL));
    }

    [Test]
    public void CpacrAtEl2WithE2hIsCptrEl2()
    {
        using var h = SysTest.Harness(el: 2, el2: true, features: Vhe);
        h.Cpu.S.Sys.HCR_EL2 |= 1UL << 34;
        h.Cpu.SetX(0, 0x30_0000);
        SysTest.AssertCompleted(h, h.Run("""
            msr cpacr_el1, x0
            mrs x1, cpacr_el1
            """));
        Assert.That(h.Cpu.S.Sys.CPTR_EL2, Is.EqualTo(0x30_0000UL));
        Assert.That(h.X(1), Is.EqualTo(0x30_0000UL));
    }
}
