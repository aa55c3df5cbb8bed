using System.Runtime.CompilerServices;
using FastArm.SoftMmu.Bus;

namespace FastArm.Devices.Registers;

/// <summary>Access sizes a register accepts, as a set of byte counts.</summary>
[Flags]
public enum AccessSizes : byte
{
    None = 0,
    Byte = 1,
    Half = 2,
    Word = 4,
    Dword = 8,
    /// <summary>A 32-bit register: word accesses only (the usual rule for Arm peripherals).</summary>
    W32 = Word,
    /// <summary>A 64-bit register that may also be read or written as two 32-bit halves (GICD_IROUTER, GICR_TYPER).</summary>
    W64 = Word | Dword,
    /// <summary>Byte-addressable fields (GICD_IPRIORITYR, GICD_ITARGETSR) and word accesses.</summary>
    ByteOrWord = Byte | Word,
    Any = Byte | Half | Word | Dword,
}

/// <summary>How a register frame decodes accesses narrower than its registers.</summary>
public enum NarrowAccess
{
    /// <summary>
    /// Byte lanes are decoded (AMBA AXI/AHB with write strobes, the GIC): an access addresses exactly the bytes it
    /// covers, at any naturally aligned offset inside the register, and a write changes only those bytes.
    /// Each register's <see cref="RegisterDef{TDev}.Sizes"/> say which sizes it takes.
    /// </summary>
    ByteLanes,
    /// <summary>
    /// No byte lanes (AMBA APB3 PrimeCell peripherals: no write strobes and no transfer size, address bits [1:0]
    /// not decoded): an access of 1, 2 or 4 bytes at a register's offset reaches the whole register. A read
    /// returns the register truncated to the access size; a write stores its value zero-extended to the whole
    /// register, as QEMU's models of these devices do. An access at an offset inside a register, or of 8 bytes,
    /// is RAZ/WI. Registers must be 4 bytes wide; their <see cref="RegisterDef{TDev}.Sizes"/> are not used.
    /// </summary>
    WholeRegister,
}

/// <summary>Reads register <paramref name="index"/> of an array (0 for a single register), the whole register.</summary>
public delegate ulong RegisterRead<in TDev>(TDev device, int index);

/// <summary>
/// Writes register <paramref name="index"/>: <paramref name="value"/> is already shifted to its place in the
/// register and <paramref name="mask"/> says which bits the access covers (a byte write of an IPRIORITYR field
/// covers eight). Bits outside the mask must be left as they are.
/// </summary>
public delegate void RegisterWrite<in TDev>(TDev device, int index, ulong value, ulong mask);

/// <summary>One register, or an array of like registers at a fixed stride, as declared in a device's table.</summary>
public sealed class RegisterDef<TDev>
{
    public required ulong Offset { get; init; }
    public required string Name { get; init; }
    /// <summary>Width of one register in bytes: 4 or 8.</summary>
    public int Width { get; init; } = 4;
    /// <summary>Number of registers in the array (1 for a single register).</summary>
    public int Count { get; init; } = 1;
    /// <summary>Distance between array elements in bytes (defaults to the width).</summary>
    public int Stride { get; init; }
    /// <summary>Reset value of storage registers (those declared without a read callback).</summary>
    public ulong Reset { get; init; }
    /// <summary>Bits software can change in a storage register; the others keep their reset value.</summary>
    public ulong Writable { get; init; } = ulong.MaxValue;
    public AccessSizes Sizes { get; init; } = AccessSizes.W32;
    /// <summary>Null: the register is storage kept by the <see cref="RegisterBlock{TDev}"/>.</summary>
    public RegisterRead<TDev>? Read { get; init; }
    /// <summary>Null with a read callback: read-only (writes are ignored). Null for storage: plain store.
    /// With storage, a write callback runs after the store (a side effect).</summary>
    public RegisterWrite<TDev>? Write { get; init; }
    /// <summary>Write-only: reads return zero (and are reported once).</summary>
    public bool WriteOnly { get; init; }

    internal int Id;
    internal int StorageBase = -1;
    internal int EffectiveStride => Stride == 0 ? Width : Stride;
    internal bool IsStorage => Read == null && !WriteOnly;
    internal bool IsReadOnly => Read != null && Write == null;
}

