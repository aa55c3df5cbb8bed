using FastArm.SoftMmu.Bus;

namespace FastArm.SoftMmu.Mmu;

/// <summary>The stage 1 translation regimes of AArch64 (Arm ARM D8.1.2).</summary>
public enum Regime : byte
{
    /// <summary>EL1&amp;0: two VA ranges (TTBR0/TTBR1), two privilege levels, ASIDs.</summary>
    EL10,
    /// <summary>EL2&amp;0 (HCR_EL2.E2H = 1): like EL1&amp;0 but with EL2's registers.</summary>
    EL20,
    /// <summary>EL2 (E2H = 0): one VA range, one privilege level.</summary>
    EL2,
    /// <summary>EL3: one VA range, one privilege level.</summary>
    EL3,
}

/// <summary>What is being done to memory: decides which permission applies.</summary>
public enum Access : byte { Read, Write, Fetch }

/// <summary>The fault kinds of a stage 1 translation (DFSC/IFSC families).</summary>
public enum FaultKind : byte { None, AddressSize, Translation, AccessFlag, Permission, ExternalOnWalk }

/// <summary>The registers that control a regime's stage 1 translation, as the CPU holds them.</summary>
public readonly record struct RegimeRegisters(Regime Regime, ulong Sctlr, ulong Tcr, ulong Ttbr0, ulong Ttbr1, ulong Mair)
{
    public bool TwoRanges => Regime is Regime.EL10 or Regime.EL20;
}

/// <summary>How the CPU is built, as far as translation is concerned (ID_AA64MMFR0/2).</summary>
public readonly record struct MmuFeatures(int PABits, bool Lpa2, bool Lva, bool Lpa);

/// <summary>The access that asks for a translation.</summary>
public readonly record struct AccessRequest(ulong Va, Access Access, bool Privileged, bool Pan);

/// <summary>Memory type as far as the emulator cares: Device memory makes unaligned accesses fault.</summary>
public enum MemoryType : byte { Normal, Device }

/// <summary>
/// A successful walk: the physical address and everything a TLB entry needs to answer later accesses to the same
/// page without another walk (permissions for each kind of access, size, attributes, global bit).
/// </summary>
public readonly record struct WalkResult(
    ulong Pa, int Level, int BlockShift, bool NotGlobal, ushort Asid, byte AttrIndx, MemoryType MemoryType,
    Permissions Permissions)
{
    /// <summary>The shareability the translation gives (SH[1:0]: 0 Non-shareable, 2 Outer, 3 Inner): the descriptor's SH
    /// field, or TCR_ELx.SHn for the range when TCR_ELx.DS = 1 (the descriptor bits then hold OA[51:50]).</summary>
    public byte Shareability { get; init; }
}

/// <summary>The permissions that a leaf descriptor grants, combined with the hierarchical table bits, WXN and PAN rules
/// applied per privilege (PAN is applied by the caller from <see cref="Permissions.PanApplies"/>).</summary>
[Flags]
public enum Permissions : byte
{
    None = 0,
    PrivRead = 1, PrivWrite = 2, PrivExec = 4,
    UserRead = 8, UserWrite = 16, UserExec = 32,
    /// <summary>The location is accessible from EL0 (AP[1] = 1): privileged data accesses fault while PSTATE.PAN is set.</summary>
    PanApplies = 64,
}

/// <summary>A failed walk: fault kind and level (DFSC/IFSC encode both).</summary>
public readonly record struct WalkFault(FaultKind Kind, int Level)
{
    /// <summary>The DFSC/IFSC value (Arm ARM D17.2.40), including the FEAT_LPA2 level -1 codes.</summary>
    public uint Status => Kind switch
    {
        FaultKind.AddressSize => Level < 0 ? 0x29u : (uint)Level,
        FaultKind.Translation => Level < 0 ? 0x2Bu : 0x04u + (uint)Level,
        FaultKind.AccessFlag => 0x08u + (uint)Math.Max(Level, 0),
        FaultKind.Permission => 0x0Cu + (uint)Math.Max(Level, 0),
        FaultKind.ExternalOnWalk => Level < 0 ? 0x13u : 0x14u + (uint)Level,
        _ => 0,
    };
}

/// <summary>
/// The VMSAv8-64 stage 1 table walk (Arm ARM D8.2-D8.4; pseudocode AArch64.S1Translate, AArch64.S1Walk,
/// AArch64.S1ComputePermissions). Granules 4K/16K/64K, every TnSZ, 48-bit and 52-bit VA/PA (FEAT_LVA, FEAT_LPA,
/// FEAT_LPA2 with the level -1 table). Reads descriptors from the physical bus; never writes them (hardware
/// AF/dirty update is not advertised).
/// </summary>
public static class Walker
{
    // TCR_EL1 fields (Arm ARM D17.2.131); TCR_EL2 (E2H = 0) and TCR_EL3 have a one-range layout, mapped below.
    private const int EPD0 = 7, EPD1 = 23, A1 = 22, AS = 36, TBI0 = 37, TBI1 = 38, HPD0 = 41, HPD1 = 42, DS = 59;

