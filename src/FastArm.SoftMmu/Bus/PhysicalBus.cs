using FastArm.SoftMmu.Ram;

namespace FastArm.SoftMmu.Bus;

/// <summary>What a physical access hit: RAM (a host pointer), an MMIO device, or nothing (an external abort).</summary>
public enum BusTarget : byte { None, Ram, Mmio }

/// <summary>
/// The physical address space: RAM/ROM blocks and MMIO regions. Regions do not overlap. Lookups of RAM go
/// through a short array scanned linearly: boards have two or three RAM blocks, and the hot path (the TLB)
/// caches the resulting host pointer so this is only reached on a TLB fill or for MMIO.
/// </summary>
public sealed unsafe class PhysicalBus
{
    private GuestRam[] _ram = [];
    private MmioRegion[] _mmio = [];

    public sealed record MmioRegion(ulong Base, ulong Size, IMmioDevice Device, string Name);

    /// <summary>Raised on every access that hits no region (for traces); the access itself is an external abort.</summary>
    public event Action<ulong, bool>? Unassigned;

    /// <summary>Raised after each MMIO access: address, value, size, isWrite. For device-access hooks.</summary>
    public Action<ulong, ulong, int, bool>? MmioHook;

    public IReadOnlyList<GuestRam> RamBlocks => _ram;
    public IReadOnlyList<MmioRegion> MmioRegions => _mmio;

    /// <summary>
    /// Bumped whenever the map changes, so that caches of host pointers (TLBs) know to drop what they hold.
    /// </summary>
    public int Generation { get; private set; }

    /// <summary>The pages that hold translated code (writes to them invalidate it).</summary>
    public Code.CodePages CodePages { get; } = new();

    public GuestRam MapRam(ulong physBase, ulong size, bool readOnly = false)
    {
        CheckFree(physBase, size);
        var ram = new GuestRam(physBase, size) { ReadOnly = readOnly };
        _ram = [.. _ram, ram];
        Generation++;
        return ram;
    }

    public void MapMmio(ulong physBase, ulong size, IMmioDevice device, string name)
    {
        CheckFree(physBase, size);
        _mmio = [.. _mmio, new MmioRegion(physBase, size, device, name)];
        Generation++;
    }

    private void CheckFree(ulong b, ulong size)
    {
        if (size == 0) throw new ArgumentException("region size must be non-zero");
        foreach (var r in _ram)
            if (b < r.PhysBase + r.Size && r.PhysBase < b + size) throw new ArgumentException($"region 0x{b:X}+0x{size:X} overlaps RAM at 0x{r.PhysBase:X}");
        foreach (var m in _mmio)
            if (b < m.Base + m.Size && m.Base < b + size) throw new ArgumentException($"region 0x{b:X}+0x{size:X} overlaps {m.Name} at 0x{m.Base:X}");
    }

    /// <summary>Host pointer for <paramref name="length"/> bytes of RAM at <paramref name="pa"/>, or null.</summary>
    public byte* RamPointer(ulong pa, ulong length, bool forWrite)
    {
        var ram = _ram;
        for (int i = 0; i < ram.Length; i++)
        {
            var r = ram[i];
            if (r.Contains(pa, length))
                return forWrite && r.ReadOnly ? null : r.Base + (pa - r.PhysBase);
        }
        return null;
    }

    public GuestRam? FindRam(ulong pa)
    {
        foreach (var r in _ram) if (r.Contains(pa)) return r;
        return null;
    }

    public MmioRegion? FindMmio(ulong pa)
    {
        var mmio = _mmio;
        for (int i = 0; i < mmio.Length; i++)
            if (pa - mmio[i].Base < mmio[i].Size) return mmio[i];
        return null;
    }

    /// <summary>A physical read of 1, 2, 4 or 8 bytes. Returns false for an access that hits nothing.</summary>
    public bool TryRead(ulong pa, int size, out ulong value)
    {
        byte* p = RamPointer(pa, (ulong)size, false);
        if (p != null)
        {
            value = size switch { 1 => *p, 2 => *(ushort*)p, 4 => *(uint*)p, _ => *(ulong*)p };
            return true;
        }
        var m = FindMmio(pa);
        if (m != null)
        {
            value = m.Device.Read(pa - m.Base, size);
            if (size < 8) value &= (1UL << (size * 8)) - 1;
            MmioHook?.Invoke(pa, value, size, false);
            return true;
        }
        value = 0;
        Unassigned?.Invoke(pa, false);
        return false;
    }

    /// <summary>A physical write of 1, 2, 4 or 8 bytes. Returns false for an access that hits nothing.</summary>
    public bool TryWrite(ulong pa, int size, ulong value)
    {
        byte* p = RamPointer(pa, (ulong)size, true);
        if (p != null)
        {
            switch (size) { case 1: *p = (byte)value; break; case 2: *(ushort*)p = (ushort)value; break; case 4: *(uint*)p = (uint)value; break; default: *(ulong*)p = value; break; }
            CodePages.Written(pa, size);
            return true;
        }
        var m = FindMmio(pa);
        if (m != null)
        {
            m.Device.Write(pa - m.Base, value, size);
            MmioHook?.Invoke(pa, value, size, true);
            return true;
        }
        // A write to ROM is ignored, as on a real ROM; it is not an abort.
        if (FindRam(pa) != null) return true;
        Unassigned?.Invoke(pa, true);
        return false;
    }

    /// <summary>Copies bytes into RAM/ROM (loaders, harnesses); ignores read-only protection.</summary>
    public void Load(ulong pa, ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var r = FindRam(pa) ?? throw new ArgumentException($"no RAM at 0x{pa:X} to load into");
            int n = (int)Math.Min((ulong)data.Length, r.PhysBase + r.Size - pa);
            data[..n].CopyTo(r.AsSpan(pa, n));
            CodePages.Written(pa, n);
            data = data[n..];
            pa += (ulong)n;
        }
    }

    /// <summary>Copies bytes out of RAM/ROM (harnesses, semihosting).</summary>
    public bool TryReadBytes(ulong pa, Span<byte> dest)
    {
        while (!dest.IsEmpty)
        {
            var r = FindRam(pa);
            if (r == null) return false;
            int n = (int)Math.Min((ulong)dest.Length, r.PhysBase + r.Size - pa);
            r.AsSpan(pa, n).CopyTo(dest);
            dest = dest[n..];
            pa += (ulong)n;
        }
        return true;
    }
}
