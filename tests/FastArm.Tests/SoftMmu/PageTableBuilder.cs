using FastArm.SoftMmu.Bus;

namespace FastArm.Tests.SoftMmu;

/// <summary>Builds VMSAv8-64 stage 1 tables in guest RAM for walker tests, for any granule and VA size.</summary>
public sealed class PageTableBuilder
{
    // Leaf attributes tests combine: AF, AP, XN bits, nG, AttrIndx.
    public const ulong AF = 1UL << 10, ApUser = 1UL << 6, ApReadOnly = 1UL << 7, NotGlobal = 1UL << 11, PXN = 1UL << 53, UXN = 1UL << 54;

    private readonly PhysicalBus _bus;
    private ulong _next;
    public int GrainShift { get; }
    public int Stride => GrainShift - 3;
    public int InputSize { get; }
    public bool Ds { get; }
    public ulong Root { get; }
    public int StartLevel => 4 - (InputSize - GrainShift + Stride - 1) / Stride;

    public PageTableBuilder(PhysicalBus bus, ulong allocBase, int grainShift, int inputSize, bool ds = false)
    {
        _bus = bus;
        _next = allocBase;
        GrainShift = grainShift;
        InputSize = inputSize;
        Ds = ds;
        Root = Alloc();
    }

    private ulong Alloc()
    {
        ulong size = 1UL << GrainShift;
        ulong a = (_next + size - 1) & ~(size - 1);
        _next = a + size;
        _bus.Load(a, new byte[size]);
        return a;
    }

    private ulong Read(ulong pa) { _bus.TryRead(pa, 8, out ulong v); return v; }
    private void Write(ulong pa, ulong v) => _bus.TryWrite(pa, 8, v);

    private ulong EncodeOa(ulong oa)
    {
        if (Ds) return (oa & 0x0003_FFFF_FFFF_F000UL) | ((oa >> 42) & 0x300);
        if (GrainShift == 16) return (oa & 0x0000_FFFF_FFFF_0000UL) | ((oa >> 36) & 0xF000);
        return oa & 0x0000_FFFF_FFFF_F000UL;
    }

    /// <summary>Maps the block or page at <paramref name="va"/> that a leaf at <paramref name="leafLevel"/> covers.</summary>
    public ulong Map(ulong va, ulong pa, int leafLevel, ulong attrs = AF, ulong tableAttrs = 0)
    {
        ulong table = Root;
        for (int level = StartLevel; ; level++)
        {
            int shift = GrainShift + (3 - level) * Stride;
            int bits = level == StartLevel ? InputSize - shift : Stride;
            ulong descAddr = table + ((va >> shift) & ((1UL << bits) - 1)) * 8;
            if (level == leafLevel)
            {
                ulong d = EncodeOa(pa) | attrs | (level == 3 ? 3UL : 1UL);
                Write(descAddr, d);
                return descAddr;
            }
            ulong desc = Read(descAddr);
            if ((desc & 3) != 3)
            {
                ulong t = Alloc();
                desc = EncodeOa(t) | 3 | tableAttrs;
                Write(descAddr, desc);
            }
            table = DecodeOa(desc) & ~((1UL << GrainShift) - 1);
        }
    }

    private ulong DecodeOa(ulong desc)
    {
        if (Ds) return (desc & 0x0003_FFFF_FFFF_F000UL) | ((desc & 0x300) << 42);
        if (GrainShift == 16) return (desc & 0x0000_FFFF_FFFF_0000UL) | ((desc & 0xF000) << 36);
        return desc & 0x0000_FFFF_FFFF_F000UL;
    }

    /// <summary>TTBR value for the root, with <paramref name="asid"/> in bits [63:48] and 52-bit BADDR encoding.</summary>
    public ulong Ttbr(ushort asid = 0)
    {
        ulong baddr = Root;
        if (Ds || GrainShift == 16) baddr = (Root & 0x0000_FFFF_FFFF_FFC0UL) | ((Root >> 46) & 0x3C);
        return baddr | ((ulong)asid << 48);
    }
}
