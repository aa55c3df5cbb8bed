using FastArm.Jit.Decode;
using FastArm.Jit.State;
using FastArm.SoftMmu.Mmu;
using static FastArm.Jit.Exceptions.ExceptionClass;

namespace FastArm.Jit;

/// <summary>What a TLBI operation invalidates (Arm ARM C5.5 "A64 system instructions for TLB maintenance").</summary>
public enum TlbiKind : byte
{
    /// <summary>ALLE1, ALLE2, ALLE3: every entry of the regime (ALLE1: every VMID, stage 1 and 2).</summary>
    All,
    /// <summary>VMALLE1: the EL1&amp;0 stage 1 entries of the current VMID.</summary>
    VmAll,
    /// <summary>VMALLS12E1: the EL1&amp;0 stage 1 and stage 2 entries of the current VMID.</summary>
    VmAllS12,
    /// <summary>ASIDE1: the non-global entries of one ASID.</summary>
    Asid,
    /// <summary>VAE*, VALE*, RVAE*, RVALE*: by VA (and ASID in two-range regimes).</summary>
    Va,
    /// <summary>VAAE1, VAALE1, RVAAE1, RVAALE1: by VA, any ASID.</summary>
    VaAllAsids,
    /// <summary>IPAS2E1, IPAS2LE1 and the range forms: stage 2 entries by IPA.</summary>
    Ipa,
}

/// <summary>
/// One decoded TLBI instruction: its name, what it invalidates, the regime it acts on (decided at execution time
/// from the EL and HCR_EL2.{E2H,TGE}), whether it is broadcast (IS/OS forms, or HCR_EL2.FB), whether it only
/// concerns last-level entries, and whether the operand is a range (FEAT_TLBIRANGE).
/// </summary>
public readonly record struct TlbiOperation(string Name, TlbiKind Kind, Regime Regime, bool Broadcast, bool LastLevel, bool Range)
{
    /// <summary>The VA of a by-VA operand: Xt[43:0] = VA[55:12], sign-extended from bit 55.</summary>
    public static ulong VaOf(ulong xt) => (ulong)((long)((xt & 0xFFF_FFFF_FFFFUL) << 20) >> 8);

    /// <summary>The ASID field, Xt[63:48].</summary>
    public static ushort AsidOf(ulong xt) => (ushort)(xt >> 48);

    /// <summary>The IPA of a by-IPA operand: Xt[39:0] = IPA[51:12].</summary>
    public static ulong IpaOf(ulong xt) => (xt & 0xFF_FFFF_FFFFUL) << 12;

    /// <summary>
    /// The range of a range operand (Arm ARM "TLB range operand"): BaseADDR Xt[36:0] in units of the granule TG
    /// Xt[47:46], NUM Xt[43:39], SCALE Xt[45:44]; covers (NUM + 1) * 2^(5 * SCALE + 1) pages.
    /// </summary>
    public static (ulong Start, ulong Length) RangeOf(ulong xt)
    {
        int tg = (int)((xt >> 46) & 3);
        int shift = tg switch { 1 => 12, 2 => 14, 3 => 16, _ => 12 };
        ulong num = (xt >> 39) & 0x1F, scale = (xt >> 44) & 3;
        ulong pages = (num + 1) << (int)(5 * scale + 1);
        ulong start = (ulong)((long)((xt & 0x1F_FFFF_FFFFUL) << (64 - 37)) >> (64 - 37)) << shift;
        return (start, pages << shift);
    }
}

/// <summary>
/// System instructions: MSR (immediate), the HINT space (WFI, WFE, SEV, SEVL, YIELD), barriers and SYS (DC, IC,
/// AT, TLBI) with their access checks (Arm ARM C5.3-C5.5 and each instruction's pseudocode).
/// </summary>
public sealed unsafe partial class Cpu
{
    /// <summary>
    /// Called after a broadcast TLBI (IS/OS forms, or HCR_EL2.FB) has been done locally: the board forwards it to the
    /// other CPUs of the shareability domain (<see cref="TlbInvalidate"/> on each).
    /// </summary>
    public Action<Cpu, TlbiOperation, ulong>? TlbiBroadcast { get; set; }

