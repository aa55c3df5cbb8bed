using FastArm.SoftMmu.Bus;

namespace FastArm.Devices.Boot;

/// <summary>Loads a flat binary at a physical address (QEMU's <c>-kernel</c> of a non-ELF file, or <c>-device loader</c>).</summary>
public static class RawLoader
{
    public static void Load(PhysicalBus bus, ReadOnlySpan<byte> data, ulong address)
    {
        if (data.IsEmpty) return;
        if (!IsRam(bus, address, (ulong)data.Length))
            throw new ArgumentException($"cannot load {data.Length} bytes at 0x{address:X}: the range is not inside RAM");
        bus.Load(address, data);
    }

    /// <summary>True when [<paramref name="pa"/>, pa + size) is entirely RAM or ROM (possibly across adjacent blocks).</summary>
    public static bool IsRam(PhysicalBus bus, ulong pa, ulong size)
    {
        if (pa + size < pa) return false;
        while (size > 0)
        {
            var r = bus.FindRam(pa);
            if (r == null) return false;
            ulong n = Math.Min(size, r.PhysBase + r.Size - pa);
            pa += n;
            size -= n;
        }
        return true;
    }

    internal static void Zero(PhysicalBus bus, ulong pa, ulong size)
    {
        while (size > 0)
        {
            var r = bus.FindRam(pa)!;
            int n = (int)Math.Min(Math.Min(size, r.PhysBase + r.Size - pa), int.MaxValue);
            r.AsSpan(pa, n).Clear();
            pa += (ulong)n;
            size -= (ulong)n;
        }
    }
}
