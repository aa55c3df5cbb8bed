using NUnit.Framework;

namespace FastArm.Tests.Translator;

/// <summary>
/// Misaligned loads and stores in hot code. With SCTLR_EL1.A = 0 they are allowed for Normal memory (Arm ARM B2.5.2)
/// and take the fast TLB path when they stay within a page; one that crosses into the next page must still see both
/// pages. With SCTLR_EL1.A = 1 the same instruction takes an alignment fault (DFSC 0x21), even on a page that was hot
/// a moment before.
/// </summary>
[TestFixture(EngineMode.Interpreter)]
[TestFixture(EngineMode.JitEager)]
[TestFixture(EngineMode.JitTiered)]
public class UnalignedAccessTests(EngineMode mode)
{
    private const ulong Pattern = 0x0102_0304_0506_0708UL;

    [Test]
    public void MisalignedAccessesOfEverySizeAtEveryOffsetAcrossAPageBoundaryReadWhatWasWritten()
    {
        using var m = new BareMetal(mode);
        m.Load($$"""
                adr x11, buf
                add x11, x11, #4064             // 32 bytes before the page end
                ldr x12, ={{Pattern}}
                mov x2, #{{BareMetal.Hot}}
                mov x21, #0
            1:  and x3, x2, #63
                add x4, x11, x3
                str x12, [x4]
                ldr x5, [x4]
                add x21, x21, x5
                ldrh w6, [x4, #1]
                add x21, x21, x6
                ldr w6, [x4, #3]
                add x21, x21, x6
                ldp x7, x8, [x4]
                add x21, x21, x8
                ldr q0, [x4]
                mov x9, v0.d[1]
                add x21, x21, x9
                strh w2, [x4, #5]
                subs x2, x2, #1
                b.ne 1b
                b done
                .balign 4096
            buf:
                .fill 8192, 1, 0
            """);
        m.Run();

        var mem = new byte[8192];
        ulong sum = 0;
        for (ulong i = BareMetal.Hot; i >= 1; i--)
        {
            int at = 4064 + (int)(i & 63);
            BitConverter.TryWriteBytes(mem.AsSpan(at), Pattern);
            sum += BitConverter.ToUInt64(mem, at);
            sum += BitConverter.ToUInt16(mem, at + 1);
            sum += BitConverter.ToUInt32(mem, at + 3);
            sum += BitConverter.ToUInt64(mem, at + 8);
            sum += BitConverter.ToUInt64(mem, at + 8);
            BitConverter.TryWriteBytes(mem.AsSpan(at + 5), (ushort)i);
        }
        Assert.That(m.X(21), Is.EqualTo(sum));
        for (int off = 4064; off < 4064 + 64 + 16; off += 8)
            Assert.That(m.Read64(m["buf"] + (ulong)off), Is.EqualTo(BitConverter.ToUInt64(mem, off)), $"memory at buf+{off}");
    }

    [Test]
    public void AMisalignedLoadFaultsOnceSctlrAIsSetEvenOnAPageThatWasHot()
    {
        using var m = new BareMetal(mode);
        m.Load($$"""
                adr x11, buf
                add x11, x11, #3
                mov x2, #{{BareMetal.Hot}}
            1:  ldr x5, [x11]
                str x5, [x11, #16]
                subs x2, x2, #1
                b.ne 1b
                mrs x0, sctlr_el1
                orr x0, x0, #2                  // SCTLR_EL1.A
                msr sctlr_el1, x0
                isb
                mov x24, #0
                mov x2, #{{BareMetal.Hot}}
            2:  ldr x5, [x11]                   // faults: the handler counts it and skips the load
                str x5, [x11, #16]              // faults too
                subs x2, x2, #1
                b.ne 2b
                b done
                .balign 4096
            buf:
                .fill 64, 1, 0
            """,
            sync: """
                mrs x26, esr_el1
                mrs x27, far_el1
                add x24, x24, #1
                mrs x28, elr_el1
                add x28, x28, #4
                msr elr_el1, x28
                mov x28, #0
                mov x27, #0
                eret
            """);
        m.Run();
        Assert.That(m.X(24), Is.EqualTo(2UL * BareMetal.Hot), "every misaligned access faulted once SCTLR.A was set");
        Assert.That(m.X(26) & 0xFC00_003F, Is.EqualTo(0x9400_0021UL), "data abort from the same EL, alignment fault");
    }
}