    /// <summary>Called when this CPU executes SEV: the board signals the event to the other CPUs (<see cref="SignalEvent"/>).</summary>
    public Action<Cpu>? EventSent { get; set; }

    /// <summary>Sets this PE's Event Register (SEV from another PE, the timer event stream, a cleared global monitor).</summary>
    public void SignalEvent() => S.Sys.EventRegister = 1;

    /// <summary>Hook for translated code: instruction cache invalidation (IC IALLU[IS], IC IVAU by VA).</summary>
    partial void OnInstructionCacheInvalidate(bool all, ulong va);

    // ---------------------------------------------------------------------------------------------------------
    // MSR (immediate)
    // ---------------------------------------------------------------------------------------------------------

    /// <summary>
    /// MSR (immediate) (C6.2.229): the PSTATE field is op1:op2. op1 gives the lowest EL (000: EL1, 011: EL0); EL0
    /// access to DAIF is allowed by SCTLR_EL1.UMA, else trapped (EC 0x18). Unallocated fields are UNDEFINED.
    /// </summary>
    internal void MsrImmediate(uint op1, uint op2, uint crm)
    {
        ulong bit0 = crm & 1;
        switch ((op1 << 3) | op2)
        {
            case (0 << 3) | 5:                                       // SPSel
                if (S.EL == 0) { RaiseUndefined(); return; }
                S.SpSel = (int)bit0;
                return;
            case (3 << 3) | 6:                                       // DAIFSet
            case (3 << 3) | 7:                                       // DAIFClr
            {
                var a = El0SctlrTrap(SCTLR_UMA);
                if (a != SysAccess.Ok) { RaiseSysAccess(a, MsrImmediateIss(op1, op2, crm)); return; }
                uint bits = (crm & 0xF) << 6;
                S.Daif = op2 == 6 ? S.Daif | bits : S.Daif & ~bits;
                SignalLinesChanged();                                // an unmasked pending interrupt is taken next
                return;
            }
            case (0 << 3) | 4 when HasFeature(Feature.PAN):         // PAN
                if (S.EL == 0) { RaiseUndefined(); return; }
                SetPStateBit(CpuState.PStatePAN, bit0 * CpuState.PStatePAN);
                return;
            case (0 << 3) | 3 when HasFeature(Feature.UAO):         // UAO
                if (S.EL == 0) { RaiseUndefined(); return; }
                SetPStateBit(CpuState.PStateUAO, bit0 * CpuState.PStateUAO);
                return;
            case (3 << 3) | 2 when HasFeature(Feature.DIT):         // DIT
                SetPStateBit(CpuState.PStateDIT, bit0 * CpuState.PStateDIT);
                return;
            case (3 << 3) | 1 when HasFeature(Feature.SSBS):        // SSBS
                SetPStateBit(CpuState.PStateSSBS, bit0 * CpuState.PStateSSBS);
                return;
            default:
                // CFINV/XAFLAG/AXFLAG (FEAT_FlagM), TCO (FEAT_MTE), ALLINT (FEAT_NMI), SVCR (FEAT_SME), ...
                RaiseUndefined();
                return;
        }
    }

    /// <summary>AArch64.SystemAccessTrapSyndrome of MSR (immediate): op0 = 00, CRn = 0100, Rt = 11111, write.</summary>
    private static uint MsrImmediateIss(uint op1, uint op2, uint crm) =>
        SysRegIss(Enc(0, op1, 4, crm, op2), 31, false);

    // ---------------------------------------------------------------------------------------------------------
    // Hints and barriers
    // ---------------------------------------------------------------------------------------------------------

    /// <summary>The HINT instructions with an effect: 1 YIELD, 2 WFE, 3 WFI, 4 SEV, 5 SEVL (C6.2.126).</summary>
    internal void Hint(uint hint)
    {
        switch (hint)
        {
            case 2: WaitForEventInstruction(); break;
            case 3: WaitForInterruptInstruction(); break;
            case 4: SendEvent(); break;
            case 5: S.Sys.EventRegister = 1; break;      // SEVL: this PE only
        }
    }

