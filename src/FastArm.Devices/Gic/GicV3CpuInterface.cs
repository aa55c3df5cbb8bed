using FastArm.Devices.Registers;
using FastArm.Jit;
using FastArm.Jit.Platform;

namespace FastArm.Devices.Gic;

/// <summary>
/// One PE's GICv3 CPU interface, reached through the ICC_* system registers (IHI 0069 chapter 12). One
/// Security state: the EL1 registers are the Non-secure copies, the EL3 registers alias them where the
/// architecture says so. No virtual CPU interface (ICH_*/ICV_*): HCR_EL2.IMO/FMO do not redirect accesses.
/// </summary>
public sealed class GicV3CpuInterface : ISystemRegisterDevice
{
    private readonly GicV3 _gic;
    private readonly GicCpuState _c;

    internal GicV3CpuInterface(GicV3 gic, GicCpuState c)
    {
        _gic = gic;
        _c = c;
    }

    public int CpuIndex => _c.Index;

    // Encodings: op0=3; (op1, CRn, CRm, op2).
    public static readonly uint ICC_PMR_EL1 = E(0, 4, 6, 0);
    public static readonly uint ICC_IAR0_EL1 = E(0, 12, 8, 0), ICC_EOIR0_EL1 = E(0, 12, 8, 1), ICC_HPPIR0_EL1 = E(0, 12, 8, 2), ICC_BPR0_EL1 = E(0, 12, 8, 3);
    public static readonly uint ICC_AP0R0_EL1 = E(0, 12, 8, 4), ICC_AP1R0_EL1 = E(0, 12, 9, 0);
    public static readonly uint ICC_DIR_EL1 = E(0, 12, 11, 1), ICC_RPR_EL1 = E(0, 12, 11, 3);
    public static readonly uint ICC_SGI1R_EL1 = E(0, 12, 11, 5), ICC_ASGI1R_EL1 = E(0, 12, 11, 6), ICC_SGI0R_EL1 = E(0, 12, 11, 7);
    public static readonly uint ICC_IAR1_EL1 = E(0, 12, 12, 0), ICC_EOIR1_EL1 = E(0, 12, 12, 1), ICC_HPPIR1_EL1 = E(0, 12, 12, 2), ICC_BPR1_EL1 = E(0, 12, 12, 3);
    public static readonly uint ICC_CTLR_EL1 = E(0, 12, 12, 4), ICC_SRE_EL1 = E(0, 12, 12, 5), ICC_IGRPEN0_EL1 = E(0, 12, 12, 6), ICC_IGRPEN1_EL1 = E(0, 12, 12, 7);
    public static readonly uint ICC_SRE_EL2 = E(4, 12, 9, 5);
    public static readonly uint ICC_CTLR_EL3 = E(6, 12, 12, 4), ICC_SRE_EL3 = E(6, 12, 12, 5), ICC_IGRPEN1_EL3 = E(6, 12, 12, 7);

    private static uint E(uint op1, uint crn, uint crm, uint op2) => SysRegAccess.Enc(3, op1, crn, crm, op2);

    public bool Owns(uint encoding)
    {
        // Every ICC_* register sits at op0 = 3, CRn = 12, except ICC_PMR_EL1 (CRn = 4, CRm = 6).
        if (encoding >> 14 != 3) return false;
        if (encoding == ICC_PMR_EL1) return true;
        uint op1 = (encoding >> 11) & 7, crn = (encoding >> 7) & 0xF, crm = (encoding >> 3) & 0xF, op2 = encoding & 7;
        if (crn != 12) return false;
        return op1 switch
        {
            0 => crm switch
            {
                8 => true,                          // IAR0, EOIR0, HPPIR0, BPR0, AP0R0..3
                9 => op2 <= 3,                      // AP1R0..3
                11 => op2 is 1 or 3 or 5 or 6 or 7, // DIR, RPR, SGI1R, ASGI1R, SGI0R
                12 => true,                         // IAR1, EOIR1, HPPIR1, BPR1, CTLR, SRE, IGRPEN0, IGRPEN1
                _ => false,
            },
            4 => encoding == ICC_SRE_EL2,
            6 => encoding == ICC_CTLR_EL3 || encoding == ICC_SRE_EL3 || encoding == ICC_IGRPEN1_EL3,
            _ => false,
        };
    }

    /// <summary>ICC_SRE_ELx: SRE = 1 (the System register interface is always on), DFB = DIB = 1 (no legacy
    /// bypass); at EL2 and EL3 also Enable = 1. All RAO/WI.</summary>
    private const ulong SreEl1 = 0x7, SreEl2 = 0xF;

    private const uint CTLR_CBPR = 1 << 0, CTLR_EOImode = 1 << 1;

    /// <summary>ICC_CTLR_EL1's read-only fields: PRIbits [10:8], IDbits [13:11] = 0 (16 bits), A3V [15] = 1.</summary>
    private ulong CtlrEl1 => (_c.Cbpr ? CTLR_CBPR : 0) | (_c.EoiMode ? CTLR_EOImode : 0)
        | (ulong)(_gic.PriorityBits - 1) << 8 | 1UL << 15;

