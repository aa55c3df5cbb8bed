using FastArm.Jit;
using FastArm.SoftMmu.Mmu;
using FastArm.Tests.Support;
using NUnit.Framework;
using static FastArm.Tests.SoftMmu.PageTableBuilder;

namespace FastArm.Tests.SoftMmu;

public unsafe class TlbTests
{
    private const ulong TablesBase = 0x4040_0000;

    private static (CpuHarness h, PageTableBuilder b) MmuOn(ushort asid = 1)
    {
        var h = new CpuHarness();
        var b = new PageTableBuilder(h.Bus, TablesBase, 12, 48);
        h.Cpu.S.TCR[1] = 16 | (5UL << 32) | (16UL << 16) | (2UL << 30);
        h.Cpu.S.TTBR0[1] = b.Ttbr(asid);
        h.Cpu.S.MAIR[1] = 0xFF;
        h.Cpu.S.SCTLR[1] |= 1;
        return (h, b);
    }

    private static ulong Pa(CpuHarness h, ulong va)
    {
        Assert.That(h.Cpu.Translate(va, AccessType.Read, false, out ulong pa, out var f), Is.True, $"fault 0x{f.Status:X}");
        return pa;
    }

    [Test]
    public void ChangedDescriptorStaysCachedUntilTheTlbiThatNamesIt()
    {
        var (h, b) = MmuOn();
        using var _ = h;
        b.Map(0x1000_0000, 0x4020_0000, 3);
        b.Map(0x1000_1000, 0x4021_0000, 3);
        Assert.That(Pa(h, 0x1000_0010), Is.EqualTo(0x4020_0010UL));
        Assert.That(Pa(h, 0x1000_1010), Is.EqualTo(0x4021_0010UL));
        b.Map(0x1000_0000, 0x4030_0000, 3);
        b.Map(0x1000_1000, 0x4031_0000, 3);
        Assert.That(Pa(h, 0x1000_0010), Is.EqualTo(0x4020_0010UL), "no TLBI yet: the old translation may stay");
        h.Cpu.TlbFlushVa(Regime.EL10, 0x1000_0000, asid: 1);
        Assert.That(Pa(h, 0x1000_0010), Is.EqualTo(0x4030_0010UL), "invalidated: the new translation");
        Assert.That(Pa(h, 0x1000_1010), Is.EqualTo(0x4021_0010UL), "not named by the TLBI: still cached");
    }

    [Test]
    public void NonGlobalEntriesMatchOnlyTheirAsidAndAsidFlushDropsOnlyThem()
    {
        var (h, b) = MmuOn(asid: 1);
        using var _ = h;
        b.Map(0x1000_0000, 0x4020_0000, 3, AF | NotGlobal);
        b.Map(0x2000_1000, 0x4022_0000, 3, AF);
        Assert.That(Pa(h, 0x1000_0000), Is.EqualTo(0x4020_0000UL));
        Assert.That(Pa(h, 0x2000_1000), Is.EqualTo(0x4022_0000UL));
        b.Map(0x1000_0000, 0x4030_0000, 3, AF | NotGlobal);
        b.Map(0x2000_1000, 0x4032_0000, 3, AF);
        h.Cpu.S.TTBR0[1] = b.Ttbr(2);   // switch ASID: ASID 1's entry does not match, the global one does
        Assert.That(Pa(h, 0x1000_0000), Is.EqualTo(0x4030_0000UL));
        Assert.That(Pa(h, 0x2000_1000), Is.EqualTo(0x4022_0000UL));
        h.Cpu.TlbFlushAsid(Regime.EL10, 2);
        Assert.That(Pa(h, 0x2000_1000), Is.EqualTo(0x4022_0000UL), "ASID flush keeps global entries");
        h.Cpu.TlbFlush(Regime.EL10);
        Assert.That(Pa(h, 0x2000_1000), Is.EqualTo(0x4032_0000UL));
    }

    [Test]
    public void TlbiByVaInsideABlockDropsTheWholeBlock()
    {
        var (h, b) = MmuOn();
        using var _ = h;
        b.Map(0x1000_0000, 0x4020_0000, 2);   // 2 MiB block
        Assert.That(Pa(h, 0x1000_0000), Is.EqualTo(0x4020_0000UL));
        Assert.That(Pa(h, 0x1010_0000), Is.EqualTo(0x4030_0000UL));
        b.Map(0x1000_0000, 0x4060_0000, 2);
        h.Cpu.TlbFlushVa(Regime.EL10, 0x1000_0000, asid: null);
        Assert.That(Pa(h, 0x1010_0000), Is.EqualTo(0x4070_0000UL), "another 4 KiB piece of the same block");
    }
}
