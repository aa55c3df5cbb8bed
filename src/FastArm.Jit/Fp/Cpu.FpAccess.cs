using FastArm.Jit.Exceptions;

namespace FastArm.Jit;

public sealed unsafe partial class Cpu
{
    // CPTR_TFP (bit 10) is declared with the other trap bits in State/Cpu.SystemRegisters.cs.

    /// <summary>
    /// AArch64.CheckFPAdvSIMDEnabled (Arm ARM, shared/functions/system): CPACR_EL1.FPEN at EL0/EL1 (unless
    /// in the EL2&amp;0 host regime), then CPTR_EL2 (FPEN when HCR_EL2.E2H = 1, else TFP) at EL0..EL2 when EL2 is
    /// enabled, then CPTR_EL3.TFP below EL3 and at EL3. Raises the trap and returns false when access is disabled.
    /// </summary>
    internal bool CheckFpAccess()
    {
        int el = S.EL;
        ulong hcr = Config.HasEl2 ? S.Sys.HCR_EL2 : 0;
        bool e2h = (hcr & (1UL << 34)) != 0, tge = (hcr & (1UL << 27)) != 0;
        bool el2Enabled = Config.HasEl2 && (!Config.HasEl3 || (S.Sys.SCR_EL3 & 1) != 0);
        bool inHost = el2Enabled && e2h && tge && el == 0;
        if (el <= 1 && !inHost)
        {
            ulong fpen = (S.Sys.CPACR_EL1 >> 20) & 3;
            bool disabled = fpen switch { 1 => el == 0, 3 => false, _ => true };
            if (disabled) { RaiseFpAccessTrap(1); return false; }
        }
        if (el <= 2 && el2Enabled)
        {
            bool disabled;
            if (e2h)
            {
                ulong fpen = (S.Sys.CPTR_EL2 >> 20) & 3;
                disabled = fpen switch { 1 => el == 0 && tge, 3 => false, _ => true };
            }
            else disabled = (S.Sys.CPTR_EL2 & CPTR_TFP) != 0;
            if (disabled) { RaiseFpAccessTrap(2); return false; }
        }
        if (Config.HasEl3 && (S.Sys.CPTR_EL3 & CPTR_TFP) != 0) { RaiseFpAccessTrap(3); return false; }
        return true;
    }

    /// <summary>
    /// AArch64.AdvSIMDFPAccessTrap: EC 0x07 with ISS CV = 1, COND = 0b1110 (ConditionSyndrome() in AArch64
    /// state), except that a trap aimed at EL1 while HCR_EL2.TGE = 1 goes to EL2 as an Uncategorized exception.
    /// </summary>
    private void RaiseFpAccessTrap(int targetEl)
    {
        bool el2Enabled = Config.HasEl2 && (!Config.HasEl3 || (S.Sys.SCR_EL3 & 1) != 0);
        if (targetEl == 1 && el2Enabled && (S.Sys.HCR_EL2 & (1UL << 27)) != 0)
        {
            RaiseSync(ExceptionClass.Unknown, 0, S.PC, targetEl: 2);
            return;
        }
        RaiseSync(ExceptionClass.FpAccessTrap, 0x1E0_0000, S.PC, targetEl: Math.Max(targetEl, S.EL));
    }
}
