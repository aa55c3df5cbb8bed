using FastArm.Jit.State;

namespace FastArm.Jit;

using static FastArm.Jit.Exceptions.ExceptionClass;
using ExceptionKind = FastArm.Jit.Exceptions.ExceptionKind;

/// <summary>Exception entry and return (Arm ARM D1.10, pseudocode AArch64.TakeException / AArch64.ExceptionReturn).</summary>
public sealed unsafe partial class Cpu
{
    private const ulong HCR_TGE = 1UL << 27, HCR_IMO = 1UL << 4, HCR_FMO = 1UL << 3, HCR_AMO = 1UL << 5, HCR_E2H = 1UL << 34, HCR_TSC = 1UL << 19;
    private const ulong SCR_IRQ = 1UL << 1, SCR_FIQ = 1UL << 2, SCR_EA = 1UL << 3, SCR_SMD = 1UL << 7, SCR_HCE = 1UL << 8;
    private const ulong IL = 1UL << 25;

    /// <summary>Set when the current instruction ended in an exception (so its remaining effects are dropped).</summary>
    internal bool ExceptionTaken;

    /// <summary>The EL a synchronous exception from the current EL goes to (HCR_EL2.TGE sends EL0's to EL2).</summary>
    private int SyncTargetEl()
    {
        if (S.EL != 0) return S.EL;
        return Config.HasEl2 && (S.Sys.HCR_EL2 & HCR_TGE) != 0 ? 2 : 1;
    }

