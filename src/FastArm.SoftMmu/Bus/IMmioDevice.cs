namespace FastArm.SoftMmu.Bus;

/// <summary>A device that answers bus accesses in a region. Offsets are relative to the region's base.</summary>
public interface IMmioDevice
{
    /// <summary>Reads <paramref name="size"/> bytes (1, 2, 4 or 8). Unknown offsets read as zero (RAZ).</summary>
    ulong Read(ulong offset, int size);

    /// <summary>Writes the low <paramref name="size"/> bytes of <paramref name="value"/>. Unknown offsets ignore writes (WI).</summary>
    void Write(ulong offset, ulong value, int size);
}

/// <summary>An MMIO device made of two callbacks: what the library API gives a harness.</summary>
public sealed class CallbackDevice(Func<ulong, int, ulong> read, Action<ulong, ulong, int> write) : IMmioDevice
{
    public ulong Read(ulong offset, int size) => read(offset, size);
    public void Write(ulong offset, ulong value, int size) => write(offset, value, size);
}
