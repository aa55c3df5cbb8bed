using System.Buffers.Binary;
using FastArm.SoftMmu.Bus;

namespace FastArm.Devices.Boot;

/// <summary>One PT_LOAD segment: <see cref="FileSize"/> bytes of data at <see cref="PhysicalAddress"/>, then zeros up to <see cref="MemorySize"/>.</summary>
public sealed record ElfSegment(ulong PhysicalAddress, ulong VirtualAddress, ulong FileOffset, ulong FileSize, ulong MemorySize, uint Flags);

/// <summary>A parsed AArch64 ELF64 executable: its entry (a physical address, see <see cref="ElfLoader.Parse"/>) and loadable segments.</summary>
public sealed class ElfImage
{
    public required ulong Entry { get; init; }
    /// <summary>e_entry as the file states it (a virtual address).</summary>
    public required ulong VirtualEntry { get; init; }
    public required IReadOnlyList<ElfSegment> Segments { get; init; }
    public required byte[] File { get; init; }

    /// <summary>The lowest and one past the highest physical address the segments occupy.</summary>
    public (ulong Start, ulong End) PhysicalExtent
    {
        get
        {
            ulong lo = ulong.MaxValue, hi = 0;
            foreach (var s in Segments)
            {
                if (s.MemorySize == 0) continue;
                lo = Math.Min(lo, s.PhysicalAddress);
                hi = Math.Max(hi, s.PhysicalAddress + s.MemorySize);
            }
            return lo == ulong.MaxValue ? (0, 0) : (lo, hi);
        }
    }
}

/// <summary>
/// Loads ELF64 little-endian AArch64 executables the way QEMU's <c>-kernel</c> does for a bare-metal program:
/// every PT_LOAD segment goes to its physical address (p_paddr), its bytes past p_filesz are zeroed, and the entry
/// point is e_entry, translated from virtual to physical when it lies inside a segment whose p_vaddr differs from
/// its p_paddr (checked against QEMU 7.2: a program linked at 0x50000000 with AT(0x40000000) starts at 0x40000000).
/// Malformed files are rejected with <see cref="InvalidDataException"/> naming the problem; nothing is loaded then.
/// </summary>
public static class ElfLoader
{
    private const ushort EM_AARCH64 = 183;
    private const ushort ET_EXEC = 2, ET_DYN = 3, ET_REL = 1;
    private const uint PT_LOAD = 1;
    private const int EhdrSize = 64, PhdrSize = 56;

    /// <summary>True when <paramref name="data"/> starts with the ELF magic.</summary>
    public static bool IsElf(ReadOnlySpan<byte> data) =>
        data.Length >= 4 && data[0] == 0x7F && data[1] == (byte)'E' && data[2] == (byte)'L' && data[3] == (byte)'F';

    public static ElfImage Parse(byte[] file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!IsElf(file)) throw Bad("not an ELF file (no \\x7fELF magic)");
        if (file.Length < EhdrSize) throw Bad($"truncated ELF header ({file.Length} bytes, need {EhdrSize})");
        var f = file.AsSpan();
        if (f[4] != 2) throw Bad(f[4] == 1 ? "32-bit ELF (ELFCLASS32); only AArch64 ELF64 is supported" : $"bad ELF class {f[4]}");
        if (f[5] != 1) throw Bad(f[5] == 2 ? "big-endian ELF; only little-endian AArch64 is supported" : $"bad ELF data encoding {f[5]}");
        ushort type = U16(f, 16), machine = U16(f, 18);
        if (machine != EM_AARCH64) throw Bad($"not an AArch64 ELF (e_machine {machine}, expected {EM_AARCH64})");
        if (type == ET_REL) throw Bad("relocatable object file (ET_REL): link it into an executable first");
        if (type != ET_EXEC && type != ET_DYN) throw Bad($"not an executable ELF (e_type {type})");
        ulong entry = U64(f, 24), phoff = U64(f, 32);
        ushort phentsize = U16(f, 54), phnum = U16(f, 56);
        if (phnum == 0) throw Bad("no program headers");
        if (phentsize != PhdrSize) throw Bad($"bad e_phentsize {phentsize} (expected {PhdrSize})");
        if (phoff > (ulong)file.Length || (ulong)file.Length - phoff < (ulong)phnum * PhdrSize)
            throw Bad($"program headers (offset 0x{phoff:X}, {phnum} entries) run past the end of the file ({file.Length} bytes)");

        var segs = new List<ElfSegment>();
        for (int i = 0; i < phnum; i++)
        {
            var p = f.Slice((int)phoff + i * PhdrSize, PhdrSize);
            if (U32(p, 0) != PT_LOAD) continue;
            uint flags = U32(p, 4);
            ulong off = U64(p, 8), vaddr = U64(p, 16), paddr = U64(p, 24), filesz = U64(p, 32), memsz = U64(p, 40);
            if (filesz > memsz) throw Bad($"segment {i}: p_filesz 0x{filesz:X} is larger than p_memsz 0x{memsz:X}");
            if (off > (ulong)file.Length || (ulong)file.Length - off < filesz)
                throw Bad($"segment {i}: data (offset 0x{off:X}, size 0x{filesz:X}) runs past the end of the file ({file.Length} bytes)");
            if (paddr + memsz < paddr) throw Bad($"segment {i}: 0x{paddr:X} + 0x{memsz:X} wraps around the address space");
            segs.Add(new ElfSegment(paddr, vaddr, off, filesz, memsz, flags));
        }
        if (segs.Count == 0) throw Bad("no PT_LOAD segments");

        ulong physEntry = entry;
        foreach (var s in segs)
        {
            if (s.VirtualAddress != s.PhysicalAddress && entry - s.VirtualAddress < s.MemorySize)
            {
                physEntry = entry - s.VirtualAddress + s.PhysicalAddress;
                break;
            }
        }
        return new ElfImage { Entry = physEntry, VirtualEntry = entry, Segments = segs, File = file };
    }

    /// <summary>
    /// Copies the segments into RAM on <paramref name="bus"/>. Every segment is checked to fit in RAM before any
    /// byte is written, so a file that does not fit leaves memory untouched.
    /// </summary>
    public static void Load(ElfImage image, PhysicalBus bus)
    {
        for (int i = 0; i < image.Segments.Count; i++)
        {
            var s = image.Segments[i];
            if (s.MemorySize != 0 && !RawLoader.IsRam(bus, s.PhysicalAddress, s.MemorySize))
                throw new InvalidDataException($"ELF segment at physical 0x{s.PhysicalAddress:X} (size 0x{s.MemorySize:X}) is not inside RAM");
        }
        foreach (var s in image.Segments)
        {
            if (s.MemorySize == 0) continue;
            bus.Load(s.PhysicalAddress, image.File.AsSpan((int)s.FileOffset, (int)s.FileSize));
            RawLoader.Zero(bus, s.PhysicalAddress + s.FileSize, s.MemorySize - s.FileSize);
        }
    }

    private static InvalidDataException Bad(string why) => new($"malformed ELF: {why}");
    private static ushort U16(ReadOnlySpan<byte> b, int o) => BinaryPrimitives.ReadUInt16LittleEndian(b[o..]);
    private static uint U32(ReadOnlySpan<byte> b, int o) => BinaryPrimitives.ReadUInt32LittleEndian(b[o..]);
    private static ulong U64(ReadOnlySpan<byte> b, int o) => BinaryPrimitives.ReadUInt64LittleEndian(b[o..]);
}
