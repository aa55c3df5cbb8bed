using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.Translator;

/// <summary>
/// Exceptions in the middle of a long straight-line block that runs hot: the exception is precise (Arm ARM D1.3.1,
/// "synchronous exceptions are precise"): ELR_EL1 names the faulting instruction (the next one for SVC), ESR_EL1 and
/// FAR_EL1 are exact, the instructions before it have written their registers and flags (SPSR_EL1.NZCV), the ones
/// after it have not. The handler checks all of that in the guest on every iteration, then resumes in the middle of
/// the block (after the faulting instruction, or at ELR for SVC), so translated code must also be entered mid-block.
/// </summary>
[TestFixture(EngineMode.Interpreter)]
[TestFixture(EngineMode.JitEager)]
[TestFixture(EngineMode.JitTiered)]
public unsafe class PreciseExceptionTests(EngineMode mode)
{
    private const ulong Sentinel = 0x5E5E_5E5E_5E5E_5E5EUL;
    private const ulong Snapshot = CpuHarness.DataBase + 0x1000;
    /// <summary>An invalid page when the MMU is on (the first 2 MB are mapped with pages).</summary>
    private const ulong InvalidPage = CpuHarness.RamBase + 0x1F000;
    /// <summary>A physical address where nothing is: a synchronous external abort.</summary>
    private const ulong NoMemory = 0x1000_0000;
    private const ulong GoodData = CpuHarness.DataBase + 0x2000;
    private const ulong GoodValue = 0x0123_4567_89AB_CDEFUL;

    /// <summary>Values of X1..X15 after the block (X7 is the seventh instruction's, left at the sentinel).</summary>
    private static readonly ulong[] After = [0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, Sentinel, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF];

    public sealed record Kind(string Name, string Instruction, ulong FaultAddress, ulong Esr, bool CheckFar, bool ElrIsNext, bool Mmu);

    public static IEnumerable<TestCaseData> Kinds()
    {
        Kind[] kinds =
        [
            // Data Abort, same EL (EC 0x25), IL = 1, ISV = 0, DFSC 0x10 synchronous external abort.
            new("load from no memory", "ldr x7, [x19]", NoMemory, 0x9600_0010, true, false, false),
            // DFSC 0x07: translation fault, level 3.
            new("load from an invalid page", "ldr x7, [x19]", InvalidPage, 0x9600_0007, true, false, true),
            // WnR = 1 (bit 6).
            new("store to an invalid page", "str x5, [x19]", InvalidPage, 0x9600_0047, true, false, true),
            // DFSC 0x21: alignment fault (exclusives must be aligned).
            new("misaligned exclusive load", "ldxr x7, [x19]", GoodData + 4 + 1, 0x9600_0021, true, false, false),
            // Unknown reason (EC 0), IL = 1.
            new("UNDEFINED instruction", "udf #0x1234", 0, 0x0200_0000, false, false, false),
            // SVC (EC 0x15) with its immediate; the preferred return address is the next instruction.
            new("SVC", "svc #0x42", 0, 0x5600_0042, false, true, false),
            // BRK (EC 0x3C) with its immediate; ELR is the BRK itself.
            new("BRK", "brk #0x17", 0, 0xF200_0017, false, false, false),
        ];
        foreach (var k in kinds) yield return new TestCaseData(k).SetArgDisplayNames(k.Name);
    }

