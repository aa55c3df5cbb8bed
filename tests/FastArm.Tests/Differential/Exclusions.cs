namespace FastArm.Tests.Differential;

/// <summary>
/// What the generator never produces, and why: results the Arm ARM leaves UNKNOWN, CONSTRAINED UNPREDICTABLE or
/// IMPLEMENTATION DEFINED (two correct implementations may differ), and behaviour QEMU 7.2 knowingly leaves out.
/// This is the one list; the generator refers to entries by name. docs/notes/testing.md repeats it.
/// </summary>
public static class Exclusions
{
    public sealed record Exclusion(string Name, string What, string Why);

    public static readonly Exclusion UnalignedAccess = new(nameof(UnalignedAccess),
        "every data address is aligned to its access size (pairs, LDXP/STXP and CASP to twice the element size)",
        "with the MMU off all data accesses are Device-nGnRnE, so an unaligned access takes an alignment fault " +
        "(Arm ARM D8.2.10, B2.5.2); QEMU 7.2 does not check this. Pair alignment: whether LDP/STP check the element " +
        "or the whole pair differs between architecture versions. (programs/alignment.c checks the fault itself.)");

    public static readonly Exclusion SpAlignment = new(nameof(SpAlignment),
        "SP stays 16-byte aligned and inside the scratch buffer; only ADD/SUB SP, #imm and SP writeback change it",
        "SCTLR_EL1.SA is set, and QEMU omits the SP alignment check (programs/alignment.c checks the fault); SP " +
        "must point into the buffer for SP-based accesses and for the epilogue");

    public static readonly Exclusion WritebackOverlap = new(nameof(WritebackOverlap),
        "no load/store with writeback whose transfer register(s) equal the base register",
        "CONSTRAINED UNPREDICTABLE (Arm ARM K1.2.6: LDR/STR/LDP/STP with writeback and Rt == Rn): the loaded or " +
        "stored value, or the base, is UNKNOWN");

    public static readonly Exclusion PairSameRegister = new(nameof(PairSameRegister),
        "no LDP, LDPSW, LDNP or LDXP/LDAXP with Rt == Rt2",
        "CONSTRAINED UNPREDICTABLE (Arm ARM K1.2.6): the register's value is UNKNOWN");

    public static readonly Exclusion StoreExclusiveOverlap = new(nameof(StoreExclusiveOverlap),
        "no STXR/STLXR/STXP/STLXP whose status register equals a transfer register or the base",
        "CONSTRAINED UNPREDICTABLE (Arm ARM C6.2, STXR: 'if s == t || (s == n && n != 31)')");

    public static readonly Exclusion ExclusivePairing = new(nameof(ExclusivePairing),
        "every store-exclusive follows a load-exclusive of the same address and size, with only register " +
        "data-processing instructions (or CLREX) between them",
        "whether an ordinary store to the marked address, or a store-exclusive to another address or size, clears " +
        "the monitor or succeeds is IMPLEMENTATION DEFINED (Arm ARM B2.9.5); QEMU compares values, FastArm tracks " +
        "the address");

    public static readonly Exclusion CaspRegisters = new(nameof(CaspRegisters),
        "CASP register pairs start at an even register below X30",
        "an odd first register is UNDEFINED and X30 pairs with XZR; neither is what the test is about");

    public static readonly Exclusion ThirtyTwoBitSp = new(nameof(ThirtyTwoBitSp),
        "no instruction writes SP except 64-bit ADD/SUB SP, SP, #imm and SP writeback",
        "a random value in SP would leave the scratch buffer (not UNKNOWN; the test needs SP to stay usable)");

    public static readonly Exclusion BackwardBranches = new(nameof(BackwardBranches),
        "branches only go forward within the sequence (B.cond, CBZ/CBNZ, TBZ/TBNZ, B, BL, BR/BLR/RET to an ADR label)",
        "a backward branch on random data may never end");

    public static readonly Exclusion SystemAndFp = new(nameof(SystemAndFp),
        "no system instructions except MRS/MSR NZCV and CLREX; no FP/SIMD",
        "system state would escape the sequence; FP/SIMD is a separate test");

    public static readonly Exclusion UnadvertisedFeatures = new(nameof(UnadvertisedFeatures),
        "only instructions of features FastArm's default CPU advertises (Feature.Default: base A64, LSE, CRC32)",
        "QEMU's -cpu max implements more (FlagM's CFINV/RMIF/SETF, LRCPC's LDAPR, ...); FastArm decodes an " +
        "instruction of a feature it does not advertise as UNDEFINED, on purpose, so the ID registers and the decoder agree");

    public static IReadOnlyList<Exclusion> All { get; } =
    [
        UnalignedAccess, SpAlignment, WritebackOverlap, PairSameRegister, StoreExclusiveOverlap, ExclusivePairing,
        CaspRegisters, ThirtyTwoBitSp, BackwardBranches, SystemAndFp, UnadvertisedFeatures,
    ];
}