    /// <summary>SEV: an event to every PE of the system, this one included (Arm ARM D1.16.1).</summary>
    private void SendEvent()
    {
        S.Sys.EventRegister = 1;
        EventSent?.Invoke(this);
    }

    /// <summary>An interrupt is pending, masked or not (physical lines, or a virtual interrupt for EL0/EL1).</summary>
    private bool AnyInterruptLine => _irqLine || _fiqLine || _serrorLine || VirtualInterruptPending;

    /// <summary>
    /// WFI (C6.2.398): completes at once when an interrupt is pending (even masked); otherwise checks the traps
    /// (AArch64.CheckForWFxTrap: SCTLR.nTWI from EL0, HCR_EL2.TWI, SCR_EL3.TWI) and waits for an interrupt.
    /// </summary>
    private void WaitForInterruptInstruction()
    {
        if (AnyInterruptLine) return;
        if (CheckWfxTrap(isWfe: false)) return;
        WaitForInterrupt();
    }

    /// <summary>
    /// WFE (C6.2.397): a set Event Register is cleared and WFE completes; otherwise the traps (SCTLR.nTWE,
    /// HCR_EL2.TWE, SCR_EL3.TWE) apply and the PE waits for a WFE wake-up event. The Arm ARM lets WFE complete at
    /// any time, so with nothing pending the emulator gives the board one idle period (<see cref="Idle"/>) and
    /// completes; an event that arrived meanwhile is the one that woke it and is consumed.
    /// </summary>
    private void WaitForEventInstruction()
    {
        if (S.Sys.EventRegister != 0) { S.Sys.EventRegister = 0; return; }
        if (CheckWfxTrap(isWfe: true)) return;
        if (!AnyInterruptLine) Idle?.Invoke(this);
        S.Sys.EventRegister = 0;
    }

    /// <summary>
    /// AArch64.CheckForWFxTrap for EL1, EL2 and EL3 in that order; a trap takes EC 0x01 (ISS: CV = 1, COND = 1110,
    /// TI = 0 WFI / 1 WFE) with the WFx itself as the preferred return. True when it trapped.
    /// </summary>
    private bool CheckWfxTrap(bool isWfe)
    {
        uint iss = (1u << 24) | (0xEu << 20) | (isWfe ? 1u : 0);
        int target = 0;
        if (S.EL == 0 && (El0Sctlr & (isWfe ? SCTLR_nTWE : SCTLR_nTWI)) == 0)
            target = El0InHost || TgeInEffect ? 2 : 1;
        else if (S.EL <= 1 && !IsInHost && HcrTrap(isWfe ? HCR_TWE : HCR_TWI))
            target = 2;
        else if (Config.HasEl3 && S.EL < 3 && (S.Sys.SCR_EL3 & (isWfe ? SCR_TWE : SCR_TWI)) != 0)
            target = 3;
        if (target == 0) return false;
        RaiseSync(WfxTrap, iss, S.PC, targetEl: target);
        return true;
    }

    /// <summary>CLREX (CRm ignored), DSB, DMB, ISB, SB: accesses complete in program order here, so only CLREX acts.</summary>
    internal void Barrier(uint crm, uint op2)
    {
        if (op2 == 2) ClearExclusive();
    }

    // ---------------------------------------------------------------------------------------------------------
    // SYS / SYSL
    // ---------------------------------------------------------------------------------------------------------

    /// <summary>
    /// SYS and SYSL (C6.2.361-362): the cache maintenance (DC, IC), address translation (AT) and TLB maintenance
    /// (TLBI) aliases. Unallocated encodings, and every SYSL (none is allocated without FEAT_GCS and friends), are
    /// UNDEFINED.
    /// </summary>
    internal void SysInstruction(uint op1, uint crn, uint crm, uint op2, int rt, bool isRead)
    {
        if (isRead) { RaiseUndefined(); return; }
        ulong xt = rt == 31 ? 0 : S.X[rt];
        uint iss = SysRegIss(Enc(1, op1, crn, crm, op2), rt, false);
        if (crn == 7)
        {
            if (crm is 8 or 9) AddressTranslation(op1, crm, op2, xt);
            else CacheMaintenance(op1, crm, op2, xt, iss);
            return;
        }
        if (crn == 8)
        {
            TlbMaintenance(op1, crm, op2, xt, iss);
            return;
        }
        RaiseUndefined();
    }