    public static bool TryWalk(PhysicalBus bus, in RegimeRegisters regs, in MmuFeatures feat, in AccessRequest req,
        out WalkResult result, out WalkFault fault)
    {
        result = default;
        ulong va = req.Va;
        ulong tcr = regs.Tcr;
        bool two = regs.TwoRanges;

        // Select the VA range. With two ranges bit 55 chooses TTBR1 whatever TBI says (AArch64.S1Translate).
        bool upper = two && ((va >> 55) & 1) != 0;
        int tsz; int tgField; bool epd; bool tbi; bool hpd; bool dsBit; int ps; ulong ttbr; int shTcr;
        if (two)
        {
            tsz = (int)((upper ? tcr >> 16 : tcr) & 0x3F);
            tgField = upper ? Tg1ToTg0((int)((tcr >> 30) & 3)) : (int)((tcr >> 14) & 3);
            epd = ((tcr >> (upper ? EPD1 : EPD0)) & 1) != 0;
            tbi = ((tcr >> (upper ? TBI1 : TBI0)) & 1) != 0;
            hpd = ((tcr >> (upper ? HPD1 : HPD0)) & 1) != 0;
            dsBit = ((tcr >> DS) & 1) != 0;
            ps = (int)((tcr >> 32) & 7);   // IPS
            ttbr = upper ? regs.Ttbr1 : regs.Ttbr0;
            shTcr = (int)((tcr >> (upper ? 28 : 12)) & 3);   // SH1 / SH0
        }
        else
        {
            tsz = (int)(tcr & 0x3F);
            tgField = (int)((tcr >> 14) & 3);
            epd = false;
            tbi = ((tcr >> 20) & 1) != 0;
            hpd = ((tcr >> 24) & 1) != 0;
            dsBit = ((tcr >> 32) & 1) != 0;
            ps = (int)((tcr >> 16) & 7);   // PS
            ttbr = regs.Ttbr0;
            shTcr = (int)((tcr >> 12) & 3);
        }

        // Granule: TG0 encoding 0 = 4K, 1 = 64K, 2 = 16K; the reserved value 3 behaves as 4K here (IMPLEMENTATION
        // DEFINED choice of one of the sizes, as the Arm ARM allows; QEMU picks 4K too).
        int grainShift = tgField switch { 1 => 16, 2 => 14, _ => 12 };
        int stride = grainShift - 3;
        // TCR_ELx.DS is RES0 with the 64K granule (FEAT_LPA2 52-bit addresses are for 4K and 16K only).
        bool ds = feat.Lpa2 && dsBit && grainShift != 16;

        // TnSZ limits (Arm ARM D8.1.9, AArch64.S1MinTxSZ/S1TxSZFaults): the maximum VA size is 48 bits, 52 with
        // FEAT_LVA on 64K or with DS. A TnSZ below the minimum is a level 0 Translation fault when FEAT_LVA is
        // implemented (TCR_EL1.DS: "Any memory access using a smaller value generates a stage 1 level 0 translation
        // table fault"); otherwise, and for values above the maximum, the value is clamped (the IMPLEMENTATION
        // DEFINED choice QEMU makes).
        bool vaBits52 = ds || (grainShift == 16 && feat.Lva);
        int minTsz = vaBits52 ? 12 : 16;
        const int maxTsz = 39;   // FEAT_TTST (small translation tables) is not implemented
        if (tsz < minTsz && feat.Lva)
        {
            fault = new WalkFault(FaultKind.Translation, 0);
            return false;
        }
        tsz = Math.Clamp(tsz, minTsz, maxTsz);
        int inputSize = 64 - tsz;

        // The bits above the range must all equal the range's selector (0 for TTBR0, 1 for TTBR1), ignoring the top
        // byte when TBI is set. An out-of-range VA or a disabled range (EPDn) is a level 0 Translation fault even when
        // the walk would start at level -1 (AArch64.VAIsOutOfRange in AArch64.S1Translate; AArch64.S1EPD in S1Walk).
        int top = tbi ? 55 : 63;
        ulong upperBits = top >= inputSize ? (va >> inputSize) & ((2UL << (top - inputSize)) - 1) : 0;
        ulong expected = upper ? (2UL << (top - inputSize)) - 1 : 0;
        if (upperBits != expected || epd)
        {
            fault = new WalkFault(FaultKind.Translation, 0);
            return false;
        }

        // The output address size is the smaller of the regime's PS/IPS and the CPU's PARange. 52 bits needs DS
        // (4K/16K) or FEAT_LPA (64K).
        int paBits = Math.Min(PsToBits(ps, ds || (grainShift == 16 && feat.Lpa)), feat.PABits);
        bool oa52 = paBits > 48;

        int level = StartLevel(inputSize, grainShift, stride);

        // Table base from TTBR: BADDR[47:1]; with 52-bit OAs, bits [5:2] hold BADDR[51:48] (CnP is bit 0). With
        // DS = 1 they do "in all cases" (TCR_ELx.DS), so with a smaller IPS they make an address size fault below.
        ulong baddr = ttbr & 0x0000_FFFF_FFFF_FFFEUL;
        if (oa52 || ds) baddr = (baddr & 0x0000_FFFF_FFFF_FFC0UL) | ((ttbr & 0x3C) << 46);
        // The base is aligned to the size of the start table; lower bits are treated as zero (RES0).
        int firstTableBits = inputSize - (grainShift + (3 - level) * stride);
        ulong tableAlign = Math.Max(1UL << (firstTableBits + 3), 64);
        if (oa52 && tableAlign < 64) tableAlign = 64;
        baddr &= ~(tableAlign - 1);
        if ((baddr >> paBits) != 0)
        {
            // AArch64.S1Walk: an out-of-range table base is an address size fault at level 0, whatever the start level.
            fault = new WalkFault(FaultKind.AddressSize, 0);
            return false;
        }

        bool apTableNoUser = false, apTableReadOnly = false, xnTable = false, pxnTable = false;
        ulong tableBase = baddr;
        while (true)
        {
            int shift = grainShift + (3 - level) * stride;
            int bitsHere = level == StartLevel(inputSize, grainShift, stride) ? inputSize - shift : stride;
            ulong index = (va >> shift) & ((1UL << bitsHere) - 1);
            ulong descAddr = tableBase + index * 8;
            if (!bus.TryRead(descAddr, 8, out ulong desc))
            {
                fault = new WalkFault(FaultKind.ExternalOnWalk, level);
                return false;
            }

            bool valid = (desc & 1) != 0;
            bool isTable = (desc & 2) != 0 && level < 3;
            if (!valid || (level == 3 && (desc & 2) == 0))
            {
                fault = new WalkFault(FaultKind.Translation, level);
                return false;
            }

            ulong oa = OutputAddress(desc, grainShift, ds, oa52);
            if (isTable)
            {
                if ((oa >> paBits) != 0)
                {
                    fault = new WalkFault(FaultKind.AddressSize, level);
                    return false;
                }
                if (!hpd)
                {
                    apTableNoUser |= ((desc >> 61) & 1) != 0;
                    apTableReadOnly |= ((desc >> 62) & 1) != 0;
                    xnTable |= ((desc >> 60) & 1) != 0;
                    pxnTable |= ((desc >> 59) & 1) != 0;
                }
                tableBase = oa & ~((1UL << grainShift) - 1);
                level++;
                continue;
            }

            // A block descriptor: only at the levels the granule allows (Arm ARM D8.3.1).
            if (level < 3 && !BlockAllowed(level, grainShift, ds, feat.Lpa))
            {
                fault = new WalkFault(FaultKind.Translation, level);
                return false;
            }
            ulong blockMask = (1UL << shift) - 1;
            oa &= ~blockMask;
            if ((oa >> paBits) != 0)
            {
                fault = new WalkFault(FaultKind.AddressSize, level);
                return false;
            }
            if (((desc >> 10) & 1) == 0)
            {
                fault = new WalkFault(FaultKind.AccessFlag, level);
                return false;
            }

            var perms = ComputePermissions(desc, regs, two, apTableNoUser, apTableReadOnly, xnTable, pxnTable);
            byte attrIndx = (byte)((desc >> 2) & 7);
            byte attr = (byte)(regs.Mair >> (attrIndx * 8));
            var memType = (attr & 0xF0) == 0 ? MemoryType.Device : MemoryType.Normal;
            bool nG = two && ((desc >> 11) & 1) != 0;
            ushort asid = 0;
            if (two)
            {
                ulong asidTtbr = ((regs.Tcr >> A1) & 1) != 0 ? regs.Ttbr1 : regs.Ttbr0;
                asid = (ushort)(asidTtbr >> 48);
                if (((regs.Tcr >> AS) & 1) == 0) asid &= 0xFF;
            }
            byte sh = (byte)(ds ? shTcr : (int)((desc >> 8) & 3));
            result = new WalkResult(oa | (va & blockMask), level, shift, nG, asid, attrIndx, memType, perms) { Shareability = sh };

            if (!Permitted(perms, req))
            {
                fault = new WalkFault(FaultKind.Permission, level);
                return false;
            }
            fault = default;
            return true;
        }
    }

