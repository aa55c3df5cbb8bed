using System.Runtime.InteropServices;

namespace FastArm.Jit.State;

/// <summary>
/// System registers that are storage, named as the Arm ARM spells them. Registers banked per EL are arrays in
/// <see cref="CpuState"/>; the meaning of each access (traps, RES0/RES1 masks, side effects) is in the register
/// table of State/Cpu.SystemRegisters.cs, which is the one place that reads and writes these.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct SysRegs
{
#pragma warning disable IDE1006
    public ulong CPACR_EL1, CONTEXTIDR_EL1, CNTKCTL_EL1, MDSCR_EL1, PAR_EL1, AFSR0_EL1, AFSR1_EL1, AMAIR_EL1;
    public ulong TPIDRRO_EL0, CSSELR_EL1, ACTLR_EL1, OSLSR_EL1, OSDLR_EL1, DISR_EL1, LORSA_EL1, LOREA_EL1, LORN_EL1, LORC_EL1;
    public ulong HCR_EL2, CPTR_EL2, HSTR_EL2, MDCR_EL2, VTCR_EL2, VTTBR_EL2, VPIDR_EL2, VMPIDR_EL2, HPFAR_EL2, CNTHCTL_EL2, CNTVOFF_EL2, ACTLR_EL2, HACR_EL2, AFSR0_EL2, AFSR1_EL2, AMAIR_EL2, CONTEXTIDR_EL2, TTBR1_EL2;
    public ulong SCR_EL3, CPTR_EL3, MDCR_EL3, ACTLR_EL3, AFSR0_EL3, AFSR1_EL3, AMAIR_EL3;

    // Self-hosted debug (Arm ARM D2): storage only, no debug events are generated.
    public ulong MDCCINT_EL1, DBGPRCR_EL1, DBGCLAIM;
    public fixed ulong DBGBVR[16];
    public fixed ulong DBGBCR[16];
    public fixed ulong DBGWVR[16];
    public fixed ulong DBGWCR[16];

    /// <summary>RVBAR_ELx of the highest EL: the reset address.</summary>
    public ulong RVBAR;

    /// <summary>The Event Register (Arm ARM D1.16.1): set by SEV/SEVL/exception return/external events, consumed by WFE.</summary>
    public ulong EventRegister;
#pragma warning restore IDE1006
}