    // ICC_CTLR_EL3: CBPR_EL1S [0], CBPR_EL1NS [1], EOImode_EL3 [2], EOImode_EL1S [3], EOImode_EL1NS [4], RM [5].
    private const uint CTLR3_CBPR_EL1NS = 1 << 1, CTLR3_EOImode_EL3 = 1 << 2, CTLR3_EOImode_EL1NS = 1 << 4;
    private const uint CTLR3_Stored = 1 << 0 | CTLR3_EOImode_EL3 | 1 << 3;

    private ulong CtlrEl3 => (_c.CtlrEl3 & CTLR3_Stored) | (_c.Cbpr ? CTLR3_CBPR_EL1NS : 0) | (_c.EoiMode ? CTLR3_EOImode_EL1NS : 0)
        | (ulong)(_gic.PriorityBits - 1) << 8 | 1UL << 15;

    /// <summary>Which copy of EOImode governs EOIR at the current EL (EL3 has its own).</summary>
    private bool EoiModeAt(int el) => el == 3 ? (_c.CtlrEl3 & CTLR3_EOImode_EL3) != 0 : _c.EoiMode;

    /// <summary>
    /// The register is accessible at the current EL; otherwise the access is UNDEFINED (EL1 registers at EL0,
    /// EL2/EL3 registers below their EL or when that EL is not implemented).
    /// </summary>
    private static bool Accessible(Cpu cpu, uint encoding)
    {
        int el = cpu.S.EL;
        if (el == 0) return false;
        if (encoding == ICC_SRE_EL2) return el >= 2 && cpu.Config.HasEl2;
        if (encoding == ICC_CTLR_EL3 || encoding == ICC_SRE_EL3 || encoding == ICC_IGRPEN1_EL3) return el == 3;
        return true;
    }

    public ulong Read(Cpu cpu, uint enc)
    {
        if (!Accessible(cpu, enc)) { cpu.RaiseUndefined(); return 0; }
        lock (_gic.Sync)
        {
            var c = _c;
            if (enc == ICC_IAR1_EL1) return Acknowledge(1);
            if (enc == ICC_IAR0_EL1) return Acknowledge(0);
            if (enc == ICC_PMR_EL1) return (ulong)c.Pmr;
            if (enc == ICC_HPPIR1_EL1) return c.HppiId != GicBase.Spurious && c.HppiGroup == 1 ? (ulong)c.HppiId : GicBase.Spurious;
            if (enc == ICC_HPPIR0_EL1) return c.HppiId != GicBase.Spurious && c.HppiGroup == 0 ? (ulong)c.HppiId : GicBase.Spurious;
            if (enc == ICC_RPR_EL1) return (ulong)Math.Min(_gic.RunningPriority(c), 0xFF);
            if (enc == ICC_BPR0_EL1) return (ulong)c.Bpr0;
            // With CBPR set, Non-secure reads of BPR1 return BPR0 + 1 saturated at 7.
            if (enc == ICC_BPR1_EL1) return (ulong)(c.Cbpr ? Math.Min(c.Bpr0 + 1, 7) : c.Bpr1);
            if (enc == ICC_CTLR_EL1) return CtlrEl1;
            if (enc == ICC_SRE_EL1) return SreEl1;
            if (enc == ICC_IGRPEN0_EL1) return c.GrpEn0 ? 1UL : 0;
            if (enc == ICC_IGRPEN1_EL1) return c.GrpEn1 ? 1UL : 0;
            if (enc == ICC_SRE_EL2 || enc == ICC_SRE_EL3) return SreEl2;
            if (enc == ICC_CTLR_EL3) return CtlrEl3;
            if (enc == ICC_IGRPEN1_EL3) return (c.GrpEn1 ? 1UL : 0) | (c.Grp1SEn ? 2UL : 0);
            if (AprIndex(enc, out int group, out int n)) return (group == 0 ? c.Apr0 : c.Apr1)[n];
        }
        // Write-only registers (EOIR, DIR, SGI*R) and APRs beyond the implemented preemption levels.
        cpu.RaiseUndefined();
        return 0;
    }

