using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.CpuCore;

public unsafe class LoadStorePairTests
{
    [Test]
    public void LdpLoadsTwoAdjacentRegistersOfEitherWidth()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data + 0x100);
        LsKit.Ok(h, """
            ldp x2, x3, [x1]
            ldp w4, w5, [x1, #-256]
            ldp x6, x7, [x1, #504]
            ldp x8, x9, [x1, #-512]
            ldp w10, w11, [x1, #252]
            """);
        Assert.That(h.X(2), Is.EqualTo(LsKit.Pattern(0x100)));
        Assert.That(h.X(3), Is.EqualTo(LsKit.Pattern(0x108)));
        Assert.That(h.X(4), Is.EqualTo(LsKit.Pattern(0x000, 4)));
        Assert.That(h.X(5), Is.EqualTo(LsKit.Pattern(0x004, 4)));
        Assert.That(h.X(6), Is.EqualTo(LsKit.Pattern(0x2F8)));
        Assert.That(h.X(7), Is.EqualTo(LsKit.Pattern(0x300)));
        Assert.That(h.X(10), Is.EqualTo(LsKit.Pattern(0x1FC, 4)));
        Assert.That(h.X(11), Is.EqualTo(LsKit.Pattern(0x200, 4)));
    }

    [Test]
    public void LdpswSignExtendsBothWords()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data);
        LsKit.Write(h, LsKit.Data, 0x7FFF_FFFF_8000_0001UL);
        LsKit.Ok(h, """
            ldpsw x2, x3, [x1]
            ldpsw x4, x5, [x1], #8
            ldpsw x6, x7, [x1, #-8]!
            """);
        Assert.That(h.X(2), Is.EqualTo(0xFFFF_FFFF_8000_0001UL));
        Assert.That(h.X(3), Is.EqualTo(0x7FFF_FFFFUL));
        Assert.That(h.X(4), Is.EqualTo(0xFFFF_FFFF_8000_0001UL));
        Assert.That(h.X(6), Is.EqualTo(0xFFFF_FFFF_8000_0001UL));
        Assert.That(h.X(1), Is.EqualTo(LsKit.Data));
    }

    [Test]
    public void StpStoresBothRegistersInOrder()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data + 0x100);
        h.Cpu.SetX(2, 0x1111_1111_2222_2222UL);
        h.Cpu.SetX(3, 0x3333_3333_4444_4444UL);
        LsKit.Ok(h, """
            stp x2, x3, [x1]
            stp w3, w2, [x1, #-8]
            stp xzr, x2, [x1, #16]
            """);
        Assert.That(LsKit.Read(h, LsKit.Data + 0x100), Is.EqualTo(0x1111_1111_2222_2222UL));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x108), Is.EqualTo(0x3333_3333_4444_4444UL));
        Assert.That(LsKit.Read(h, LsKit.Data + 0xF8), Is.EqualTo(0x2222_2222_4444_4444UL));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x110), Is.EqualTo(0UL));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x118), Is.EqualTo(0x1111_1111_2222_2222UL));
    }

    [Test]
    public void PreAndPostIndexedPairsWriteTheBaseBack()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(9, 0xAAAA);
        h.Cpu.SetX(10, 0xBBBB);
        LsKit.Ok(h, """
            stp x9, x10, [sp, #-16]!
            mov x11, sp
            ldp x2, x3, [sp], #16
            """);
        Assert.That(h.X(11), Is.EqualTo(CpuHarness.StackTop - 16));
        Assert.That(h.X(2), Is.EqualTo(0xAAAAUL));
        Assert.That(h.X(3), Is.EqualTo(0xBBBBUL));
        Assert.That(h.Cpu.Sp, Is.EqualTo(CpuHarness.StackTop));

        h.Cpu.SetX(1, LsKit.Data + 0x40);
        LsKit.Ok(h, """
            ldp w2, w3, [x1, #-8]!
            stp w3, w2, [x1], #-16
            """);
        Assert.That(h.X(2), Is.EqualTo(LsKit.Pattern(0x38, 4)));
        Assert.That(h.X(3), Is.EqualTo(LsKit.Pattern(0x3C, 4)));
        Assert.That(h.X(1), Is.EqualTo(LsKit.Data + 0x28));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x38), Is.EqualTo(LsKit.Pattern(0x3C, 4) | (LsKit.Pattern(0x38, 4) << 32)));
    }

    [Test]
    public void NonTemporalPairsLoadAndStoreLikeLdpStp()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data + 0x80);
        h.Cpu.SetX(5, 0x5555);
        h.Cpu.SetX(6, 0x6666);
        LsKit.Ok(h, """
            ldnp x2, x3, [x1, #-16]
            ldnp w7, w8, [x1, #4]
            stnp x5, x6, [x1, #32]
            stnp w6, w5, [x1, #-4]
            """);
        Assert.That(h.X(2), Is.EqualTo(LsKit.Pattern(0x70)));
        Assert.That(h.X(3), Is.EqualTo(LsKit.Pattern(0x78)));
        Assert.That(h.X(7), Is.EqualTo(LsKit.Pattern(0x84, 4)));
        Assert.That(h.X(8), Is.EqualTo(LsKit.Pattern(0x88, 4)));
        Assert.That(LsKit.Read(h, LsKit.Data + 0xA0), Is.EqualTo(0x5555UL));
        Assert.That(LsKit.Read(h, LsKit.Data + 0xA8), Is.EqualTo(0x6666UL));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x7C), Is.EqualTo(0x5555_0000_6666UL));
    }

    [TestCase(0xE940_0820u, TestName = "PairWithOpc11IsUndefined")]
    [TestCase(0xE8C0_0820u, TestName = "PostIndexPairWithOpc11IsUndefined")]
    [TestCase(0x6900_0820u, TestName = "StgpSlotIsUndefinedWithoutMte")]
    [TestCase(0x6840_0820u, TestName = "LdnpWithOpc01IsUndefined")]
    [TestCase(0x6800_0820u, TestName = "StnpWithOpc01IsUndefined")]
    [TestCase(0xED40_0820u, TestName = "SimdPairWithOpc11IsUndefined")]
    [TestCase(0xEC00_0820u, TestName = "SimdNonTemporalPairWithOpc11IsUndefined")]
    public void UnallocatedPairEncodingsAreUndefined(uint word)
    {
        using var h = LsKit.New();
        LsKit.AssertUndefined(h, word);
    }

    // CONSTRAINED UNPREDICTABLE register overlaps: FastArm does what QEMU 7.2 does.

    [Test]
    public void LdpIntoTheSameRegisterKeepsTheFirstElementAsQemu()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(2, LsKit.Data);
        Assert.That(LsKit.RunWord(h, 0xA940_0441u), Is.True);   // ldp x1, x1, [x2]
        Assert.That(h.X(1), Is.EqualTo(LsKit.Pattern(0)));
    }

    [Test]
    public void LdpWithWritebackIntoAPairRegisterKeepsTheWrittenBackAddressAsQemu()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data);
        Assert.That(LsKit.RunWord(h, 0xA8C1_0821u), Is.True);   // ldp x1, x2, [x1], #16
        Assert.That(h.X(1), Is.EqualTo(LsKit.Data + 16));
        Assert.That(h.X(2), Is.EqualTo(LsKit.Pattern(8)));
        h.Cpu.SetX(1, LsKit.Data);
        Assert.That(LsKit.RunWord(h, 0xA9C1_0422u), Is.True);   // ldp x2, x1, [x1, #16]!
        Assert.That(h.X(1), Is.EqualTo(LsKit.Data + 16));
        Assert.That(h.X(2), Is.EqualTo(LsKit.Pattern(16)));
    }

    [Test]
    public void StpWithWritebackFromTheBaseStoresTheOldBaseAsQemu()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data);
        h.Cpu.SetX(2, 7);
        Assert.That(LsKit.RunWord(h, 0xA981_0821u), Is.True);   // stp x1, x2, [x1, #16]!
        Assert.That(h.X(1), Is.EqualTo(LsKit.Data + 16));
        Assert.That(LsKit.Read(h, LsKit.Data + 16), Is.EqualTo(LsKit.Data));
        Assert.That(LsKit.Read(h, LsKit.Data + 24), Is.EqualTo(7UL));
    }
}
