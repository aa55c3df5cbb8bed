using FastArm.Jit;
using FastArm.Jit.Decode;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.CpuCore;

public unsafe class LoadStoreExclusiveTests
{
    [Test]
    public void StoreExclusiveAfterALoadExclusiveSucceeds()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data);
        h.Cpu.SetX(3, 0x1234_5678_9ABC_DEF0UL);
        LsKit.Ok(h, """
            ldxr x2, [x1]
            stxr w4, x3, [x1]
            """);
        Assert.That(h.X(2), Is.EqualTo(LsKit.Pattern(0)));
        Assert.That(h.X(4), Is.EqualTo(0UL));
        Assert.That(LsKit.Read(h, LsKit.Data), Is.EqualTo(0x1234_5678_9ABC_DEF0UL));
    }

    [Test]
    public void StoreExclusiveWithoutALoadExclusiveFailsAndWritesNothing()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data);
        h.Cpu.SetX(3, 0x77);
        h.Cpu.SetX(4, 0x99);
        LsKit.Ok(h, "stxr w4, x3, [x1]");
        Assert.That(h.X(4), Is.EqualTo(1UL));
        Assert.That(LsKit.Read(h, LsKit.Data), Is.EqualTo(LsKit.Pattern(0)));
    }

    [Test]
    public void ASecondStoreExclusiveFailsBecauseTheFirstClearedTheMonitor()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data);
        LsKit.Ok(h, """
            ldaxr w2, [x1]
            stlxr w4, w2, [x1]
            stxr w5, w2, [x1]
            """);
        Assert.That(h.X(4), Is.EqualTo(0UL));
        Assert.That(h.X(5), Is.EqualTo(1UL));
    }

    [Test]
    public void ClrexClearsTheMonitor()
    {
        using var h = LsKit.New();
        // CLREX belongs to the system group; run it only when that group is there.
        if (h.Cpu.Decode(0xD503_305Fu) == null) Assert.Ignore("CLREX is not decoded yet (system group)");
        h.Cpu.SetX(1, LsKit.Data);
        LsKit.Ok(h, """
            ldxr x2, [x1]
            clrex
            stxr w4, x2, [x1]
            """);
        Assert.That(h.X(4), Is.EqualTo(1UL));
    }

    [Test]
    public void ExceptionReturnClearsTheMonitor()
    {
        using var h = LsKit.New();
        // The SVC handler is a lone ERET back to the instruction after the SVC.
        h.Bus.Load(LsKit.SyncVector, BitConverter.GetBytes(0xD69F_03E0u));
        h.Cpu.SetX(1, LsKit.Data);
        LsKit.Ok(h, """
            ldxr x2, [x1]
            svc #0
            stxr w4, x2, [x1]
            """);
        Assert.That(h.X(4), Is.EqualTo(1UL));
    }

    [Test]
    public void ExceptionEntryKeepsTheMonitorAsQemu()
    {
        using var h = LsKit.New();
        // The SVC handler does the store-exclusive, then returns.
        h.Bus.Load(LsKit.SyncVector, BitConverter.GetBytes(0xC800_7C41u | (4u << 16)));   // stxr w4, x1, [x2]
        h.Bus.Load(LsKit.SyncVector + 4, BitConverter.GetBytes(0xD69F_03E0u));             // eret
        h.Cpu.SetX(2, LsKit.Data);
        h.Cpu.SetX(1, 0x77);
        LsKit.Ok(h, """
            ldxr x3, [x2]
            svc #0
            """);
        Assert.That(h.X(4), Is.EqualTo(0UL));
        Assert.That(LsKit.Read(h, LsKit.Data), Is.EqualTo(0x77UL));
    }

    [Test]
    public void StoreExclusiveToAnotherAddressFailsAsQemu()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data);
        LsKit.Ok(h, """
            ldxr x2, [x1]
            add x5, x1, #8
            stxr w4, x2, [x5]
            """);
        Assert.That(h.X(4), Is.EqualTo(1UL));
        Assert.That(LsKit.Read(h, LsKit.Data + 8), Is.EqualTo(LsKit.Pattern(8)));
    }

    [Test]
    public void ALaterLoadExclusiveMovesTheMonitor()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data);
        h.Cpu.SetX(5, LsKit.Data + 16);
        LsKit.Ok(h, """
            ldxr x2, [x1]
            ldxr x3, [x5]
            stxr w4, x2, [x1]
            """);
        Assert.That(h.X(4), Is.EqualTo(1UL));
    }

    [Test]
    public void APlainStoreOfADifferentValueMakesTheStoreExclusiveFailAsQemu()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data);
        LsKit.Ok(h, """
            ldxr x2, [x1]
            str xzr, [x1]
            stxr w4, x2, [x1]
            """);
        Assert.That(h.X(4), Is.EqualTo(1UL));
        Assert.That(LsKit.Read(h, LsKit.Data), Is.EqualTo(0UL));
    }

    [Test]
    public void APlainStoreOfTheSameValueOrToOtherBytesKeepsTheMonitorAsQemu()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data);
        h.Cpu.SetX(3, 0xABCD);
        LsKit.Ok(h, """
            ldxr x2, [x1]
            str x2, [x1]
            strb wzr, [x1, #9]
            ldr x6, [x1]
            stxr w4, x3, [x1]
            """);
        Assert.That(h.X(4), Is.EqualTo(0UL));
        Assert.That(LsKit.Read(h, LsKit.Data), Is.EqualTo(0xABCDUL));
    }

    [Test]
    public void AStoreExclusiveOfAnotherSizeComparesTheBytesItCoversAsQemu()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data);
        // The doubleword's upper half is not zero, so an X store-exclusive after a W load-exclusive fails...
        LsKit.Ok(h, """
            ldxr w2, [x1]
            stxr w4, x2, [x1]
            """);
        Assert.That(h.X(4), Is.EqualTo(1UL));
        // ...and passes once it is.
        LsKit.Write(h, LsKit.Data + 4, 0, 4);
        LsKit.Ok(h, """
            ldxr w2, [x1]
            stxr w4, x2, [x1]
            """);
        Assert.That(h.X(4), Is.EqualTo(0UL));
    }

    [Test]
    public void ByteAndHalfwordExclusivesWorkOnTheirSize()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data + 3);
        h.Cpu.SetX(5, LsKit.Data + 6);
        h.Cpu.SetX(3, 0x1FF);
        h.Cpu.SetX(6, 0x1_ABCD);
        LsKit.Ok(h, """
            ldxrb w2, [x1]
            stxrb w4, w3, [x1]
            ldaxrh w7, [x5]
            stlxrh w8, w6, [x5]
            """);
        Assert.That(h.X(2), Is.EqualTo(LsKit.Pattern(3, 1)));
        Assert.That(h.X(4), Is.EqualTo(0UL));
        Assert.That(h.X(7), Is.EqualTo(LsKit.Pattern(6, 2)));
        Assert.That(h.X(8), Is.EqualTo(0UL));
        Assert.That(LsKit.Read(h, LsKit.Data), Is.EqualTo((LsKit.Pattern(0) & 0x0000_FFFF_00FF_FFFFUL) | 0xFFUL << 24 | 0xABCDUL << 48));
    }

    [Test]
    public void ExclusivePairsOfWordsAndDoublewords()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data + 0x10);
        h.Cpu.SetX(5, LsKit.Data + 0x28);
        h.Cpu.SetX(6, 0xAAAA_AAAA_1111_1111UL);
        h.Cpu.SetX(7, 0xBBBB_BBBB_2222_2222UL);
        LsKit.Ok(h, """
            ldxp x2, x3, [x1]
            stxp w4, x7, x6, [x1]
            ldaxp w8, w9, [x5]
            stlxp w10, w6, w7, [x5]
            """);
        Assert.That(h.X(2), Is.EqualTo(LsKit.Pattern(0x10)));
        Assert.That(h.X(3), Is.EqualTo(LsKit.Pattern(0x18)));
        Assert.That(h.X(4), Is.EqualTo(0UL));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x10), Is.EqualTo(0xBBBB_BBBB_2222_2222UL));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x18), Is.EqualTo(0xAAAA_AAAA_1111_1111UL));
        Assert.That(h.X(8), Is.EqualTo(LsKit.Pattern(0x28, 4)));
        Assert.That(h.X(9), Is.EqualTo(LsKit.Pattern(0x2C, 4)));
        Assert.That(h.X(10), Is.EqualTo(0UL));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x28), Is.EqualTo(0x2222_2222_1111_1111UL));
    }

    [Test]
    public void StoreExclusivePairFailsWhenEitherHalfChanged()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data);
        LsKit.Ok(h, """
            ldxp x2, x3, [x1]
            str xzr, [x1, #8]
            stxp w4, x2, x3, [x1]
            """);
        Assert.That(h.X(4), Is.EqualTo(1UL));
        Assert.That(LsKit.Read(h, LsKit.Data + 8), Is.EqualTo(0UL));
    }

    [Test]
    public void LoadExclusivePairIntoOneRegisterKeepsTheSecondAsQemu()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(2, LsKit.Data);
        Assert.That(LsKit.RunWord(h, 0xC87F_0441u), Is.True);   // ldxp x1, x1, [x2]
        Assert.That(h.X(1), Is.EqualTo(LsKit.Pattern(8)));
    }

    [Test]
    public void StoreExclusiveStatusIntoTheDataRegisterStoresTheOldValue()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(2, LsKit.Data);
        h.Cpu.SetX(1, 0x6666);
        LsKit.Ok(h, "ldxr x6, [x2]");
        Assert.That(LsKit.RunWord(h, 0xC801_7C41u), Is.True);   // stxr w1, x1, [x2]
        Assert.That(h.X(1), Is.EqualTo(0UL));
        Assert.That(LsKit.Read(h, LsKit.Data), Is.EqualTo(0x6666UL));
    }

    [Test]
    public void LoadAcquireAndStoreReleaseOfEverySize()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data + 0x20);
        h.Cpu.SetX(9, 0x0102_0304_0506_0708UL);
        LsKit.Ok(h, """
            ldarb w2, [x1]
            ldarh w3, [x1]
            ldar w4, [x1]
            ldar x5, [x1]
            stlrb w9, [x1, #0]
            add x10, x1, #8
            stlrh w9, [x10]
            add x10, x1, #16
            stlr w9, [x10]
            add x10, x1, #24
            stlr x9, [x10]
            """);
        Assert.That(h.X(2), Is.EqualTo(LsKit.Pattern(0x20, 1)));
        Assert.That(h.X(3), Is.EqualTo(LsKit.Pattern(0x20, 2)));
        Assert.That(h.X(4), Is.EqualTo(LsKit.Pattern(0x20, 4)));
        Assert.That(h.X(5), Is.EqualTo(LsKit.Pattern(0x20)));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x20, 1), Is.EqualTo(0x08UL));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x28, 2), Is.EqualTo(0x0708UL));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x30, 4), Is.EqualTo(0x0506_0708UL));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x38), Is.EqualTo(0x0102_0304_0506_0708UL));
    }

    [Test]
    public void LimitedOrderingFormsWorkWithLor()
    {
        using var h = LsKit.New(new CpuConfig { Features = Feature.Default | Feature.LOR });
        h.Cpu.SetX(1, LsKit.Data);
        h.Cpu.SetX(9, 0xFEED);
        LsKit.Ok(h, """
            ldlar x2, [x1]
            ldlarb w3, [x1]
            ldlarh w4, [x1]
            stllr x9, [x1, #0]
            add x10, x1, #8
            stllrh w9, [x10]
            """);
        Assert.That(h.X(2), Is.EqualTo(LsKit.Pattern(0)));
        Assert.That(h.X(3), Is.EqualTo(LsKit.Pattern(0, 1)));
        Assert.That(h.X(4), Is.EqualTo(LsKit.Pattern(0, 2)));
        Assert.That(LsKit.Read(h, LsKit.Data), Is.EqualTo(0xFEEDUL));
        Assert.That(LsKit.Read(h, LsKit.Data + 8, 2), Is.EqualTo(0xFEEDUL));
    }

    [Test]
    public void LimitedOrderingFormsAreUndefinedWithoutLor()
    {
        using var h = LsKit.New(new CpuConfig { Features = Feature.Default & ~Feature.LOR });
        LsKit.AssertUndefined(h, 0xC8DF_7C20u);   // ldlar x0, [x1]
        LsKit.AssertUndefined(h, 0x089F_7C20u);   // stllrb w0, [x1]
    }

    [Test]
    public void CompareAndSwapStoresOnlyOnAMatchAndReturnsTheOldValue()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data);
        h.Cpu.SetX(2, LsKit.Pattern(0));            // matches
        h.Cpu.SetX(3, 0x1111);
        h.Cpu.SetX(4, 0x4242);                      // does not match
        h.Cpu.SetX(5, 0x2222);
        h.Cpu.SetX(6, LsKit.Data + 8);
        LsKit.Ok(h, """
            cas x2, x3, [x1]
            casal x4, x5, [x6]
            """);
        Assert.That(h.X(2), Is.EqualTo(LsKit.Pattern(0)));
        Assert.That(LsKit.Read(h, LsKit.Data), Is.EqualTo(0x1111UL));
        Assert.That(h.X(4), Is.EqualTo(LsKit.Pattern(8)));
        Assert.That(LsKit.Read(h, LsKit.Data + 8), Is.EqualTo(LsKit.Pattern(8)));
    }

    [Test]
    public void CompareAndSwapOfSmallSizesComparesOnlyThoseBits()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data + 0x40);
        h.Cpu.SetX(2, 0xFFFF_FF00UL | LsKit.Pattern(0x40, 1));   // upper bits ignored for a byte
        h.Cpu.SetX(3, 0xAB);
        h.Cpu.SetX(4, 0xFFFF_0000_0000_0000UL | LsKit.Pattern(0x42, 2));
        h.Cpu.SetX(5, 0xCDEF);
        h.Cpu.SetX(6, LsKit.Data + 0x42);
        h.Cpu.SetX(7, LsKit.Pattern(0x44, 4));
        h.Cpu.SetX(8, 0x9999_8888);
        h.Cpu.SetX(9, LsKit.Data + 0x44);
        LsKit.Ok(h, """
            casb w2, w3, [x1]
            casah w4, w5, [x6]
            casl w7, w8, [x9]
            """);
        Assert.That(h.X(2), Is.EqualTo(LsKit.Pattern(0x40, 1)));
        Assert.That(h.X(4), Is.EqualTo(LsKit.Pattern(0x42, 2)));
        Assert.That(h.X(7), Is.EqualTo(LsKit.Pattern(0x44, 4)));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x40), Is.EqualTo(0x9999_8888_CDEF_0000UL | 0xABUL | LsKit.Pattern(0x41, 1) << 8));
        // Now the byte is 0xAB and no longer matches W2 = 0x50: nothing is stored, W2 gets 0xAB.
        LsKit.Ok(h, "casb w2, w3, [x1]");
        Assert.That(h.X(2), Is.EqualTo(0xABUL));
    }

    [Test]
    public void CompareAndSwapPairOfWordsAndDoublewords()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(10, LsKit.Data + 0x10);
        h.Cpu.SetX(0, LsKit.Pattern(0x10));
        h.Cpu.SetX(1, LsKit.Pattern(0x18));
        h.Cpu.SetX(2, 0xAAAA);
        h.Cpu.SetX(3, 0xBBBB);
        h.Cpu.SetX(11, LsKit.Data + 0x30);
        h.Cpu.SetX(4, LsKit.Pattern(0x30, 4));
        h.Cpu.SetX(5, 0xDEAD);                    // does not match
        h.Cpu.SetX(6, 0x1);
        h.Cpu.SetX(7, 0x2);
        LsKit.Ok(h, """
            casp x0, x1, x2, x3, [x10]
            caspal w4, w5, w6, w7, [x11]
            """);
        Assert.That(h.X(0), Is.EqualTo(LsKit.Pattern(0x10)));
        Assert.That(h.X(1), Is.EqualTo(LsKit.Pattern(0x18)));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x10), Is.EqualTo(0xAAAAUL));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x18), Is.EqualTo(0xBBBBUL));
        Assert.That(h.X(4), Is.EqualTo(LsKit.Pattern(0x30, 4)));
        Assert.That(h.X(5), Is.EqualTo(LsKit.Pattern(0x34, 4)));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x30), Is.EqualTo(LsKit.Pattern(0x30)));
    }

    [TestCase(0x4821_7C02u, TestName = "CaspWithOddRsIsUndefined")]     // Rs = 1, Rt = 2
    [TestCase(0x4822_7C01u, TestName = "CaspWithOddRtIsUndefined")]     // Rs = 2, Rt = 1
    [TestCase(0x08A0_7802u, TestName = "CasWithRt2Not31IsUndefined")]   // CASB with bits 14:10 = 11110
    [TestCase(0x4820_7802u, TestName = "CaspWithRt2Not31IsUndefined")]
    public void UnallocatedCompareAndSwapEncodingsAreUndefined(uint word)
    {
        using var h = LsKit.New();
        LsKit.AssertUndefined(h, word);
    }

    [Test]
    public void CompareAndSwapIsUndefinedWithoutLse()
    {
        using var h = LsKit.New(new CpuConfig { Features = Feature.Default & ~Feature.LSE });
        LsKit.AssertUndefined(h, 0xC8A0_7C22u);   // cas x0, x2, [x1]
        LsKit.AssertUndefined(h, 0x4820_7C02u);   // casp x0, x1, x2, x3, [x0]
    }
}
