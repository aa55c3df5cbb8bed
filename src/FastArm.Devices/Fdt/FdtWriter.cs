using System.Buffers.Binary;
using System.Text;

namespace FastArm.Devices.Fdt;

/// <summary>
/// Writes a flattened device tree (DTB, Devicetree Specification v0.4 chapter 5): nodes and properties in
/// document order, then <see cref="Finish"/> gives the blob. Cells are big-endian as the format demands.
/// </summary>
public sealed class FdtWriter
{
    private const uint Magic = 0xD00DFEED, BeginNode = 1, EndNode = 2, Prop = 3, End = 9;
    private const int Version = 17, LastCompatibleVersion = 16;

    private readonly MemoryStream _struct = new();
    private readonly MemoryStream _strings = new();
    private readonly Dictionary<string, int> _stringOffsets = new(StringComparer.Ordinal);
    private readonly List<(ulong Address, ulong Size)> _reserved = [];
    private int _depth;
    private uint _nextPhandle = 1;

    public uint BootCpuId { get; set; }

    /// <summary>A fresh phandle value for a node that others refer to.</summary>
    public uint AllocatePhandle() => _nextPhandle++;

    public void AddReservation(ulong address, ulong size) => _reserved.Add((address, size));

    public FdtWriter BeginNodeNamed(string name)
    {
        if (name.Contains('\0')) throw new ArgumentException("node names cannot contain NUL", nameof(name));
        WriteU32(_struct, BeginNode);
        WriteCString(_struct, name);
        Pad(_struct);
        _depth++;
        return this;
    }

    public FdtWriter EndNodeNamed()
    {
        if (_depth == 0) throw new InvalidOperationException("EndNode without BeginNode");
        WriteU32(_struct, EndNode);
        _depth--;
        return this;
    }

    /// <summary>Writes a node with the properties and children that <paramref name="body"/> adds.</summary>
    public FdtWriter Node(string name, Action<FdtWriter> body)
    {
        BeginNodeNamed(name);
        body(this);
        return EndNodeNamed();
    }

    public FdtWriter Property(string name, ReadOnlySpan<byte> value)
    {
        if (_depth == 0) throw new InvalidOperationException("a property must be inside a node");
        WriteU32(_struct, Prop);
        WriteU32(_struct, (uint)value.Length);
        WriteU32(_struct, (uint)StringOffset(name));
        _struct.Write(value);
        Pad(_struct);
        return this;
    }

    public FdtWriter Empty(string name) => Property(name, ReadOnlySpan<byte>.Empty);

    public FdtWriter String(string name, string value) => Strings(name, value);

    public FdtWriter Strings(string name, params string[] values)
    {
        var bytes = new MemoryStream();
        foreach (var v in values) WriteCString(bytes, v);
        return Property(name, bytes.ToArray());
    }

    public FdtWriter Cells(string name, params uint[] cells)
    {
        var bytes = new byte[cells.Length * 4];
        for (int i = 0; i < cells.Length; i++) BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(i * 4), cells[i]);
        return Property(name, bytes);
    }

    public FdtWriter U32(string name, uint value) => Cells(name, value);

    public FdtWriter U64(string name, ulong value) => Cells(name, (uint)(value >> 32), (uint)value);

    /// <summary>A reg/ranges-style list of 64-bit values, each written as two cells (#address-cells = #size-cells = 2).</summary>
    public FdtWriter Pairs64(string name, params ulong[] values)
    {
        var cells = new uint[values.Length * 2];
        for (int i = 0; i < values.Length; i++) { cells[2 * i] = (uint)(values[i] >> 32); cells[2 * i + 1] = (uint)values[i]; }
        return Cells(name, cells);
    }

    public byte[] Finish()
    {
        if (_depth != 0) throw new InvalidOperationException($"{_depth} node(s) still open");
        var structBlock = new MemoryStream();
        structBlock.Write(_struct.GetBuffer(), 0, (int)_struct.Length);
        WriteU32(structBlock, End);

        const int headerSize = 40;
        int rsvOffset = Align(headerSize, 8);
        int rsvSize = (_reserved.Count + 1) * 16;
        int structOffset = rsvOffset + rsvSize;
        int stringsOffset = structOffset + (int)structBlock.Length;
        int total = stringsOffset + (int)_strings.Length;

        var blob = new byte[total];
        var span = blob.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(span[0..], Magic);
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], (uint)total);
        BinaryPrimitives.WriteUInt32BigEndian(span[8..], (uint)structOffset);
        BinaryPrimitives.WriteUInt32BigEndian(span[12..], (uint)stringsOffset);
        BinaryPrimitives.WriteUInt32BigEndian(span[16..], (uint)rsvOffset);
        BinaryPrimitives.WriteUInt32BigEndian(span[20..], Version);
        BinaryPrimitives.WriteUInt32BigEndian(span[24..], LastCompatibleVersion);
        BinaryPrimitives.WriteUInt32BigEndian(span[28..], BootCpuId);
        BinaryPrimitives.WriteUInt32BigEndian(span[32..], (uint)_strings.Length);
        BinaryPrimitives.WriteUInt32BigEndian(span[36..], (uint)structBlock.Length);
        for (int i = 0; i < _reserved.Count; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(span[(rsvOffset + 16 * i)..], _reserved[i].Address);
            BinaryPrimitives.WriteUInt64BigEndian(span[(rsvOffset + 16 * i + 8)..], _reserved[i].Size);
        }
        structBlock.GetBuffer().AsSpan(0, (int)structBlock.Length).CopyTo(span[structOffset..]);
        _strings.GetBuffer().AsSpan(0, (int)_strings.Length).CopyTo(span[stringsOffset..]);
        return blob;
    }

    private int StringOffset(string name)
    {
        if (_stringOffsets.TryGetValue(name, out int off)) return off;
        off = (int)_strings.Length;
        WriteCString(_strings, name);
        _stringOffsets[name] = off;
        return off;
    }

    private static int Align(int v, int a) => (v + a - 1) & ~(a - 1);

    private static void WriteU32(Stream s, uint v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, v);
        s.Write(b);
    }

    private static void WriteCString(Stream s, string v)
    {
        s.Write(Encoding.UTF8.GetBytes(v));
        s.WriteByte(0);
    }

    private static void Pad(Stream s)
    {
        while (s.Length % 4 != 0) s.WriteByte(0);
    }
}
