using FastArm.Jit;
using FastArm.Jit.Decode;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.CpuCore;

/// <summary>
/// Shared by the data-processing fixtures: runs a snippet with registers and flags preset, and checks that a raw
/// word takes the UNDEFINED exception without changing anything.
/// </summary>
internal static unsafe class Dp
{
    /// <summary>What X0 holds before a snippet runs, so that a missing write or a missing zero-extension shows.</summary>
    public const ulong Sentinel = 0xDEAD_BEEF_CAFE_F00D;

    /// <summary>NZCV from a four-letter picture, "NZCV" order, '-' for a clear flag: "-ZC-" is Z and C.</summary>
    public static uint Flags(string picture)
    {
        Assert.That(picture, Has.Length.EqualTo(4));
        uint v = 0;
        for (int i = 0; i < 4; i++)
            if (picture[i] != '-') v |= 1u << (31 - i);
        return v;
    }

    public static string Picture(uint nzcv)
    {
        char[] c = ['-', '-', '-', '-'];
        for (int i = 0; i < 4; i++)
            if ((nzcv & (1u << (31 - i))) != 0) c[i] = "NZCV"[i];
        return new string(c);
    }

    /// <summary>
    /// Runs <paramref name="asm"/> with X0 = <see cref="Sentinel"/>, X1..X3 as given and NZCV = <paramref name="flags"/>;
    /// it must run to its end. The caller disposes the harness.
    /// </summary>
    public static CpuHarness Run(string asm, ulong x1 = 0, ulong x2 = 0, ulong x3 = 0, string flags = "----", CpuConfig? config = null)
    {
        var h = new CpuHarness(config);
        h.Cpu.SetX(0, Sentinel);
        h.Cpu.SetX(1, x1);
        h.Cpu.SetX(2, x2);
        h.Cpu.SetX(3, x3);
        h.Cpu.S.Nzcv = Flags(flags);
        var reason = h.Run(asm);
        Assert.That(reason, Is.EqualTo(StopReason.Address), $"'{asm}' ran to its end (PC {h.Cpu.Pc:X}, ESR {h.Cpu.S.ESR[1]:X})");
        return h;
    }

    /// <summary>Runs one instruction (or a snippet) and returns X0 and the flags as a picture.</summary>
    public static (ulong X0, string Flags) Exec(string asm, ulong x1 = 0, ulong x2 = 0, ulong x3 = 0, string flags = "----")
    {
        using var h = Run(asm, x1, x2, x3, flags);
        return (h.X(0), Picture(h.Cpu.S.Nzcv));
    }

    /// <summary>
    /// Executes the raw <paramref name="word"/> and asserts the UNDEFINED exception: EC 0 with IL set, ELR at the
    /// instruction, the vector of a synchronous exception from the current EL with SP_EL1, and no register, SP or
    /// flag changed.
    /// </summary>
    public static void AssertUndefined(uint word, CpuConfig? config = null)
    {
        using var h = new CpuHarness(config);
        for (int i = 0; i < 31; i++) h.Cpu.SetX(i, Sentinel + (ulong)i);
        ulong sp = h.Cpu.Sp;
        h.Cpu.S.Nzcv = Flags("N-C-");
        h.Bus.Load(CpuHarness.CodeBase, BitConverter.GetBytes(word));
        h.Cpu.Pc = CpuHarness.CodeBase;
        h.Cpu.Step();
        Assert.Multiple(() =>
        {
            Assert.That(h.Cpu.Pc, Is.EqualTo(CpuHarness.VectorBase + 0x200), $"{word:X8} takes a synchronous exception");
            Assert.That(h.Cpu.S.ESR[1], Is.EqualTo(0x0200_0000UL), $"{word:X8}: ESR_EL1 is EC 0 (unknown reason), IL 1");
            Assert.That(h.Cpu.S.ELR[1], Is.EqualTo(CpuHarness.CodeBase), $"{word:X8}: ELR_EL1 points at it");
            for (int i = 0; i < 31; i++)
                Assert.That(h.Cpu.GetX(i), Is.EqualTo(Sentinel + (ulong)i), $"{word:X8}: X{i} unchanged");
            Assert.That(h.Cpu.Sp, Is.EqualTo(sp), $"{word:X8}: SP unchanged");
            // The exception saved PSTATE in SPSR_EL1 and left NZCV as it was.
            Assert.That(h.Cpu.S.SPSR[1] & 0xF000_0000UL, Is.EqualTo((ulong)Flags("N-C-")), $"{word:X8}: NZCV unchanged");
        });
    }

    /// <summary>The name of the row that decodes <paramref name="word"/> with every feature on, or null.</summary>
    public static string? RowName(uint word) => DecodeTree.Default.Decode(word, (Feature)ulong.MaxValue)?.Name;
}

/// <summary>Properties common to the data-processing groups.</summary>
public class DataProcessingTests
{
    [TestCase("add w0, w1, #0", 0UL, 0x0123_4567UL)]
    [TestCase("add w0, w1, w2", 0UL, 0x0123_4567UL)]
    [TestCase("add w0, w1, w2, uxtw", 0UL, 0x0123_4567UL)]
    [TestCase("and w0, w1, #0xFFFFFFFE", 0UL, 0x0123_4566UL)]
    [TestCase("orr w0, wzr, w1", 0UL, 0x0123_4567UL)]
    [TestCase("adc w0, w1, wzr", 0UL, 0x0123_4567UL)]
    [TestCase("csel w0, w1, w2, eq", 0UL, 0x0123_4567UL)]
    [TestCase("ubfx w0, w1, #0, #32", 0UL, 0x0123_4567UL)]
    [TestCase("extr w0, w1, w1, #0", 0UL, 0x0123_4567UL)]
    [TestCase("madd w0, w1, w2, wzr", 1UL, 0x0123_4567UL)]
    [TestCase("lslv w0, w1, w2", 0UL, 0x0123_4567UL)]
    [TestCase("rev16 w0, w1", 0UL, 0x2301_6745UL)]
    [TestCase("movk w0, #0x4567", 0UL, 0xCAFE_4567UL)]
    public void ThirtyTwoBitResultsAreZeroExtendedIntoX(string asm, ulong x2, ulong expected)
    {
        // X1's top half is all ones; none of it may reach X0, and X0's old top half (the sentinel) must go.
        var (x0, _) = Dp.Exec(asm, 0xFFFF_FFFF_0123_4567UL, x2, flags: "-Z--");
        Assert.That(x0, Is.EqualTo(expected));
    }

    [TestCase("add x0, x1, x2")]
    [TestCase("sub x0, x1, x2, lsl #3")]
    [TestCase("add x0, sp, x1, uxtx #2")]
    [TestCase("and x0, x1, x2, ror #5")]
    [TestCase("adc x0, x1, x2")]
    [TestCase("sbc x0, x1, x2")]
    [TestCase("csel x0, x1, x2, ne")]
    [TestCase("madd x0, x1, x2, x3")]
    [TestCase("udiv x0, x1, x2")]
    [TestCase("rbit x0, x1")]
    [TestCase("bfi x0, x1, #3, #7")]
    public void InstructionsWithoutSFlagLeaveTheFlagsAlone(string asm)
    {
        foreach (var flags in new[] { "NZCV", "----", "-Z-V", "N-C-" })
            Assert.That(Dp.Exec(asm, 0x1234, 0x77, 5, flags).Flags, Is.EqualTo(flags), asm);
    }
}
