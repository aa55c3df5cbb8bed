using FastArm.Devices.Registers;
using FastArm.SoftMmu.Bus;

namespace FastArm.Devices.Gic;

/// <summary>
/// A memory-mapped GIC frame (a distributor, a GICv2 CPU interface) whose registers are a
/// <see cref="RegisterMap{TDev}"/>: every access holds the GIC's lock, and reserved locations are reported
/// through <see cref="GicBase.Trace"/>.
/// </summary>
public abstract class GicFrame<TFrame> : IMmioDevice where TFrame : GicFrame<TFrame>
{
    private readonly object _sync;
    private readonly RegisterBlock<TFrame> _regs;

    private protected GicFrame(GicBase gic, RegisterMap<TFrame> map, string name)
    {
        _sync = gic.Sync;
        _regs = new RegisterBlock<TFrame>(map, (TFrame)this, m => gic.Trace?.Invoke(m), name);
    }

    public ulong Read(ulong offset, int size) { lock (_sync) return _regs.Read(offset, size); }
    public void Write(ulong offset, ulong value, int size) { lock (_sync) _regs.Write(offset, value, size); }
}

/// <summary>
/// Which <see cref="IrqBank"/> holds word <paramref name="word"/> (INTIDs 32w..32w+31) of a per-INTID register
/// array as <paramref name="frame"/> presents it; null where the frame has no such INTIDs (RAZ/WI).
/// </summary>
internal delegate IrqBank? BankOfWord<in TFrame>(TFrame frame, int word);

/// <summary>
/// The per-INTID register arrays that GICv2's distributor, GICv3's distributor and GICv3's SGI_base frame
/// declare alike. The GICv3 architecture lays GICR_* SGI_base out as GICD_* for INTIDs 0..31 (IHI 0069
/// 12.9 and 12.11): IGROUPR at 0x080, ISENABLER/ICENABLER/ISPENDR/ICPENDR/ISACTIVER/ICACTIVER at
/// 0x100..0x380, IPRIORITYR at 0x400, ICFGR at 0xC00; GICv2 (IHI 0048B 4.1.2) uses the same offsets.
/// </summary>
internal static class GicRegisters
{
    internal enum BitReg { SetEnable, ClearEnable, SetPending, ClearPending, SetActive, ClearActive }

    /// <summary>
    /// The arrays for <paramref name="words"/> words of 32 INTIDs (32 in a distributor, 1 in a redistributor).
    /// <paramref name="changed"/> runs after a write that took effect, with the word it touched.
    /// <paramref name="sgiPendingBySource"/>: GICv2, where SGI pending state is kept per source PE and is set
    /// and cleared only through GICD_SPENDSGIR/CPENDSGIR, so ISPENDR0/ICPENDR0 ignore bits 15:0.
    /// </summary>
    public static IEnumerable<RegisterDef<T>> InterruptArrays<T>(string prefix, int words, BankOfWord<T> bank,
        Action<T, int> changed, bool sgiPendingBySource = false)
    {
        // A redistributor's single words carry the architectural "0" suffix (GICR_ISENABLER0).
        string suffix = words == 1 ? "0" : "";
        return
        [
            Reg.Live<T>(0x080, prefix + "IGROUPR" + suffix,
                (f, w) => bank(f, w)?.Group[w] ?? 0,
                (f, w, v, m) =>
                {
                    if (bank(f, w) is not { } b) return;
                    b.Group[w] = (b.Group[w] & ~(uint)m) | (uint)(v & m);
                    changed(f, w);
                }, count: words),
            Bits(0x100, prefix + "ISENABLER" + suffix, BitReg.SetEnable),
            Bits(0x180, prefix + "ICENABLER" + suffix, BitReg.ClearEnable),
            Bits(0x200, prefix + "ISPENDR" + suffix, BitReg.SetPending),
            Bits(0x280, prefix + "ICPENDR" + suffix, BitReg.ClearPending),
            Bits(0x300, prefix + "ISACTIVER" + suffix, BitReg.SetActive),
            Bits(0x380, prefix + "ICACTIVER" + suffix, BitReg.ClearActive),
            // Four priority bytes a word; the last word of a full distributor (INTIDs 1020..1023) is reserved.
            Reg.Live<T>(0x400, prefix + "IPRIORITYR",
                (f, w) => bank(f, w / 8) is { } b ? ReadPriority(b, w) : 0,
                (f, w, v, m) =>
                {
                    if (bank(f, w / 8) is not { } b) return;
                    WritePriority(b, w, (uint)v, (uint)m);
                    changed(f, w / 8);
                }, count: Math.Min(words * 8, 255), sizes: AccessSizes.ByteOrWord),
            // Sixteen INTIDs a word; SGIs (word 0) are always edge-triggered, so their word ignores writes.
            Reg.Live<T>(0xC00, prefix + "ICFGR",
                (f, w) => bank(f, w / 2) is { } b ? ReadIcfgr(b, w) : 0,
                (f, w, v, m) =>
                {
                    if (w == 0 || bank(f, w / 2) is not { } b) return;
                    WriteIcfgr(b, w, (uint)v, (uint)m);
                    changed(f, w / 2);
                }, count: words * 2),
        ];

        RegisterDef<T> Bits(ulong offset, string name, BitReg kind) =>
            Reg.Live<T>(offset, name,
                (f, w) => bank(f, w) is { } b ? ReadBits(b, w, kind) : 0,
                (f, w, v, m) =>
                {
                    if (bank(f, w) is not { } b) return;
                    uint bits = (uint)(v & m);
                    if (sgiPendingBySource && w == 0 && kind is BitReg.SetPending or BitReg.ClearPending) bits &= 0xFFFF_0000;
                    WriteBits(b, w, kind, bits);
                    changed(f, w);
                }, count: words);
    }