    private enum CacheOp { None, IcIalluis, IcIallu, IcIvau, DcIvac, DcSetWay, DcZva, DcCvac, DcCvau, DcCvap, DcCivac }

    /// <summary>A DC instruction (SYS with CRn = 7 and a data cache encoding): it reads or writes memory (DC ZVA zeroes
    /// a block; the others may fault), like a store, and changes no translation or other state code depends on.</summary>
    internal static bool IsDataCacheOp(uint op1, uint crn, uint crm, uint op2) =>
        crn == 7 && DecodeCacheOp(op1, crm, op2) is CacheOp.DcIvac or CacheOp.DcSetWay or CacheOp.DcZva or CacheOp.DcCvac
            or CacheOp.DcCvau or CacheOp.DcCvap or CacheOp.DcCivac;

    private static CacheOp DecodeCacheOp(uint op1, uint crm, uint op2) => (op1, crm, op2) switch
    {
        (0, 1, 0) => CacheOp.IcIalluis,
        (0, 5, 0) => CacheOp.IcIallu,
        (3, 5, 1) => CacheOp.IcIvau,
        (0, 6, 1) => CacheOp.DcIvac,
        (0, 6, 2) or (0, 10, 2) or (0, 14, 2) => CacheOp.DcSetWay,   // DC ISW, CSW, CISW
        (3, 4, 1) => CacheOp.DcZva,
        (3, 10, 1) => CacheOp.DcCvac,
        (3, 11, 1) => CacheOp.DcCvau,
        (3, 12, 1) => CacheOp.DcCvap,
        (3, 14, 1) => CacheOp.DcCivac,
        _ => CacheOp.None,
    };

    /// <summary>
    /// DC and IC (C5.3): caches are not modelled, so maintenance only checks its access rules and, for the by-VA
    /// data forms, the translation of the address (a fault is a Data Abort with ISS.CM = 1). DC ZVA zeroes.
    /// </summary>
    private void CacheMaintenance(uint op1, uint crm, uint op2, ulong xt, uint iss)
    {
        var op = DecodeCacheOp(op1, crm, op2);
        if (op == CacheOp.None || (S.EL == 0 && op1 != 3)) { RaiseUndefined(); return; }

        // Traps in pseudocode order: EL0 by SCTLR (DZE for ZVA, UCI for the others), then EL2's HCR_EL2 controls.
        var a = op switch
        {
            CacheOp.DcZva => El0SctlrTrap(SCTLR_DZE),
            CacheOp.IcIvau or CacheOp.DcCvau or CacheOp.DcCvac or CacheOp.DcCvap or CacheOp.DcCivac => El0SctlrTrap(SCTLR_UCI),
            _ => SysAccess.Ok,
        };
        if (a == SysAccess.Ok)
        {
            ulong hcrBit = op switch
            {
                CacheOp.DcZva => HCR_TDZ,
                CacheOp.IcIalluis or CacheOp.IcIallu or CacheOp.IcIvau or CacheOp.DcCvau => HCR_TPU,
                CacheOp.DcIvac or CacheOp.DcCvac or CacheOp.DcCvap or CacheOp.DcCivac => HCR_TPCP,
                _ => HCR_TSW,
            };
            a = HcrTrapEl01(hcrBit);
        }
        if (a != SysAccess.Ok) { RaiseSysAccess(a, iss); return; }

        switch (op)
        {
            case CacheOp.DcZva:
                DataCacheZeroByVa(xt);
                return;
            case CacheOp.DcIvac:
                // Invalidate may discard data, so it needs write permission (Arm ARM D7.5.9.x).
                CheckCacheMaintenanceAddress(xt, AccessType.Write);
                return;
            case CacheOp.DcCvac or CacheOp.DcCvau or CacheOp.DcCvap or CacheOp.DcCivac:
                CheckCacheMaintenanceAddress(xt, AccessType.Read);
                return;
            case CacheOp.IcIvau:
                OnInstructionCacheInvalidate(false, xt);
                return;
            case CacheOp.IcIallu or CacheOp.IcIalluis:
                OnInstructionCacheInvalidate(true, 0);
                return;
        }
    }

