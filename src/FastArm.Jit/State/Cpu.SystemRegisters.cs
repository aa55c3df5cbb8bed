using FastArm.Jit.Decode;
using FastArm.Jit.Semantics;
using FastArm.Jit.State;
using FastArm.SoftMmu.Mmu;
using static FastArm.Jit.Exceptions.ExceptionClass;

namespace FastArm.Jit;

/// <summary>How an access to a system register or system instruction resolves (its trap or UNDEFINED).</summary>
internal enum SysAccess : byte
{
    Ok,
    Undefined,
    /// <summary>AArch64.SystemAccessTrap(EL1, 0x18); from EL0 with HCR_EL2.TGE = 1 it goes to EL2.</summary>
    TrapEl1,
    TrapEl2,
    TrapEl3,
    /// <summary>AArch64.AdvSIMDFPAccessTrap (EC 0x07); to EL1 it becomes EC 0x00 at EL2 under TGE.</summary>
    FpTrapEl1,
    FpTrapEl2,
    FpTrapEl3,
}

/// <summary>
/// One system register as the Arm ARM describes it (chapter D19, "AArch64 System Register Descriptions"): its
/// name and encoding, the lowest EL that may access it, how it reads and writes, its reset value, RES0/RES1
/// bits, the traps of its accessibility pseudocode and the side effects of a write.
/// </summary>
internal sealed record SysRegDef(string Name, uint Encoding)
{
    /// <summary>The lowest EL whose accesses are not UNDEFINED (before traps).</summary>
    public int MinEl { get; init; } = 1;
    /// <summary>The register exists only with this feature.</summary>
    public Feature Feature { get; init; }
    /// <summary>The register exists only on CPUs for which this holds (EL2, EL3, highest EL...).</summary>
    public Func<CpuConfig, bool>? Exists { get; init; }
    /// <summary>Reads the stored value (also the by-name API's read).</summary>
    public Func<Cpu, ulong> Get { get; init; } = static _ => 0;
    /// <summary>Stores a value (after the RES0/RES1 masks); null for a read-only register.</summary>
    public Action<Cpu, ulong>? Set { get; init; }
    /// <summary>What MRS returns when it differs from the stored value (MIDR_EL1 virtualized by VPIDR_EL2...).</summary>
    public Func<Cpu, ulong>? MrsGet { get; init; }
    public bool WriteOnly { get; init; }
    /// <summary>Reset value, written through <see cref="Set"/> at reset; null leaves the storage at 0.</summary>
    public ulong? Reset { get; init; }
    /// <summary>Bits that read as zero and ignore writes (unimplemented fields and RES0).</summary>
    public ulong Res0 { get; init; }
    /// <summary>Bits that read as one and ignore writes (RES1, RAO/WI).</summary>
    public ulong Res1 { get; init; }
    /// <summary>Masks that depend on the CPU (features, HCR_EL2.E2H): applied after Res0/Res1.</summary>
    public Func<Cpu, ulong, ulong>? Filter { get; init; }
    /// <summary>The traps of the register's accessibility pseudocode, in its order; (cpu, isRead).</summary>
    public Func<Cpu, bool, SysAccess>? Check { get; init; }
    /// <summary>Side effects of a write: (cpu, old value, new value).</summary>
    public Action<Cpu, ulong, ulong>? AfterWrite { get; init; }
    /// <summary>
    /// An EL2 register: it exists only with EL2, except that without EL2 it is RES0 from EL3 (Arm ARM D24.2,
    /// "If EL2 is not implemented, this register is RES0 from EL3").
    /// </summary>
    public bool El2Register { get; init; }
    /// <summary>With HCR_EL2.E2H = 1, an access at EL2 with this encoding reaches the named EL2 register.</summary>
    public string? E2hAlias { get; init; }
    /// <summary>The register has a *_EL12 encoding (op1 = 5) reaching it from EL2/EL3 when E2H = 1.</summary>
    public bool HasEl12 { get; init; }

    public bool ReadOnly => Set == null;

    public bool ExistsOn(CpuConfig config) =>
        (Feature & config.Features) == Feature && (Exists == null || Exists(config)) && (!El2Register || config.HasEl2);
}

/// <summary>
/// MRS/MSR and the system register file (Arm ARM D19), with the access checks of each register's pseudocode. The
/// register list below is the one place that knows a register's encoding, accessibility and storage.
/// </summary>
public sealed unsafe partial class Cpu
{
    // ---- bits the access checks use (Arm ARM D19.2) ----
    private const ulong HCR_VM = 1UL << 0, HCR_DC = 1UL << 12, HCR_TWI = 1UL << 13, HCR_TWE = 1UL << 14, HCR_TID1 = 1UL << 16,
        HCR_TID2 = 1UL << 17, HCR_TID3 = 1UL << 18, HCR_TACR = 1UL << 21, HCR_TSW = 1UL << 22, HCR_TPCP = 1UL << 23,
        HCR_TPU = 1UL << 24, HCR_TTLB = 1UL << 25, HCR_TVM = 1UL << 26, HCR_TDZ = 1UL << 28, HCR_TRVM = 1UL << 30,
        HCR_RW = 1UL << 31, HCR_CD = 1UL << 32, HCR_ID = 1UL << 33, HCR_TLOR = 1UL << 35, HCR_FB = 1UL << 9;
    private const ulong HCR_VF = 1UL << 6, HCR_VI = 1UL << 7, HCR_VSE = 1UL << 8;
    private const ulong SCR_RW = 1UL << 10, SCR_TWI = 1UL << 12, SCR_TWE = 1UL << 13, SCR_TLOR = 1UL << 14;
    private const ulong MDCR_TDA = 1UL << 9, MDCR_TDOSA = 1UL << 10, MDCR_TDRA = 1UL << 11;
    private const ulong CPTR_TFP = 1UL << 10, CPTR_TCPAC = 1UL << 31;
    private const ulong SCTLR_UMA = 1UL << 9, SCTLR_DZE = 1UL << 14, SCTLR_UCT = 1UL << 15, SCTLR_nTWI = 1UL << 16,
        SCTLR_nTWE = 1UL << 18, SCTLR_UCI = 1UL << 26;

    /// <summary>SCTLR_EL1 (and SCTLR_EL2 in the EL2&amp;0 regime) RES1 bits: LSMAOE, nTLSMD, EIS, TSCXT, EOS (their
    /// features are not implemented), and SED, ITD (EL0 cannot use AArch32).</summary>
    private const ulong SctlrEl1Res1 = 0x3050_0980;
    /// <summary>SCTLR_EL1 bits that are implemented (M A C SA SA0 UMA I DZE UCT nTWI nTWE WXN SPAN UCI); EE and E0E
    /// are RES0 because mixed endian is not implemented (ID_AA64MMFR0_EL1.BigEnd = BigEndEL0 = 0).</summary>
    private const ulong SctlrEl1Writable = 0x048D_D21F;
    /// <summary>SCTLR_EL2 (E2H = 0) and SCTLR_EL3: RES1 bits and implemented bits (M A C SA I WXN).</summary>
    private const ulong SctlrEl2Res1 = 0x30C5_0830, SctlrEl2Writable = 0x0008_100F;
    private const ulong SctlrDssbs = 1UL << 44;

    /// <summary>TCR_EL1 bits 38:0 except the RES0 bits 6 and 35, and HPD0/HPD1 (FEAT_HPDS).</summary>
    private const ulong TcrEl1Writable = 0x677_FFFF_FFBF;
    /// <summary>TCR_EL2 (E2H = 0)/TCR_EL3: T0SZ IRGN0 ORGN0 SH0 TG0 PS TBI HPD; bits 31 and 23 are RES1.</summary>
    private const ulong TcrEl2Writable = 0x0117_FF3F, TcrEl2Res1 = 0x8080_0000;

    private const uint IccSreEl1 = (3 << 14) | (0 << 11) | (12 << 7) | (12 << 3) | 5;

    private static uint Enc(uint op0, uint op1, uint crn, uint crm, uint op2) => SysRegEncoding.Make(op0, op1, crn, crm, op2);

    private static SysRegDef R(string name, uint op0, uint op1, uint crn, uint crm, uint op2, Func<Cpu, ulong> get, Action<Cpu, ulong>? set = null) =>
        new(name, Enc(op0, op1, crn, crm, op2)) { Get = get, Set = set };

    /// <summary>A read-only register whose value the CPU computes.</summary>
    private static SysRegDef RO(string name, uint op0, uint op1, uint crn, uint crm, uint op2, Func<Cpu, ulong> get) =>
        new(name, Enc(op0, op1, crn, crm, op2)) { Get = get };

    private static bool HasEl2(CpuConfig c) => c.HasEl2;
    private static bool HasEl3(CpuConfig c) => c.HasEl3;

