using FastArm.Jit.Decode;
using FastArm.Jit.State;

namespace FastArm.Jit;

using static FastArm.Jit.Exceptions.ExceptionClass;
using ExceptionKind = FastArm.Jit.Exceptions.ExceptionKind;

/// <summary>Exception entry and return (Arm ARM D1.10, pseudocode AArch64.TakeException / AArch64.ExceptionReturn).</summary>
public sealed unsafe partial class Cpu
{
    private const ulong HCR_TGE = 1UL << 27, HCR_IMO = 1UL << 4, HCR_FMO = 1UL << 3, HCR_AMO = 1UL << 5, HCR_E2H = 1UL << 34, HCR_TSC = 1UL << 19;
    private const ulong HCR_HCD = 1UL << 29;
    private const ulong SCR_NS = 1UL << 0, SCR_IRQ = 1UL << 1, SCR_FIQ = 1UL << 2, SCR_EA = 1UL << 3, SCR_SMD = 1UL << 7, SCR_HCE = 1UL << 8;
    private const ulong MDCR_TDE = 1UL << 8;
    private const ulong IL = 1UL << 25;

    /// <summary>Set when the current instruction ended in an exception (so its remaining effects are dropped).</summary>
    internal bool ExceptionTaken;

    /// <summary>
    /// EL2Enabled(): EL2 is implemented and the PE is in Non-secure state (SCR_EL3.NS = 1 when EL3 exists; FEAT_SEL2
    /// is not implemented). HCR_EL2 and MDCR_EL2 only act while this holds.
    /// </summary>
    internal bool El2Enabled
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        get => Config.HasEl2 && (!Config.HasEl3 || (S.Sys.SCR_EL3 & SCR_NS) != 0);
    }

    /// <summary>HCR_EL2.E2H (always 0 without FEAT_VHE: the bit is RES0 then).</summary>
    internal bool E2h => Config.HasEl2 && (S.Sys.HCR_EL2 & HCR_E2H) != 0;

    /// <summary>HCR_EL2.TGE in effect: EL2 enabled and TGE set.</summary>
    internal bool TgeInEffect => El2Enabled && (S.Sys.HCR_EL2 & HCR_TGE) != 0;

    /// <summary>ELIsInHost(EL0): EL0 runs in the EL2&amp;0 regime (E2H = TGE = 1).</summary>
    internal bool El0InHost => El2Enabled && (S.Sys.HCR_EL2 & (HCR_E2H | HCR_TGE)) == (HCR_E2H | HCR_TGE);

    /// <summary>IsInHost(): the current EL is EL2 with E2H = 1, or EL0 in host.</summary>
    internal bool IsInHost => S.EL == 2 ? E2h : S.EL == 0 && El0InHost;

    /// <summary>The EL a synchronous exception from the current EL goes to (HCR_EL2.TGE sends EL0's to EL2).</summary>
    private int SyncTargetEl()
    {
        if (S.EL != 0) return S.EL;
        return TgeInEffect ? 2 : 1;
    }

    /// <summary>Enters <paramref name="targetEl"/> through its vector table.</summary>
    public void TakeException(int targetEl, ExceptionKind kind, ulong esr, bool writeEsr, ulong far, bool writeFar, ulong preferredReturn)
    {
        int fromEl = S.EL;
        // AArch64.TakeException: from a lower EL (using AArch64) the vectors at +0x400; from the same EL +0x000
        // with SP_EL0 selected and +0x200 with SP_ELx.
        ulong offset = targetEl > fromEl ? 0x400UL : S.SpSel == 0 ? 0UL : 0x200UL;
        offset += (ulong)kind * 0x80;

        S.SPSR[targetEl] = S.PStateAsSpsr;
        S.ELR[targetEl] = preferredReturn;
        if (writeEsr) S.ESR[targetEl] = esr;
        if (writeFar) S.FAR[targetEl] = far;

        S.EL = targetEl;
        S.SpSel = 1;
        S.Daif = 0x3C0;
        // PSTATE.{SS, IL, BTYPE} are cleared, UAO is cleared, SSBS takes SCTLR_ELx.DSSBS; DIT is kept.
        ulong other = S.PStateOther & ~(CpuState.PStateSS | CpuState.PStateIL | CpuState.PStateBTYPE | CpuState.PStateUAO | CpuState.PStateSSBS);
        ulong sctlr = S.SCTLR[targetEl];
        // PAN is set on entry to EL1 (or EL2 in the EL2&0 regime) unless SCTLR_ELx.SPAN says otherwise.
        bool hostEl2 = targetEl == 2 && (S.Sys.HCR_EL2 & (HCR_E2H | HCR_TGE)) == (HCR_E2H | HCR_TGE);
        if ((Features & Feature.PAN) != 0 && (targetEl == 1 || hostEl2) && (sctlr & (1UL << 23)) == 0)
            other |= CpuState.PStatePAN;
        if ((Features & Feature.SSBS) != 0 && (sctlr & (1UL << 44)) != 0)
            other |= CpuState.PStateSSBS;
        S.PStateOther = other;

        ulong vector = (S.VBAR[targetEl] & ~0x7FFUL) + offset;
        S.PC = vector;
        _blockStart = true;
        _waitingForInterrupt = false;
        ExceptionTaken = true;
        ExceptionHook?.Invoke(new ExceptionEvent(kind, fromEl, targetEl, writeEsr ? esr : 0, writeFar ? far : 0, preferredReturn, vector));
    }

    /// <summary>A synchronous exception with syndrome EC/ISS taken to the usual target of the current EL.</summary>
    public void RaiseSync(uint ec, uint iss, ulong preferredReturn, ulong? far = null, int? targetEl = null)
    {
        int target = targetEl ?? SyncTargetEl();
        ulong esr = ((ulong)ec << 26) | IL | (iss & 0x1FFFFFF);
        TakeException(target, ExceptionKind.Synchronous, esr, true, far ?? 0, far.HasValue, preferredReturn);
    }

    /// <summary>UNDEFINED (EC 0x00) for the instruction at PC (AArch64.UndefinedFault: EL0 goes to EL2 under TGE).</summary>
    public void RaiseUndefined() => RaiseSync(Unknown, 0, S.PC);

    /// <summary>
    /// A data abort for the current instruction. <paramref name="cm"/> marks a fault on a cache maintenance or
    /// address translation instruction (ISS.CM; WnR is then 1, Arm ARM D17.2.40).
    /// </summary>
    internal void DataAbort(ulong va, uint status, bool isWrite, bool s1ptw, bool cm = false)
    {
        int target = SyncTargetEl();
        uint ec = target > S.EL ? DataAbortLower : DataAbortSame;
        if (cm) isWrite = true;
        uint iss = status | (isWrite && !s1ptw ? 1u << 6 : 0) | (s1ptw ? 1u << 7 : 0) | (cm ? 1u << 8 : 0);
        RaiseSync(ec, iss, S.PC, va, target);
    }

    internal void InstructionAbort(ulong va, uint status, bool s1ptw)
    {
        int target = SyncTargetEl();
        uint ec = target > S.EL ? InstructionAbortLower : InstructionAbortSame;
        uint iss = status | (s1ptw ? 1u << 7 : 0);
        RaiseSync(ec, iss, va, va, target);
    }

    internal void PcAlignmentFault(ulong pc) => RaiseSync(PcAlignment, 0, pc, pc);

    /// <summary>Checks SCTLR_ELx.SA/SA0 for an access based on SP; raises the SP alignment fault if misaligned.</summary>
    internal bool CheckSpAlignment()
    {
        ulong sctlr = S.SCTLR[RegimeEl(S.EL)];
        ulong bit = S.EL == 0 ? 1UL << 4 : 1UL << 3;
        if ((sctlr & bit) == 0 || (S.CurrentSp & 0xF) == 0) return true;
        RaiseSync(SpAlignment, 0, S.PC);
        return false;
    }

    /// <summary>SVC, HVC, SMC, BRK and HLT (Arm ARM C6.2), including QEMU-style firmware calls and semihosting.</summary>
    internal void ExceptionGenerating(Semantics.ExceptionGen kind, uint imm16)
    {
        ulong next = S.PC + 4;
        switch (kind)
        {
            case Semantics.ExceptionGen.Svc:
                // AArch64.CallSupervisor: to the current EL if above EL1, else EL1 (EL2 from EL0 under TGE).
                RaiseSync(Svc64, imm16, next);
                return;

            case Semantics.ExceptionGen.Hvc:
                // HVC (C6.2.125): UNDEFINED at EL0, without EL2, at Secure EL1 (EL2 not enabled), and when
                // disabled by SCR_EL3.HCE = 0 (with EL3) or HCR_EL2.HCD = 1 (without EL3).
                if (S.EL == 0) { RaiseUndefined(); return; }
                if (!Config.HasEl2)
                {
                    // No EL2: the emulator's firmware (PSCI over HVC, as QEMU's virt) may answer instead.
                    if (FirmwareCalls?.HandleHvc(this, imm16) == true) { S.PC = next; _blockStart = true; return; }
                    RaiseUndefined();
                    return;
                }
                if (S.EL == 1 && !El2Enabled) { RaiseUndefined(); return; }
                bool hvcEnabled = Config.HasEl3 ? (S.Sys.SCR_EL3 & SCR_HCE) != 0 : (S.Sys.HCR_EL2 & HCR_HCD) == 0;
                if (!hvcEnabled) { RaiseUndefined(); return; }
                // AArch64.CallHypervisor: to EL3 when executed at EL3, else EL2; returns to the next instruction.
                RaiseSync(Hvc64, imm16, next, targetEl: S.EL == 3 ? 3 : 2);
                return;

            case Semantics.ExceptionGen.Smc:
            {
                // AArch64.CheckForSMCUndefOrTrap: UNDEFINED at EL0; HCR_EL2.TSC traps EL1's SMC to EL2 (before
                // SCR_EL3.SMD is looked at), with the SMC itself as the preferred return.
                if (S.EL == 0) { RaiseUndefined(); return; }
                bool tscTrap = S.EL == 1 && El2Enabled && (S.Sys.HCR_EL2 & (HCR_TSC | HCR_TGE)) == HCR_TSC;
                if (!Config.HasEl3)
                {
                    // Without EL3 SMC is UNDEFINED and cannot be trapped, unless the emulator's firmware stands in
                    // for EL3 (PSCI over SMC): then, as in QEMU, an EL2 may still forbid it to EL1 with TSC.
                    if (FirmwareCalls == null) { RaiseUndefined(); return; }
                    if (tscTrap) { RaiseSync(Smc64, imm16, S.PC, targetEl: 2); return; }
                    if (FirmwareCalls.HandleSmc(this, imm16)) { S.PC = next; _blockStart = true; return; }
                    RaiseUndefined();
                    return;
                }
                if (tscTrap) { RaiseSync(Smc64, imm16, S.PC, targetEl: 2); return; }
                if ((S.Sys.SCR_EL3 & SCR_SMD) != 0) { RaiseUndefined(); return; }
                // AArch64.CallSecureMonitor: always to EL3, returning to the next instruction.
                RaiseSync(Smc64, imm16, next, targetEl: 3);
                return;
            }

            case Semantics.ExceptionGen.Brk:
                // AArch64.SoftwareBreakpoint: a debug exception, routed to EL2 from EL0/EL1 by TGE or MDCR_EL2.TDE.
                RaiseSync(Brk64, imm16, S.PC, targetEl: DebugTargetEl());
                return;

            case Semantics.ExceptionGen.Hlt:
                // Halting debug is never allowed here (EDSCR.HDE = 0), so HLT is UNDEFINED except as the
                // semihosting trap.
                if (imm16 == 0xF000 && Semihosting != null)
                {
                    Semihosting.Handle(this);
                    if (!ExceptionTaken) { S.PC = next; _blockStart = true; }
                    return;
                }
                RaiseUndefined();
                return;
        }
    }

    /// <summary>The EL debug exceptions from the current EL go to (AArch64.SoftwareBreakpoint and friends).</summary>
    private int DebugTargetEl()
    {
        if (S.EL >= 2) return S.EL;
        if (El2Enabled && ((S.Sys.HCR_EL2 & HCR_TGE) != 0 || (S.Sys.MDCR_EL2 & MDCR_TDE) != 0)) return 2;
        return 1;
    }

    /// <summary>The PSTATE bits an SPSR may restore: those of the implemented features (others stay 0).</summary>
    private ulong RestorablePStateOther()
    {
        ulong m = CpuState.PStateIL;
        if ((Features & Feature.PAN) != 0) m |= CpuState.PStatePAN;
        if ((Features & Feature.UAO) != 0) m |= CpuState.PStateUAO;
        if ((Features & Feature.DIT) != 0) m |= CpuState.PStateDIT;
        if ((Features & Feature.SSBS) != 0) m |= CpuState.PStateSSBS;
        // SS: DebugExceptionReturnSS() is 0 while software step is not enabled (MDSCR_EL1.SS is never acted on).
        return m;
    }

    /// <summary>
    /// IllegalExceptionReturn(spsr) of the Arm ARM (D1.11.4): M names AArch32 (not implemented) or a reserved mode,
    /// an EL that is higher or not implemented, EL2 in Secure state (SCR_EL3.NS = 0, no FEAT_SEL2), EL0 with M[0]
    /// = 1, or EL1 while HCR_EL2.TGE = 1 with EL2 enabled.
    /// </summary>
    private bool IllegalExceptionReturn(ulong spsr)
    {
        if ((spsr & 0x10) != 0) return true;      // M[4] = 1: AArch32 is not implemented
        if ((spsr & 2) != 0) return true;         // M[1] must be 0
        int el = (int)((spsr >> 2) & 3);
        if (el == 2 && !Config.HasEl2) return true;
        if (el == 3 && !Config.HasEl3) return true;
        if (el == 0 && (spsr & 1) != 0) return true;
        if (el == 2 && Config.HasEl3 && (S.Sys.SCR_EL3 & SCR_NS) == 0) return true;
        if (el > S.EL) return true;
        if (el == 1 && TgeInEffect) return true;
        return false;
    }

    /// <summary>ERET (AArch64.ExceptionReturn), including the illegal exception return rules.</summary>
    internal void ExceptionReturn()
    {
        if (S.EL == 0) { RaiseUndefined(); return; }
        ulong spsr = S.SPSR[S.EL];
        ulong target = S.ELR[S.EL];
        bool illegal = IllegalExceptionReturn(spsr);
        ulong restorable = RestorablePStateOther();

        // SetPSTATEFromPSR: NZCV, DAIF, PAN (and SS) are restored whatever happens; EL, SP, IL and the other
        // fields only on a legal return. An illegal return keeps EL and SP and sets IL, so that the next
        // instruction takes the Illegal Execution state exception; the other fields are UNKNOWN and keep their values.
        S.Nzcv = (uint)spsr & 0xF000_0000u;
        S.Daif = (uint)spsr & 0x3C0u;
        if (illegal)
        {
            ulong pan = restorable & CpuState.PStatePAN;
            S.PStateOther = (S.PStateOther & ~(pan | CpuState.PStateSS)) | (spsr & pan) | CpuState.PStateIL;
        }
        else
        {
            S.PStateOther = spsr & restorable;
            S.EL = (int)((spsr >> 2) & 3);
            S.SpSel = (int)(spsr & 1);
        }
        ClearExclusive();
        // An exception return is a WFE wake-up event: it sets the Event Register (SendEventLocal).
        S.Sys.EventRegister = 1;
        S.PC = BranchAddr(target, S.EL);
        _blockStart = true;
        // Unmasking by the restored DAIF, or a lower EL, may let a pending interrupt in.
        SignalLinesChanged();
    }

    /// <summary>
    /// AArch64.BranchAddr: with top byte ignore in effect for instruction addresses of <paramref name="el"/>'s
    /// regime (TCR_ELx.TBI/TBI0/TBI1; there is no TBID without FEAT_PAuth), bits 63:56 of the target are replaced
    /// by copies of bit 55 in two-range regimes and by zeros in one-range regimes.
    /// </summary>
    internal ulong BranchAddr(ulong va, int el)
    {
        // Targets whose bits 63:55 already agree are left as they are by every case below (EL1/EL0 regimes have two
        // ranges): the common case, decided without reading TCR.
        long top = (long)va >> 55;
        if (top == 0 || (top == -1 && el <= 1)) return va;
        bool upper = ((va >> 55) & 1) != 0;
        bool twoRanges;
        bool tbi;
        if (el == 3)
        {
            twoRanges = false;
            tbi = ((S.TCR[3] >> 20) & 1) != 0;
        }
        else if (el == 2 && !E2h)
        {
            twoRanges = false;
            tbi = ((S.TCR[2] >> 20) & 1) != 0;
        }
        else
        {
            // EL1, EL0, and EL2/EL0 in the EL2&0 regime (whose TCR_EL2 has the two-range layout).
            twoRanges = true;
            int regime = el == 2 || (el == 0 && El0InHost) ? 2 : 1;
            tbi = ((S.TCR[regime] >> (upper ? 38 : 37)) & 1) != 0;
        }
        if (!tbi) return va;
        return twoRanges && upper ? va | 0xFF00_0000_0000_0000UL : va & 0x00FF_FFFF_FFFF_FFFFUL;
    }

    /// <summary>Takes a pending, unmasked interrupt (physical first, then virtual); true when one was taken.</summary>
    private bool TakePendingInterrupt()
    {
        if (_fiqLine && InterruptTarget(ExceptionKind.Fiq) is int fiqEl)
        {
            TakeException(fiqEl, ExceptionKind.Fiq, 0, false, 0, false, S.PC);
            return true;
        }
        if (_irqLine && InterruptTarget(ExceptionKind.Irq) is int irqEl)
        {
            TakeException(irqEl, ExceptionKind.Irq, 0, false, 0, false, S.PC);
            return true;
        }
        if (_serrorLine && InterruptTarget(ExceptionKind.SError) is int seEl)
        {
            TakeException(seEl, ExceptionKind.SError, (ulong)SError << 26 | IL, true, 0, false, S.PC);
            return true;
        }
        return TakePendingVirtualInterrupt();
    }

    /// <summary>
    /// Virtual interrupts (Arm ARM D1.3.7): with EL2 enabled and TGE = 0, HCR_EL2.{VF,VI,VSE} make a virtual FIQ,
    /// IRQ or SError pending when HCR_EL2.{FMO,IMO,AMO} route the physical one to EL2. They are taken to EL1 from
    /// EL0 or EL1, masked by PSTATE.{F,I,A}. Taking the virtual SError clears HCR_EL2.VSE.
    /// </summary>
    private bool TakePendingVirtualInterrupt()
    {
        if (S.EL > 1 || !El2Enabled) return false;
        ulong hcr = S.Sys.HCR_EL2;
        if ((hcr & HCR_TGE) != 0) return false;
        if ((hcr & (HCR_VF | HCR_FMO)) == (HCR_VF | HCR_FMO) && (S.Daif & (1u << 6)) == 0)
        {
            TakeException(1, ExceptionKind.Fiq, 0, false, 0, false, S.PC);
            return true;
        }
        if ((hcr & (HCR_VI | HCR_IMO)) == (HCR_VI | HCR_IMO) && (S.Daif & (1u << 7)) == 0)
        {
            TakeException(1, ExceptionKind.Irq, 0, false, 0, false, S.PC);
            return true;
        }
        if ((hcr & (HCR_VSE | HCR_AMO)) == (HCR_VSE | HCR_AMO) && (S.Daif & (1u << 8)) == 0)
        {
            S.Sys.HCR_EL2 &= ~HCR_VSE;
            // ESR_EL1 takes VSESR_EL2's syndrome, which is 0 without FEAT_RAS (an uncategorized SError).
            TakeException(1, ExceptionKind.SError, (ulong)SError << 26 | IL, true, 0, false, S.PC);
            return true;
        }
        return false;
    }

    /// <summary>A virtual interrupt is pending for the current EL (a WFI wake-up event).</summary>
    private bool VirtualInterruptPending
    {
        get
        {
            if (S.EL > 1 || !El2Enabled) return false;
            ulong hcr = S.Sys.HCR_EL2;
            if ((hcr & HCR_TGE) != 0) return false;
            return (hcr & ((hcr & (HCR_FMO | HCR_IMO | HCR_AMO)) << 3)) != 0;   // VF/VI/VSE sit 3 bits above FMO/IMO/AMO
        }
    }

    /// <summary>
    /// The EL an asynchronous exception goes to, or null while it is masked (Arm ARM D1.3.6: routing by
    /// SCR_EL3.{FIQ,IRQ,EA} and, with EL2 enabled, HCR_EL2.{FMO,IMO,AMO,TGE}; an interrupt routed to a lower EL is
    /// not taken).
    /// </summary>
    private int? InterruptTarget(ExceptionKind kind)
    {
        (ulong scrBit, ulong hcrBit, uint daifBit) = kind switch
        {
            ExceptionKind.Fiq => (SCR_FIQ, HCR_FMO, 1u << 6),
            ExceptionKind.Irq => (SCR_IRQ, HCR_IMO, 1u << 7),
            _ => (SCR_EA, HCR_AMO, 1u << 8),
        };
        int target;
        if (Config.HasEl3 && (S.Sys.SCR_EL3 & scrBit) != 0) target = 3;
        else if (El2Enabled && S.EL <= 2 && (S.Sys.HCR_EL2 & (hcrBit | HCR_TGE)) != 0) target = 2;
        else target = 1;
        if (target < S.EL) return null;
        // Routed to EL2 or EL3 from below, PSTATE does not mask; an interrupt for EL1 is masked by PSTATE at EL0 as
        // at EL1, and so is one for EL2 at EL0 in the EL2&0 host (E2H = TGE = 1), where EL0 sits under EL2.
        bool maskable = target == S.EL || target == 1 || (target == 2 && S.EL == 0 && El0InHost);
        if (!maskable) return target;
        return (S.Daif & daifBit) != 0 ? null : target;
    }
}