    /// <summary>
    /// Translates the operand of a data cache maintenance by VA as the Arm ARM requires (PAN does not apply); a
    /// fault is reported as a Data Abort with CM = 1 and WnR = 1.
    /// </summary>
    private void CheckCacheMaintenanceAddress(ulong va, AccessType type)
    {
        ulong pan = S.PStateOther & CpuState.PStatePAN;
        S.PStateOther &= ~CpuState.PStatePAN;
        bool ok = Translate(va, type, false, out _, out var fault);
        S.PStateOther |= pan;
        if (!ok) DataAbort(va, fault.Status, isWrite: true, fault.S1ptw, cm: true);
    }

    /// <summary>DC ZVA block size in bytes (DCZID_EL0.BS = 4: 2^4 words).</summary>
    public const int DczvaBlockSize = 64;

    /// <summary>
    /// DC ZVA (C5.3.13): zeroes the naturally aligned 64-byte block containing Xt, as a write for permissions and
    /// faults (FAR = Xt). To Device memory it takes an alignment fault; with stage 1 off, data memory is Device
    /// (unless HCR_EL2.DC), subject to <see cref="DeviceAlignmentWithMmuOff"/>.
    /// </summary>
    private void DataCacheZeroByVa(ulong xt)
    {
        ulong block = xt & ~(ulong)(DczvaBlockSize - 1);
        int regime = RegimeEl(S.EL);
        bool stage1Off = !MmuEnabled(regime) && !(regime == 1 && El2Enabled && (S.Sys.HCR_EL2 & HCR_DC) != 0);
        if (stage1Off && DeviceAlignmentWithMmuOff)
        {
            DataAbort(xt, Exceptions.FaultStatus.Alignment, isWrite: true, s1ptw: false);
            return;
        }
        if (!Translate(block, AccessType.Write, false, out _, out var fault))
        {
            DataAbort(xt, fault.Status, isWrite: true, fault.S1ptw);
            return;
        }
        for (int i = 0; i < DczvaBlockSize; i += 8)
            if (!TryWrite(block + (ulong)i, 8, 0, Semantics.MemOp.None)) return;
    }

    // ---------------------------------------------------------------------------------------------------------
    // AT: address translation instructions (C5.4)
    // ---------------------------------------------------------------------------------------------------------

    /// <summary>
    /// AT S1E1R/W, S1E0R/W, S1E1RP/WP, S1E2R/W, S12E1R/W, S12E0R/W, S1E3R/W: the stage 1 translation of Xt for the
    /// named regime and privilege, result in PAR_EL1 (never a fault). Stage 2 is not implemented, so the S12 forms
    /// give the stage 1 result.
    /// </summary>
    private void AddressTranslation(uint op1, uint crm, uint op2, ulong va)
    {
        bool write;
        bool privileged;
        bool usePan = false;
        Regime regime;
        bool inHost20 = S.EL == 2 && El0InHost;
        switch (op1, crm, op2)
        {
            case (0, 8, 0 or 1):                                     // S1E1R, S1E1W: PAN ignored
                if (S.EL == 0) { RaiseUndefined(); return; }
                (write, privileged, regime) = (op2 == 1, true, inHost20 ? Regime.EL20 : Regime.EL10);
                break;
            case (0, 8, 2 or 3):                                     // S1E0R, S1E0W
                if (S.EL == 0) { RaiseUndefined(); return; }
                (write, privileged, regime) = (op2 == 3, false, inHost20 ? Regime.EL20 : Regime.EL10);
                break;
            case (0, 9, 0 or 1) when HasFeature(Feature.PAN):       // S1E1RP, S1E1WP: PSTATE.PAN applies
                if (S.EL == 0) { RaiseUndefined(); return; }
                (write, privileged, regime, usePan) = (op2 == 1, true, inHost20 ? Regime.EL20 : Regime.EL10, true);
                break;
            case (4, 8, 0 or 1):                                     // S1E2R, S1E2W
                if (S.EL < 2 || !Config.HasEl2) { RaiseUndefined(); return; }
                (write, privileged, regime) = (op2 == 1, true, E2h ? Regime.EL20 : Regime.EL2);
                break;
            case (4, 8, 4 or 5 or 6 or 7):                           // S12E1R/W, S12E0R/W
                if (S.EL < 2 || !Config.HasEl2) { RaiseUndefined(); return; }
                (write, privileged, regime) = ((op2 & 1) != 0, op2 < 6, Regime.EL10);
                break;
            case (6, 8, 0 or 1):                                     // S1E3R, S1E3W
                if (S.EL < 3) { RaiseUndefined(); return; }
                (write, privileged, regime) = (op2 == 1, true, Regime.EL3);
                break;
            default:
                RaiseUndefined();
                return;
        }
        S.Sys.PAR_EL1 = TranslateForPar(va, regime, write, privileged, usePan && (S.PStateOther & CpuState.PStatePAN) != 0);
    }