    /// <summary>
    /// The program: each iteration sets X1..X15 to a sentinel, branches to the block (a block start), whose
    /// instructions 1-6 compute 0x11..0x66 (the sixth with ADDS, so NZCV = 0000 from 0010 before), the seventh
    /// takes the exception when X19 is the fault address (on iterations with (i &amp; <paramref name="everyMask"/>) = 0),
    /// and 8-15 compute 0x88..0xFF. The handler counts exceptions in X24 and mismatches in X25.
    /// </summary>
    private static void Build(BareMetal m, Kind k, int everyMask)
    {
        string skip = k.ElrIsNext ? "" : """
                mrs x22, elr_el1
                add x22, x22, #4
                msr elr_el1, x22
            """;
        string far = k.CheckFar ? """
                mrs x22, far_el1
                cmp x22, x20
                cinc x25, x25, ne
            """ : "";
        string checks = string.Join("\n", Enumerable.Range(1, 15).Select(r => r < 7
            ? $"    cmp x{r}, #0x{After[r]:x}\n    cinc x25, x25, ne"
            : $"    cmp x{r}, x16\n    cinc x25, x25, ne"));
        string sync = $$"""
                add x24, x24, #1
                mrs x22, esr_el1
                cmp x22, x17
                cinc x25, x25, ne
                mrs x22, elr_el1
                cmp x22, x18
                cinc x25, x25, ne
                mrs x22, spsr_el1
                tst x22, #0xF0000000            // NZCV from the ADDS: 0000
                cinc x25, x25, ne
            {{far}}
                ldr x22, ={{Snapshot}}
                stp x1, x2, [x22]
                stp x3, x4, [x22, #16]
                stp x5, x6, [x22, #32]
                stp x7, x8, [x22, #48]
                stp x9, x10, [x22, #64]
                stp x11, x12, [x22, #80]
                stp x13, x14, [x22, #96]
                str x15, [x22, #112]
            {{checks}}
            {{skip}}
                eret
            """;
        string select = everyMask == 0 ? "    mov x19, x20" : $"""
                tst x21, #{everyMask}
                csel x19, x20, x29, eq          // the fault address, or good data
            """;
        string main = $$"""
                ldr x16, ={{Sentinel}}
                ldr x20, ={{k.FaultAddress}}
                ldr x29, ={{GoodData}}
                ldr x17, ={{k.Esr}}
                adr x18, insn7
                {{(k.ElrIsNext ? "add x18, x18, #4" : "")}}
                mov x24, #0
                mov x25, #0
                mov x21, #{{BareMetal.Hot}}
            loop:
            {{select}}
                mov x1, x16
                mov x2, x16
                mov x3, x16
                mov x4, x16
                mov x5, x16
                mov x6, x16
                mov x7, x16
                mov x8, x16
                mov x9, x16
                mov x10, x16
                mov x11, x16
                mov x12, x16
                mov x13, x16
                mov x14, x16
                mov x15, x16
                cmp x16, #0                     // NZCV = 0010
                b blk
                .balign 64
            blk:
                movz x1, #0x11
                add x2, x1, #0x11
                eor x3, x2, x1
                lsl x4, x2, #1
                orr x5, x4, x1
                adds x6, x3, x3
            insn7:
                {{k.Instruction}}
                movz x8, #0x88
                add x9, x8, #0x11
                movz x10, #0xAA
                movz x11, #0xBB
                movz x12, #0xCC
                movz x13, #0xDD
                movz x14, #0xEE
                movz x15, #0xFF
                b after
            after:
                cmp x21, #{{BareMetal.Hot / 2}}
                b.ne 1f
                bl hostpause
            1:  subs x21, x21, #1
                b.ne loop
            """;
        if (k.Mmu) m.MmuRegisters(m.FlatTables((InvalidPage, 0, 0)), mmuOn: true);
        m.Write64(GoodData, GoodValue);
        m.Write64(GoodData + 8, GoodValue);
        m.Load(main, sync);
    }

    [TestCaseSource(nameof(Kinds))]
    public void AnExceptionAtTheSeventhInstructionOfAHotBlockIsPreciseAndTheBlockResumesAfterIt(Kind k)
    {
        // Every iteration: "(i & 0) == 0" always holds.
        using var m = new BareMetal(mode);
        Build(m, k, 0);
        m.Run();
        Assert.That(m.X(24), Is.EqualTo((ulong)BareMetal.Hot), "one exception per iteration");
        Assert.That(m.X(25), Is.EqualTo(0UL), "mismatches the handler counted (ESR, ELR, FAR, SPSR.NZCV, X1-X15)");
        Assert.That(m.Cpu.S.ESR[1], Is.EqualTo(k.Esr), "ESR_EL1");
        ulong insn7 = m["insn7"];
        Assert.That(m.Cpu.S.ELR[1], Is.EqualTo(insn7 + 4), "ELR_EL1 as the handler left it (the instruction after the seventh)");
        if (k.CheckFar) Assert.That(m.Cpu.S.FAR[1], Is.EqualTo(k.FaultAddress), "FAR_EL1");
        for (int r = 1; r <= 15; r++)
        {
            Assert.That(m.Read64(Snapshot + (ulong)(r - 1) * 8), Is.EqualTo(r < 7 ? After[r] : Sentinel), $"X{r} when the exception was taken");
            Assert.That(m.X(r), Is.EqualTo(After[r]), $"X{r} after the block finished");
        }
        if (k.Instruction.StartsWith("str"))
            Assert.That(m.Read64(k.FaultAddress), Is.EqualTo(0UL), "the faulting store wrote nothing");
    }

    [TestCaseSource(nameof(Kinds))]
    public void AnInstructionThatFaultsOnlyEverySixtyFourthIterationOfAHotBlockFaultsPrecisely(Kind k)
    {
        // The same block, but only iterations with (i & 63) == 0 fault; the others load good data (or, for the
        // instructions that always take their exception, the count is still per iteration).
        using var m = new BareMetal(mode);
        Build(m, k, 63);
        m.Run();
        bool dataDependent = k.FaultAddress != 0;
        ulong expected = dataDependent ? (ulong)Enumerable.Range(1, BareMetal.Hot).Count(i => (i & 63) == 0) : BareMetal.Hot;
        Assert.That(m.X(24), Is.EqualTo(expected), "exceptions taken");
        Assert.That(m.X(25), Is.EqualTo(0UL), "mismatches the handler counted");
        for (int r = 1; r <= 15; r++)
        {
            ulong want = After[r];
            // The last iteration (i = 1) did not fault: the seventh instruction did its work.
            if (r == 7 && dataDependent && k.Instruction.StartsWith("ldr ")) want = GoodValue;
            if (r == 7 && dataDependent && k.Instruction.StartsWith("ldxr")) want = GoodValue;
            Assert.That(m.X(r), Is.EqualTo(want), $"X{r} after the block finished");
        }
    }
}