    public void Write(Cpu cpu, uint enc, ulong value)
    {
        if (!Accessible(cpu, enc)) { cpu.RaiseUndefined(); return; }
        lock (_gic.Sync)
        {
            var c = _c;
            if (enc == ICC_EOIR1_EL1) { EndOfInterrupt(1, (int)(value & 0xFF_FFFF), EoiModeAt(cpu.S.EL)); return; }
            if (enc == ICC_EOIR0_EL1) { EndOfInterrupt(0, (int)(value & 0xFF_FFFF), EoiModeAt(cpu.S.EL)); return; }
            if (enc == ICC_DIR_EL1) { _gic.DeactivateDirect(c, (int)(value & 0xFF_FFFF), EoiModeAt(cpu.S.EL)); return; }
            if (enc == ICC_PMR_EL1) { _gic.WritePriorityMask(c, value); return; }
            if (enc == ICC_SGI1R_EL1) { GenerateSgi(value, group0Only: false); return; }
            if (enc == ICC_SGI0R_EL1 || enc == ICC_ASGI1R_EL1) { GenerateSgi(value, group0Only: true); return; }
            if (enc == ICC_BPR0_EL1) { _gic.WriteBinaryPoint(c, 0, value); return; }
            // With CBPR set, Non-secure writes of BPR1 are ignored.
            if (enc == ICC_BPR1_EL1) { if (!c.Cbpr) _gic.WriteBinaryPoint(c, 1, value); return; }
            if (enc == ICC_CTLR_EL1)
            {
                c.Cbpr = (value & CTLR_CBPR) != 0;
                c.EoiMode = (value & CTLR_EOImode) != 0;
                _gic.Update(c);
                return;
            }
            if (enc == ICC_IGRPEN0_EL1) { c.GrpEn0 = (value & 1) != 0; _gic.Update(c); return; }
            if (enc == ICC_IGRPEN1_EL1) { c.GrpEn1 = (value & 1) != 0; _gic.Update(c); return; }
            if (enc == ICC_SRE_EL1 || enc == ICC_SRE_EL2 || enc == ICC_SRE_EL3) return;
            if (enc == ICC_CTLR_EL3)
            {
                c.CtlrEl3 = (uint)value & CTLR3_Stored;
                c.Cbpr = (value & CTLR3_CBPR_EL1NS) != 0;
                c.EoiMode = (value & CTLR3_EOImode_EL1NS) != 0;
                _gic.Update(c);
                return;
            }
            if (enc == ICC_IGRPEN1_EL3)
            {
                c.GrpEn1 = (value & 1) != 0;
                c.Grp1SEn = (value & 2) != 0;
                _gic.Update(c);
                return;
            }
            if (AprIndex(enc, out int group, out int n)) { _gic.WriteActivePriorities(c, group, n, value); return; }
        }
        // Read-only registers (IAR, HPPIR, RPR) and unimplemented APRs.
        cpu.RaiseUndefined();
    }

    /// <summary>ICC_AP0R&lt;n&gt;/AP1R&lt;n&gt; exist only up to the implemented preemption levels (n &lt; 2^(PREbits-5)).</summary>
    private bool AprIndex(uint enc, out int group, out int n)
    {
        group = n = 0;
        if (enc >= ICC_AP0R0_EL1 && enc < ICC_AP0R0_EL1 + 4) { n = (int)(enc - ICC_AP0R0_EL1); group = 0; }
        else if (enc >= ICC_AP1R0_EL1 && enc < ICC_AP1R0_EL1 + 4) { n = (int)(enc - ICC_AP1R0_EL1); group = 1; }
        else return false;
        return n < _gic.AprCount;
    }

    /// <summary>ICC_IAR0/1_EL1: the HPPI if it is of this group and may be signalled, activated; else 1023.</summary>
    private ulong Acknowledge(int group)
    {
        var c = _c;
        if (!_gic.CanPreempt(c) || c.HppiGroup != group) return GicBase.Spurious;
        int intid = c.HppiId;
        _gic.Activate(c, intid);
        _gic.UpdateFor(c, intid);
        return (ulong)intid;
    }

    /// <summary>
    /// ICC_EOIR0/1_EL1: priority drop of the highest active priority, if it belongs to this group (otherwise
    /// UNPREDICTABLE; ignored), then deactivation of the INTID unless EOImode splits it off to ICC_DIR_EL1.
    /// </summary>
    private void EndOfInterrupt(int group, int intid, bool eoiMode) => _gic.EndOfInterrupt(_c, intid, eoiMode, group);

    /// <summary>
    /// ICC_SGI0R/SGI1R/ASGI1R_EL1: INTID [27:24], TargetList [15:0] of Aff0 values RS*16..RS*16+15 within
    /// Aff3.Aff2.Aff1, or with IRM [40] every PE but this one.
    /// </summary>
    private void GenerateSgi(ulong v, bool group0Only)
    {
        int sgi = (int)(v >> 24) & 0xF;
        bool irm = ((v >> 40) & 1) != 0;
        uint aff321 = (uint)((v >> 48) & 0xFF) << 24 | (uint)((v >> 32) & 0xFF) << 16 | (uint)((v >> 16) & 0xFF) << 8;
        uint rs = (uint)(v >> 44) & 0xF;
        uint list = (uint)v & 0xFFFF;
        foreach (var t in _gic.Cpus)
        {
            if (irm)
            {
                if (t == _c) continue;
            }
            else
            {
                if ((t.Affinity & 0xFFFF_FF00) != aff321) continue;
                uint aff0 = t.Affinity & 0xFF;
                if (aff0 >> 4 != rs || (list & (1u << (int)(aff0 & 15))) == 0) continue;
            }
            _gic.SendSgi(t, sgi, group0Only);
        }
    }
}