    /// <summary>The PAR_EL1 value of an AT: the 64-bit format, F = 0 with PA and attributes, or F = 1 with FST.</summary>
    private ulong TranslateForPar(ulong va, Regime regime, bool write, bool privileged, bool pan)
    {
        const ulong Res1Bit11 = 1UL << 11;
        ulong ns = Config.HasEl3 ? (regime != Regime.EL3 && (S.Sys.SCR_EL3 & SCR_NS) != 0 ? 1UL << 9 : 0) : 1UL << 9;
        var regs = RegimeRegisters(regime);
        bool stage1 = (regs.Sctlr & 1) != 0;
        if (regime == Regime.EL10 && El2Enabled && (S.Sys.HCR_EL2 & (HCR_DC | HCR_TGE)) != 0) stage1 = false;
        if (!stage1)
        {
            // AArch64.TranslateAddressS1Off: flat, Device-nGnRnE Outer Shareable (Normal WB with HCR_EL2.DC).
            if ((va >> Config.PABits) != 0) return 1 | (Exceptions.FaultStatus.AddressSizeL0 << 1) | Res1Bit11;
            bool dc = regime == Regime.EL10 && El2Enabled && (S.Sys.HCR_EL2 & HCR_DC) != 0;
            ulong attrs = dc ? 0xFFUL << 56 : 2UL << 7;
            return (va & 0x000F_FFFF_FFFF_F000UL) | attrs | ns | Res1Bit11;
        }
        var req = new AccessRequest(va, write ? Access.Write : Access.Read, privileged, pan);
        if (!Walker.TryWalk(Bus, regs, MmuFeatures, req, out var result, out var walkFault))
            return 1 | ((ulong)walkFault.Status << 1) | Res1Bit11;
        ulong attr = (regs.Mair >> (8 * result.AttrIndx)) & 0xFF;
        // PAR_EL1.SH is the effective shareability (EffectiveShareability() in AArch64.S1Translate): Outer Shareable
        // for Device memory and for Normal Inner and Outer Non-cacheable memory (MAIR 0x44), else the translation's SH.
        ulong sh = result.MemoryType == MemoryType.Device || attr == 0x44 ? 2UL : result.Shareability;
        return (result.Pa & 0x000F_FFFF_FFFF_F000UL) | (attr << 56) | (sh << 7) | ns | Res1Bit11;
    }

    // ---------------------------------------------------------------------------------------------------------
    // TLBI (C5.5)
    // ---------------------------------------------------------------------------------------------------------

    /// <summary>Which EL's operation a TLBI is (1: *E1, 2: *E2, and ALLE1/VMALLS12E1/IPAS2* from EL2, 3: *E3).</summary>
    private readonly record struct TlbiForm(string Name, TlbiKind Kind, int MinEl, bool LastLevel, bool Range, bool El1Regime);

