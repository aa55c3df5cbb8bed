using FastArm.SoftMmu.Mmu;
using FastArm.SoftMmu.Tlb;
using Feature = FastArm.Jit.Decode.Feature;

namespace FastArm.Jit;

/// <summary>The CPU's side of stage 1 translation: which regime applies, its registers, the TLB and its invalidation.</summary>
public sealed unsafe partial class Cpu
{
    private readonly Tlb[] _tlbs = [new(), new(), new(), new()];   // indexed by Regime

    /// <summary>The TLB that loads, stores and fetches look at first (host addend; SoftMmu/Tlb/FastTlb.cs). Its tables
    /// follow the register state in one allocation (<see cref="StatePointer"/>): generated code addresses an entry
    /// from the state pointer it already holds, with a constant offset.</summary>
    public FastTlb FastTlb { get; }

    /// <summary>log2 of the size of the block or page that the last successful translation came from.</summary>
    private int _lastBlockShift = 12;

    /// <summary>A page now holds translated code: writes to it must reach the slow path (which drops that code).</summary>
    private void OnCodePageAdded(ulong pa)
    {
        byte* host = Bus.RamPointer(pa, 0x1000, false);
        if (host != null) FastTlb.DropWrites(host);
    }

    public MmuFeatures MmuFeatures => new(Config.PABits,
        (Features & Feature.LPA2) != 0, (Features & Feature.LVA) != 0, Config.PABits > 48);

    /// <summary>The regime that <paramref name="regimeEl"/> (1, 2 or 3; see RegimeEl) names, E2H deciding EL2's.</summary>
    internal Regime RegimeOf(int regimeEl) => regimeEl switch
    {
        1 => Regime.EL10,
        2 => Config.HasEl2 && (S.Sys.HCR_EL2 & HCR_E2H) != 0 ? Regime.EL20 : Regime.EL2,
        _ => Regime.EL3,
    };

    /// <summary>The registers that control <paramref name="regime"/>'s stage 1 translation.</summary>
    public RegimeRegisters RegimeRegisters(Regime regime)
    {
        int i = regime switch { Regime.EL10 => 1, Regime.EL3 => 3, _ => 2 };
        ulong ttbr1 = regime == Regime.EL20 ? S.Sys.TTBR1_EL2 : S.TTBR1[i];
        return new RegimeRegisters(regime, S.SCTLR[i], S.TCR[i], S.TTBR0[i], ttbr1, S.MAIR[i]);
    }

    /// <summary>The ASID that non-global translations of <paramref name="regs"/> are tagged with now.</summary>
    private static ushort CurrentAsid(in RegimeRegisters regs)
    {
        if (!regs.TwoRanges) return 0;
        ulong ttbr = ((regs.Tcr >> 22) & 1) != 0 ? regs.Ttbr1 : regs.Ttbr0;
        ushort asid = (ushort)(ttbr >> 48);
        return ((regs.Tcr >> 36) & 1) != 0 ? asid : (ushort)(asid & 0xFF);
    }

    private partial bool TranslateWithMmu(ulong va, AccessType type, bool unprivileged, int regime, out ulong pa, out TranslationFault fault)
    {
        Regime r = RegimeOf(regime);
        var regs = RegimeRegisters(r);
        bool privileged = S.EL != 0 && !unprivileged;
        bool pan = (S.PStateOther & State.CpuState.PStatePAN) != 0;
        var req = new AccessRequest(va, type switch { AccessType.Write => Access.Write, AccessType.Fetch => Access.Fetch, _ => Access.Read },
            privileged, pan);
        ushort asid = CurrentAsid(regs);
        var tlb = _tlbs[(int)r];

        // With TBI the top byte is not part of the address: the TLB is tagged by the VA as translation sees it (bits
        // 63:56 copies of bit 55), so that a TLBI, whose operand has no tag, finds entries made through tagged pointers.
        ulong key = AddrTop(va, type == AccessType.Fetch, regime) == 55 ? (ulong)((long)(va << 8) >> 8) : va;
        if (tlb.TryLookup(key, asid, out var e))
        {
            if (Walker.Permitted(e.Permissions, req))
            {
                _lastBlockShift = e.BlockShift;
                pa = e.PaPage | (va & 0xFFF);
                fault = default;
                return true;
            }
            pa = 0;
            fault = new TranslationFault(new WalkFault(FaultKind.Permission, e.Level).Status);
            return false;
        }

        if (Walker.TryWalk(Bus, regs, MmuFeatures, req, out var result, out var walkFault))
        {
            tlb.Fill(key, result);
            _lastBlockShift = result.BlockShift;
            pa = result.Pa;
            fault = default;
            return true;
        }
        // A permission fault still found a valid translation: cache it, the permissions decide each access.
        if (walkFault.Kind == FaultKind.Permission) tlb.Fill(key, result);
        pa = 0;
        fault = new TranslationFault(walkFault.Status);
        return false;
    }

    // ---- invalidation (TLBI and the register writes that change translation) ----

    /// <summary>Drops every cached translation of every regime.</summary>
    public void TlbFlushAll()
    {
        foreach (var t in _tlbs) t.FlushAll();
        TranslationChanged();
    }

    public void TlbFlush(Regime regime)
    {
        _tlbs[(int)regime].FlushAll();
        TranslationChanged();
    }

    /// <summary>TLBI by VA in <paramref name="regime"/>; <paramref name="asid"/> null = all ASIDs (VAA forms).</summary>
    public void TlbFlushVa(Regime regime, ulong va, ushort? asid)
    {
        _tlbs[(int)regime].FlushVa(va, asid);
        FastTlb.FlushPage(va);
    }

    public void TlbFlushAsid(Regime regime, ushort asid)
    {
        _tlbs[(int)regime].FlushAsid(asid);
        TranslationChanged();
    }

    /// <summary>
    /// Anything that may change what a VA means to this CPU (a TLB flush, an ASID or table switch, a regime change):
    /// the fast TLB forgets everything (the translator's jump cache checks its entries against the fast TLB).
    /// </summary>
    internal void TranslationChanged() => FastTlb.FlushAll();

    public (ulong Hits, ulong Misses, ulong Flushes) TlbStatistics()
    {
        ulong h = 0, m = 0, f = 0;
        foreach (var t in _tlbs) { h += t.Hits; m += t.Misses; f += t.Flushes; }
        return (h, m, f);
    }
}