/// <summary>
/// A device's register table, declared once per device type and compiled to an array indexed by
/// <c>offset &gt;&gt; 2</c>, so that an access costs one array load and one delegate call. Accesses that hit
/// no register, use a size the register does not accept, or are misaligned are RAZ/WI, as the Arm peripheral
/// specifications ask for reserved locations; each distinct one is reported once through the block's trace.
/// </summary>
public sealed class RegisterMap<TDev>
{
    /// <summary>Which register, which array element, and which 32-bit half of a 64-bit register.</summary>
    private readonly struct Slot(int def, int index, int half)
    {
        public readonly int Def = def + 1;   // 0 = empty
        public readonly int Index = index;
        public readonly int Half = half;
    }

    private readonly RegisterDef<TDev>[] _defs;
    private readonly Slot[] _slots;

    /// <summary>Size of the register frame in bytes; offsets beyond it are RAZ/WI.</summary>
    public ulong Size { get; }
    public string DeviceName { get; }
    public NarrowAccess Narrow { get; }
    /// <summary>Hex digits traces use for an offset: enough for the last byte of the frame ("0x04c" in 4 KiB).</summary>
    internal string OffsetFormat { get; }
    internal int StorageCount { get; }
    public IReadOnlyList<RegisterDef<TDev>> Definitions => _defs;

    public RegisterMap(string deviceName, ulong size, IEnumerable<RegisterDef<TDev>> defs, NarrowAccess narrow = NarrowAccess.ByteLanes)
    {
        DeviceName = deviceName;
        Size = size;
        Narrow = narrow;
        OffsetFormat = "x" + Math.Max(1, (64 - System.Numerics.BitOperations.LeadingZeroCount(Math.Max(size, 2) - 1) + 3) / 4);
        _defs = [.. defs];
        _slots = new Slot[(size + 3) / 4];
        int storage = 0;
        for (int d = 0; d < _defs.Length; d++)
        {
            var def = _defs[d];
            if (def.Width != 4 && def.Width != 8) throw new ArgumentException($"{def.Name}: width must be 4 or 8");
            if (narrow == NarrowAccess.WholeRegister && def.Width != 4) throw new ArgumentException($"{def.Name}: a frame without byte lanes has 4-byte registers only");
            if (def.Offset % 4 != 0 || def.EffectiveStride % 4 != 0) throw new ArgumentException($"{def.Name}: offsets must be word aligned");
            def.Id = d;
            if (def.IsStorage) { def.StorageBase = storage; storage += def.Count; }
            for (int i = 0; i < def.Count; i++)
            {
                ulong at = def.Offset + (ulong)(i * def.EffectiveStride);
                for (int h = 0; h < def.Width / 4; h++)
                {
                    ulong slot = (at >> 2) + (ulong)h;
                    if (slot >= (ulong)_slots.Length) throw new ArgumentException($"{def.Name}[{i}] at 0x{at:X} is outside the 0x{size:X}-byte frame");
                    if (_slots[slot].Def != 0) throw new ArgumentException($"{def.Name}[{i}] at 0x{at:X} overlaps {_defs[_slots[slot].Def - 1].Name}");
                    _slots[slot] = new Slot(d, i, h);
                }
            }
        }
        StorageCount = storage;
    }

    /// <summary>The definition named <paramref name="name"/> (to find a storage register's id at start-up).</summary>
    public RegisterDef<TDev> this[string name] => _defs.First(d => d.Name == name);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Find(ulong offset, int size, out RegisterDef<TDev> def, out Slot slot)
    {
        ulong si = offset >> 2;
        if (si < (ulong)_slots.Length)
        {
            slot = _slots[si];
            if (slot.Def != 0)
            {
                def = _defs[slot.Def - 1];
                // Without byte lanes: 1, 2 or 4 bytes at the register's own offset.
                if (Narrow == NarrowAccess.WholeRegister)
                {
                    if ((offset & 3) == 0 && size <= 4) return true;
                }
                // The access must be a size the register takes, naturally aligned, and inside the register.
                else if (((int)def.Sizes & size) != 0 && (offset & (ulong)(size - 1)) == 0 && size <= def.Width)
                    return true;
            }
        }
        else slot = default;
        def = null!;
        return false;
    }

