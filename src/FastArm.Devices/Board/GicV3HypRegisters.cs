using FastArm.Jit;
using FastArm.Jit.Platform;

namespace FastArm.Devices.Board;

/// <summary>
/// The GICv3 virtual interface control registers (ICH_*_EL2, GIC architecture specification IHI 0069, 12.5) as
/// storage, for a CPU with EL2 wired to a GICv3: a hypervisor (Linux's EL2 setup, KVM's vGIC probe) finds the
/// registers it programs and an interface that reports 4 list registers, 5 priority and preemption bits, 16-bit
/// virtual INTIDs. The virtual CPU interface itself (ICV_* accesses at EL1 when HCR_EL2.IMO/FMO are set, virtual
/// IRQ/FIQ from the list registers, maintenance interrupts) is not modelled: list registers never deliver, so
/// ICH_MISR_EL2 and ICH_EISR_EL2 read as zero and ICH_ELRSR_EL2 marks every list register whose State is Invalid.
/// Accesses from EL0/EL1 are UNDEFINED, as for every *_EL2 register.
/// </summary>
public sealed class GicV3HypRegisters : ISystemRegisterDevice
{
    public const int ListRegisters = 4;

    private static uint Enc(uint crm, uint op2) => (3u << 14) | (4u << 11) | (12u << 7) | (crm << 3) | op2;

    private static readonly uint IchHcr = Enc(11, 0), IchVtr = Enc(11, 1), IchMisr = Enc(11, 2), IchEisr = Enc(11, 3),
        IchElrsr = Enc(11, 5), IchVmcr = Enc(11, 7);

    /// <summary>ICH_VTR_EL2: PRIbits = PREbits = 5 (field value 4), IDbits = 16, A3V, nV4 (no direct vLPI injection), ListRegs = 3.</summary>
    public const ulong VtrValue = (4UL << 29) | (4UL << 26) | (0UL << 23) | (1UL << 21) | (1UL << 20) | (ListRegisters - 1);

    /// <summary>ICH_LR&lt;n&gt;_EL2: State, HW, Group, the 5 implemented Priority bits, pINTID, vINTID.</summary>
    private const ulong LrMask = 0xF000_0000_0000_0000UL | (0xF8UL << 48) | (0x1FFFUL << 32) | 0xFFFF_FFFFUL;

    private readonly ulong[] _lr = new ulong[ListRegisters];
    private readonly ulong[] _ap0r = new ulong[4], _ap1r = new ulong[4];
    private ulong _hcr, _vmcr;

    public bool Owns(uint encoding)
    {
        if ((encoding >> 7) != ((3u << 7) | (4u << 4) | 12u)) return false;   // op0 = 3, op1 = 4, CRn = 12
        uint crm = (encoding >> 3) & 0xF, op2 = encoding & 7;
        return crm switch
        {
            8 or 9 => op2 <= 3,                       // ICH_AP0R<n>, ICH_AP1R<n>
            11 => op2 is 0 or 1 or 2 or 3 or 5 or 7,   // HCR VTR MISR EISR ELRSR VMCR
            12 or 13 => true,                          // ICH_LR<n>, n = 0..15
            _ => false,
        };
    }

    public ulong Read(Cpu cpu, uint enc)
    {
        if (cpu.S.EL < 2) { cpu.RaiseUndefined(); return 0; }
        uint crm = (enc >> 3) & 0xF, op2 = enc & 7;
        if (crm == 8) return _ap0r[op2];
        if (crm == 9) return _ap1r[op2];
        if (crm is 12 or 13)
        {
            int n = (int)((crm - 12) * 8 + op2);
            return n < ListRegisters ? _lr[n] : 0;
        }
        if (enc == IchHcr) return _hcr;
        if (enc == IchVtr) return VtrValue;
        if (enc == IchVmcr) return _vmcr;
        if (enc == IchElrsr)
        {
            ulong empty = 0;
            for (int i = 0; i < ListRegisters; i++)
                if ((_lr[i] >> 62) == 0) empty |= 1UL << i;
            return empty;
        }
        return 0;   // ICH_MISR_EL2, ICH_EISR_EL2: nothing is ever signalled
    }

    public void Write(Cpu cpu, uint enc, ulong value)
    {
        if (cpu.S.EL < 2) { cpu.RaiseUndefined(); return; }
        uint crm = (enc >> 3) & 0xF, op2 = enc & 7;
        if (crm == 8) { _ap0r[op2] = op2 == 0 ? value & 0xFFFF_FFFF : 0; return; }   // 5 preemption bits: only AP*R0
        if (crm == 9) { _ap1r[op2] = op2 == 0 ? value & 0xFFFF_FFFF : 0; return; }
        if (crm is 12 or 13)
        {
            int n = (int)((crm - 12) * 8 + op2);
            // ICH_LR: State, HW, Group, Priority (5 bits), pINTID, vINTID (16 bits).
            if (n < ListRegisters) _lr[n] = value & LrMask;
            return;
        }
        if (enc == IchHcr) _hcr = value & 0xF800_7CFFUL;   // En..VGrp1DIE, TC..DVIM, EOIcount
        else if (enc == IchVmcr) _vmcr = value & 0xFFFC_021FUL;
        // VTR, MISR, EISR, ELRSR are read-only: writes are ignored.
    }
}