    private static readonly Dictionary<(uint Op1, uint Op2, bool Range, bool Ipa), TlbiForm> s_tlbiForms = new()
    {
        [(0, 0, false, false)] = new("VMALLE1", TlbiKind.VmAll, 1, false, false, true),
        [(0, 1, false, false)] = new("VAE1", TlbiKind.Va, 1, false, false, true),
        [(0, 2, false, false)] = new("ASIDE1", TlbiKind.Asid, 1, false, false, true),
        [(0, 3, false, false)] = new("VAAE1", TlbiKind.VaAllAsids, 1, false, false, true),
        [(0, 5, false, false)] = new("VALE1", TlbiKind.Va, 1, true, false, true),
        [(0, 7, false, false)] = new("VAALE1", TlbiKind.VaAllAsids, 1, true, false, true),
        [(0, 1, true, false)] = new("RVAE1", TlbiKind.Va, 1, false, true, true),
        [(0, 3, true, false)] = new("RVAAE1", TlbiKind.VaAllAsids, 1, false, true, true),
        [(0, 5, true, false)] = new("RVALE1", TlbiKind.Va, 1, true, true, true),
        [(0, 7, true, false)] = new("RVAALE1", TlbiKind.VaAllAsids, 1, true, true, true),
        [(4, 0, false, false)] = new("ALLE2", TlbiKind.All, 2, false, false, false),
        [(4, 1, false, false)] = new("VAE2", TlbiKind.Va, 2, false, false, false),
        [(4, 4, false, false)] = new("ALLE1", TlbiKind.All, 2, false, false, true),
        [(4, 5, false, false)] = new("VALE2", TlbiKind.Va, 2, true, false, false),
        [(4, 6, false, false)] = new("VMALLS12E1", TlbiKind.VmAllS12, 2, false, false, true),
        [(4, 1, true, false)] = new("RVAE2", TlbiKind.Va, 2, false, true, false),
        [(4, 5, true, false)] = new("RVALE2", TlbiKind.Va, 2, true, true, false),
        [(6, 0, false, false)] = new("ALLE3", TlbiKind.All, 3, false, false, false),
        [(6, 1, false, false)] = new("VAE3", TlbiKind.Va, 3, false, false, false),
        [(6, 5, false, false)] = new("VALE3", TlbiKind.Va, 3, true, false, false),
        [(6, 1, true, false)] = new("RVAE3", TlbiKind.Va, 3, false, true, false),
        [(6, 5, true, false)] = new("RVALE3", TlbiKind.Va, 3, true, true, false),
        // IPAS2E1, IPAS2LE1 and their range forms (op1 = 4, CRm = 0 IS or 4).
        [(4, 1, false, true)] = new("IPAS2E1", TlbiKind.Ipa, 2, false, false, true),
        [(4, 5, false, true)] = new("IPAS2LE1", TlbiKind.Ipa, 2, true, false, true),
        [(4, 2, true, true)] = new("RIPAS2E1", TlbiKind.Ipa, 2, false, true, true),
        [(4, 6, true, true)] = new("RIPAS2LE1", TlbiKind.Ipa, 2, true, true, true),
    };

