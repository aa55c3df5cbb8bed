using System.Runtime.InteropServices;

namespace FastArm.SoftMmu.Ram;

/// <summary>
/// A block of guest memory held in one native allocation, so that a guest physical address in the block
/// becomes <c>Base + (pa - PhysBase)</c> with no bounds-checked array in between (DESIGN.md, Soft-MMU).
/// </summary>
public sealed unsafe class GuestRam : IDisposable
{
    public ulong PhysBase { get; }
    public ulong Size { get; }
    public byte* Base { get; private set; }
    public bool ReadOnly { get; init; }

    public GuestRam(ulong physBase, ulong size)
    {
        if (size == 0 || (size & 0xFFF) != 0) throw new ArgumentException("RAM size must be a non-zero multiple of 4 KiB", nameof(size));
        PhysBase = physBase;
        Size = size;
        // calloc: large blocks come from fresh anonymous mappings, already zero and committed only when touched, so
        // a 1 GiB guest costs host memory only for the pages it uses.
        Base = (byte*)NativeMemory.AllocZeroed((nuint)size);
    }

    public bool Contains(ulong pa, ulong length = 1) => pa >= PhysBase && pa - PhysBase < Size && Size - (pa - PhysBase) >= length;

    public Span<byte> AsSpan(ulong pa, int length)
    {
        if (!Contains(pa, (ulong)length)) throw new ArgumentOutOfRangeException(nameof(pa), $"0x{pa:X} + {length} is outside RAM 0x{PhysBase:X}..0x{PhysBase + Size:X}");
        return new Span<byte>(Base + (pa - PhysBase), length);
    }

    public void Dispose()
    {
        if (Base != null) { NativeMemory.Free(Base); Base = null; }
        GC.SuppressFinalize(this);
    }

    ~GuestRam() { if (Base != null) NativeMemory.Free(Base); }
}
