using FastArm.SoftMmu.Mmu;

namespace FastArm.SoftMmu.Tlb;

/// <summary>One cached translation of a 4 KiB piece of VA (a larger page or block is cached 4 KiB at a time).</summary>
public struct TlbEntry
{
    /// <summary>VA bits [63:12] with bit 0 set when valid (so a zeroed entry never matches).</summary>
    public ulong Tag;
    public ulong PaPage;
    public ushort Asid;
    public bool NotGlobal;
    public Permissions Permissions;
    public MemoryType MemoryType;
    public sbyte Level;
    public byte BlockShift;
}

/// <summary>
/// A software TLB for one translation regime: direct-mapped, tagged by VA page and ASID (non-global entries match
/// only their ASID; global ones any), so an ASID switch needs no flush. Invalidation follows the TLBI forms exactly:
/// by VA (optionally last level only, optionally one ASID), by ASID, or all. Pages larger than 4 KiB are cached per
/// 4 KiB; to invalidate them by any VA inside, the table remembers the range that large pages cover and flushes the
/// whole table when a by-VA invalidation falls in it (QEMU's approach).
/// </summary>
public sealed class Tlb
{
    public const int Bits = 8;
    public const int Size = 1 << Bits;
    private readonly TlbEntry[] _entries = new TlbEntry[Size];
    private ulong _largeLow = ulong.MaxValue, _largeHigh;

    public ulong Hits, Misses, Flushes;

    private static int IndexOf(ulong va) => (int)((va >> 12) & (Size - 1));

    public bool TryLookup(ulong va, ushort asid, out TlbEntry entry)
    {
        ref TlbEntry e = ref _entries[IndexOf(va)];
        if (e.Tag == ((va & ~0xFFFUL) | 1) && (!e.NotGlobal || e.Asid == asid))
        {
            Hits++;
            entry = e;
            return true;
        }
        Misses++;
        entry = default;
        return false;
    }

    public void Fill(ulong va, in WalkResult r)
    {
        ulong page = va & ~0xFFFUL;
        _entries[IndexOf(va)] = new TlbEntry
        {
            Tag = page | 1,
            PaPage = r.Pa & ~0xFFFUL,
            Asid = r.Asid,
            NotGlobal = r.NotGlobal,
            Permissions = r.Permissions,
            MemoryType = r.MemoryType,
            Level = (sbyte)r.Level,
            BlockShift = (byte)r.BlockShift,
        };
        if (r.BlockShift > 12)
        {
            ulong mask = (1UL << r.BlockShift) - 1;
            _largeLow = Math.Min(_largeLow, va & ~mask);
            _largeHigh = Math.Max(_largeHigh, va | mask);
        }
    }

    public void FlushAll()
    {
        Array.Clear(_entries);
        _largeLow = ulong.MaxValue;
        _largeHigh = 0;
        Flushes++;
    }

    /// <summary>TLBI by VA: drops the entries for <paramref name="va"/>'s page that match <paramref name="asid"/> (or any
    /// ASID when null), only last-level entries when <paramref name="lastLevelOnly"/> (entries here are all leaves, so that
    /// changes nothing), global entries whatever the ASID (Arm ARM D8.13.5: TLBI VAE1 also removes global entries).</summary>
    /// <returns>True when it flushed everything (the VA fell where large pages were cached).</returns>
    public bool FlushVa(ulong va, ushort? asid)
    {
        if (va >= _largeLow && va <= _largeHigh) { FlushAll(); return true; }
        ref TlbEntry e = ref _entries[IndexOf(va)];
        if (e.Tag == ((va & ~0xFFFUL) | 1) && (asid == null || !e.NotGlobal || e.Asid == asid))
            e = default;
        return false;
    }

    /// <summary>TLBI ASIDE1: drops the non-global entries of one ASID.</summary>
    public void FlushAsid(ushort asid)
    {
        for (int i = 0; i < _entries.Length; i++)
            if (_entries[i].NotGlobal && _entries[i].Asid == asid) _entries[i] = default;
    }
}
