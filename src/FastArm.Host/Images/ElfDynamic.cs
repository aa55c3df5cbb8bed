using System.Buffers.Binary;
using System.Text;

namespace FastArm.Host.Images;

/// <summary>What a dynamically linked program or library asks of the dynamic loader.</summary>
/// <param name="Interpreter">PT_INTERP: the loader's path ("/lib/ld-linux-aarch64.so.1"), null for a library or a static program.</param>
/// <param name="Needed">DT_NEEDED: the sonames of the libraries it links against, in order.</param>
/// <param name="Soname">DT_SONAME: the library's own soname, null for a program.</param>
public sealed record ElfDynamicInfo(string? Interpreter, IReadOnlyList<string> Needed, string? Soname);

/// <summary>
/// Reads the dynamic-linking entries of an ELF64 little-endian file from its program headers (System V gABI,
/// "Program Header" and "Dynamic Section"): PT_INTERP, and in PT_DYNAMIC the DT_NEEDED and DT_SONAME strings,
/// which are offsets into the string table at DT_STRTAB (a virtual address, mapped to the file through the
/// PT_LOAD segments). Malformed files are rejected with <see cref="InvalidDataException"/>.
/// </summary>
public static class ElfDynamic
{
    private const uint PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3;
    private const long DT_NULL = 0, DT_NEEDED = 1, DT_STRTAB = 5, DT_STRSZ = 10, DT_SONAME = 14;

    /// <summary>Whether <paramref name="file"/> starts like an ELF64 little-endian file.</summary>
    public static bool IsElf64(ReadOnlySpan<byte> file) =>
        file.Length >= 64 && file[0] == 0x7F && file[1] == (byte)'E' && file[2] == (byte)'L' && file[3] == (byte)'F' && file[4] == 2 && file[5] == 1;

    public static ElfDynamicInfo Read(ReadOnlySpan<byte> file)
    {
        if (!IsElf64(file)) throw new InvalidDataException("not an ELF64 little-endian file");
        ulong phoff = U64(file, 0x20);
        int phentsize = BinaryPrimitives.ReadUInt16LittleEndian(file[0x36..]);
        int phnum = BinaryPrimitives.ReadUInt16LittleEndian(file[0x38..]);
        if (phnum > 0 && phentsize < 56) throw new InvalidDataException("program header entries too small");

        var loads = new List<(ulong Vaddr, ulong Offset, ulong FileSize)>();
        string? interp = null;
        (ulong Offset, ulong Size)? dynamic = null;
        for (int i = 0; i < phnum; i++)
        {
            var ph = Slice(file, phoff + (ulong)(i * phentsize), 56, "program header");
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(ph);
            ulong offset = U64(ph, 8), vaddr = U64(ph, 16), filesz = U64(ph, 32);
            switch (type)
            {
                case PT_LOAD: loads.Add((vaddr, offset, filesz)); break;
                case PT_DYNAMIC: dynamic = (offset, filesz); break;
                case PT_INTERP: interp = CString(Slice(file, offset, filesz, "PT_INTERP"), 0); break;
            }
        }
        if (dynamic is not { } dyn) return new ElfDynamicInfo(interp, [], null);

        var entries = Slice(file, dyn.Offset, dyn.Size, "PT_DYNAMIC");
        var needed = new List<long>();
        long soname = -1;
        ulong strtab = 0, strsz = 0;
        for (int at = 0; at + 16 <= entries.Length; at += 16)
        {
            long tag = BinaryPrimitives.ReadInt64LittleEndian(entries[at..]);
            ulong val = U64(entries, at + 8);
            if (tag == DT_NULL) break;
            if (tag == DT_NEEDED) needed.Add((long)val);
            else if (tag == DT_SONAME) soname = (long)val;
            else if (tag == DT_STRTAB) strtab = val;
            else if (tag == DT_STRSZ) strsz = val;
        }
        if (needed.Count == 0 && soname < 0) return new ElfDynamicInfo(interp, [], null);

        // DT_STRTAB holds a virtual address: find the PT_LOAD segment whose file bytes hold it.
        ulong? strOffset = null;
        foreach (var (vaddr, offset, size) in loads)
            if (strtab >= vaddr && strtab - vaddr < size) { strOffset = offset + (strtab - vaddr); break; }
        if (strOffset is not { } so) throw new InvalidDataException("DT_STRTAB lies outside the loaded segments");
        var strings = Slice(file, so, strsz, "the dynamic string table");
        var names = new List<string>(needed.Count);
        foreach (long n in needed) names.Add(CString(strings, n));
        return new ElfDynamicInfo(interp, names, soname < 0 ? null : CString(strings, soname));
    }

    private static ulong U64(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b[at..]);

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> file, ulong offset, ulong size, string what)
    {
        if (offset > (ulong)file.Length || size > (ulong)file.Length - offset)
            throw new InvalidDataException($"{what} lies outside the file");
        return file.Slice((int)offset, (int)size);
    }

    private static string CString(ReadOnlySpan<byte> table, long at)
    {
        if (at < 0 || at >= table.Length) throw new InvalidDataException("a dynamic string lies outside its table");
        var rest = table[(int)at..];
        int end = rest.IndexOf((byte)0);
        if (end < 0) throw new InvalidDataException("an unterminated dynamic string");
        return Encoding.UTF8.GetString(rest[..end]);
    }
}
