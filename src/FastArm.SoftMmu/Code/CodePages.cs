namespace FastArm.SoftMmu.Code;

/// <summary>
/// The physical pages that hold translated (or pre-decoded) code, shared by every CPU on a bus. A write to one of
/// them must drop the code made from it (self-modifying code, module loading, kexec's copy, alternatives patching),
/// so writes to these pages never take a TLB fast path: a CPU that starts translating a page asks every fast TLB to
/// forget its write permission (<see cref="PageAdded"/>), and the slow path reports the write here
/// (<see cref="Written"/>), which tells every translator (<see cref="PageWritten"/>) and forgets the page until code
/// is made from it again.
/// </summary>
public sealed class CodePages
{
    private readonly HashSet<ulong> _pages = [];

    /// <summary>A page became a code page: argument is its physical address (page aligned).</summary>
    public event Action<ulong>? PageAdded;
    /// <summary>A code page was written: drop what was made from it. Argument: its physical address (page aligned).</summary>
    public event Action<ulong>? PageWritten;

    public int Count => _pages.Count;
    public ulong Invalidations { get; private set; }

    /// <summary>Marks the page of <paramref name="pa"/> as holding code.</summary>
    public void Add(ulong pa)
    {
        ulong page = pa & ~0xFFFUL;
        if (_pages.Add(page)) PageAdded?.Invoke(page);
    }

    public bool Contains(ulong pa) => _pages.Count != 0 && _pages.Contains(pa & ~0xFFFUL);

    /// <summary>A write of <paramref name="size"/> bytes at <paramref name="pa"/> happened (slow path).</summary>
    public void Written(ulong pa, int size)
    {
        if (_pages.Count == 0) return;
        ulong first = pa & ~0xFFFUL, last = (pa + (ulong)Math.Max(size, 1) - 1) & ~0xFFFUL;
        for (ulong page = first; ; page += 0x1000)
        {
            if (_pages.Remove(page))
            {
                Invalidations++;
                PageWritten?.Invoke(page);
            }
            if (page == last) break;
        }
    }
}