    /// <summary>Whether <paramref name="perms"/> allow <paramref name="req"/> (including PAN for privileged data accesses).</summary>
    public static bool Permitted(Permissions perms, in AccessRequest req)
    {
        if (req.Privileged && req.Pan && req.Access != Access.Fetch && (perms & Permissions.PanApplies) != 0) return false;
        Permissions need = (req.Access, req.Privileged) switch
        {
            (Access.Read, true) => Permissions.PrivRead,
            (Access.Write, true) => Permissions.PrivWrite,
            (Access.Fetch, true) => Permissions.PrivExec,
            (Access.Read, false) => Permissions.UserRead,
            (Access.Write, false) => Permissions.UserWrite,
            _ => Permissions.UserExec,
        };
        return (perms & need) != 0;
    }

    /// <summary>AArch64.S1ComputePermissions for the stage 1 regimes, direct permissions (no FEAT_S1PIE).</summary>
    private static Permissions ComputePermissions(ulong desc, in RegimeRegisters regs, bool twoPrivilegeLevels,
        bool apTableNoUser, bool apTableReadOnly, bool xnTable, bool pxnTable)
    {
        bool ap2 = ((desc >> 7) & 1) != 0;   // read-only
        bool ap1 = ((desc >> 6) & 1) != 0;   // EL0 accessible
        bool uxn = ((desc >> 54) & 1) != 0;  // UXN, or XN in one-privilege regimes
        bool pxn = ((desc >> 53) & 1) != 0;
        bool wxn = ((regs.Sctlr >> 19) & 1) != 0;

        Permissions p = Permissions.None;
        if (twoPrivilegeLevels)
        {
            bool userAccess = ap1 && !apTableNoUser;
            bool readOnly = ap2 || apTableReadOnly;
            p |= Permissions.PrivRead;
            if (!readOnly) p |= Permissions.PrivWrite;
            if (userAccess)
            {
                p |= Permissions.UserRead | Permissions.PanApplies;
                if (!readOnly) p |= Permissions.UserWrite;
            }
            bool userWritable = userAccess && !readOnly;
            // Privileged execution is never allowed from memory that EL0 can write (Arm ARM D8.4.1.2), and WXN
            // makes writable memory execute-never for the levels that can write it. EL0 execution depends on UXN
            // (and WXN) only, not on EL0 read permission, as in AArch64.CheckPermission and QEMU.
            bool privXn = pxn || pxnTable || userWritable || (wxn && !readOnly);
            bool userXn = uxn || xnTable || (wxn && userWritable);
            if (!privXn) p |= Permissions.PrivExec;
            if (!userXn) p |= Permissions.UserExec;
        }
        else
        {
            // One privilege level: AP[1] is RES1 and ignored; AP[2] is read-only; XN is bit 54.
            bool readOnly = ap2 || apTableReadOnly;
            p |= Permissions.PrivRead;
            if (!readOnly) p |= Permissions.PrivWrite;
            bool xn = uxn || xnTable;
            if (wxn && !readOnly) xn = true;
            if (!xn) p |= Permissions.PrivExec;
        }
        return p;
    }

