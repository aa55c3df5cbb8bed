using System.Runtime.InteropServices;

namespace FastArm.Jit.State;

/// <summary>
/// The architectural state of one CPU, in one unmanaged block so that both engines reach every field at a fixed
/// offset from one pointer (generated code: <c>ldarg state; ldflda</c>), with no arrays or bounds checks.
/// Registers banked by exception level are indexed by EL (index 0 unused where EL0 has none).
/// System registers that are plain storage live in <see cref="SysRegs"/> (State/SysRegs.cs).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe partial struct CpuState
{
    /// <summary>X0..X30; X[31] is scratch and never architecturally visible (encoding 31 means SP or XZR).</summary>
    public fixed ulong X[32];

    /// <summary>V0..V31 as 128-bit values, two ulongs each, low half first.</summary>
    public fixed ulong V[64];

    public ulong PC;

    /// <summary>SP_EL0..SP_EL3. The current SP is SP_EL0 when PSTATE.SP is 0, else SP_ELx for the current EL.</summary>
    public fixed ulong SpEl[4];

    // PSTATE, one field per group so that the hot ones are plain loads.
    /// <summary>N Z C V in bits 31..28, exactly as the NZCV register reads.</summary>
    public uint Nzcv;
    /// <summary>D A I F in bits 9..6, exactly as the DAIF register reads.</summary>
    public uint Daif;
    /// <summary>Current exception level, 0..3.</summary>
    public int EL;
    /// <summary>PSTATE.SP: 0 = use SP_EL0, 1 = use SP_ELx.</summary>
    public int SpSel;
    /// <summary>The remaining PSTATE bits (PAN, UAO, DIT, SSBS, TCO, SS, IL, BTYPE) in their SPSR positions.</summary>
    public ulong PStateOther;

    public uint Fpcr;
    public uint Fpsr;

    // Banked by target EL: index 1..3 = *_EL1..*_EL3.
    public fixed ulong ELR[4];
    public fixed ulong SPSR[4];
    public fixed ulong ESR[4];
    public fixed ulong FAR[4];
    public fixed ulong VBAR[4];
    public fixed ulong SCTLR[4];
    public fixed ulong TTBR0[4];
    public fixed ulong TTBR1[4];
    public fixed ulong TCR[4];
    public fixed ulong MAIR[4];
    public fixed ulong TPIDR[4];   // TPIDR_EL0..TPIDR_EL3

    /// <summary>The local exclusive monitor: armed by LDXR/LDAXR, checked and cleared by STXR/CLREX/exception return.</summary>
    public ulong ExclusiveAddress;
    public ulong ExclusiveSize;
    public int ExclusiveArmed;
    /// <summary>What the arming LDXR/LDXP read (LDXP: the first doubleword; ExclusiveHigh the second): a
    /// store-exclusive passes only while memory still holds it (QEMU's model, see docs/notes/memory-access.md).</summary>
    public ulong ExclusiveValue, ExclusiveHigh;

    /// <summary>Storage-only system registers and the ones not banked above.</summary>
    public SysRegs Sys;

    // SPSR/PSTATE bit positions (Arm ARM C5.2.18, SPSR_EL1).
    public const ulong PStateSS = 1UL << 21, PStateIL = 1UL << 20, PStateSSBS = 1UL << 12, PStatePAN = 1UL << 22,
        PStateUAO = 1UL << 23, PStateDIT = 1UL << 24, PStateTCO = 1UL << 25, PStateBTYPE = 3UL << 10;
    public const ulong PStateOtherMask = PStateSS | PStateIL | PStateSSBS | PStatePAN | PStateUAO | PStateDIT | PStateTCO | PStateBTYPE;

    public readonly ulong CurrentSp => SpSel == 0 ? SpEl[0] : SpEl[EL];

    /// <summary>PSTATE packed as SPSR_ELx would save it for AArch64 (M[4]=0, M[3:2]=EL, M[0]=SPSel).</summary>
    public readonly ulong PStateAsSpsr =>
        Nzcv | Daif | PStateOther | ((ulong)(uint)EL << 2) | (uint)SpSel;

    /// <summary>Restores PSTATE from an SPSR value (ERET). The caller has checked that M names a legal AArch64 state.</summary>
    public void SetPStateFromSpsr(ulong spsr)
    {
        Nzcv = (uint)spsr & 0xF000_0000u;
        Daif = (uint)spsr & 0x3C0u;
        PStateOther = spsr & PStateOtherMask;
        EL = (int)((spsr >> 2) & 3);
        SpSel = (int)(spsr & 1);
    }

    public ulong GetV(int n, int half) => V[n * 2 + half];
}
