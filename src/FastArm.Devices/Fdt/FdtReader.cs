using System.Buffers.Binary;
using System.Text;

namespace FastArm.Devices.Fdt;

/// <summary>A parsed device tree node: for checking generated trees and reading user-supplied ones (--dtb).</summary>
public sealed class FdtNode
{
    public string Name { get; }
    public Dictionary<string, byte[]> Properties { get; } = new(StringComparer.Ordinal);
    public List<FdtNode> Children { get; } = [];

    public FdtNode(string name) => Name = name;

    public FdtNode? Child(string name) => Children.FirstOrDefault(c => c.Name == name);

    /// <summary>Finds a node by path ("/cpus/cpu@0").</summary>
    public FdtNode? Find(string path)
    {
        FdtNode? n = this;
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
            n = n?.Child(part);
        return n;
    }

    public string? GetString(string name) =>
        Properties.TryGetValue(name, out var v) ? Encoding.UTF8.GetString(v).TrimEnd('\0') : null;

    public string[] GetStrings(string name) =>
        Properties.TryGetValue(name, out var v) ? Encoding.UTF8.GetString(v).TrimEnd('\0').Split('\0') : [];

    public uint[] GetCells(string name)
    {
        if (!Properties.TryGetValue(name, out var v)) return [];
        var cells = new uint[v.Length / 4];
        for (int i = 0; i < cells.Length; i++) cells[i] = BinaryPrimitives.ReadUInt32BigEndian(v.AsSpan(i * 4));
        return cells;
    }
}

/// <summary>Parses a DTB; a malformed blob gives an <see cref="InvalidDataException"/> naming what is wrong.</summary>
public static class FdtReader
{
    public static FdtNode Parse(ReadOnlySpan<byte> blob, out List<(ulong Address, ulong Size)> reservations)
    {
        if (blob.Length < 40 || BinaryPrimitives.ReadUInt32BigEndian(blob) != 0xD00DFEED)
            throw new InvalidDataException("not a flattened device tree (bad magic)");
        uint total = BinaryPrimitives.ReadUInt32BigEndian(blob[4..]);
        uint offStruct = BinaryPrimitives.ReadUInt32BigEndian(blob[8..]);
        uint offStrings = BinaryPrimitives.ReadUInt32BigEndian(blob[12..]);
        uint offRsv = BinaryPrimitives.ReadUInt32BigEndian(blob[16..]);
        uint version = BinaryPrimitives.ReadUInt32BigEndian(blob[20..]);
        uint sizeStrings = BinaryPrimitives.ReadUInt32BigEndian(blob[32..]);
        if (total > blob.Length || offStruct >= total || offStrings > total || offRsv >= total || offStrings + sizeStrings > total)
            throw new InvalidDataException("device tree header offsets point outside the blob");
        if (version < 16) throw new InvalidDataException($"device tree version {version} is too old (need 16 or later)");

        reservations = [];
        for (int p = (int)offRsv; ; p += 16)
        {
            if (p + 16 > total) throw new InvalidDataException("unterminated memory reservation block");
            ulong a = BinaryPrimitives.ReadUInt64BigEndian(blob[p..]), s = BinaryPrimitives.ReadUInt64BigEndian(blob[(p + 8)..]);
            if (a == 0 && s == 0) break;
            reservations.Add((a, s));
        }

        var strings = blob.Slice((int)offStrings, (int)sizeStrings);
        int pos = (int)offStruct;
        var stack = new Stack<FdtNode>();
        FdtNode? root = null;
        while (true)
        {
            if (pos + 4 > total) throw new InvalidDataException("device tree structure block runs past the end");
            uint token = BinaryPrimitives.ReadUInt32BigEndian(blob[pos..]);
            pos += 4;
            switch (token)
            {
                case 1:
                {
                    int end = blob[pos..(int)total].IndexOf((byte)0);
                    if (end < 0) throw new InvalidDataException("unterminated node name");
                    var node = new FdtNode(Encoding.UTF8.GetString(blob.Slice(pos, end)));
                    pos = (pos + end + 1 + 3) & ~3;
                    if (stack.Count == 0) { if (root != null) throw new InvalidDataException("two root nodes"); root = node; }
                    else stack.Peek().Children.Add(node);
                    stack.Push(node);
                    break;
                }
                case 2:
                    if (stack.Count == 0) throw new InvalidDataException("END_NODE without BEGIN_NODE");
                    stack.Pop();
                    break;
                case 3:
                {
                    if (stack.Count == 0 || pos + 8 > total) throw new InvalidDataException("property outside a node");
                    int len = (int)BinaryPrimitives.ReadUInt32BigEndian(blob[pos..]);
                    int nameOff = (int)BinaryPrimitives.ReadUInt32BigEndian(blob[(pos + 4)..]);
                    pos += 8;
                    if (len < 0 || pos + len > total || nameOff >= strings.Length) throw new InvalidDataException("property runs past the end");
                    int nameEnd = strings[nameOff..].IndexOf((byte)0);
                    if (nameEnd < 0) throw new InvalidDataException("unterminated property name");
                    string name = Encoding.UTF8.GetString(strings.Slice(nameOff, nameEnd));
                    stack.Peek().Properties[name] = blob.Slice(pos, len).ToArray();
                    pos = (pos + len + 3) & ~3;
                    break;
                }
                case 4:   // NOP
                    break;
                case 9:
                    if (stack.Count != 0) throw new InvalidDataException("END before all nodes were closed");
                    return root ?? throw new InvalidDataException("no root node");
                default:
                    throw new InvalidDataException($"unknown structure token 0x{token:X} at offset {pos - 4}");
            }
        }
    }
}
