using FastArm.Jit;
using FastArm.Jit.Decode;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.CpuCore;

public unsafe class LoadStoreAtomicTests
{
    /// <summary>Runs "&lt;op&gt; x2, x3, [x1]" with memory = mem and X2 = operand; returns (X3, memory after).</summary>
    private static (ulong old, ulong mem) Rmw(string insn, ulong mem, ulong operand, string reg = "x")
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data);
        h.Cpu.SetX(2, operand);
        h.Cpu.SetX(3, 0xDEAD_DEAD_DEAD_DEADUL);
        LsKit.Write(h, LsKit.Data, mem);
        LsKit.Ok(h, $"{insn} {reg}2, {reg}3, [x1]");
        return (h.X(3), LsKit.Read(h, LsKit.Data));
    }

    [TestCase("ldadd", 0x0000_0000_0000_0005UL, 0x0000_0000_0000_0003UL, 0x0000_0000_0000_0008UL)]
    [TestCase("ldadd", 0xFFFF_FFFF_FFFF_FFFFUL, 0x0000_0000_0000_0002UL, 0x0000_0000_0000_0001UL)]
    [TestCase("ldclr", 0xFF00_FF00_FF00_FF00UL, 0x0F0F_0F0F_0F0F_0F0FUL, 0xF000_F000_F000_F000UL)]
    [TestCase("ldeor", 0xFF00_FF00_FF00_FF00UL, 0x0F0F_0F0F_0F0F_0F0FUL, 0xF00F_F00F_F00F_F00FUL)]
    [TestCase("ldset", 0xFF00_FF00_FF00_FF00UL, 0x0F0F_0F0F_0F0F_0F0FUL, 0xFF0F_FF0F_FF0F_FF0FUL)]
    [TestCase("ldsmax", 0xFFFF_FFFF_FFFF_FFFEUL, 0x0000_0000_0000_0001UL, 0x0000_0000_0000_0001UL)]
    [TestCase("ldsmin", 0xFFFF_FFFF_FFFF_FFFEUL, 0x0000_0000_0000_0001UL, 0xFFFF_FFFF_FFFF_FFFEUL)]
    [TestCase("ldumax", 0xFFFF_FFFF_FFFF_FFFEUL, 0x0000_0000_0000_0001UL, 0xFFFF_FFFF_FFFF_FFFEUL)]
    [TestCase("ldumin", 0xFFFF_FFFF_FFFF_FFFEUL, 0x0000_0000_0000_0001UL, 0x0000_0000_0000_0001UL)]
    [TestCase("swp", 0x1111_2222_3333_4444UL, 0x5555_6666_7777_8888UL, 0x5555_6666_7777_8888UL)]
    public void DoublewordOperationsReturnTheOldValueAndStoreTheResult(string op, ulong mem, ulong operand, ulong expected)
    {
        foreach (string suffix in new[] { "", "a", "l", "al" })
        {
            var (old, after) = Rmw(op + suffix, mem, operand);
            Assert.That(old, Is.EqualTo(mem), op + suffix);
            Assert.That(after, Is.EqualTo(expected), op + suffix);
        }
    }

    [TestCase("ldaddb", 0xFFUL, 0x02UL, 0x01UL)]
    [TestCase("ldsmaxb", 0x80UL, 0x7FUL, 0x7FUL)]
    [TestCase("ldsminb", 0x80UL, 0x7FUL, 0x80UL)]
    [TestCase("ldumaxb", 0x80UL, 0x7FUL, 0x80UL)]
    [TestCase("lduminb", 0x80UL, 0x17FUL, 0x7FUL)]   // only the low byte of the operand counts
    [TestCase("ldsmaxh", 0x8000UL, 0x0001UL, 0x0001UL)]
    [TestCase("ldsminh", 0x8000UL, 0xFFFF_0001UL, 0x8000UL)]
    [TestCase("ldclrh", 0xFFFFUL, 0x00F0UL, 0xFF0FUL)]
    [TestCase("swpb", 0x12UL, 0x3456UL, 0x56UL)]
    [TestCase("swph", 0x1234UL, 0xAB_CDEFUL, 0xCDEFUL)]
    [TestCase("ldeorh", 0x00FFUL, 0x0FF0UL, 0x0F0FUL)]
    public void ByteAndHalfwordOperationsTouchOnlyTheirSize(string op, ulong mem, ulong operand, ulong expected)
    {
        const ulong Upper = 0xA5A5_A5A5_A5A5_0000UL;
        bool half = op.EndsWith('h');
        ulong upper = half ? Upper : Upper | 0xA500;
        foreach (string order in new[] { "", "a", "l", "al" })
        {
            string insn = op[..^1] + order + op[^1];
            var (old, after) = Rmw(insn, upper | mem, operand, "w");
            Assert.That(old, Is.EqualTo(mem), insn);
            Assert.That(after, Is.EqualTo(upper | expected), insn);
        }
    }

    [Test]
    public void WordOperationsZeroExtendTheOldValueAndCompareAsWords()
    {
        var (old, after) = Rmw("ldsmax", 0xFFFF_FFFF_8000_0000UL, 0x0000_0000_0000_0001UL, "w");
        Assert.That(old, Is.EqualTo(0x8000_0000UL));
        Assert.That(after, Is.EqualTo(0xFFFF_FFFF_0000_0001UL));
        (old, after) = Rmw("ldumaxal", 0x1234_5678_8000_0000UL, 0xFFFF_FFFF_0000_0001UL, "w");
        Assert.That(old, Is.EqualTo(0x8000_0000UL));
        Assert.That(after, Is.EqualTo(0x1234_5678_8000_0000UL));
        (old, after) = Rmw("ldadd", 0x0000_0001_FFFF_FFFFUL, 1, "w");
        Assert.That(old, Is.EqualTo(0xFFFF_FFFFUL));
        Assert.That(after, Is.EqualTo(0x0000_0001_0000_0000UL));
    }

    [Test]
    public void StoreAliasesDiscardTheOldValue()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data);
        h.Cpu.SetX(2, 5);
        LsKit.Write(h, LsKit.Data, 10);
        LsKit.Write(h, LsKit.Data + 8, 0xF0);
        LsKit.Ok(h, """
            stadd x2, [x1]
            staddl x2, [x1]
            add x4, x1, #8
            steorb w2, [x4]
            stsmaxlh w2, [x4]
            """);
        Assert.That(LsKit.Read(h, LsKit.Data), Is.EqualTo(20UL));
        Assert.That(LsKit.Read(h, LsKit.Data + 8), Is.EqualTo(0xF5UL));
    }

    [Test]
    public void TheOperandRegisterMayBeTheResultRegister()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data);
        h.Cpu.SetX(2, 0x100);
        LsKit.Write(h, LsKit.Data, 0x23);
        LsKit.Ok(h, "ldadd x2, x2, [x1]");
        Assert.That(h.X(2), Is.EqualTo(0x23UL));
        Assert.That(LsKit.Read(h, LsKit.Data), Is.EqualTo(0x123UL));
    }

    [Test]
    public void AtomicsAreUndefinedWithoutLse()
    {
        using var h = LsKit.New(new CpuConfig { Features = Feature.Default & ~Feature.LSE });
        LsKit.AssertUndefined(h, 0xF822_0023u);   // ldadd x2, x3, [x1]
        LsKit.AssertUndefined(h, 0xF8E2_8023u);   // swpal x2, x3, [x1]
    }

    [TestCase(0xF822_9023u, TestName = "O3SetWithOpc001IsUndefined")]
    [TestCase(0xF822_C023u, TestName = "O3SetWithOpc100IsUndefinedWithoutRcpc")]
    [TestCase(0xF822_F023u, TestName = "O3SetWithOpc111IsUndefined")]
    [TestCase(0xFC22_0023u, TestName = "SimdAtomicIsUndefined")]
    public void UnallocatedAtomicEncodingsAreUndefined(uint word)
    {
        using var h = LsKit.New();
        LsKit.AssertUndefined(h, word);
    }
}
