using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.Translator;

/// <summary>
/// DC ZVA in hot code, where generated code zeroes the block inline after a fast TLB write hit (memset's loop): the
/// 64-byte block that holds the address goes, whatever the address's offset in it, and the bytes around it stay.
/// </summary>
[TestFixture(EngineMode.Interpreter)]
[TestFixture(EngineMode.JitEager)]
[TestFixture(EngineMode.JitTiered)]
public class DataCacheZeroTests(EngineMode mode)
{
    [Test]
    public void DcZvaInAHotLoopZeroesTheWholeAlignedBlockAndNothingElse()
    {
        using var m = new BareMetal(mode);
        ulong data = CpuHarness.DataBase;
        m.Load($$"""
                ldr x10, ={{data + 64}}          // the block zeroed; the blocks before and after it must stay
                mov x2, #{{BareMetal.Hot}}
                mov x3, #0                       // sum of the zeroed block after each DC ZVA
                mov x4, #0                       // sum of the bytes around it
            1:  add x5, x2, #1
                stp x5, x5, [x10, #-16]
                stp x5, x5, [x10]
                stp x5, x5, [x10, #32]
                stp x5, x5, [x10, #48]
                stp x5, x5, [x10, #64]
                and x6, x2, #63
                add x7, x10, x6                  // a different offset into the block each time
                dc zva, x7
                ldp x8, x9, [x10]
                add x3, x3, x8
                add x3, x3, x9
                ldp x8, x9, [x10, #48]
                add x3, x3, x8
                add x3, x3, x9
                ldr x8, [x10, #-8]
                add x4, x4, x8
                ldr x8, [x10, #64]
                add x4, x4, x8
                subs x2, x2, #1
                b.ne 1b
            """);
        m.Run();
        const ulong n = BareMetal.Hot;
        ulong around = 0;
        for (ulong i = 1; i <= n; i++) around += 2 * (i + 1);
        Assert.Multiple(() =>
        {
            Assert.That(m.X(3), Is.EqualTo(0UL), "the block holding the address reads as zeros after each DC ZVA");
            Assert.That(m.X(4), Is.EqualTo(around), "the doublewords just before and after the block are kept");
            Assert.That(m.Read64(data + 64 + 56), Is.EqualTo(0UL), "the block's last doubleword");
            Assert.That(m.Read64(data + 64 + 64), Is.EqualTo(2UL), "the next block's first doubleword: the last pattern");
        });
    }
}