    private static uint ReadBits(IrqBank b, int w, BitReg kind) => kind switch
    {
        BitReg.SetEnable or BitReg.ClearEnable => b.Enabled[w],
        BitReg.SetPending or BitReg.ClearPending => b.PendingWord(w),
        _ => b.Active[w],
    };

    /// <summary>A write of ones to a set/clear register; zeros have no effect (GICD_ISENABLER etc.).</summary>
    private static void WriteBits(IrqBank b, int w, BitReg kind, uint bits)
    {
        switch (kind)
        {
            case BitReg.SetEnable: b.Enabled[w] |= bits; break;
            case BitReg.ClearEnable: b.Enabled[w] &= ~bits; break;
            // For a level-sensitive interrupt these set or clear the latch; a high input keeps it pending.
            case BitReg.SetPending: b.Latch[w] |= bits; break;
            case BitReg.ClearPending: b.Latch[w] &= ~bits; break;
            case BitReg.SetActive: b.Active[w] |= bits; break;
            case BitReg.ClearActive: b.Active[w] &= ~bits; break;
        }
    }

    /// <summary>GICD_ICFGR word <paramref name="w"/> (16 INTIDs, Int_config[1] in the odd bits).</summary>
    private static uint ReadIcfgr(IrqBank b, int w)
    {
        uint edge = b.Edge[w >> 1] >> ((w & 1) * 16);
        uint r = 0;
        for (int i = 0; i < 16; i++)
            if ((edge & (1u << i)) != 0) r |= 2u << (2 * i);
        return r;
    }

    private static void WriteIcfgr(IrqBank b, int w, uint value, uint mask)
    {
        for (int i = 0; i < 16; i++)
        {
            if ((mask & (2u << (2 * i))) == 0) continue;
            IrqBank.SetBit(b.Edge, w * 16 + i, (value & (2u << (2 * i))) != 0);
        }
    }

    /// <summary>GICD_IPRIORITYR word <paramref name="w"/>: four priority bytes, INTIDs 4w..4w+3.</summary>
    private static uint ReadPriority(IrqBank b, int w) =>
        (uint)(b.Priority[4 * w] | b.Priority[4 * w + 1] << 8 | b.Priority[4 * w + 2] << 16 | b.Priority[4 * w + 3] << 24);

    private static void WritePriority(IrqBank b, int w, uint value, uint mask)
    {
        for (int i = 0; i < 4; i++)
            if ((mask & (0xFFu << (8 * i))) != 0) b.Priority[4 * w + i] = (byte)(value >> (8 * i));
    }
}
