using FastArm.Jit.Decode;

namespace FastArm.Tests.Unicorn;

/// <summary>Where an exclusion applies.</summary>
public enum ExclusionScope
{
    /// <summary>Never fuzzed.</summary>
    Everywhere,
    /// <summary>Fuzzed alone, kept out of multi-instruction blocks (a block must run straight through).</summary>
    Blocks,
}

/// <summary>
/// One reason not to compare an encoding: <see cref="Rows"/> names table rows ("NAME", "PREFIX*", several joined by
/// '|'); <see cref="When"/>, if given, narrows it to the words for which it returns true. An exclusion with
/// <see cref="WhenState"/> depends on the input state too: such words are still run, and a disagreement whose
/// blamed instruction matches it (given the state just before that instruction) is counted as known, not reported.
/// </summary>
public sealed record Exclusion(string Rows, string Reason, Func<uint, bool>? When = null, ExclusionScope Scope = ExclusionScope.Everywhere,
    Func<uint, ArchState, bool>? WhenState = null)
{
    public bool MatchesRow(string row)
    {
        foreach (var p in Rows.Split('|'))
        {
            if (p.EndsWith('*') ? row.StartsWith(p[..^1], StringComparison.Ordinal) : row == p) return true;
        }
        return false;
    }
}

/// <summary>
/// THE list of encodings the Unicorn differential fuzzer leaves out, each with its reason. Three kinds only:
/// instructions that always raise an exception or are system instructions (the fuzzer compares user-visible
/// state after straight-line execution), results the Arm ARM leaves UNKNOWN or CONSTRAINED UNPREDICTABLE (two
/// correct implementations may differ), and Unicorn bugs confirmed against QEMU 7.2 (the reference), each naming
/// the confirmation (docs/notes/unicorn-fuzzing.md has the details).
/// </summary>
public static class FuzzExclusions
{
    // Register fields sit at the same bits in every load/store and data-processing encoding that has them.
    private static uint Rt(uint w) => w & 31;
    private static uint Rn(uint w) => (w >> 5) & 31;
    private static uint Rt2(uint w) => (w >> 10) & 31;
    private static uint Rs(uint w) => (w >> 16) & 31;
    /// <summary>The access size in bytes of a load/store whose size field is bits 31:30.</summary>
    private static int Size(uint w) => 1 << (int)(w >> 30);
    private static ulong XOrZero(ArchState s, uint r) => r == 31 ? 0 : s.X[r];
    private static bool InRam(ulong a) => a >= DifferentialFuzzer.RamBase && a < DifferentialFuzzer.RamBase + DifferentialFuzzer.RamSize;
    /// <summary>Bytes a STXR (bit 21 clear) or STXP (bit 21 set) stores.</summary>
    private static int ExclusiveBytes(uint w) => (w & (1u << 21)) == 0 ? Size(w) : 2 * Size(w);
    private static ulong Base(uint w, ArchState s) => Rn(w) == 31 ? s.Sp : s.X[Rn(w)];
    private static bool Unaligned(uint w, ArchState s) => (Base(w, s) & (ulong)(Size(w) - 1)) != 0;
    /// <summary>Are the bits of <paramref name="x"/> above an access of <paramref name="bytes"/> all zero?</summary>
    private static bool ZeroExtended(ulong x, int bytes) => bytes >= 8 || x >> (8 * bytes) == 0;

