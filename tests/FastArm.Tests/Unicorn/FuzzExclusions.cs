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
/// '|'); <see cref="When"/>, if given, narrows it to the words for which it returns true.
/// </summary>
public sealed record Exclusion(string Rows, string Reason, Func<uint, bool>? When = null, ExclusionScope Scope = ExclusionScope.Everywhere)
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

    public static readonly Exclusion[] List =
    [
        // ---- Exception generating: always take an exception, there is no result to compare. ----
        new("SVC|HVC|SMC", "exception generating (supervisor/hypervisor/secure monitor call): always traps"),
        new("BRK", "exception generating: always takes a breakpoint exception"),
        new("HLT", "exception generating: halting debug / semihosting trap (Unicorn: UNDEFINED, FastArm: semihosting hook)"),

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
            if (!x.MatchesRow(row.Name)) continue;
            if (x.When == null || x.When(word)) return x;
        }
        return null;
    }

    /// <summary>True when <paramref name="row"/> is excluded for every word (so the fuzzer never draws it).</summary>
    public static bool ExcludesWholeRow(A64Row row, bool inBlock) =>
        List.Any(x => x.When == null && (inBlock || x.Scope == ExclusionScope.Everywhere) && x.MatchesRow(row.Name));
}