    // ---------------------------------------------------------------------------------------------------------
    // The register file. Encodings are op0, op1, CRn, CRm, op2 as in the Arm ARM's "Accessing the register".
    // ---------------------------------------------------------------------------------------------------------
    private static List<SysRegDef> RegisterList()
    {
        var l = new List<SysRegDef>();
        // ---- Special-purpose registers (C5.2) ----
        l.Add(R("NZCV", 3, 3, 4, 2, 0, c => c.S.Nzcv, (c, v) => c.S.Nzcv = (uint)v) with { MinEl = 0, Res0 = ~0xF000_0000UL });
        l.Add(R("DAIF", 3, 3, 4, 2, 1, c => c.S.Daif, (c, v) => c.S.Daif = (uint)v) with
        {
            MinEl = 0, Res0 = ~0x3C0UL, Check = static (c, r) => c.El0SctlrTrap(SCTLR_UMA),
            AfterWrite = static (c, _, _) => c.SignalLinesChanged(),
        });
        l.Add(RO("CurrentEL", 3, 0, 4, 2, 2, c => (ulong)(uint)c.S.EL << 2));
        l.Add(R("SPSel", 3, 0, 4, 2, 0, c => (ulong)(uint)c.S.SpSel, (c, v) => c.S.SpSel = (int)(v & 1)) with { Res0 = ~1UL });
        l.Add(R("PAN", 3, 0, 4, 2, 3, c => c.S.PStateOther & CpuState.PStatePAN, (c, v) => c.SetPStateBit(CpuState.PStatePAN, v)) with
        { Feature = Feature.PAN, Res0 = ~CpuState.PStatePAN });
        l.Add(R("UAO", 3, 0, 4, 2, 4, c => c.S.PStateOther & CpuState.PStateUAO, (c, v) => c.SetPStateBit(CpuState.PStateUAO, v)) with
        { Feature = Feature.UAO, Res0 = ~CpuState.PStateUAO });
        l.Add(R("DIT", 3, 3, 4, 2, 5, c => c.S.PStateOther & CpuState.PStateDIT, (c, v) => c.SetPStateBit(CpuState.PStateDIT, v)) with
        { Feature = Feature.DIT, MinEl = 0, Res0 = ~CpuState.PStateDIT });
        l.Add(R("SSBS", 3, 3, 4, 2, 6, c => c.S.PStateOther & CpuState.PStateSSBS, (c, v) => c.SetPStateBit(CpuState.PStateSSBS, v)) with
        { Feature = Feature.SSBS, MinEl = 0, Res0 = ~CpuState.PStateSSBS });
        // FPCR: AHP DN FZ RMode (+FZ16); Len/Stride and the trap enables are RES0 (no AArch32, no FP exception traps).
        l.Add(R("FPCR", 3, 3, 4, 4, 0, c => c.S.Fpcr, (c, v) => c.S.Fpcr = (uint)v) with
        {
            Feature = Feature.FP, MinEl = 0, Res0 = ~0x07C8_0000UL,
            Filter = static (c, v) => (c.Features & Feature.FP16) != 0 ? v : v & ~(1UL << 19),
            Check = static (c, r) => c.FPAccessCheck(),
        });
        // FPSR: QC and the cumulative flags; NZCV (bits 31:28) exist only for AArch32.
        l.Add(R("FPSR", 3, 3, 4, 4, 1, c => c.S.Fpsr, (c, v) => c.S.Fpsr = (uint)v) with
        { Feature = Feature.FP, MinEl = 0, Res0 = ~0x0800_009FUL, Check = static (c, r) => c.FPAccessCheck() });
        l.Add(R("SP_EL0", 3, 0, 4, 1, 0, c => c.S.SpEl[0], (c, v) => c.S.SpEl[0] = v) with
        { Check = static (c, r) => c.S.SpSel == 0 ? SysAccess.Undefined : SysAccess.Ok });   // UNDEFINED while it is the SP
        l.Add(R("SP_EL1", 3, 4, 4, 1, 0, c => c.S.SpEl[1], (c, v) => c.S.SpEl[1] = v) with { MinEl = 2 });
        l.Add(R("SP_EL2", 3, 6, 4, 1, 0, c => c.S.SpEl[2], (c, v) => c.S.SpEl[2] = v) with { MinEl = 3, El2Register = true });
        l.Add(R("SPSR_EL1", 3, 0, 4, 0, 0, c => c.S.SPSR[1], (c, v) => c.S.SPSR[1] = v) with
        { Filter = SpsrFilter, E2hAlias = "SPSR_EL2", HasEl12 = true });
        l.Add(R("ELR_EL1", 3, 0, 4, 0, 1, c => c.S.ELR[1], (c, v) => c.S.ELR[1] = v) with { E2hAlias = "ELR_EL2", HasEl12 = true });
        l.Add(R("SPSR_EL2", 3, 4, 4, 0, 0, c => c.S.SPSR[2], (c, v) => c.S.SPSR[2] = v) with { MinEl = 2, El2Register = true, Filter = SpsrFilter });
        l.Add(R("ELR_EL2", 3, 4, 4, 0, 1, c => c.S.ELR[2], (c, v) => c.S.ELR[2] = v) with { MinEl = 2, El2Register = true });
        l.Add(R("SPSR_EL3", 3, 6, 4, 0, 0, c => c.S.SPSR[3], (c, v) => c.S.SPSR[3] = v) with { MinEl = 3, Exists = HasEl3, Filter = SpsrFilter });
        l.Add(R("ELR_EL3", 3, 6, 4, 0, 1, c => c.S.ELR[3], (c, v) => c.S.ELR[3] = v) with { MinEl = 3, Exists = HasEl3 });

        // ---- Identification (D19.2: MIDR_EL1 ... DCZID_EL0) ----
        l.Add(RO("MIDR_EL1", 3, 0, 0, 0, 0, c => c.Config.Midr) with
        { MrsGet = static c => c.S.EL == 1 && c.El2Enabled ? c.S.Sys.VPIDR_EL2 : c.Config.Midr });   // virtualized at EL1
        l.Add(RO("MPIDR_EL1", 3, 0, 0, 0, 5, c => c.Mpidr) with
        { MrsGet = static c => c.S.EL == 1 && c.El2Enabled ? c.S.Sys.VMPIDR_EL2 : c.Mpidr });
        l.Add(RO("REVIDR_EL1", 3, 0, 0, 0, 6, c => 0) with { Check = static (c, r) => c.HcrTrapEl1(HCR_TID1) });
        l.Add(RO("AIDR_EL1", 3, 1, 0, 0, 7, c => 0) with { Check = static (c, r) => c.HcrTrapEl1(HCR_TID1) });
        l.AddRange(IdRegisterSpace());
        l.Add(RO("CLIDR_EL1", 3, 1, 0, 0, 1, c => ClidrValue) with { Check = static (c, r) => c.HcrTrapEl1(HCR_TID2) });
        l.Add(RO("CCSIDR_EL1", 3, 1, 0, 0, 0, c => CcsidrValue(c.S.Sys.CSSELR_EL1)) with { Check = static (c, r) => c.HcrTrapEl1(HCR_TID2) });
        l.Add(R("CSSELR_EL1", 3, 2, 0, 0, 0, c => c.S.Sys.CSSELR_EL1, (c, v) => c.S.Sys.CSSELR_EL1 = v) with
        { Res0 = ~0xFUL, Check = static (c, r) => c.HcrTrapEl1(HCR_TID2) });
        l.Add(RO("CTR_EL0", 3, 3, 0, 0, 1, c => CtrValue) with
        {
            MinEl = 0,
            Check = static (c, r) => c.El0SctlrTrap(SCTLR_UCT) is var a && a != SysAccess.Ok ? a : c.HcrTrapEl01(HCR_TID2),
        });
        l.Add(RO("DCZID_EL0", 3, 3, 0, 0, 7, c => c.DczidValue()) with { MinEl = 0 });
        l.Add(R("VPIDR_EL2", 3, 4, 0, 0, 0, c => c.S.Sys.VPIDR_EL2, (c, v) => c.S.Sys.VPIDR_EL2 = v) with
        { MinEl = 2, El2Register = true, Res0 = ~0xFFFF_FFFFUL });
        l.Add(R("VMPIDR_EL2", 3, 4, 0, 0, 5, c => c.S.Sys.VMPIDR_EL2, (c, v) => c.S.Sys.VMPIDR_EL2 = v) with
        { MinEl = 2, El2Register = true, Res0 = 0xFFFF_FF00_3E00_0000UL, Res1 = 1UL << 31 });

        // ---- System control ----
        l.Add(R("SCTLR_EL1", 3, 0, 1, 0, 0, c => c.S.SCTLR[1], (c, v) => c.S.SCTLR[1] = v) with
        {
            Reset = 0x30D0_0980, Filter = static (c, v) => c.SctlrEl1Format(v), Check = VmRegTrap, E2hAlias = "SCTLR_EL2", HasEl12 = true,
            AfterWrite = static (c, o, n) => c.TranslationControlWritten(1, o, n),
        });
        l.Add(R("ACTLR_EL1", 3, 0, 1, 0, 1, c => c.S.Sys.ACTLR_EL1, (c, v) => c.S.Sys.ACTLR_EL1 = v) with
        { Check = static (c, r) => c.HcrTrapEl1(HCR_TACR) });
        // CPACR_EL1: FPEN and TTA. FPEN resets to 0b11 (the Arm ARM leaves it UNKNOWN) so that bare code can use FP.
        l.Add(R("CPACR_EL1", 3, 0, 1, 0, 2, c => c.S.Sys.CPACR_EL1, (c, v) => c.S.Sys.CPACR_EL1 = v) with
        { Reset = 3UL << 20, Res0 = ~0x1030_0000UL, Check = CpacrTrap, E2hAlias = "CPTR_EL2", HasEl12 = true });
        l.Add(R("SCTLR_EL2", 3, 4, 1, 0, 0, c => c.S.SCTLR[2], (c, v) => c.S.SCTLR[2] = v) with
        {
            MinEl = 2, El2Register = true, Reset = SctlrEl2Res1, Filter = static (c, v) => c.SctlrEl2Format(v),
            AfterWrite = static (c, o, n) => c.TranslationControlWritten(2, o, n),
        });
        l.Add(R("ACTLR_EL2", 3, 4, 1, 0, 1, c => c.S.Sys.ACTLR_EL2, (c, v) => c.S.Sys.ACTLR_EL2 = v) with { MinEl = 2, El2Register = true });
        l.Add(R("HCR_EL2", 3, 4, 1, 1, 0, c => c.S.Sys.HCR_EL2, (c, v) => c.S.Sys.HCR_EL2 = v) with
        {
            MinEl = 2, El2Register = true, Res0 = ~(0x7FFF_FFFFUL | HCR_RW | HCR_CD | HCR_ID | HCR_E2H | HCR_TLOR), Res1 = HCR_RW,
            Filter = static (c, v) => v & ~((c.Features & Feature.VHE) == 0 ? HCR_E2H : 0) & ~((c.Features & Feature.LOR) == 0 ? HCR_TLOR : 0),
            AfterWrite = static (c, o, n) => c.HcrWritten(o, n),
        });
        l.Add(R("MDCR_EL2", 3, 4, 1, 1, 1, c => c.S.Sys.MDCR_EL2, (c, v) => c.S.Sys.MDCR_EL2 = v) with
        { MinEl = 2, El2Register = true, Res0 = ~0xF00UL });   // TDE TDA TDOSA TDRA; the PMU fields are RES0 without a PMU
        // CPTR_EL2: E2H = 0 layout TFP/TTA/TCPAC with RES1 bits 13:12, 9:0; E2H = 1 layout FPEN/TTA/TCPAC.
        l.Add(R("CPTR_EL2", 3, 4, 1, 1, 2, c => c.S.Sys.CPTR_EL2, (c, v) => c.S.Sys.CPTR_EL2 = v) with
        {
            MinEl = 2, El2Register = true, Reset = 0x33FF, Filter = static (c, v) => c.E2h ? v & 0x9030_0000UL : (v & 0x8010_0400UL) | 0x33FF,
            Check = static (c, r) => c.CptrEl3Tcpac(),
        });
        l.Add(R("HSTR_EL2", 3, 4, 1, 1, 3, c => c.S.Sys.HSTR_EL2, (c, v) => c.S.Sys.HSTR_EL2 = v) with
        { MinEl = 2, El2Register = true, Res0 = ~0xBFEFUL });
        l.Add(R("HACR_EL2", 3, 4, 1, 1, 7, c => c.S.Sys.HACR_EL2, (c, v) => c.S.Sys.HACR_EL2 = v) with { MinEl = 2, El2Register = true });
        l.Add(R("SCTLR_EL3", 3, 6, 1, 0, 0, c => c.S.SCTLR[3], (c, v) => c.S.SCTLR[3] = v) with
        {
            MinEl = 3, Exists = HasEl3, Reset = SctlrEl2Res1, Res0 = ~(SctlrEl2Writable | SctlrDssbs), Res1 = SctlrEl2Res1,
            Filter = static (c, v) => (c.Features & Feature.SSBS) != 0 ? v : v & ~SctlrDssbs,
            AfterWrite = static (c, o, n) => c.TranslationControlWritten(3, o, n),
        });
        l.Add(R("ACTLR_EL3", 3, 6, 1, 0, 1, c => c.S.Sys.ACTLR_EL3, (c, v) => c.S.Sys.ACTLR_EL3 = v) with { MinEl = 3, Exists = HasEl3 });
        // SCR_EL3: bits 5:4 RES1, RW RAO/WI (no AArch32 below EL3).
        l.Add(R("SCR_EL3", 3, 6, 1, 1, 0, c => c.S.Sys.SCR_EL3, (c, v) => c.S.Sys.SCR_EL3 = v) with
        {
            MinEl = 3, Exists = HasEl3, Reset = 0x430, Res0 = ~0x7FBFUL, Res1 = 0x430,
            Filter = static (c, v) => (c.Features & Feature.LOR) != 0 ? v : v & ~SCR_TLOR,
            AfterWrite = static (c, o, n) => c.ScrWritten(o, n),
        });
        l.Add(R("CPTR_EL3", 3, 6, 1, 1, 2, c => c.S.Sys.CPTR_EL3, (c, v) => c.S.Sys.CPTR_EL3 = v) with
        { MinEl = 3, Exists = HasEl3, Res0 = ~0x8010_0400UL });
        l.Add(R("MDCR_EL3", 3, 6, 1, 3, 1, c => c.S.Sys.MDCR_EL3, (c, v) => c.S.Sys.MDCR_EL3 = v) with
        { MinEl = 3, Exists = HasEl3, Res0 = ~0x0031_0600UL });

        // ---- Translation (VMSA) registers; the TLB is told about writes that may change translation ----
        l.Add(R("TTBR0_EL1", 3, 0, 2, 0, 0, c => c.S.TTBR0[1], (c, v) => c.S.TTBR0[1] = v) with
        { Res0 = 1, Check = VmRegTrap, E2hAlias = "TTBR0_EL2", HasEl12 = true, AfterWrite = static (c, o, n) => c.Ttbr0Written(o, n) });
        l.Add(R("TTBR1_EL1", 3, 0, 2, 0, 1, c => c.S.TTBR1[1], (c, v) => c.S.TTBR1[1] = v) with
        { Res0 = 1, Check = VmRegTrap, E2hAlias = "TTBR1_EL2", HasEl12 = true, AfterWrite = static (c, o, n) => c.TtbrWritten(1, o, n) });
        l.Add(R("TCR_EL1", 3, 0, 2, 0, 2, c => c.S.TCR[1], (c, v) => c.S.TCR[1] = v) with
        {
            Filter = static (c, v) => v & c.TcrEl1Mask, Check = VmRegTrap, E2hAlias = "TCR_EL2", HasEl12 = true,
            AfterWrite = static (c, o, n) => c.TranslationControlWritten(1, o, n),
        });
        l.Add(R("TTBR0_EL2", 3, 4, 2, 0, 0, c => c.S.TTBR0[2], (c, v) => c.S.TTBR0[2] = v) with
        { MinEl = 2, El2Register = true, Res0 = 1, AfterWrite = static (c, o, n) => c.TtbrWritten(2, o, n) });
        l.Add(R("TTBR1_EL2", 3, 4, 2, 0, 1, c => c.S.Sys.TTBR1_EL2, (c, v) => c.S.Sys.TTBR1_EL2 = v) with
        { MinEl = 2, El2Register = true, Feature = Feature.VHE, Res0 = 1, AfterWrite = static (c, o, n) => c.TtbrWritten(2, o, n) });
        l.Add(R("TCR_EL2", 3, 4, 2, 0, 2, c => c.S.TCR[2], (c, v) => c.S.TCR[2] = v) with
        {
            MinEl = 2, El2Register = true, Reset = TcrEl2Res1,
            Filter = static (c, v) => c.E2h ? v & c.TcrEl1Mask : (v & c.TcrEl2Mask) | TcrEl2Res1,
            AfterWrite = static (c, o, n) => c.TranslationControlWritten(2, o, n),
        });
        l.Add(R("VTTBR_EL2", 3, 4, 2, 1, 0, c => c.S.Sys.VTTBR_EL2, (c, v) => c.S.Sys.VTTBR_EL2 = v) with
        { MinEl = 2, El2Register = true, Res0 = ~0x00FF_FFFF_FFFF_FFFEUL });
        l.Add(R("VTCR_EL2", 3, 4, 2, 1, 2, c => c.S.Sys.VTCR_EL2, (c, v) => c.S.Sys.VTCR_EL2 = v) with
        { MinEl = 2, El2Register = true, Reset = 1UL << 31, Res0 = ~0x8007_FFFFUL, Res1 = 1UL << 31 });
        l.Add(R("TTBR0_EL3", 3, 6, 2, 0, 0, c => c.S.TTBR0[3], (c, v) => c.S.TTBR0[3] = v) with
        { MinEl = 3, Exists = HasEl3, Res0 = 1, AfterWrite = static (c, o, n) => c.TtbrWritten(3, o, n) });
        l.Add(R("TCR_EL3", 3, 6, 2, 0, 2, c => c.S.TCR[3], (c, v) => c.S.TCR[3] = v) with
        {
            MinEl = 3, Exists = HasEl3, Reset = TcrEl2Res1, Res1 = TcrEl2Res1, Filter = static (c, v) => v & (c.TcrEl2Mask | TcrEl2Res1),
            AfterWrite = static (c, o, n) => c.TranslationControlWritten(3, o, n),
        });
        l.Add(R("MAIR_EL1", 3, 0, 10, 2, 0, c => c.S.MAIR[1], (c, v) => c.S.MAIR[1] = v) with
        { Check = VmRegTrap, E2hAlias = "MAIR_EL2", HasEl12 = true, AfterWrite = static (c, o, n) => c.TranslationControlWritten(1, o, n) });
        l.Add(R("AMAIR_EL1", 3, 0, 10, 3, 0, c => c.S.Sys.AMAIR_EL1, (c, v) => c.S.Sys.AMAIR_EL1 = v) with
        { Check = VmRegTrap, E2hAlias = "AMAIR_EL2", HasEl12 = true });
        l.Add(R("MAIR_EL2", 3, 4, 10, 2, 0, c => c.S.MAIR[2], (c, v) => c.S.MAIR[2] = v) with
        { MinEl = 2, El2Register = true, AfterWrite = static (c, o, n) => c.TranslationControlWritten(2, o, n) });
        l.Add(R("AMAIR_EL2", 3, 4, 10, 3, 0, c => c.S.Sys.AMAIR_EL2, (c, v) => c.S.Sys.AMAIR_EL2 = v) with { MinEl = 2, El2Register = true });
        l.Add(R("MAIR_EL3", 3, 6, 10, 2, 0, c => c.S.MAIR[3], (c, v) => c.S.MAIR[3] = v) with
        { MinEl = 3, Exists = HasEl3, AfterWrite = static (c, o, n) => c.TranslationControlWritten(3, o, n) });
        l.Add(R("AMAIR_EL3", 3, 6, 10, 3, 0, c => c.S.Sys.AMAIR_EL3, (c, v) => c.S.Sys.AMAIR_EL3 = v) with { MinEl = 3, Exists = HasEl3 });
        l.Add(R("PAR_EL1", 3, 0, 7, 4, 0, c => c.S.Sys.PAR_EL1, (c, v) => c.S.Sys.PAR_EL1 = v));
        l.Add(R("CONTEXTIDR_EL1", 3, 0, 13, 0, 1, c => c.S.Sys.CONTEXTIDR_EL1, (c, v) => c.S.Sys.CONTEXTIDR_EL1 = v) with
        { Res0 = ~0xFFFF_FFFFUL, Check = VmRegTrap, E2hAlias = "CONTEXTIDR_EL2", HasEl12 = true });
        l.Add(R("CONTEXTIDR_EL2", 3, 4, 13, 0, 1, c => c.S.Sys.CONTEXTIDR_EL2, (c, v) => c.S.Sys.CONTEXTIDR_EL2 = v) with
        { MinEl = 2, El2Register = true, Feature = Feature.VHE, Res0 = ~0xFFFF_FFFFUL });

        // ---- LORegions (FEAT_LOR): no regions (LORID_EL1 = 0), the registers are storage ----
        l.Add(R("LORSA_EL1", 3, 0, 10, 4, 0, c => c.S.Sys.LORSA_EL1, (c, v) => c.S.Sys.LORSA_EL1 = v) with
        { Feature = Feature.LOR, Res0 = ~0x000F_FFFF_FFFF_0001UL, Check = LorTrap });
        l.Add(R("LOREA_EL1", 3, 0, 10, 4, 1, c => c.S.Sys.LOREA_EL1, (c, v) => c.S.Sys.LOREA_EL1 = v) with
        { Feature = Feature.LOR, Res0 = ~0x000F_FFFF_FFFF_0000UL, Check = LorTrap });
        l.Add(R("LORN_EL1", 3, 0, 10, 4, 2, c => c.S.Sys.LORN_EL1, (c, v) => c.S.Sys.LORN_EL1 = v) with
        { Feature = Feature.LOR, Res0 = ~0xFFUL, Check = LorTrap });
        l.Add(R("LORC_EL1", 3, 0, 10, 4, 3, c => c.S.Sys.LORC_EL1, (c, v) => c.S.Sys.LORC_EL1 = v) with
        { Feature = Feature.LOR, Res0 = ~0x3FDUL, Check = LorTrap });
        l.Add(RO("LORID_EL1", 3, 0, 10, 4, 7, c => 0) with { Feature = Feature.LOR, Check = LorTrap });

        // ---- Exception handling ----
        l.Add(R("AFSR0_EL1", 3, 0, 5, 1, 0, c => c.S.Sys.AFSR0_EL1, (c, v) => c.S.Sys.AFSR0_EL1 = v) with
        { Check = VmRegTrap, E2hAlias = "AFSR0_EL2", HasEl12 = true });
        l.Add(R("AFSR1_EL1", 3, 0, 5, 1, 1, c => c.S.Sys.AFSR1_EL1, (c, v) => c.S.Sys.AFSR1_EL1 = v) with
        { Check = VmRegTrap, E2hAlias = "AFSR1_EL2", HasEl12 = true });
        l.Add(R("ESR_EL1", 3, 0, 5, 2, 0, c => c.S.ESR[1], (c, v) => c.S.ESR[1] = v) with
        { Res0 = ~0xFFFF_FFFFUL, Check = VmRegTrap, E2hAlias = "ESR_EL2", HasEl12 = true });
        l.Add(R("FAR_EL1", 3, 0, 6, 0, 0, c => c.S.FAR[1], (c, v) => c.S.FAR[1] = v) with
        { Check = VmRegTrap, E2hAlias = "FAR_EL2", HasEl12 = true });
        l.Add(R("VBAR_EL1", 3, 0, 12, 0, 0, c => c.S.VBAR[1], (c, v) => c.S.VBAR[1] = v) with
        { Res0 = 0x7FF, E2hAlias = "VBAR_EL2", HasEl12 = true });
        l.Add(RO("ISR_EL1", 3, 0, 12, 1, 0, c => c.IsrValue()));
        l.Add(RO("RVBAR_EL1", 3, 0, 12, 0, 1, c => c.S.Sys.RVBAR) with { Exists = static c => !c.HasEl2 && !c.HasEl3 });
        l.Add(R("AFSR0_EL2", 3, 4, 5, 1, 0, c => c.S.Sys.AFSR0_EL2, (c, v) => c.S.Sys.AFSR0_EL2 = v) with { MinEl = 2, El2Register = true });
        l.Add(R("AFSR1_EL2", 3, 4, 5, 1, 1, c => c.S.Sys.AFSR1_EL2, (c, v) => c.S.Sys.AFSR1_EL2 = v) with { MinEl = 2, El2Register = true });
        l.Add(R("ESR_EL2", 3, 4, 5, 2, 0, c => c.S.ESR[2], (c, v) => c.S.ESR[2] = v) with { MinEl = 2, El2Register = true, Res0 = ~0xFFFF_FFFFUL });
        l.Add(R("FAR_EL2", 3, 4, 6, 0, 0, c => c.S.FAR[2], (c, v) => c.S.FAR[2] = v) with { MinEl = 2, El2Register = true });
        l.Add(R("HPFAR_EL2", 3, 4, 6, 0, 4, c => c.S.Sys.HPFAR_EL2, (c, v) => c.S.Sys.HPFAR_EL2 = v) with
        { MinEl = 2, El2Register = true, Res0 = ~0x0FFF_FFFF_FFF0UL });
        l.Add(R("VBAR_EL2", 3, 4, 12, 0, 0, c => c.S.VBAR[2], (c, v) => c.S.VBAR[2] = v) with { MinEl = 2, El2Register = true, Res0 = 0x7FF });
        l.Add(RO("RVBAR_EL2", 3, 4, 12, 0, 1, c => c.S.Sys.RVBAR) with { MinEl = 2, Exists = static c => c.HasEl2 && !c.HasEl3 });
        l.Add(R("AFSR0_EL3", 3, 6, 5, 1, 0, c => c.S.Sys.AFSR0_EL3, (c, v) => c.S.Sys.AFSR0_EL3 = v) with { MinEl = 3, Exists = HasEl3 });
        l.Add(R("AFSR1_EL3", 3, 6, 5, 1, 1, c => c.S.Sys.AFSR1_EL3, (c, v) => c.S.Sys.AFSR1_EL3 = v) with { MinEl = 3, Exists = HasEl3 });
        l.Add(R("ESR_EL3", 3, 6, 5, 2, 0, c => c.S.ESR[3], (c, v) => c.S.ESR[3] = v) with { MinEl = 3, Exists = HasEl3, Res0 = ~0xFFFF_FFFFUL });
        l.Add(R("FAR_EL3", 3, 6, 6, 0, 0, c => c.S.FAR[3], (c, v) => c.S.FAR[3] = v) with { MinEl = 3, Exists = HasEl3 });
        l.Add(R("VBAR_EL3", 3, 6, 12, 0, 0, c => c.S.VBAR[3], (c, v) => c.S.VBAR[3] = v) with { MinEl = 3, Exists = HasEl3, Res0 = 0x7FF });
        l.Add(RO("RVBAR_EL3", 3, 6, 12, 0, 1, c => c.S.Sys.RVBAR) with { MinEl = 3, Exists = HasEl3 });

        // ---- Thread ID ----
        l.Add(R("TPIDR_EL0", 3, 3, 13, 0, 2, c => c.S.TPIDR[0], (c, v) => c.S.TPIDR[0] = v) with { MinEl = 0 });
        l.Add(R("TPIDRRO_EL0", 3, 3, 13, 0, 3, c => c.S.Sys.TPIDRRO_EL0, (c, v) => c.S.Sys.TPIDRRO_EL0 = v) with
        { MinEl = 0, Check = static (c, r) => c.S.EL == 0 && !r ? SysAccess.Undefined : SysAccess.Ok });   // read-only at EL0
        l.Add(R("TPIDR_EL1", 3, 0, 13, 0, 4, c => c.S.TPIDR[1], (c, v) => c.S.TPIDR[1] = v));
        l.Add(R("TPIDR_EL2", 3, 4, 13, 0, 2, c => c.S.TPIDR[2], (c, v) => c.S.TPIDR[2] = v) with { MinEl = 2, El2Register = true });
        l.Add(R("TPIDR_EL3", 3, 6, 13, 0, 2, c => c.S.TPIDR[3], (c, v) => c.S.TPIDR[3] = v) with { MinEl = 3, Exists = HasEl3 });

        // ---- Generic timer controls that are storage; the timer registers themselves (CNT*) are a device ----
        l.Add(R("CNTKCTL_EL1", 3, 0, 14, 1, 0, c => c.S.Sys.CNTKCTL_EL1, (c, v) => c.S.Sys.CNTKCTL_EL1 = v) with
        { Res0 = ~0x3FFUL, E2hAlias = "CNTHCTL_EL2", HasEl12 = true });
        l.Add(R("CNTHCTL_EL2", 3, 4, 14, 1, 0, c => c.S.Sys.CNTHCTL_EL2, (c, v) => c.S.Sys.CNTHCTL_EL2 = v) with
        { MinEl = 2, El2Register = true, Reset = 3, Res0 = ~0x3FFFFUL });
        l.Add(R("CNTVOFF_EL2", 3, 4, 14, 0, 3, c => c.S.Sys.CNTVOFF_EL2, (c, v) => c.S.Sys.CNTVOFF_EL2 = v) with { MinEl = 2, El2Register = true });

        // ---- Self-hosted debug (D2, D19.3): storage only, no debug events are generated ----
        l.Add(R("MDSCR_EL1", 2, 0, 0, 2, 2, c => c.S.Sys.MDSCR_EL1, (c, v) => c.S.Sys.MDSCR_EL1 = v) with
        { Res0 = ~0x6CE8_F041UL, Check = DebugTda });
        l.Add(R("MDCCINT_EL1", 2, 0, 0, 2, 0, c => c.S.Sys.MDCCINT_EL1, (c, v) => c.S.Sys.MDCCINT_EL1 = v) with
        { Res0 = ~0x6000_0000UL, Check = DebugTda });
        l.Add(RO("MDCCSR_EL0", 2, 3, 0, 1, 0, c => 0) with { MinEl = 0, Check = DccTrap });
        l.Add(R("DBGDTR_EL0", 2, 3, 0, 4, 0, c => 0, (c, v) => { }) with { MinEl = 0, Check = DccTrap });
        l.Add(R("DBGDTRRX_EL0", 2, 3, 0, 5, 0, c => 0, (c, v) => { }) with { MinEl = 0, Check = DccTrap });   // DBGDTRTX_EL0 on write
        l.Add(RO("MDRAR_EL1", 2, 0, 1, 0, 0, c => 0) with { Check = DebugTdra });   // ROMADDRV = 0: no ROM table
        l.Add(R("OSLAR_EL1", 2, 0, 1, 0, 4, c => 0, (c, v) => { }) with
        { WriteOnly = true, Check = DebugTdosa, AfterWrite = static (c, _, n) => c.S.Sys.OSLSR_EL1 = (c.S.Sys.OSLSR_EL1 & ~2UL) | ((n & 1) << 1) });
        // OSLSR_EL1: OSLM = 0b10 (the OS lock is implemented), OSLK set at cold reset.
        l.Add(RO("OSLSR_EL1", 2, 0, 1, 1, 4, c => c.S.Sys.OSLSR_EL1) with { Check = DebugTdosa });
        l.Add(R("OSDLR_EL1", 2, 0, 1, 3, 4, c => c.S.Sys.OSDLR_EL1, (c, v) => c.S.Sys.OSDLR_EL1 = v) with { Res0 = ~1UL, Check = DebugTdosa });
        l.Add(R("DBGPRCR_EL1", 2, 0, 1, 4, 4, c => c.S.Sys.DBGPRCR_EL1, (c, v) => c.S.Sys.DBGPRCR_EL1 = v) with { Res0 = ~1UL, Check = DebugTdosa });
        l.Add(R("DBGCLAIMSET_EL1", 2, 0, 7, 8, 6, c => 0xFF, (c, v) => c.S.Sys.DBGCLAIM |= v & 0xFF) with { Check = DebugTda });
        l.Add(R("DBGCLAIMCLR_EL1", 2, 0, 7, 9, 6, c => c.S.Sys.DBGCLAIM, (c, v) => c.S.Sys.DBGCLAIM &= ~(v & 0xFF)) with { Check = DebugTda });
        for (uint n = 0; n < Breakpoints; n++)
        {
            int i = (int)n;
            l.Add(R($"DBGBVR{n}_EL1", 2, 0, 0, n, 4, c => c.S.Sys.DBGBVR[i], (c, v) => c.S.Sys.DBGBVR[i] = v) with { Check = DebugTda });
            l.Add(R($"DBGBCR{n}_EL1", 2, 0, 0, n, 5, c => c.S.Sys.DBGBCR[i], (c, v) => c.S.Sys.DBGBCR[i] = v) with { Res0 = ~0xFF_E1E7UL, Check = DebugTda });
        }
        for (uint n = 0; n < Watchpoints; n++)
        {
            int i = (int)n;
            l.Add(R($"DBGWVR{n}_EL1", 2, 0, 0, n, 6, c => c.S.Sys.DBGWVR[i], (c, v) => c.S.Sys.DBGWVR[i] = v) with { Res0 = 3, Check = DebugTda });
            l.Add(R($"DBGWCR{n}_EL1", 2, 0, 0, n, 7, c => c.S.Sys.DBGWCR[i], (c, v) => c.S.Sys.DBGWCR[i] = v) with { Res0 = ~0x1F1F_FFFFUL, Check = DebugTda });
        }
        return l;
    }