    internal ulong Read(RegisterBlock<TDev> block, ulong offset, int size)
    {
        if (!Find(offset, size, out var def, out var slot))
        {
            block.Report(offset, size, false, slot.Def == 0 ? null : _defs[slot.Def - 1].Name);
            return 0;
        }
        ulong whole;
        if (def.WriteOnly) { block.Report(offset, size, false, def.Name + " (write-only)"); return 0; }
        else if (def.Read != null) whole = def.Read(block.Owner, slot.Index);
        else whole = block.Storage[def.StorageBase + slot.Index];
        int shift = (slot.Half * 4 + (int)(offset & 3)) * 8;
        ulong v = whole >> shift;
        return size == 8 ? v : v & ((1UL << (size * 8)) - 1);
    }

    internal void Write(RegisterBlock<TDev> block, ulong offset, ulong value, int size)
    {
        if (!Find(offset, size, out var def, out var slot))
        {
            block.Report(offset, size, true, slot.Def == 0 ? null : _defs[slot.Def - 1].Name);
            return;
        }
        int shift = (slot.Half * 4 + (int)(offset & 3)) * 8;
        ulong mask = (size == 8 ? ulong.MaxValue : (1UL << (size * 8)) - 1) << shift;
        value = (value << shift) & mask;
        // No byte lanes: the zero-extended value goes to the whole register.
        if (Narrow == NarrowAccess.WholeRegister) mask = 0xFFFF_FFFF;
        if (def.IsStorage)
        {
            ref ulong cell = ref block.Storage[def.StorageBase + slot.Index];
            ulong m = mask & def.Writable;
            cell = (cell & ~m) | (value & m);
            def.Write?.Invoke(block.Owner, slot.Index, value, mask);
        }
        else if (def.Write != null) def.Write(block.Owner, slot.Index, value, mask);
        else block.Report(offset, size, true, def.Name + " (read-only)");
    }

    /// <summary>Reset values of the storage registers.</summary>
    internal void ResetStorage(ulong[] storage)
    {
        foreach (var def in _defs)
            if (def.IsStorage)
                for (int i = 0; i < def.Count; i++) storage[def.StorageBase + i] = def.Reset;
    }
}

/// <summary>
/// One device instance's view of a <see cref="RegisterMap{TDev}"/>: the storage registers' values, the owner
/// passed to callbacks, and the trace for odd accesses. Devices implement <see cref="IMmioDevice"/> by
/// forwarding to <see cref="Read"/> and <see cref="Write"/>, or hand the block itself to the bus.
/// </summary>
public sealed class RegisterBlock<TDev> : IMmioDevice
{
    private readonly RegisterMap<TDev> _map;
    private readonly HashSet<(ulong, int, bool)> _reported = [];

    public TDev Owner { get; }
    internal readonly ulong[] Storage;

    /// <summary>Where accesses to reserved locations are reported, once each. Null: silent.</summary>
    public Action<string>? Trace { get; set; }

    /// <summary>A name for traces ("gicv3-dist", "pl011@0x9000000").</summary>
    public string Name { get; set; }

    public RegisterBlock(RegisterMap<TDev> map, TDev owner, Action<string>? trace = null, string? name = null)
    {
        _map = map;
        Owner = owner;
        Trace = trace;
        Name = name ?? map.DeviceName;
        Storage = new ulong[map.StorageCount];
        Reset();
    }

    public RegisterMap<TDev> Map => _map;

    /// <summary>Puts every storage register back to its reset value.</summary>
    public void Reset() => _map.ResetStorage(Storage);

    public ulong Read(ulong offset, int size) => _map.Read(this, offset, size);
    public void Write(ulong offset, ulong value, int size) => _map.Write(this, offset, value, size);

    /// <summary>The value of storage register <paramref name="def"/> (element <paramref name="index"/>).</summary>
    public ref ulong this[RegisterDef<TDev> def, int index = 0]
    {
        get
        {
            if (!def.IsStorage) throw new InvalidOperationException($"{def.Name} is not a storage register");
            return ref Storage[def.StorageBase + index];
        }
    }

    internal void Report(ulong offset, int size, bool isWrite, string? what)
    {
        var trace = Trace;
        if (trace == null) return;
        lock (_reported)
            if (!_reported.Add((offset, size, isWrite))) return;
        string kind = isWrite ? "write" : "read";
        string at = offset.ToString(_map.OffsetFormat);
        trace(what == null
            ? $"{Name}: {size}-byte {kind} of unknown offset 0x{at} (RAZ/WI)"
            : $"{Name}: {size}-byte {kind} at 0x{at} of {what} not supported (RAZ/WI)");
    }
}

