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
    /// <summary>Bytes a STXR (bit 21 clear) or STXP (bit 21 set) stores.</summary>
    private static int ExclusiveBytes(uint w) => (w & (1u << 21)) == 0 ? Size(w) : 2 * Size(w);
    private static ulong Base(uint w, ArchState s) => Rn(w) == 31 ? s.Sp : s.X[Rn(w)];
    private static bool Unaligned(uint w, ArchState s) => (Base(w, s) & (ulong)(Size(w) - 1)) != 0;
    /// <summary>Are the bits of <paramref name="x"/> above an access of <paramref name="bytes"/> all zero?</summary>
    private static bool ZeroExtended(ulong x, int bytes) => bytes >= 8 || x >> (8 * bytes) == 0;

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

        // ---- Control flow: compared one at a time (PC is compared), never inside a straight-line block. ----
        new("B|BL", "changes control flow", Scope: ExclusionScope.Blocks),
    ];

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