    /// <summary>Enters <paramref name="targetEl"/> through its vector table.</summary>
    public void TakeException(int targetEl, ExceptionKind kind, ulong esr, bool writeEsr, ulong far, bool writeFar, ulong preferredReturn)
    {
        int fromEl = S.EL;
        ulong offset = targetEl > fromEl ? 0x400UL : S.SpSel == 0 ? 0UL : 0x200UL;
        offset += (ulong)kind * 0x80;

        S.SPSR[targetEl] = S.PStateAsSpsr;
        S.ELR[targetEl] = preferredReturn;
        if (writeEsr) S.ESR[targetEl] = esr;
        if (writeFar) S.FAR[targetEl] = far;

        S.EL = targetEl;
        S.SpSel = 1;
        S.Daif = 0x3C0;
        ulong other = S.PStateOther & ~(CpuState.PStateSS | CpuState.PStateIL | CpuState.PStateBTYPE | CpuState.PStateUAO | CpuState.PStateSSBS);
        ulong sctlr = S.SCTLR[targetEl];
        // PAN is set on entry to EL1 (or EL2 in the EL2&0 regime) unless SCTLR_ELx.SPAN says otherwise.
        bool hostEl2 = targetEl == 2 && (S.Sys.HCR_EL2 & (HCR_E2H | HCR_TGE)) == (HCR_E2H | HCR_TGE);
        if ((Features & FastArm.Jit.Decode.Feature.PAN) != 0 && (targetEl == 1 || hostEl2) && (sctlr & (1UL << 23)) == 0)
            other |= CpuState.PStatePAN;
        if ((Features & FastArm.Jit.Decode.Feature.SSBS) != 0 && (sctlr & (1UL << 44)) != 0)
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

    /// <summary>UNDEFINED (EC 0x00) for the instruction at PC.</summary>
    public void RaiseUndefined() => RaiseSync(Unknown, 0, S.PC);

    internal void DataAbort(ulong va, uint status, bool isWrite, bool s1ptw)
    {
        int target = SyncTargetEl();
        uint ec = target > S.EL ? DataAbortLower : DataAbortSame;
        uint iss = status | (isWrite && !s1ptw ? 1u << 6 : 0) | (s1ptw ? 1u << 7 : 0);
        if (status == Exceptions.FaultStatus.SyncExternal) iss |= 0;   // EA = 0: the external abort is not further classified
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
                RaiseSync(Svc64, imm16, next);
                return;
            case Semantics.ExceptionGen.Hvc:
                if (S.EL == 0) { RaiseUndefined(); return; }
                if (!Config.HasEl2)
                {
                    if (FirmwareCalls?.HandleHvc(this, imm16) == true) { S.PC = next; _blockStart = true; return; }
                    RaiseUndefined();
                    return;
                }
                if (Config.HasEl3 && (S.Sys.SCR_EL3 & SCR_HCE) == 0) { RaiseUndefined(); return; }
                RaiseSync(Hvc64, imm16, next, targetEl: Math.Max(2, S.EL));
                return;
            case Semantics.ExceptionGen.Smc:
                if (S.EL == 0) { RaiseUndefined(); return; }
                // HCR_EL2.TSC traps SMC from EL1 to EL2 before anything else; the preferred return is the SMC itself.
                if (S.EL == 1 && Config.HasEl2 && (S.Sys.HCR_EL2 & HCR_TSC) != 0)
                {
                    RaiseSync(Smc64, imm16, S.PC, targetEl: 2);
                    return;
                }
                if (!Config.HasEl3)
                {
                    if (FirmwareCalls?.HandleSmc(this, imm16) == true) { S.PC = next; _blockStart = true; return; }
                    RaiseUndefined();
                    return;
                }
                if ((S.Sys.SCR_EL3 & SCR_SMD) != 0) { RaiseUndefined(); return; }
                RaiseSync(Smc64, imm16, next, targetEl: 3);
                return;
            case Semantics.ExceptionGen.Brk:
                RaiseSync(Brk64, imm16, S.PC);
                return;
            case Semantics.ExceptionGen.Hlt:
                // Halting debug is never enabled here, so HLT is UNDEFINED except as the semihosting trap.
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

    /// <summary>ERET (AArch64.ExceptionReturn), including the illegal exception return rules.</summary>
    internal void ExceptionReturn()
    {
        if (S.EL == 0) { RaiseUndefined(); return; }
        ulong spsr = S.SPSR[S.EL];
        ulong target = S.ELR[S.EL];
        int targetEl = (int)((spsr >> 2) & 3);
        bool illegal = (spsr & 0x10) != 0          // AArch32 is not implemented
            || (spsr & 2) != 0                      // M[1] is reserved
            || targetEl > S.EL
            || (targetEl == 2 && !Config.HasEl2)
            || (targetEl == 3 && !Config.HasEl3)
            || (targetEl == 0 && (spsr & 1) != 0)
            || (targetEl == 1 && Config.HasEl2 && S.EL == 2 && (S.Sys.HCR_EL2 & HCR_TGE) != 0);
        if (illegal)
        {
            // PSTATE.{EL, SP} stay; IL is set so that the next instruction takes an Illegal State exception.
            int el = S.EL, sp = S.SpSel;
            S.SetPStateFromSpsr(spsr);
            S.EL = el;
            S.SpSel = sp;
            S.PStateOther |= CpuState.PStateIL;
        }
        else
        {
            S.SetPStateFromSpsr(spsr);
        }
        ClearExclusive();
        S.PC = target;
        _blockStart = true;
    }

    /// <summary>Takes a pending, unmasked interrupt; true when one was taken.</summary>
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
        return false;
    }

    /// <summary>
    /// The EL an asynchronous exception goes to, or null while it is masked (Arm ARM D1.3.6: routing by
    /// SCR_EL3.{FIQ,IRQ,EA} and HCR_EL2.{FMO,IMO,AMO,TGE}; PSTATE masks only when the target is the current EL).
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
        else if (Config.HasEl2 && S.EL <= 2 && (S.Sys.HCR_EL2 & (hcrBit | HCR_TGE)) != 0) target = 2;
        else target = 1;
        if (target < S.EL) return null;
        if (target > S.EL) return target;
        return (S.Daif & daifBit) != 0 ? null : target;
    }
}