    private static int StartLevel(int inputSize, int grainShift, int stride) =>
        3 - (inputSize - grainShift - 1) / stride;

    /// <summary>AArch64.BlockDescSupported: a 64K level 1 block needs a PE with 52-bit PAs (PAMax() == 52), not a
    /// 52-bit TCR_ELx.IPS/PS.</summary>
    private static bool BlockAllowed(int level, int grainShift, bool ds, bool paMax52) => grainShift switch
    {
        12 => level == 2 || level == 1 || (level == 0 && ds),
        14 => level == 2 || (level == 1 && ds),
        _ => level == 2 || (level == 1 && paMax52),
    };

    /// <summary>The output address field of a descriptor (Arm ARM D8.3.1: OA[47:n], plus OA[51:48] from bits [15:12]
    /// with 64K/FEAT_LPA or OA[51:50] from bits [9:8] with DS).</summary>
    private static ulong OutputAddress(ulong desc, int grainShift, bool ds, bool oa52)
    {
        if (ds) return (desc & 0x0003_FFFF_FFFF_F000UL) | ((desc & 0x300) << 42);
        ulong oa = desc & 0x0000_FFFF_FFFF_F000UL;
        if (grainShift == 16 && oa52) oa = (oa & 0x0000_FFFF_FFFF_0000UL) | ((desc & 0xF000) << 36);
        return oa;
    }

    private static int Tg1ToTg0(int tg1) => tg1 switch { 1 => 2, 3 => 1, _ => 0 };   // TG1: 1=16K, 2=4K, 3=64K

    private static int PsToBits(int ps, bool allow52) => ps switch
    {
        0 => 32, 1 => 36, 2 => 40, 3 => 42, 4 => 44, 5 => 48, 6 => allow52 ? 52 : 48, _ => 48,
    };
}
