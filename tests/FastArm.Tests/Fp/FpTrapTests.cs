using FastArm.Jit;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.Fp;

/// <summary>
/// FP/SIMD access traps (AArch64.CheckFPAdvSIMDEnabled): CPACR_EL1.FPEN, CPTR_EL2.TFP/FPEN, CPTR_EL3.TFP, EC 0x07
/// with ISS CV=1 COND=0b1110, taken to the right EL; and per-element alignment of structure loads.
/// </summary>
public unsafe class FpTrapTests
{
    private const ulong FpTrapEsr = 0x07UL << 26 | 1UL << 25 | 0x1E0_0000;
    private const ulong Vbar1 = CpuHarness.RamBase + 0x10000, Vbar2 = CpuHarness.RamBase + 0x20000, Vbar3 = CpuHarness.RamBase + 0x30000;

    private static CpuHarness Machine(int el, bool el2 = false, bool el3 = false)
    {
        var h = new CpuHarness(new CpuConfig { HasEl2 = el2, HasEl3 = el3 }, el);
        h.Cpu.S.VBAR[1] = Vbar1;
        h.Cpu.S.VBAR[2] = Vbar2;
        h.Cpu.S.VBAR[3] = Vbar3;
        if (el3) h.Cpu.S.Sys.SCR_EL3 = 1 | 1UL << 10;   // NS, RW
        if (el2) h.Cpu.S.Sys.HCR_EL2 = 1UL << 31;        // RW
        return h;
    }

    /// <summary>Runs one instruction; returns the EL it ended at (the EL the trap went to, if any).</summary>
    private static int StepOne(CpuHarness h, string asm)
    {
        h.Bus.Load(CpuHarness.CodeBase, CrossTools.Assemble(asm));
        h.Cpu.Pc = CpuHarness.CodeBase;
        h.Cpu.Step();
        return h.Cpu.S.EL;
    }

    [Test]
    public void FpenZeroTrapsAnFpInstructionAtEl1ToEl1()
    {
        using var h = Machine(1);
        h.Cpu.S.Sys.CPACR_EL1 = 0;
        Assert.That(StepOne(h, "fadd s0, s1, s2"), Is.EqualTo(1));
        Assert.That(h.Cpu.Pc, Is.EqualTo(Vbar1 + 0x200));
        Assert.That(h.Cpu.S.ESR[1], Is.EqualTo(FpTrapEsr));
        Assert.That(h.Cpu.S.ELR[1], Is.EqualTo(CpuHarness.CodeBase));
    }

    [Test]
    public void FpenZeroOneTrapsEl0ButNotEl1()
    {
        using (var h = Machine(0))
        {
            h.Cpu.S.Sys.CPACR_EL1 = 1UL << 20;
            Assert.That(StepOne(h, "add v0.4s, v1.4s, v2.4s"), Is.EqualTo(1));
            Assert.That(h.Cpu.Pc, Is.EqualTo(Vbar1 + 0x400), "lower EL, AArch64");
            Assert.That(h.Cpu.S.ESR[1], Is.EqualTo(FpTrapEsr));
        }
        using (var h = Machine(1))
        {
            h.Cpu.S.Sys.CPACR_EL1 = 1UL << 20;
            Assert.That(StepOne(h, "add v0.4s, v1.4s, v2.4s"), Is.EqualTo(1));
            Assert.That(h.Cpu.Pc, Is.EqualTo(CpuHarness.CodeBase + 4));
        }
    }

    [Test]
    public void StructureLoadsAndCryptoAreTrappedToo()
    {
        using var h = Machine(1);
        h.Cpu.S.Sys.CPACR_EL1 = 2UL << 20;
        h.Cpu.SetX(0, CpuHarness.DataBase);
        Assert.That(StepOne(h, "ld1 {v0.16b}, [x0], #16"), Is.EqualTo(1));
        Assert.That(h.Cpu.S.ESR[1], Is.EqualTo(FpTrapEsr));
        Assert.That(h.Cpu.GetX(0), Is.EqualTo(CpuHarness.DataBase), "no write-back");
        StepOne(h, "aese v0.16b, v1.16b");
        Assert.That(h.Cpu.S.ESR[1], Is.EqualTo(FpTrapEsr));
    }

    [Test]
    public void LoadsAndStoresOfSimdAndFpRegistersAreTrappedBeforeTheirBaseIsUsed()
    {
        using var h = Machine(1);
        h.Cpu.S.Sys.CPACR_EL1 = 0;
        h.Cpu.SetX(0, CpuHarness.DataBase);
        StepOne(h, "ldr q0, [x0], #16");
        Assert.That(h.Cpu.S.ESR[1], Is.EqualTo(FpTrapEsr));
        Assert.That(h.Cpu.GetX(0), Is.EqualTo(CpuHarness.DataBase));
        StepOne(h, "stp d0, d1, [x0]");
        Assert.That(h.Cpu.S.ESR[1], Is.EqualTo(FpTrapEsr));
    }

