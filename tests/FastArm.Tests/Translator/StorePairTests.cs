using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.Translator;

/// <summary>
/// A store pair writes nothing when either half faults (both are checked before either is written), in every engine:
/// generated code tests both halves inline and sends the pair to one slow path when either misses.
/// </summary>
[TestFixture(EngineMode.Interpreter)]
[TestFixture(EngineMode.JitEager)]
[TestFixture(EngineMode.JitTiered)]
public class StorePairTests(EngineMode mode)
{
    [Test]
    public void AStorePairWhoseSecondHalfFaultsWritesNeitherHalf()
    {
        using var m = new BareMetal(mode);
        ulong ramEnd = CpuHarness.RamBase + CpuHarness.RamSize;
        m.Load($$"""
                ldr x9, ={{ramEnd - 8}}          // the last 8 bytes of RAM: the pair's second half is past it
                ldr x10, ={{CpuHarness.DataBase}}
                mov x20, #0
                mov x2, #{{BareMetal.Hot}}
            1:  add x3, x2, #0x100
                stp x3, x2, [x10]                // both halves in RAM: written
                stp x3, x2, [x9]                 // the second half faults: nothing is written
                subs x2, x2, #1
                b.ne 1b
            """,
            sync: """
                add x20, x20, #1
                mrs x22, elr_el1
                add x22, x22, #4
                msr elr_el1, x22
                mov x28, #0
                eret
            """);
        m.Write64(ramEnd - 8, 0x5555);
        m.Run(allowUnexpected: true);
        Assert.That(m.X(28), Is.EqualTo(0UL));
        Assert.That(m.X(20), Is.EqualTo((ulong)BareMetal.Hot), "one abort per iteration");
        Assert.That(m.Read64(ramEnd - 8), Is.EqualTo(0x5555UL), "the first half was not written");
        Assert.That(m.Read64(CpuHarness.DataBase), Is.EqualTo(0x101UL), "the last in-RAM pair: X3 = 1 + 0x100");
        Assert.That(m.Read64(CpuHarness.DataBase + 8), Is.EqualTo(1UL));
    }
}