/// <summary>Shorthands for declaring register tables.</summary>
public static class Reg
{
    /// <summary>A storage register: reads what was written (within <paramref name="writable"/>).</summary>
    public static RegisterDef<T> Stored<T>(ulong offset, string name, ulong reset = 0, ulong writable = ulong.MaxValue,
        int width = 4, RegisterWrite<T>? onWrite = null, AccessSizes? sizes = null) =>
        new() { Offset = offset, Name = name, Reset = reset, Writable = writable, Width = width, Write = onWrite,
            Sizes = sizes ?? (width == 8 ? AccessSizes.W64 : AccessSizes.W32) };

    /// <summary>A constant register: reads <paramref name="value"/>; writes are ignored (and reported once).</summary>
    public static RegisterDef<T> Const<T>(ulong offset, string name, ulong value, int width = 4, AccessSizes? sizes = null) =>
        new() { Offset = offset, Name = name, Width = width, Read = (_, _) => value,
            Sizes = sizes ?? (width == 8 ? AccessSizes.W64 : AccessSizes.W32) };

    /// <summary>A register that reads as zero and ignores writes without a report (a feature that is absent).</summary>
    public static RegisterDef<T> Raz<T>(ulong offset, string name, int count = 1, int width = 4, AccessSizes? sizes = null) =>
        new() { Offset = offset, Name = name, Width = width, Count = count, Read = static (_, _) => 0, Write = static (_, _, _, _) => { },
            Sizes = sizes ?? AccessSizes.Any };

    /// <summary>A register (or array of <paramref name="count"/>) with its own read and write behaviour.</summary>
    public static RegisterDef<T> Live<T>(ulong offset, string name, RegisterRead<T> read, RegisterWrite<T>? write,
        int count = 1, int width = 4, int stride = 0, AccessSizes? sizes = null) =>
        new() { Offset = offset, Name = name, Read = read, Write = write, Count = count, Width = width, Stride = stride,
            Sizes = sizes ?? (width == 8 ? AccessSizes.W64 : AccessSizes.W32) };

    /// <summary>A write-only register (reads return zero, reported once).</summary>
    public static RegisterDef<T> WriteOnly<T>(ulong offset, string name, RegisterWrite<T> write, int width = 4, int count = 1) =>
        new() { Offset = offset, Name = name, Write = write, WriteOnly = true, Width = width, Count = count,
            Sizes = width == 8 ? AccessSizes.W64 : AccessSizes.W32 };

    /// <summary>
    /// A write handler that drops the write without a report, for registers whose writes the specification
    /// defines to have no effect (a status register, an error-clear of errors that never occur).
    /// </summary>
    public static void Ignore<T>(T device, int index, ulong value, ulong mask) { }

    /// <summary>A read handler for registers that read as zero by definition (write-only clears), without a report.</summary>
    public static ulong Zero<T>(T device, int index) => 0;

    /// <summary>
    /// The identification registers of a 4 KiB PrimeCell peripheral: PeriphID0..3 then PCellID0..3 as eight
    /// word registers at 0xFE0..0xFFC (each PrimeCell TRM, "Peripheral and PrimeCell identification registers").
    /// </summary>
    public static IEnumerable<RegisterDef<T>> PrimeCellIds<T>(ReadOnlySpan<byte> ids)
    {
        if (ids.Length != 8) throw new ArgumentException("PeriphID0..3 and PCellID0..3: eight bytes");
        var list = new List<RegisterDef<T>>();
        for (int i = 0; i < 8; i++)
            list.Add(Const<T>(0xFE0 + (ulong)(4 * i), i < 4 ? $"PeriphID{i}" : $"PCellID{i - 4}", ids[i]));
        return list;
    }

    /// <summary>The CoreSight/PrimeCell identification block at the end of a 4 KiB or 64 KiB frame:
    /// PIDR4..7, PIDR0..3, CIDR0..3 as twelve word registers from <paramref name="offset"/>.</summary>
    public static IEnumerable<RegisterDef<T>> IdRegisters<T>(ulong offset, ReadOnlySpan<byte> ids)
    {
        string[] names = ["PIDR4", "PIDR5", "PIDR6", "PIDR7", "PIDR0", "PIDR1", "PIDR2", "PIDR3", "CIDR0", "CIDR1", "CIDR2", "CIDR3"];
        var list = new List<RegisterDef<T>>();
        for (int i = 0; i < ids.Length && i < names.Length; i++)
            list.Add(Const<T>(offset + (ulong)(4 * i), names[i], ids[i]));
        return list;
    }
}