    [Test]
    public void CptrEl2TfpTrapsEl1ToEl2()
    {
        using var h = Machine(1, el2: true);
        h.Cpu.S.Sys.CPTR_EL2 = 1UL << 10;
        Assert.That(StepOne(h, "fmov d0, d1"), Is.EqualTo(2));
        Assert.That(h.Cpu.Pc, Is.EqualTo(Vbar2 + 0x400));
        Assert.That(h.Cpu.S.ESR[2], Is.EqualTo(FpTrapEsr));
    }

    [Test]
    public void CpacrTrapFromEl0GoesToEl2AsUncategorizedWhenTgeIsSet()
    {
        using var h = Machine(0, el2: true);
        h.Cpu.S.Sys.HCR_EL2 = 1UL << 31 | 1UL << 27;   // RW, TGE
        h.Cpu.S.Sys.CPACR_EL1 = 0;
        Assert.That(StepOne(h, "fmov d0, d1"), Is.EqualTo(2));
        Assert.That(h.Cpu.S.ESR[2] >> 26, Is.EqualTo(0UL));
    }

    [Test]
    public void CptrEl3TfpTrapsEl2AndEl1ToEl3()
    {
        using var h = Machine(2, el2: true, el3: true);
        h.Cpu.S.Sys.CPTR_EL3 = 1UL << 10;
        Assert.That(StepOne(h, "fadd d0, d1, d2"), Is.EqualTo(3));
        Assert.That(h.Cpu.Pc, Is.EqualTo(Vbar3 + 0x400));
        Assert.That(h.Cpu.S.ESR[3], Is.EqualTo(FpTrapEsr));
    }

    [Test]
    public void AnEnabledFpInstructionRunsNormally()
    {
        using var h = Machine(2, el2: true, el3: true);
        Assert.That(StepOne(h, "fadd d0, d1, d2"), Is.EqualTo(2));
        Assert.That(h.Cpu.Pc, Is.EqualTo(CpuHarness.CodeBase + 4));
    }

    [Test]
    public void AStructureLoadChecksAlignmentPerElementAndLeavesRegistersUnchangedOnAFault()
    {
        // MMU off: data accesses are Device memory, so an element not aligned to its size faults (FastArm checks
        // that when asked to: QEMU 7.2 does not).
        using var h = Machine(1);
        h.Cpu.DeviceAlignmentWithMmuOff = true;
        h.Cpu.S.V[0] = 0x1111;
        h.Cpu.SetX(0, CpuHarness.DataBase + 2);
        StepOne(h, "ld1 {v0.4s}, [x0], #16");
        Assert.That(h.Cpu.S.ESR[1] >> 26, Is.EqualTo(0x25UL));
        Assert.That(h.Cpu.S.ESR[1] & 0x3F, Is.EqualTo(0x21UL), "alignment fault");
        Assert.That(h.Cpu.S.V[0], Is.EqualTo(0x1111UL));
        Assert.That(h.Cpu.GetX(0), Is.EqualTo(CpuHarness.DataBase + 2));
        // Bytes have no alignment requirement.
        StepOne(h, "ld1 {v0.16b}, [x0], #16");
        Assert.That(h.Cpu.Pc, Is.EqualTo(CpuHarness.CodeBase + 4));
        Assert.That(h.Cpu.GetX(0), Is.EqualTo(CpuHarness.DataBase + 18));
    }

    [Test]
    public void StructureLoadsDeinterleaveAndPostIndexByRegister()
    {
        using var h = Machine(1);
        var bytes = new byte[48];
        for (int i = 0; i < 48; i++) bytes[i] = (byte)i;
        h.Bus.Load(CpuHarness.DataBase, bytes);
        h.Cpu.SetX(0, CpuHarness.DataBase);
        h.Cpu.SetX(1, 5);
        StepOne(h, "ld3 {v1.16b, v2.16b, v3.16b}, [x0], x1");
        Assert.That(h.Cpu.S.V[2], Is.EqualTo(0x1512_0F0C_0906_0300UL));
        Assert.That(h.Cpu.S.V[3], Is.EqualTo(0x2D2A_2724_211E_1B18UL));
        Assert.That(h.Cpu.S.V[4], Is.EqualTo(0x1613_100D_0A07_0401UL));
        Assert.That(h.Cpu.GetX(0), Is.EqualTo(CpuHarness.DataBase + 5));
    }
}
