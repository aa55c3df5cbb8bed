namespace FastArm.SoftMmu.Code;

/// <summary>
/// The physical pages that hold translated (or pre-decoded) code, shared by every CPU on a bus. A write to one of
/// them must drop the code made from the bytes it changes (self-modifying code, module loading, kexec's copy,
/// alternatives and static-key patching), so writes to these pages never take a TLB fast path: a CPU that starts
/// translating a page asks every fast TLB to forget its write permission (<see cref="PageAdded"/>), and the slow
/// path reports each write here (<see cref="Written"/>), which tells every translator (<see cref="CodeWritten"/>).
/// A page stays a code page while some translator holds code made from it (each one <see cref="Add"/>s a page once
/// and <see cref="Release"/>s it when its last code from the page is gone), so data written next to code costs a
/// slow store but drops nothing.
/// </summary>
public sealed class CodePages
{
    private readonly Dictionary<ulong, int> _holders = [];

    /// <summary>A page became a code page: argument is its physical address (page aligned).</summary>
    public event Action<ulong>? PageAdded;
    /// <summary>Bytes of a code page were written: drop what was made from them. Arguments: the physical address and
    /// size of the write, never crossing a page.</summary>
    public event Action<ulong, int>? CodeWritten;

    public int Count => _holders.Count;
    /// <summary>Writes that reached a code page.</summary>
    public ulong Writes { get; private set; }

    /// <summary>A translator now holds code from the page of <paramref name="pa"/>.</summary>
    public void Add(ulong pa)
    {
        ulong page = pa & ~0xFFFUL;
        _holders.TryGetValue(page, out int n);
        _holders[page] = n + 1;
        if (n == 0) PageAdded?.Invoke(page);
    }

    /// <summary>A translator no longer holds code from the page of <paramref name="pa"/>.</summary>
    public void Release(ulong pa)
    {
        ulong page = pa & ~0xFFFUL;
        if (!_holders.TryGetValue(page, out int n)) return;
        if (n <= 1) _holders.Remove(page);
        else _holders[page] = n - 1;
    }

    public bool Contains(ulong pa) => _holders.Count != 0 && _holders.ContainsKey(pa & ~0xFFFUL);

    /// <summary>A write of <paramref name="size"/> bytes at <paramref name="pa"/> happened (slow path).</summary>
    public void Written(ulong pa, int size)
    {
        if (_holders.Count == 0) return;
        ulong end = pa + (ulong)Math.Max(size, 1);
        for (ulong start = pa; start < end; start = (start & ~0xFFFUL) + 0x1000)
        {
            if (!_holders.ContainsKey(start & ~0xFFFUL)) continue;
            Writes++;
            ulong pieceEnd = Math.Min(end, (start & ~0xFFFUL) + 0x1000);
            CodeWritten?.Invoke(start, (int)(pieceEnd - start));
        }
    }
}
