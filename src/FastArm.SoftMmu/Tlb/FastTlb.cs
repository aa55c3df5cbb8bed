using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FastArm.SoftMmu.Tlb;

/// <summary>
/// One entry of the <see cref="FastTlb"/>: for a 4 KiB page of VA, the page address as tag for each kind of
/// access that may take the fast path, and the host addend (host pointer = VA + Addend).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct FastTlbEntry
{
    public ulong ReadTag;
    public ulong WriteTag;
    public ulong FetchTag;
    public long Addend;

    public static readonly int ReadTagOffset = 0, WriteTagOffset = 8, FetchTagOffset = 16, AddendOffset = 24;
}

/// <summary>
/// The TLB that generated code and the interpreter look at first (DESIGN.md, Soft-MMU): per access context (EL and
/// PSTATE.PAN, so EL0, EL1 and EL1-with-PAN permissions never mix), direct-mapped, each entry a tag per access kind and
/// a host addend. A hit is: index = (va >> 12) &amp; mask; compare (va &amp; (PageMask | (size - 1))) with the tag; access
/// va + addend. The compare rejects unaligned accesses, so they, misses, MMIO, pages holding translated code (no write
/// tag) and anything hooked take the slow path, which does the full check and refills the entry.
///
/// It caches only what the regime TLB (<see cref="Tlb"/>) also holds for the current regime and ASID; it is untagged, so
/// every invalidation of that TLB, every ASID or regime change flushes it too (or the pages named).
/// </summary>
public sealed unsafe class FastTlb
{
    public const int Bits = 10;
    public const int Entries = 1 << Bits;
    /// <summary>Contexts: (EL &lt;&lt; 1) | PAN.</summary>
    public const int Contexts = 8;
    public const ulong Invalid = ulong.MaxValue;
    public const ulong PageMask = ~0xFFFUL;

    private readonly FastTlbEntry* _table;
    private ulong _largeLow = ulong.MaxValue, _largeHigh;

    /// <summary>The bytes of the tables of all contexts (for <see cref="FastTlb(FastTlbEntry*)"/>).</summary>
    public static int Bytes => Contexts * Entries * sizeof(FastTlbEntry);

    /// <summary>A TLB in <paramref name="storage"/> (<see cref="Bytes"/> long, 64-byte aligned), which its owner allocates
    /// and frees: a CPU puts it next to its register state, so that generated code reaches both from one base register.</summary>
    public FastTlb(FastTlbEntry* storage)
    {
        _table = storage;
        FlushAll();
    }

    /// <summary>The first entry of a context's table (generated code embeds it as a constant).</summary>
    public FastTlbEntry* Table(int context) => _table + context * Entries;

    public static int ContextOf(int el, bool pan) => (el << 1) | (pan ? 1 : 0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int IndexOf(ulong va) => (int)((va >> 12) & (Entries - 1));

    public ulong Flushes;

    /// <summary>Changes each time entries are dropped (a flush, a page flush, write tags taken away): a VA-indexed cache
    /// that checked a mapping against this TLB can trust the check while the generation stays the same.</summary>
    public ulong Generation;

    /// <summary>Contexts filled since their last flush (bit per context): a flush clears only those, as a context switch
    /// flushes the table and the guest then runs in one or two contexts.</summary>
    private int _filled = (1 << Contexts) - 1;

    public void FlushAll()
    {
        for (int c = 0; c < Contexts; c++)
        {
            if ((_filled & (1 << c)) == 0) continue;
            var t = _table + c * Entries;
            for (int i = 0; i < Entries; i++)
            {
                t[i].ReadTag = Invalid;
                t[i].WriteTag = Invalid;
                t[i].FetchTag = Invalid;
            }
        }
        _filled = 0;
        _largeLow = ulong.MaxValue;
        _largeHigh = 0;
        Flushes++;
        Generation++;
    }

    /// <summary>Drops the page of <paramref name="va"/> in every context (a TLBI by VA); a VA inside a cached block
    /// larger than a page drops everything, as its other 4 KiB pieces are cached under other indexes.</summary>
    public void FlushPage(ulong va)
    {
        if (va >= _largeLow && va <= _largeHigh) { FlushAll(); return; }
        Generation++;
        // The top byte is ignored in the compare: entries made through tagged pointers (TBI) go too.
        const ulong untagged = 0x00FF_FFFF_FFFF_F000UL;
        ulong page = va & untagged;
        int i = IndexOf(va);
        for (int c = 0; c < Contexts; c++)
        {
            ref FastTlbEntry e = ref _table[c * Entries + i];
            if ((e.ReadTag & untagged) == page || (e.WriteTag & untagged) == page || (e.FetchTag & untagged) == page)
            {
                e.ReadTag = Invalid;
                e.WriteTag = Invalid;
                e.FetchTag = Invalid;
            }
        }
    }

    /// <summary>
    /// Records that <paramref name="va"/>'s page may be accessed as <paramref name="kind"/> through host memory at
    /// <paramref name="host"/> (the page's first byte). Other kinds already cached for the same page and host page are kept.
    /// <paramref name="blockShift"/> is the log2 size of the translation it came from.
    /// </summary>
    public void Fill(int context, ulong va, byte* host, FastAccess kind, int blockShift)
    {
        ulong page = va & PageMask;
        long addend = (long)host - (long)page;
        _filled |= 1 << context;
        ref FastTlbEntry e = ref _table[context * Entries + IndexOf(va)];
        bool same = e.Addend == addend && (e.ReadTag == page || e.WriteTag == page || e.FetchTag == page);
        if (!same)
        {
            e.ReadTag = Invalid;
            e.WriteTag = Invalid;
            e.FetchTag = Invalid;
            e.Addend = addend;
        }
        switch (kind)
        {
            case FastAccess.Read: e.ReadTag = page; break;
            case FastAccess.Write: e.WriteTag = page; break;
            default: e.FetchTag = page; break;
        }
        if (blockShift > 12)
        {
            ulong mask = (1UL << blockShift) - 1;
            _largeLow = Math.Min(_largeLow, va & ~mask);
            _largeHigh = Math.Max(_largeHigh, va | mask);
        }
    }

    /// <summary>Takes away the write tag of every entry that maps host page <paramref name="hostPage"/>: the page now holds
    /// translated code, so writes to it must take the slow path that invalidates that code.</summary>
    public void DropWrites(byte* hostPage)
    {
        Generation++;
        var t = _table;
        for (int i = 0; i < Contexts * Entries; i++)
        {
            ulong tag = t[i].WriteTag;
            if (tag != Invalid && (byte*)(long)(tag + (ulong)t[i].Addend) == hostPage) t[i].WriteTag = Invalid;
        }
    }

}

public enum FastAccess { Read, Write, Fetch }
