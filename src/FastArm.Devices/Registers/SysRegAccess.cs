using FastArm.Jit;
using FastArm.Jit.Semantics;

namespace FastArm.Devices.Registers;

/// <summary>
/// Helpers for devices that own system registers (<see cref="FastArm.Jit.Platform.ISystemRegisterDevice"/>):
/// encodings, the EL2-enabled and host-regime tests, and the trap of an MRS/MSR to a higher EL with EC 0x18.
/// </summary>
public static class SysRegAccess
{
    /// <summary>op0:op1:CRn:CRm:op2 as MRS/MSR carry it (see <see cref="SysRegEncoding"/>).</summary>
    public static uint Enc(uint op0, uint op1, uint crn, uint crm, uint op2) => SysRegEncoding.Make(op0, op1, crn, crm, op2);

    public const ulong HCR_E2H = 1UL << 34, HCR_TGE = 1UL << 27, SCR_NS = 1UL << 0;

    /// <summary>EL2Enabled() (Arm ARM shared pseudocode): EL2 implemented and, with EL3, the PE in Non-secure state.</summary>
    public static bool El2Enabled(Cpu cpu) =>
        cpu.Config.HasEl2 && (!cpu.Config.HasEl3 || (cpu.S.Sys.SCR_EL3 & SCR_NS) != 0);

    /// <summary>HCR_EL2.{E2H,TGE} == {1,1} with EL2 enabled: the EL2&amp;0 host regime.</summary>
    public static bool HostEl20(Cpu cpu) =>
        El2Enabled(cpu) && (cpu.S.Sys.HCR_EL2 & (HCR_E2H | HCR_TGE)) == (HCR_E2H | HCR_TGE);

    public static bool E2h(Cpu cpu) => El2Enabled(cpu) && (cpu.S.Sys.HCR_EL2 & HCR_E2H) != 0;

    /// <summary>
    /// AArch64.SystemAccessTrap(targetEl, 0x18) for the MRS/MSR being executed: the CPU knows the access's Rt
    /// and direction and builds the ISS (D17.2.37).
    /// </summary>
    public static void Trap(Cpu cpu, int targetEl) => cpu.RaiseSysRegTrap(targetEl);
}
