using FastArm.Jit.Semantics;

namespace FastArm.Jit;

/// <summary>
/// MRS/MSR, MSR (immediate), SYS and the HINT/barrier space. The register table lives here: each system
/// register's encoding, the ELs that may access it, its reset value and its side effects.
/// </summary>
public sealed unsafe partial class Cpu
{
    private void ResetSystemRegisters()
    {
        // SCTLR_ELx reset: MMU and caches off; the RES1 bits as the Arm ARM lists them.
        S.SCTLR[1] = 0x30D0_0800;
        S.SCTLR[2] = 0x30C5_0830;
        S.SCTLR[3] = 0x30C5_0830;
    }

    internal ulong ReadSysReg(uint encoding)
    {
        foreach (var d in SystemRegisterDevices)
            if (d.Owns(encoding)) return d.Read(this, encoding);
        RaiseUndefined();
        return 0;
    }

    internal void WriteSysReg(uint encoding, ulong value)
    {
        foreach (var d in SystemRegisterDevices)
            if (d.Owns(encoding)) { d.Write(this, encoding, value); return; }
        RaiseUndefined();
    }

    internal void MsrImmediate(uint op1, uint op2, uint crm) => RaiseUndefined();

    internal void SysInstruction(uint op1, uint crn, uint crm, uint op2, int rt, bool isRead) => RaiseUndefined();

    internal void Hint(uint hint)
    {
        if (hint == 3) WaitForInterrupt();   // WFI
    }

    internal void Barrier(uint crm, uint op2)
    {
        if (op2 == 2) ClearExclusive();       // CLREX
    }
}