    /// <summary>A system register or SYS operation as bits 19:5 of its MRS/MSR/SYS word: o0 (op0 - 2, or 1 for
    /// SYS's op0 = 1), op1, CRn, CRm, op2.</summary>
    private static uint SysReg(uint op0, uint op1, uint crn, uint crm, uint op2) =>
        ((op0 & 1) << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;

    private static readonly uint DcZva = SysReg(1, 3, 7, 4, 1);
    private static readonly uint Nzcv = SysReg(3, 3, 4, 2, 0), Daif = SysReg(3, 3, 4, 2, 1), Fpcr = SysReg(3, 3, 4, 4, 0),
        Fpsr = SysReg(3, 3, 4, 4, 1), CurrentEl = SysReg(3, 0, 4, 2, 2), SpSel = SysReg(3, 0, 4, 2, 0);
    private static readonly HashSet<uint> ComparableSysRegs = [Nzcv, Daif, Fpcr, Fpsr, CurrentEl, SpSel];
    private static readonly HashSet<uint> WritableSysRegs = [Nzcv, Fpcr, Fpsr];
    /// <summary>The scalar floating-point rows whose ftype field selects half precision with ftype = 11 (FCVT between
    /// precisions is not among them: its half-precision forms are base FP).</summary>
    private const string ScalarFpRows = "FCVT_fixed_toint|CVTF_fixed|FCVT_int|CVTF_int|FCVTA_int|FMOV_general|FP_dp1|FCMP|" +
        "FMOV_imm|FCCMP|FP_dp2|FCSEL|FP_dp3";

    /// <summary>The FEAT_FP16 encoding classes of the AdvSIMD groups (Arm ARM C4.1.96: "three same (FP16)",
    /// "two-register miscellaneous (FP16)", and the half-precision forms of the others).</summary>
    private static bool IsAdvSimdHalfPrecision(uint w)
    {
        uint opcode5 = (w >> 12) & 31;
        if ((w & 0x9F60C400) == 0x0E400400 || (w & 0xDF60C400) == 0x5E400400) return true;   // three same FP16
        if ((w & 0x9F7E0C00) == 0x0E780800 || (w & 0xDF7E0C00) == 0x5E780800) return true;   // two-reg misc FP16
        if ((w & 0xBF7E0C00) == 0x0E300800 && opcode5 is 0b01100 or 0b01111) return true;    // FMAXNMV.. (H)
        if ((w & 0xFF7E0C00) == 0x5E300800 && opcode5 is 0b01100 or 0b01101 or 0b01111) return true;   // FADDP.. (H)
        // Shift by immediate, immh = 001x: the fixed-point conversions of halves.
        bool shift = (w & 0x9F800400) == 0x0F000400 || (w & 0xDF800400) == 0x5F000400;
        if (shift && (w >> 20 & 7) == 1 && (w >> 11 & 31) is 0b11100 or 0b11111) return true;
        if ((w & 0x9FF80C00) == 0x0F000C00) return true;                                      // FMOV (vector, H)
        // By element with size 00: FMLA, FMLS, FMUL, FMULX (H).
        bool elem = (w & 0x9FC00400) == 0x0F000000 || (w & 0xDFC00400) == 0x5F000000;
        uint op4 = (w >> 12) & 15;
        return elem && op4 is 0b0001 or 0b0101 or 0b1001;
    }

    /// <summary>The hint number CRm:op2 of a HINT word.</summary>
    private static uint Hint(uint w) => (w >> 5) & 0x7F;

    public static readonly Exclusion[] List =
    [
        // ---- Exception generating: always take an exception, there is no result to compare. ----
        new("SVC|HVC|SMC", "exception generating (supervisor/hypervisor/secure monitor call): always traps"),
        new("BRK", "exception generating: always takes a breakpoint exception"),
        new("HLT", "exception generating: halting debug / semihosting trap (Unicorn: UNDEFINED, FastArm: semihosting hook)"),

        // ---- Unicorn (QEMU 5.0) bugs, each confirmed against QEMU 7.2, which agrees with FastArm. ----
        new("LDAR|STLR|LDLAR|STLLR", "Unicorn bug: QEMU 5.0 does not check alignment of load-acquire/store-release " +
            "(Arm ARM: an unaligned LDAR/STLR takes an Alignment fault without FEAT_LSE2); QEMU 7.2 faults, as FastArm does",
            WhenState: (w, s) => Unaligned(w, s)),
        new("LDADD_etc", "Unicorn bug: QEMU 5.0's non-atomic LDSMAX/LDSMIN/LDUMAX/LDUMIN below 64 bits compares the " +
            "memory value zero-extended with the whole of Xs, unextended (fixed in QEMU 5.1, 'tcg: Fix do_nonatomic_op_* " +
            "vs signed operations'); QEMU 7.2 agrees with FastArm",
            WhenState: (w, s) =>
            {
                uint opc = (w >> 12) & 7;
                int bytes = Size(w);
                if (opc < 4 || bytes == 8) return false;
                return opc < 6 || !ZeroExtended(s.X[Rs(w)], bytes);
            }),
        new("STXR|STXP", "QEMU artefact (Unicorn and QEMU 7.2 alike): QEMU marks an unarmed exclusive monitor with " +
            "address -1, so a store-exclusive to address -1 is treated as armed and goes on to an alignment fault " +
            "(7.2) or an access to unmapped memory (5.0); architecturally the monitor is not armed and FastArm fails " +
            "the store with status 1",
            WhenState: (w, s) => Base(w, s) == ulong.MaxValue),
        new("STXR|STXP", "CONSTRAINED UNPREDICTABLE (Arm ARM B2.9.5): a store-exclusive whose size differs from the " +
            "load-exclusive that armed the monitor may pass or fail (QEMU compares the low bytes; FastArm fails it)",
            WhenState: (w, s) => s.ExclusiveArmed && s.ExclusiveAddress == Base(w, s) && s.ExclusiveSize != ExclusiveBytes(w)),

        // ---- System instructions: their effects are on state the fuzzer neither sets nor compares. ----
        new("ERET", "exception return: the result is ELR_EL1/SPSR_EL1, which the fuzzer does not set or compare"),
        new("MSR_imm", "system instruction: writes PSTATE fields (SPSel, DAIF, PAN, UAO...) the fuzzer does not compare"),
        new("SYSL", "system instruction with result (implementation defined encodings only)"),
        new("SYS", "system instruction: cache, TLB and address translation maintenance act on state the fuzzer does " +
            "not compare (DC ZVA, which writes memory, is fuzzed)", When: w => (w >> 5 & 0x7FFF) != DcZva),
        new("MRS", "system register read: only NZCV, DAIF, CurrentEL, SPSel, FPCR and FPSR are fuzzed; the others " +
            "are implementation specific (ID registers, timers, counters) or state the fuzzer does not set",
            When: w => !ComparableSysRegs.Contains(w >> 5 & 0x7FFF)),
        new("MSR_reg", "system register write: only NZCV, FPCR and FPSR are fuzzed (the others act on state the fuzzer " +
            "does not compare)", When: w => !WritableSysRegs.Contains(w >> 5 & 0x7FFF)),
        new("HINT", "WFE/WFI: Unicorn stops (EXCP_HLT), FastArm waits for an interrupt", When: w => Hint(w) is 2 or 3),
        new("HINT", "XPACLRI (FEAT_PAuth): Unicorn's max CPU strips the PAC field of X30, FastArm implements no " +
            "PAuth and executes it as a NOP, as the Arm ARM requires without the feature", When: w => Hint(w) == 7),

        new("SYS", "Unicorn bug: a DC ZVA that faults (here: outside the fuzzer's RAM) stops with PC past the " +
            "instruction; QEMU 7.2 reports the fault at the DC ZVA, as FastArm does",
            When: w => (w >> 5 & 0x7FFF) == DcZva,
            WhenState: (w, s) => !InRam(XOrZero(s, Rt(w)) & ~63UL)),

        // ---- Configuration differences: features Unicorn's max CPU has and FastArm does not implement. ----
        new(ScalarFpRows, "configuration: half-precision (ftype 11) data processing needs FEAT_FP16, which FastArm does " +
            "not implement (UNDEFINED); Unicorn's max CPU has it", When: w => (w >> 22 & 3) == 3),
        new("*", "configuration: AdvSIMD half-precision encodings (three same/two-reg misc/across lanes/pairwise/" +
            "by element FP16, FP16 fixed-point shifts, FMOV .4H/.8H) need FEAT_FP16, which FastArm does not implement",
            When: IsAdvSimdHalfPrecision),

        new("FMOV_general", "configuration: FJCVTZS needs FEAT_JSCVT, which FastArm does not implement (UNDEFINED); " +
            "Unicorn's max CPU has it", When: w => (w & 0xFFFFFC00) == 0x1E7E0000),

        // ---- Configuration differences: FastArm is an AArch64-only CPU, Unicorn's and QEMU's max have AArch32. ----
        new("MSR_reg", "configuration: FPSR[31:28] (AArch32 comparison flags) and FPCR[21:16] (AArch32 Len/Stride) " +
            "are RES0 without AArch32, as in FastArm; QEMU's max CPU implements AArch32 and keeps them. " +
            "FuzzExclusions.FitState clears them in most cases",
            When: w => (w >> 5 & 0x7FFF) == Fpsr || (w >> 5 & 0x7FFF) == Fpcr,
            WhenState: (w, s) => (XOrZero(s, Rt(w)) & ((w >> 5 & 0x7FFF) == Fpsr ? 0xF000_0000UL : 0x3F_0000UL)) != 0),

        // ---- Control flow: compared one at a time (PC is compared), never inside a straight-line block. ----
        new("B|BL|B_cond|CBZ|TBZ|BR|BLR|RET", "changes control flow", Scope: ExclusionScope.Blocks),
    ];

    /// <summary>
    /// Rows of which only a handful of encodings are fuzzed (MRS/MSR of the comparable registers, DC ZVA) would
    /// almost never be drawn with random bits: most of the time, point their system register field at one of them.
    /// </summary>
    public static uint Steer(A64Row row, uint word, ref FuzzRandom r)
    {
        uint[]? keys = row.Name switch
        {
            "MRS" => [.. ComparableSysRegs],
            "MSR_reg" => [.. WritableSysRegs],
            "SYS" => [DcZva],
            _ => null,
        };
        if (keys == null || !r.Chance(90)) return word;
        return (word & ~(0x7FFFu << 5)) | (r.Pick(keys) << 5);
    }

    /// <summary>
    /// Row-specific fitting of the input state, the counterpart of the state exclusions above: MSR FPSR/FPCR
    /// mostly get values without the AArch32-only bits, so the rest of the register is still compared; DC ZVA
    /// mostly gets an address in RAM.
    /// </summary>
    public static void FitState(A64Row row, uint word, ArchState s, ref FuzzRandom r)
    {
        // DC ZVA's address is in Xt: mostly inside the scratch buffer.
        if (row.Name == "SYS" && (word >> 5 & 0x7FFF) == DcZva && Rt(word) != 31 && r.Chance(85))
            s.X[Rt(word)] = StateGenerator.Pointer(ref r, DifferentialFuzzer.ScratchBase, DifferentialFuzzer.ScratchSize);
        // LDADD and friends below 64 bits: often a zero-extended Xs, so that the unsigned min/max (which the
        // QEMU 5.0 exclusion above covers only for Xs with high bits set) are compared too.
        if (row.Name == "LDADD_etc" && Size(word) < 8 && Rs(word) != 31 && r.Chance(50))
            s.X[Rs(word)] &= (1UL << (8 * Size(word))) - 1;
        if (row.Name != "MSR_reg" || Rt(word) == 31 || !r.Chance(90)) return;
        uint key = word >> 5 & 0x7FFF;
        if (key == Fpsr) s.X[Rt(word)] &= ~0xF000_0000UL;
        else if (key == Fpcr) s.X[Rt(word)] &= ~0x3F_0000UL;
    }

    /// <summary>The first exclusion covering <paramref name="word"/> of <paramref name="row"/>, alone or inside a
    /// block, or null.</summary>
    public static Exclusion? Find(A64Row row, uint word, bool inBlock)
    {
        foreach (var x in List)
        {
            if (x.Scope == ExclusionScope.Blocks && !inBlock) continue;
            if (x.WhenState != null) continue;
            if (!x.MatchesRow(row.Name)) continue;
            if (x.When == null || x.When(word)) return x;
        }
        return null;
    }

    /// <summary>The state-dependent exclusion that covers a disagreement of <paramref name="word"/> run from
    /// <paramref name="state"/>, or null.</summary>
    public static Exclusion? FindKnown(string row, uint word, ArchState state) =>
        List.FirstOrDefault(x => x.WhenState != null && x.MatchesRow(row) && (x.When == null || x.When(word)) && x.WhenState(word, state));

    /// <summary>True when <paramref name="row"/> is excluded for every word (so the fuzzer never draws it).</summary>
    public static bool ExcludesWholeRow(A64Row row, bool inBlock) =>
        List.Any(x => x.When == null && x.WhenState == null && (inBlock || x.Scope == ExclusionScope.Everywhere) && x.MatchesRow(row.Name));
}