    /// <summary>
    /// Decodes a TLBI (op0 = 1, CRn = 8): CRm gives the shareability and range (3 IS, 7 none, 1 OS; 2 IS range,
    /// 6 range, 5 OS range; for IPAs 0 IS, 4 none or OS by op2), op1 and op2 the operation.
    /// </summary>
    private void TlbMaintenance(uint op1, uint crm, uint op2, ulong xt, uint iss)
    {
        bool os, range, ipa = false, broadcast;
        uint key2 = op2;
        switch (crm)
        {
            case 3: (broadcast, os, range) = (true, false, false); break;
            case 7: (broadcast, os, range) = (false, false, false); break;
            case 1: (broadcast, os, range) = (true, true, false); break;
            case 2: (broadcast, os, range) = (true, false, true); break;
            case 6: (broadcast, os, range) = (false, false, true); break;
            case 5: (broadcast, os, range) = (true, true, true); break;
            case 0 when op1 == 4 && op2 is 1 or 2 or 5 or 6:         // IPAS2E1IS, RIPAS2E1IS, IPAS2LE1IS, RIPAS2LE1IS
                (broadcast, os, range, ipa) = (true, false, op2 is 2 or 6, true);
                break;
            case 4 when op1 == 4:
                // op2: 0 IPAS2E1OS, 1 IPAS2E1, 2 RIPAS2E1, 3 RIPAS2E1OS, 4 IPAS2LE1OS, 5 IPAS2LE1, 6 RIPAS2LE1, 7 RIPAS2LE1OS
                os = op2 is 0 or 3 or 4 or 7;
                range = op2 is 2 or 3 or 6 or 7;
                broadcast = os;
                ipa = true;
                key2 = (op2 & 4) | (range ? 2u : 1u);
                break;
            default:
                RaiseUndefined();
                return;
        }
        if (!s_tlbiForms.TryGetValue((op1, key2, range, ipa), out var form)
            || (os && !HasFeature(Feature.TLBIOS) && !HasFeature(Feature.TLBIRANGE))
            || (range && !HasFeature(Feature.TLBIRANGE))
            || S.EL < form.MinEl
            || (form.MinEl == 2 && !Config.HasEl2 && !form.El1Regime))
        {
            RaiseUndefined();
            return;
        }
        // HCR_EL2.TTLB traps EL1's TLB maintenance to EL2; HCR_EL2.FB makes EL1's local forms broadcast.
        if (form.MinEl == 1 && S.EL == 1)
        {
            var a = HcrTrapEl1(HCR_TTLB);
            if (a != SysAccess.Ok) { RaiseSysAccess(a, iss); return; }
            if (HcrTrap(HCR_FB)) broadcast = true;
        }
        Regime regime = form.MinEl switch
        {
            3 => Regime.EL3,
            2 when !form.El1Regime => E2h ? Regime.EL20 : Regime.EL2,
            // *E1 forms act on EL2&0 when executed at EL2 in host (E2H = TGE = 1), else on EL1&0.
            _ => S.EL == 2 && El0InHost && form.MinEl == 1 ? Regime.EL20 : Regime.EL10,
        };
        string name = form.Name + (os ? "OS" : crm is 0 or 2 or 3 ? "IS" : "");
        var op = new TlbiOperation(name, form.Kind, regime, broadcast, form.LastLevel, form.Range);
        TlbInvalidate(op, xt);
        if (broadcast) TlbiBroadcast?.Invoke(this, op, xt);
    }

    /// <summary>
    /// Performs a TLB invalidation on this CPU's TLBs (the TLBI instructions, and other CPUs' broadcast ones through
    /// the board). Range and stage 2 forms over-invalidate, which the Arm ARM allows.
    /// </summary>
    public void TlbInvalidate(TlbiOperation op, ulong operand)
    {
        switch (op.Kind)
        {
            case TlbiKind.All:
                if (op.Regime is Regime.EL2 or Regime.EL20) { TlbFlush(Regime.EL2); TlbFlush(Regime.EL20); }
                else TlbFlush(op.Regime);
                break;
            case TlbiKind.VmAll:
            case TlbiKind.VmAllS12:
                TlbFlush(op.Regime);
                break;
            case TlbiKind.Asid:
                TlbFlushAsid(op.Regime, TlbiAsid(op.Regime, operand));
                break;
            case TlbiKind.Va:
            case TlbiKind.VaAllAsids:
                if (op.Range) { TlbFlush(op.Regime); break; }
                bool twoRanges = op.Regime is Regime.EL10 or Regime.EL20;
                ushort? asid = op.Kind == TlbiKind.Va && twoRanges ? TlbiAsid(op.Regime, operand) : null;
                TlbFlushVa(op.Regime, TlbiOperation.VaOf(operand), asid);
                break;
            case TlbiKind.Ipa:
                // No stage 2 translation is implemented, so there are no stage 2 entries to drop.
                break;
        }
    }

    /// <summary>The ASID of a TLBI operand: 16 bits with TCR_ELx.AS = 1, else the low 8 (the upper ones are ignored).</summary>
    private ushort TlbiAsid(Regime regime, ulong operand)
    {
        ushort asid = TlbiOperation.AsidOf(operand);
        ulong tcr = regime == Regime.EL20 ? S.TCR[2] : S.TCR[1];
        return ((tcr >> 36) & 1) != 0 ? asid : (ushort)(asid & 0xFF);
    }
}