    /// <summary>Breakpoints and watchpoints advertised by ID_AA64DFR0_EL1 (the architectural minimum is 2 and 2).</summary>
    private const int Breakpoints = 6, Watchpoints = 4;

    /// <summary>
    /// The ID register space op0 = 3, op1 = 0, CRn = 0, CRm = 1..7 (Arm ARM D19.1.? "reserved ID registers"): every
    /// encoding is a read-only register trapped by HCR_EL2.TID3; the ones not described read as zero. The AArch32 ID
    /// registers read as zero too, as allowed when AArch32 is not implemented at any EL.
    /// </summary>
    private static List<SysRegDef> IdRegisterSpace()
    {
        var l = new List<SysRegDef>();
        var known = new Dictionary<(uint, uint), (string Name, Func<Cpu, ulong> Value)>
        {
            [(4, 0)] = ("ID_AA64PFR0_EL1", c => c.IdAa64Pfr0()),
            [(4, 1)] = ("ID_AA64PFR1_EL1", c => c.IdAa64Pfr1()),
            [(4, 2)] = ("ID_AA64PFR2_EL1", c => 0),
            [(4, 4)] = ("ID_AA64ZFR0_EL1", c => 0),
            [(4, 5)] = ("ID_AA64SMFR0_EL1", c => 0),
            [(4, 7)] = ("ID_AA64FPFR0_EL1", c => 0),
            [(5, 0)] = ("ID_AA64DFR0_EL1", c => c.IdAa64Dfr0()),
            [(5, 1)] = ("ID_AA64DFR1_EL1", c => 0),
            [(5, 2)] = ("ID_AA64DFR2_EL1", c => 0),
            [(5, 4)] = ("ID_AA64AFR0_EL1", c => 0),
            [(5, 5)] = ("ID_AA64AFR1_EL1", c => 0),
            [(6, 0)] = ("ID_AA64ISAR0_EL1", c => c.IdAa64Isar0()),
            [(6, 1)] = ("ID_AA64ISAR1_EL1", c => c.IdAa64Isar1()),
            [(6, 2)] = ("ID_AA64ISAR2_EL1", c => 0),
            [(6, 3)] = ("ID_AA64ISAR3_EL1", c => 0),
            [(7, 0)] = ("ID_AA64MMFR0_EL1", c => c.IdAa64Mmfr0()),
            [(7, 1)] = ("ID_AA64MMFR1_EL1", c => c.IdAa64Mmfr1()),
            [(7, 2)] = ("ID_AA64MMFR2_EL1", c => c.IdAa64Mmfr2()),
            [(7, 3)] = ("ID_AA64MMFR3_EL1", c => 0),
            [(7, 4)] = ("ID_AA64MMFR4_EL1", c => 0),
            // AArch32 ID registers: RAZ (no AArch32 at any EL).
            [(1, 0)] = ("ID_PFR0_EL1", c => 0), [(1, 1)] = ("ID_PFR1_EL1", c => 0), [(1, 2)] = ("ID_DFR0_EL1", c => 0),
            [(1, 3)] = ("ID_AFR0_EL1", c => 0), [(1, 4)] = ("ID_MMFR0_EL1", c => 0), [(1, 5)] = ("ID_MMFR1_EL1", c => 0),
            [(1, 6)] = ("ID_MMFR2_EL1", c => 0), [(1, 7)] = ("ID_MMFR3_EL1", c => 0), [(2, 0)] = ("ID_ISAR0_EL1", c => 0),
            [(2, 1)] = ("ID_ISAR1_EL1", c => 0), [(2, 2)] = ("ID_ISAR2_EL1", c => 0), [(2, 3)] = ("ID_ISAR3_EL1", c => 0),
            [(2, 4)] = ("ID_ISAR4_EL1", c => 0), [(2, 5)] = ("ID_ISAR5_EL1", c => 0), [(2, 6)] = ("ID_MMFR4_EL1", c => 0),
            [(2, 7)] = ("ID_ISAR6_EL1", c => 0), [(3, 0)] = ("MVFR0_EL1", c => 0), [(3, 1)] = ("MVFR1_EL1", c => 0),
            [(3, 2)] = ("MVFR2_EL1", c => 0), [(3, 4)] = ("ID_PFR2_EL1", c => 0), [(3, 5)] = ("ID_DFR1_EL1", c => 0),
            [(3, 6)] = ("ID_MMFR5_EL1", c => 0),
        };
        for (uint crm = 1; crm <= 7; crm++)
            for (uint op2 = 0; op2 <= 7; op2++)
            {
                string name = $"S3_0_C0_C{crm}_{op2}";
                Func<Cpu, ulong> value = static _ => 0UL;
                if (known.TryGetValue((crm, op2), out var k)) (name, value) = k;
                l.Add(RO(name, 3, 0, 0, crm, op2, value) with { Check = static (c, r) => c.HcrTrapEl1(HCR_TID3) });
            }
        return l;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Lookup
    // ---------------------------------------------------------------------------------------------------------

    private static readonly SysRegDef[] s_registers = BuildRegisters();
    private static readonly SysRegDef?[] s_byEncoding = BuildEncodingIndex();
    private static readonly Dictionary<string, SysRegDef> s_byName = s_registers.ToDictionary(r => r.Name, StringComparer.OrdinalIgnoreCase);

    private static SysRegDef[] BuildRegisters()
    {
        var list = RegisterList().ToList();
        // *_EL12 (FEAT_VHE): the EL1 register, reached from EL2 (or EL3) while HCR_EL2.E2H = 1; op1 = 5.
        foreach (var r in list.Where(r => r.HasEl12).ToArray())
        {
            uint enc = (r.Encoding & ~(7u << 11)) | (5u << 11);
            list.Add(r with
            {
                Name = r.Name[..^4] + "_EL12", Encoding = enc, MinEl = 2, Feature = r.Feature | Feature.VHE, Exists = HasEl2,
                Check = static (c, _) => c.S.EL == 2 ? (c.E2h ? SysAccess.Ok : SysAccess.Undefined)
                    : c.El2Enabled && c.E2h ? SysAccess.Ok : SysAccess.Undefined,
                E2hAlias = null, HasEl12 = false, MrsGet = null,
            });
        }
        return list.ToArray();
    }

    private static SysRegDef?[] BuildEncodingIndex()
    {
        var index = new SysRegDef?[1 << 16];
        foreach (var r in s_registers)
        {
            if (index[r.Encoding] != null)
                throw new InvalidOperationException($"system registers {index[r.Encoding]!.Name} and {r.Name} share an encoding");
            index[r.Encoding] = r;
        }
        return index;
    }

    /// <summary>Every system register name the table knows (the by-name API accepts these and S&lt;op0&gt;_&lt;op1&gt;_C&lt;n&gt;_C&lt;m&gt;_&lt;op2&gt;).</summary>
    public static IReadOnlyList<string> SystemRegisterNames { get; } = s_registers.Select(r => r.Name).ToArray();

    /// <summary>The names of the registers this CPU implements (its ELs and features).</summary>
    public IEnumerable<string> ImplementedSystemRegisterNames => s_registers.Where(r => r.ExistsOn(Config)).Select(r => r.Name);

    /// <summary>An EL2 register seen from EL3 on a CPU without EL2: reads as zero, ignores writes.</summary>
    private static readonly SysRegDef s_res0 = new("RES0", 0) { Get = static _ => 0, Set = static (_, _) => { } };

    private SysRegDef? Find(uint encoding)
    {
        var r = s_byEncoding[encoding & 0xFFFF];
        return r != null && r.ExistsOn(Config) ? r : null;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reset
    // ---------------------------------------------------------------------------------------------------------

    private void ResetSystemRegisters()
    {
        foreach (var r in s_registers)
            if (r.Reset is ulong v && r.Set != null && r.ExistsOn(Config)) r.Set(this, ApplyMasks(r, v));
        S.Sys.HCR_EL2 = Config.HasEl2 ? HCR_RW : 0;
        S.Sys.VPIDR_EL2 = Config.Midr;
        S.Sys.VMPIDR_EL2 = Mpidr;
        S.Sys.OSLSR_EL1 = 0b1010;          // OSLM = 0b10, OSLK = 1: the OS lock is locked at cold reset
        S.Sys.RVBAR = S.PC;
        S.Sys.EventRegister = 0;
        // PSTATE.SP is 0 at EL0 (EL0t is the only EL0 mode), so a CPU started at EL0 saves M = EL0t.
        if (S.EL == 0) S.SpSel = 0;
        // Started below EL3 on a CPU that has it (a harness, or a kernel loaded directly): EL3 has configured the
        // lower ELs as firmware would, in Non-secure state with HVC enabled (as QEMU does for a direct boot).
        if (Config.HasEl3 && S.EL < 3) S.Sys.SCR_EL3 |= SCR_NS | SCR_HCE;
    }

    // ---------------------------------------------------------------------------------------------------------
    // MRS / MSR
    // ---------------------------------------------------------------------------------------------------------

    /// <summary>The access in progress (for devices that trap it with <see cref="RaiseSysRegTrap"/>).</summary>
    private uint _sysAccessEncoding;
    private int _sysAccessRt;
    private bool _sysAccessRead;

    /// <summary>What MRS of each register (by its index among all registers) returns: generated code calls these
    /// directly for the registers <see cref="StaticMrs"/> names.</summary>
    internal static readonly Func<Cpu, ulong>[] MrsGetters = s_registers.Select(r => r.MrsGet ?? r.Get).ToArray();

    /// <summary>
    /// For the translator: the index in <see cref="MrsGetters"/> of the register an MRS of <paramref name="encoding"/>
    /// at <paramref name="el"/> reads when the EL alone decides that it does not trap (no access check, no device owns
    /// it, no E2H alias, readable), else -1 (it goes through <see cref="ReadSysReg"/> at run time). TPIDR_EL0, read by
    /// every thread-local access of user code, is one. Devices are attached before the CPU runs.
    /// </summary>
    internal int StaticMrs(uint encoding, int el)
    {
        uint enc = encoding & 0xFFFF;
        foreach (var d in SystemRegisterDevices)
            if (d.Owns(enc)) return -1;
        var r = Find(enc);
        if (r == null || el < r.MinEl || r.WriteOnly || r.Check != null || (el == 2 && r.E2hAlias != null)) return -1;
        return Array.IndexOf(s_registers, r);
    }

    /// <summary>MRS: reads the register named by op0:op1:CRn:CRm:op2 (bits 15:0; Rt in bits 20:16); may trap.</summary>
    internal ulong ReadSysReg(uint encoding)
    {
        uint enc = encoding & 0xFFFF;
        _sysAccessEncoding = enc;
        _sysAccessRt = (int)(encoding >> SystemInstructions.RtShift) & 31;
        _sysAccessRead = true;
        foreach (var d in SystemRegisterDevices)
            if (d.Owns(enc)) return d.Read(this, enc);

        var r = Resolve(enc, true);
        if (r == null) return 0;
        return r.MrsGet != null ? r.MrsGet(this) : r.Get(this);
    }

    /// <summary>MSR (register): writes the register; may trap; applies RES0/RES1 masks and side effects.</summary>
    internal void WriteSysReg(uint encoding, ulong value)
    {
        uint enc = encoding & 0xFFFF;
        _sysAccessEncoding = enc;
        _sysAccessRt = (int)(encoding >> SystemInstructions.RtShift) & 31;
        _sysAccessRead = false;
        foreach (var d in SystemRegisterDevices)
            if (d.Owns(enc)) { d.Write(this, enc, value); return; }

        var r = Resolve(enc, false);
        if (r == null) return;
        Store(r, value);
    }

    private void Store(SysRegDef r, ulong value)
    {
        ulong old = r.Get(this);
        ulong v = ApplyMasks(r, value);
        r.Set!(this, v);
        r.AfterWrite?.Invoke(this, old, v);
    }

    private ulong ApplyMasks(SysRegDef r, ulong value)
    {
        ulong v = (value & ~r.Res0) | r.Res1;
        return r.Filter != null ? r.Filter(this, v) : v;
    }

    /// <summary>
    /// The register an access at the current EL reaches, after its accessibility checks; null when the access
    /// took an exception (UNDEFINED or a trap, already raised).
    /// </summary>
    private SysRegDef? Resolve(uint enc, bool isRead)
    {
        var r = Find(enc);
        if (r == null && S.EL == 3 && !Config.HasEl2 && s_byEncoding[enc] is { El2Register: true } el2Reg
            && (el2Reg.Feature & Features) == el2Reg.Feature)
            return s_res0;
        if (r == null || S.EL < r.MinEl || (isRead ? r.WriteOnly : r.ReadOnly)) { RaiseUndefined(); return null; }
        // HCR_EL2.E2H = 1 at EL2: *_EL1 encodings reach the EL2 registers (Arm ARM D5.? "Virtualization Host
        // Extensions"), whose own checks then apply.
        if (S.EL == 2 && r.E2hAlias != null && E2h)
        {
            r = s_byName[r.E2hAlias];
            if (isRead ? r.WriteOnly : r.ReadOnly) { RaiseUndefined(); return null; }
        }
        var access = r.Check?.Invoke(this, isRead) ?? SysAccess.Ok;
        if (access != SysAccess.Ok)
        {
            RaiseSysAccess(access, SysRegIss(enc, _sysAccessRt, isRead));
            return null;
        }
        return r;
    }

    /// <summary>ISS of EC 0x18 (Arm ARM D17.2.37): Op0, Op2, Op1, CRn, Rt, CRm, Direction (1 = read).</summary>
    internal static uint SysRegIss(uint enc, int rt, bool isRead)
    {
        uint op0 = (enc >> 14) & 3, op1 = (enc >> 11) & 7, crn = (enc >> 7) & 15, crm = (enc >> 3) & 15, op2 = enc & 7;
        return (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | ((uint)rt << 5) | (crm << 1) | (isRead ? 1u : 0);
    }

    /// <summary>Takes the exception an access check asked for, at the current instruction.</summary>
    private void RaiseSysAccess(SysAccess a, uint iss)
    {
        const uint fpIss = (1u << 24) | (0xEu << 20);   // CV = 1, COND = 0b1110 for exceptions from AArch64
        switch (a)
        {
            case SysAccess.Undefined: RaiseUndefined(); break;
            case SysAccess.TrapEl1: RaiseSync(SysRegTrap, iss, S.PC, targetEl: S.EL == 0 && TgeInEffect ? 2 : 1); break;
            case SysAccess.TrapEl2: RaiseSync(SysRegTrap, iss, S.PC, targetEl: 2); break;
            case SysAccess.TrapEl3: RaiseSync(SysRegTrap, iss, S.PC, targetEl: 3); break;
            case SysAccess.FpTrapEl1:
                // AArch64.AdvSIMDFPAccessTrap: routed to EL2 by TGE, it is reported as Unknown (EC 0x00).
                if (S.EL == 0 && TgeInEffect) RaiseSync(Unknown, 0, S.PC, targetEl: 2);
                else RaiseSync(FpAccessTrap, fpIss, S.PC, targetEl: 1);
                break;
            case SysAccess.FpTrapEl2: RaiseSync(FpAccessTrap, fpIss, S.PC, targetEl: 2); break;
            case SysAccess.FpTrapEl3: RaiseSync(FpAccessTrap, fpIss, S.PC, targetEl: 3); break;
        }
    }

    /// <summary>
    /// For <see cref="Platform.ISystemRegisterDevice"/>s: traps the MRS/MSR being executed to <paramref name="targetEl"/>
    /// with EC 0x18 and the syndrome of that access.
    /// </summary>
    public void RaiseSysRegTrap(int targetEl) =>
        RaiseSync(SysRegTrap, SysRegIss(_sysAccessEncoding, _sysAccessRt, _sysAccessRead), S.PC, targetEl: targetEl);

    // ---------------------------------------------------------------------------------------------------------
    // The traps of the accessibility pseudocode
    // ---------------------------------------------------------------------------------------------------------

    /// <summary>An HCR_EL2 trap control in effect for EL0/EL1 (EL2 enabled, TGE = 0: with TGE = 1 they act as 0).</summary>
    private bool HcrTrap(ulong bit) => El2Enabled && (S.Sys.HCR_EL2 & HCR_TGE) == 0 && (S.Sys.HCR_EL2 & bit) != 0;

    /// <summary>Traps an EL1 access to EL2 when the HCR_EL2 control is set.</summary>
    private SysAccess HcrTrapEl1(ulong bit) => S.EL == 1 && HcrTrap(bit) ? SysAccess.TrapEl2 : SysAccess.Ok;

    /// <summary>Traps an EL0 or EL1 access to EL2 when the HCR_EL2 control is set.</summary>
    private SysAccess HcrTrapEl01(ulong bit) => S.EL <= 1 && HcrTrap(bit) ? SysAccess.TrapEl2 : SysAccess.Ok;

    /// <summary>HCR_EL2.TVM traps writes and TRVM reads of the EL1 virtual memory controls.</summary>
    private static SysAccess VmRegTrap(Cpu c, bool isRead) => c.HcrTrapEl1(isRead ? HCR_TRVM : HCR_TVM);

    /// <summary>The SCTLR_ELx that controls EL0 (SCTLR_EL2 for EL0 in host).</summary>
    private ulong El0Sctlr => El0InHost ? S.SCTLR[2] : S.SCTLR[1];

    /// <summary>An EL0 access allowed by an SCTLR bit (UMA, UCT, UCI, DZE): traps to EL1 (EL2 under TGE, or in host).</summary>
    private SysAccess El0SctlrTrap(ulong bit)
    {
        if (S.EL != 0 || (El0Sctlr & bit) != 0) return SysAccess.Ok;
        return El0InHost ? SysAccess.TrapEl2 : SysAccess.TrapEl1;
    }

    /// <summary>CPACR_EL1 (and, at EL2 with E2H, CPTR_EL2): CPTR_EL2.TCPAC traps EL1 to EL2, CPTR_EL3.TCPAC to EL3.</summary>
    private static SysAccess CpacrTrap(Cpu c, bool isRead)
    {
        if (c.S.EL == 1 && c.El2Enabled && (c.S.Sys.CPTR_EL2 & CPTR_TCPAC) != 0) return SysAccess.TrapEl2;
        return c.CptrEl3Tcpac();
    }

    private SysAccess CptrEl3Tcpac() =>
        S.EL < 3 && Config.HasEl3 && (S.Sys.CPTR_EL3 & CPTR_TCPAC) != 0 ? SysAccess.TrapEl3 : SysAccess.Ok;

    /// <summary>MDCR_EL2 debug trap bits; TDE (or TGE) makes TDA, TDOSA and TDRA act as 1.</summary>
    private bool MdcrEl2Trap(ulong bit) =>
        El2Enabled && ((S.Sys.MDCR_EL2 & (bit | MDCR_TDE)) != 0 || (S.Sys.HCR_EL2 & HCR_TGE) != 0);

    private SysAccess DebugTrap(ulong el2Bit, ulong el3Bit)
    {
        if (S.EL < 2 && MdcrEl2Trap(el2Bit)) return SysAccess.TrapEl2;
        if (S.EL < 3 && Config.HasEl3 && (S.Sys.MDCR_EL3 & el3Bit) != 0) return SysAccess.TrapEl3;
        return SysAccess.Ok;
    }

    private static SysAccess DebugTda(Cpu c, bool isRead) => c.DebugTrap(MDCR_TDA, MDCR_TDA);
    private static SysAccess DebugTdosa(Cpu c, bool isRead) => c.DebugTrap(MDCR_TDOSA, MDCR_TDOSA);
    private static SysAccess DebugTdra(Cpu c, bool isRead) => c.DebugTrap(MDCR_TDRA, MDCR_TDA);

    /// <summary>The debug communications channel at EL0: MDSCR_EL1.TDCC traps it to EL1; then the TDA traps.</summary>
    private static SysAccess DccTrap(Cpu c, bool isRead)
    {
        if (c.S.EL == 0 && (c.S.Sys.MDSCR_EL1 & (1UL << 12)) != 0) return SysAccess.TrapEl1;
        return c.DebugTrap(MDCR_TDA, MDCR_TDA);
    }

    private static SysAccess LorTrap(Cpu c, bool isRead)
    {
        if (c.S.EL == 1 && c.HcrTrap(HCR_TLOR)) return SysAccess.TrapEl2;
        if (c.S.EL < 3 && c.Config.HasEl3 && (c.S.Sys.SCR_EL3 & SCR_TLOR) != 0) return SysAccess.TrapEl3;
        return SysAccess.Ok;
    }

    /// <summary>
    /// CheckFPAdvSIMDEnabled64 (AArch64.CheckFPAdvSIMDEnabled + AArch64.CheckFPAdvSIMDTrap): CPACR_EL1.FPEN at
    /// EL0/EL1 (not in host), CPTR_EL2.TFP or, with E2H, CPTR_EL2.FPEN, then CPTR_EL3.TFP.
    /// </summary>
    internal SysAccess FPAccessCheck()
    {
        int el = S.EL;
        if (el <= 1 && !IsInHost)
        {
            ulong fpen = (S.Sys.CPACR_EL1 >> 20) & 3;
            if ((fpen & 1) == 0 || (fpen == 1 && el == 0)) return SysAccess.FpTrapEl1;
        }
        if (el <= 2 && El2Enabled)
        {
            if (E2h)
            {
                ulong fpen = (S.Sys.CPTR_EL2 >> 20) & 3;
                if ((fpen & 1) == 0 || (fpen == 1 && el == 0 && (S.Sys.HCR_EL2 & HCR_TGE) != 0)) return SysAccess.FpTrapEl2;
            }
            else if ((S.Sys.CPTR_EL2 & CPTR_TFP) != 0) return SysAccess.FpTrapEl2;
        }
        if (Config.HasEl3 && (S.Sys.CPTR_EL3 & CPTR_TFP) != 0) return SysAccess.FpTrapEl3;
        return SysAccess.Ok;
    }

    /// <summary>
    /// For FP/AdvSIMD instructions: the Arm ARM's CheckFPAdvSIMDEnabled64(). Takes the access trap (EC 0x07) and
    /// returns false when FP is disabled by CPACR_EL1/CPTR_EL2/CPTR_EL3.
    /// </summary>
    public bool CheckFPAdvSIMDEnabled()
    {
        var a = FPAccessCheck();
        if (a == SysAccess.Ok) return true;
        RaiseSysAccess(a, 0);
        return false;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Values and formats
    // ---------------------------------------------------------------------------------------------------------

    private void SetPStateBit(ulong bit, ulong v) => S.PStateOther = (S.PStateOther & ~bit) | (v & bit);

    /// <summary>MPIDR_EL1: bit 31 RES1, U = 0 (a multiprocessor), Aff1:Aff0 = clusters of 8 CPUs as QEMU's virt.</summary>
    private ulong Mpidr => 0x8000_0000UL | ((ulong)(uint)(Config.CpuIndex / 8) << 8) | (ulong)(uint)(Config.CpuIndex % 8);

    /// <summary>SPSR_ELx: the PSTATE bits of the implemented features, with M[4:0], SS and IL.</summary>
    private static ulong SpsrFilter(Cpu c, ulong v) => v & (0xF000_0000UL | CpuState.PStateSS | 0x3DFUL | c.RestorablePStateOther());

    private ulong SctlrEl1Format(ulong v)
    {
        ulong writable = SctlrEl1Writable;
        ulong res1 = SctlrEl1Res1;
        if ((Features & Feature.PAN) == 0) { writable &= ~(1UL << 23); res1 |= 1UL << 23; }   // SPAN is RES1 without PAN
        if ((Features & Feature.SSBS) != 0) writable |= SctlrDssbs;
        return (v & writable) | res1;
    }

    /// <summary>SCTLR_EL2 has SCTLR_EL1's layout while E2H = TGE = 1 (EL2&amp;0 regime), its own otherwise.</summary>
    private ulong SctlrEl2Format(ulong v)
    {
        if ((S.Sys.HCR_EL2 & (HCR_E2H | HCR_TGE)) == (HCR_E2H | HCR_TGE)) return SctlrEl1Format(v);
        ulong writable = SctlrEl2Writable | ((Features & Feature.SSBS) != 0 ? SctlrDssbs : 0);
        return (v & writable) | SctlrEl2Res1;
    }

    private ulong TcrEl1Mask => TcrEl1Writable | ((Features & Feature.LPA2) != 0 ? 1UL << 59 : 0);
    private ulong TcrEl2Mask => TcrEl2Writable | ((Features & Feature.LPA2) != 0 ? 1UL << 32 : 0);

    /// <summary>ISR_EL1: pending SError (A), IRQ (I), FIQ (F); at EL1 with HCR_EL2.{AMO,IMO,FMO} the virtual ones.</summary>
    private ulong IsrValue()
    {
        ulong hcr = S.Sys.HCR_EL2;
        bool virt = S.EL == 1 && El2Enabled && (hcr & HCR_TGE) == 0;
        bool a = virt && (hcr & HCR_AMO) != 0 ? (hcr & HCR_VSE) != 0 : _serrorLine;
        bool i = virt && (hcr & HCR_IMO) != 0 ? (hcr & HCR_VI) != 0 : _irqLine;
        bool f = virt && (hcr & HCR_FMO) != 0 ? (hcr & HCR_VF) != 0 : _fiqLine;
        return (a ? 1UL << 8 : 0) | (i ? 1UL << 7 : 0) | (f ? 1UL << 6 : 0);
    }

    // Caches (Arm ARM D7.? "Cache identification"): L1 I 48 KB 3-way and L1 D 32 KB 2-way, L2 2 MB 16-way unified,
    // 64-byte lines, as a Cortex-A57. CLIDR: LoUU = 1, LoC = 2, LoUIS = 1, Ctype1 = separate I+D, Ctype2 = unified.
    private const ulong ClidrValue = 0x0A20_0023;
    /// <summary>CTR_EL0: RES1 bit 31, CWG = ERG = 16 words, DminLine = IminLine = 16 words, L1Ip = PIPT; IDC = DIC = 0.</summary>
    private const ulong CtrValue = 0x8444_C004;

    private static ulong CcsidrValue(ulong csselr) => (csselr & 0xF) switch
    {
        0b0000 => 0x701F_E00A,   // L1 data: WT WB RA WA, 256 sets, 2 ways, 64-byte lines
        0b0001 => 0x201F_E012,   // L1 instruction: RA, 256 sets, 3 ways
        0b0010 => 0x70FF_E07A,   // L2 unified: 2048 sets, 16 ways
        _ => 0,                  // no such cache: UNKNOWN
    };

    /// <summary>DCZID_EL0: BS = 4 (64 bytes); DZP when DC ZVA is prohibited at the current EL.</summary>
    private ulong DczidValue()
    {
        bool prohibited = (S.EL == 0 && (El0Sctlr & SCTLR_DZE) == 0) || (S.EL <= 1 && HcrTrap(HCR_TDZ));
        return 4UL | (prohibited ? 1UL << 4 : 0);
    }

    private bool HasFeature(Feature f) => (Features & f) == f;

    /// <summary>True when a device provides the GIC CPU interface system registers (ICC_SRE_EL1).</summary>
    private bool GicSystemRegisters => SystemRegisterDevices.Any(d => d.Owns(IccSreEl1));

    private ulong IdAa64Pfr0()
    {
        ulong v = 1UL | (1UL << 4);                      // EL0, EL1: AArch64 only
        if (Config.HasEl2) v |= 1UL << 8;
        if (Config.HasEl3) v |= 1UL << 12;
        bool fp16 = HasFeature(Feature.FP16);
        v |= (HasFeature(Feature.FP) ? (fp16 ? 1UL : 0) : 0xFUL) << 16;
        v |= (HasFeature(Feature.AdvSIMD) ? (fp16 ? 1UL : 0) : 0xFUL) << 20;
        if (GicSystemRegisters) v |= 1UL << 24;
        if (HasFeature(Feature.DIT)) v |= 1UL << 48;
        // CSV2 and CSV3: the interpreter does not speculate, so neither branch targets nor faulting loads leak.
        v |= (1UL << 56) | (1UL << 60);
        return v;
    }

    private ulong IdAa64Pfr1() => HasFeature(Feature.SSBS) ? 2UL << 4 : 0;   // SSBS: PSTATE.SSBS with MSR/MRS

    private ulong IdAa64Dfr0() =>
        6UL                                            // DebugVer: Armv8.0 debug
        | ((ulong)(Breakpoints - 1) << 12)             // BRPs
        | ((ulong)(Watchpoints - 1) << 20)             // WRPs
        | (1UL << 28);                                 // CTX_CMPs: 2 context-aware breakpoints; PMUVer = 0: no PMU

    private ulong IdAa64Isar0()
    {
        ulong v = 0;
        if (HasFeature(Feature.PMULL)) v |= 2UL << 4; else if (HasFeature(Feature.AES)) v |= 1UL << 4;
        if (HasFeature(Feature.SHA1)) v |= 1UL << 8;
        if (HasFeature(Feature.SHA256)) v |= 1UL << 12;
        if (HasFeature(Feature.CRC32)) v |= 1UL << 16;
        if (HasFeature(Feature.LSE)) v |= 2UL << 20;
        if (HasFeature(Feature.RDM)) v |= 1UL << 28;
        if (HasFeature(Feature.DotProd)) v |= 1UL << 44;
        if (HasFeature(Feature.TLBIRANGE)) v |= 2UL << 56; else if (HasFeature(Feature.TLBIOS)) v |= 1UL << 56;
        return v;
    }

    private ulong IdAa64Isar1()
    {
        ulong v = 1;                                   // DPB: DC CVAP
        if (HasFeature(Feature.LRCPC)) v |= 1UL << 20;
        if (HasFeature(Feature.SB)) v |= 1UL << 36;
        return v;
    }

    private ulong IdAa64Mmfr0()
    {
        ulong parange = Config.PABits switch { <= 32 => 0, <= 36 => 1, <= 40 => 2, <= 42 => 3, <= 44 => 4, <= 48 => 5, _ => 6 };
        ulong v = parange | (2UL << 4);                // ASIDBits: 16
        if (Config.HasEl3) v |= 1UL << 12;             // SNSMem
        bool lpa2 = HasFeature(Feature.LPA2);
        v |= (lpa2 ? 2UL : 1UL) << 20;                 // TGran16 (with 52-bit addresses under LPA2)
        v |= 0UL << 24;                                // TGran64: supported
        v |= (lpa2 ? 1UL : 0UL) << 28;                 // TGran4 (with 52-bit addresses under LPA2)
        return v;                                      // TGran*_2 = 0: stage 2 support as the stage 1 fields
    }

    private ulong IdAa64Mmfr1()
    {
        ulong v = 0;
        if (Config.HasEl2 && HasFeature(Feature.VHE)) v |= 1UL << 8;   // VH
        v |= 1UL << 12;                                                // HPDS: TCR_ELx.HPD
        if (HasFeature(Feature.LOR)) v |= 1UL << 16;
        if (HasFeature(Feature.PAN)) v |= 2UL << 20;                   // PAN and AT S1E1RP/WP (FEAT_PAN2)
        return v;
    }

    private ulong IdAa64Mmfr2()
    {
        ulong v = 0;
        if (HasFeature(Feature.UAO)) v |= 1UL << 4;
        if (HasFeature(Feature.LVA)) v |= 1UL << 16;
        return v;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Side effects of writes
    // ---------------------------------------------------------------------------------------------------------

    /// <summary>
    /// SCTLR/TCR/MAIR_ELx written: the TLB may hold translations that depend on them (WXN, granule, attributes).
    /// The Arm ARM lets such entries live until a TLBI, but code written for QEMU relies on the flush, so changed
    /// values flush the regime's TLB (rare writes, cheap).
    /// </summary>
    private void TranslationControlWritten(int el, ulong oldValue, ulong newValue)
    {
        if (oldValue == newValue) return;
        if (el == 1) TlbFlush(Regime.EL10);
        else if (el == 2) { TlbFlush(Regime.EL2); TlbFlush(Regime.EL20); }
        else TlbFlush(Regime.EL3);
    }

    /// <summary>
    /// TTBRn written. The TLB is tagged by ASID, so an ASID switch (every context switch) needs nothing; a new
    /// table base for TTBR1_EL1 or a one-range regime flushes, as those are rare and code expects it.
    /// </summary>
    private void TtbrWritten(int el, ulong oldValue, ulong newValue)
    {
        const ulong baddr = 0x0000_FFFF_FFFF_FFFEUL;
        if (oldValue == newValue) return;
        // The fast TLB and the translator's VA caches are not ASID-tagged: any switch empties them.
        if (((oldValue ^ newValue) & baddr) == 0) { TranslationChanged(); return; }
        TranslationControlWritten(el, oldValue, newValue);
    }

    /// <summary>TTBR0_EL1: a context switch. The regime TLB keeps its ASID-tagged entries; the untagged caches go.</summary>
    private void Ttbr0Written(ulong oldValue, ulong newValue)
    {
        if (oldValue != newValue) TranslationChanged();
    }

    /// <summary>HCR_EL2 written: the regime (E2H, TGE), stage 1 enables (DC, VM) and interrupt routing may change.</summary>
    private void HcrWritten(ulong oldValue, ulong newValue)
    {
        const ulong regimeBits = HCR_E2H | HCR_TGE | HCR_VM | HCR_DC;
        if (((oldValue ^ newValue) & regimeBits) != 0) TlbFlushAll();
        SignalLinesChanged();
    }

    /// <summary>SCR_EL3 written: NS changes the security state of the lower ELs (and their TLB entries) and routing.</summary>
    private void ScrWritten(ulong oldValue, ulong newValue)
    {
        if (((oldValue ^ newValue) & SCR_NS) != 0) TlbFlushAll();
        SignalLinesChanged();
    }

    // ---------------------------------------------------------------------------------------------------------
    // The by-name API (no access checks: for harnesses and debuggers)
    // ---------------------------------------------------------------------------------------------------------

    private SysRegDef? FindByName(string name, out uint encoding)
    {
        encoding = 0;
        if (s_byName.TryGetValue(name, out var r))
        {
            encoding = r.Encoding;
            return r.ExistsOn(Config) ? r : null;
        }
        if (TryParseGenericName(name, out encoding)) return Find(encoding);
        return null;
    }

    /// <summary>Parses S&lt;op0&gt;_&lt;op1&gt;_C&lt;n&gt;_C&lt;m&gt;_&lt;op2&gt; (the assembler's generic spelling).</summary>
    private static bool TryParseGenericName(string name, out uint encoding)
    {
        encoding = 0;
        var parts = name.ToUpperInvariant().Split('_');
        if (parts.Length != 5 || parts[0].Length < 2 || parts[0][0] != 'S' || parts[2].Length < 2 || parts[2][0] != 'C'
            || parts[3].Length < 2 || parts[3][0] != 'C') return false;
        if (!uint.TryParse(parts[0][1..], out uint op0) || !uint.TryParse(parts[1], out uint op1) || !uint.TryParse(parts[2][1..], out uint crn)
            || !uint.TryParse(parts[3][1..], out uint crm) || !uint.TryParse(parts[4], out uint op2)) return false;
        if (op0 > 3 || op1 > 7 || crn > 15 || crm > 15 || op2 > 7) return false;
        encoding = Enc(op0, op1, crn, crm, op2);
        return true;
    }

    /// <summary>Reads a system register by name, as stored (no traps, no virtualization); false if not implemented.</summary>
    public bool TryReadSysReg(string name, out ulong value)
    {
        var r = FindByName(name, out uint enc);
        if (r != null && !r.WriteOnly) { value = r.Get(this); return true; }
        foreach (var d in SystemRegisterDevices)
            if (enc != 0 && d.Owns(enc)) { value = d.Read(this, enc); return true; }
        value = 0;
        return false;
    }

    /// <summary>Writes a system register by name (RES0/RES1 masks and side effects apply, no traps); false if it
    /// is not implemented or not writable.</summary>
    public bool TryWriteSysReg(string name, ulong value)
    {
        var r = FindByName(name, out uint enc);
        if (r != null && r.Set != null) { Store(r, value); return true; }
        foreach (var d in SystemRegisterDevices)
            if (enc != 0 && d.Owns(enc)) { d.Write(this, enc, value); return true; }
        return false;
    }
}
