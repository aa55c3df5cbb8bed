using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.Translator;

/// <summary>
/// LSE atomics in hot code, where generated code does them inline after a fast TLB write hit: every size of LDADD,
/// the other inline forms (SWP, LDSET, LDEOR, LDCLR), a CAS that succeeds and one that fails, and a misaligned atomic
/// that must still take its alignment fault each time.
/// </summary>
[TestFixture(EngineMode.Interpreter)]
[TestFixture(EngineMode.JitEager)]
[TestFixture(EngineMode.JitTiered)]
public class AtomicTests(EngineMode mode)
{
    [Test]
    public void AtomicsInAHotLoopGiveWhatTheArithmeticSays()
    {
        using var m = new BareMetal(mode);
        ulong data = CpuHarness.DataBase;
        m.Load($$"""
                ldr x10, ={{data}}
                add x17, x10, #8                 // (atomics take no offset: a base register each)
                add x18, x10, #16
                add x19, x10, #24
                add x20, x10, #32
                add x21, x10, #40
                add x22, x10, #48
                add x23, x10, #56
                add x24, x10, #64
                add x25, x10, #72
                mov x2, #{{BareMetal.Hot}}
                mov x3, #0x83                    // added each time: the byte and halfword sums wrap
            1:  ldadd x3, x4, [x10]
                ldaddal w3, w5, [x17]
                ldaddh w3, w6, [x18]
                ldaddlb w3, w7, [x19]
                swp x2, x9, [x20]                // x9: the previous iteration's counter
                ldset x2, x11, [x21]
                ldeor x2, x12, [x22]
                ldclr x2, x13, [x23]
                ldr x14, [x24]
                add x15, x14, #1
                casal x14, x15, [x24]            // expected = what is there: stores, returns it
                mov w16, #0x7F
                casb w16, w15, [x25]             // expected 0x7F, memory holds 0x5A: no store, w16 = 0x5A
                subs x2, x2, #1
                b.ne 1b
            """);
        m.Write64(data + 56, ulong.MaxValue);
        m.Write64(data + 72, 0x5A);
        m.Run();
        const ulong n = BareMetal.Hot, add = 0x83;
        ulong or = 0, xor = 0, clr = ulong.MaxValue;
        for (ulong i = 1; i <= n; i++) { or |= i; xor ^= i; clr &= ~i; }
        Assert.Multiple(() =>
        {
            Assert.That(m.Read64(data), Is.EqualTo(n * add), "ldadd x");
            Assert.That(m.X(4), Is.EqualTo((n - 1) * add), "ldadd x: the old value");
            Assert.That(m.Read64(data + 8), Is.EqualTo(n * add & 0xFFFF_FFFF), "ldaddal w");
            Assert.That(m.Read64(data + 16), Is.EqualTo(n * add & 0xFFFF), "ldaddh");
            Assert.That(m.X(6), Is.EqualTo((n - 1) * add & 0xFFFF), "ldaddh: the old halfword, zero-extended");
            Assert.That(m.Read64(data + 24), Is.EqualTo(n * add & 0xFF), "ldaddlb");
            Assert.That(m.X(7), Is.EqualTo((n - 1) * add & 0xFF), "ldaddlb: the old byte, zero-extended");
            Assert.That(m.Read64(data + 32), Is.EqualTo(1UL), "swp: the last counter");
            Assert.That(m.X(9), Is.EqualTo(2UL), "swp: the one before");
            Assert.That(m.Read64(data + 40), Is.EqualTo(or), "ldset");
            Assert.That(m.Read64(data + 48), Is.EqualTo(xor), "ldeor");
            Assert.That(m.Read64(data + 56), Is.EqualTo(clr), "ldclr");
            Assert.That(m.Read64(data + 64), Is.EqualTo(n), "cas that matches, once per iteration");
            Assert.That(m.Read64(data + 72), Is.EqualTo(0x5AUL), "casb that does not match stores nothing");
            Assert.That(m.X(16), Is.EqualTo(0x5AUL), "casb returns the byte in memory");
        });
    }

    [Test]
    public void AMisalignedAtomicInHotCodeTakesItsAlignmentFaultEveryTime()
    {
        using var m = new BareMetal(mode);
        ulong data = CpuHarness.DataBase;
        m.Load($$"""
                ldr x10, ={{data}}
                add x11, x10, #4                 // 8-byte aligned for a word, not for a doubleword
                mov x20, #0
                mov x2, #{{BareMetal.Hot}}
                mov x3, #1
            1:  ldadd w3, w4, [x11]              // aligned: adds
                ldadd x3, x5, [x11]              // misaligned: alignment fault, nothing written
                cas x5, x3, [x11]                // misaligned too
                subs x2, x2, #1
                b.ne 1b
            """,
            sync: """
                add x20, x20, #1
                mrs x21, esr_el1
                mrs x22, elr_el1
                add x22, x22, #4
                msr elr_el1, x22
                mov x28, #0
                eret
            """);
        m.Run(allowUnexpected: true);
        Assert.That(m.X(28), Is.EqualTo(0UL));
        Assert.That(m.X(20), Is.EqualTo(2UL * BareMetal.Hot), "two aborts per iteration");
        Assert.That(m.X(21) >> 26, Is.EqualTo(0x25UL), "a data abort from the current EL");
        Assert.That(m.X(21) & 0x3F, Is.EqualTo(0x21UL), "DFSC: alignment fault");
        Assert.That(m.Read64(data) >> 32, Is.EqualTo((ulong)BareMetal.Hot), "only the word atomics wrote");
    }
}
