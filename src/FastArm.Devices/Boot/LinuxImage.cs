using System.Buffers.Binary;
using System.IO.Compression;

namespace FastArm.Devices.Boot;

/// <summary>The arm64 Linux Image header (Documentation/arch/arm64/booting.rst, "Call the kernel image").</summary>
public sealed record LinuxImageHeader(ulong TextOffset, ulong ImageSize, ulong Flags)
{
    public bool BigEndian => (Flags & 1) != 0;
    /// <summary>Kernel page size in KiB from flags[2:1] (0 = unspecified).</summary>
    public int PageSizeKb => (int)((Flags >> 1) & 3) switch { 1 => 4, 2 => 16, 3 => 64, _ => 0 };
    /// <summary>flags[3]: the image may sit anywhere in RAM (2 MiB aligned), not only near the start of DRAM.</summary>
    public bool PlaceAnywhere => (Flags & 8) != 0;
}

/// <summary>Where the boot loader puts the kernel, initrd and DTB in RAM, and what x0 holds.</summary>
public sealed record LinuxLayout(ulong KernelAddress, ulong KernelEnd, ulong InitrdAddress, ulong InitrdEnd, ulong DtbAddress);

public static class LinuxImage
{
    private const uint ArmMagic = 0x644D5241;   // "ARM\x64" at offset 0x38

    public static bool IsImage(ReadOnlySpan<byte> file) =>
        file.Length >= 64 && BinaryPrimitives.ReadUInt32LittleEndian(file[0x38..]) == ArmMagic;

    public static bool IsGzip(ReadOnlySpan<byte> file) => file.Length >= 2 && file[0] == 0x1F && file[1] == 0x8B;

    /// <summary>A gzip-compressed Image is unpacked first, as QEMU's -kernel does (Debian's are not compressed).</summary>
    public static byte[] Unpack(byte[] file)
    {
        if (!IsGzip(file)) return file;
        try
        {
            using var gz = new GZipStream(new MemoryStream(file), CompressionMode.Decompress);
            var ms = new MemoryStream();
            gz.CopyTo(ms);
            // A truncated stream can end without an error; an empty result is never a kernel.
            if (ms.Length == 0) throw new InvalidDataException("no data");
            return ms.ToArray();
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new InvalidDataException("the kernel file looks gzip-compressed but does not decompress: " + e.Message);
        }
    }

    public static LinuxImageHeader ParseHeader(ReadOnlySpan<byte> image)
    {
        if (!IsImage(image)) throw new InvalidDataException("not an arm64 Linux Image (no \"ARM\\x64\" magic at offset 0x38)");
        var h = new LinuxImageHeader(
            BinaryPrimitives.ReadUInt64LittleEndian(image[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(image[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(image[24..]));
        if (h.BigEndian) throw new InvalidDataException("big-endian arm64 kernels are not supported");
        // Kernels before 3.17 have image_size 0: the loader must assume text_offset 0x80000 and guess the size.
        if (h.ImageSize == 0) h = h with { TextOffset = 0x80000 };
        return h;
    }

    /// <summary>
    /// Lays out kernel, initrd and DTB in RAM per the boot protocol: the kernel at a 2 MiB aligned base +
    /// text_offset with image_size bytes free after it (its BSS and early page tables live there), the DTB
    /// 8-byte aligned in its own 2 MiB-aligned window (it must not cross a 2 MiB boundary mapping limit), the
    /// initrd page aligned after the kernel. Throws when RAM is too small.
    /// </summary>
    public static LinuxLayout Place(ulong ramBase, ulong ramSize, LinuxImageHeader header, ulong fileSize, ulong initrdSize, ulong dtbSize)
    {
        const ulong TwoMiB = 2 << 20;
        ulong kernelBase = AlignUp(ramBase, TwoMiB) + header.TextOffset;
        // Reserve the larger of the file and image_size: image_size covers BSS, which the kernel zeroes itself.
        ulong kernelEnd = kernelBase + Math.Max(header.ImageSize == 0 ? fileSize * 2 : header.ImageSize, fileSize);
        ulong initrd = AlignUp(kernelEnd + TwoMiB, TwoMiB);
        ulong initrdEnd = initrd + initrdSize;
        ulong dtb = AlignUp(initrdEnd + 0x1000, TwoMiB);
        if (dtbSize > TwoMiB) throw new InvalidDataException($"the device tree is {dtbSize} bytes; the boot protocol allows 2 MiB");
        if (dtb + dtbSize > ramBase + ramSize)
            throw new InvalidDataException($"kernel + initrd + DTB need {(dtb + dtbSize - ramBase) >> 20} MiB of RAM; the machine has {ramSize >> 20} MiB");
        return new LinuxLayout(kernelBase, kernelEnd, initrd, initrdEnd, dtb);
    }

    private static ulong AlignUp(ulong v, ulong a) => (v + a - 1) & ~(a - 1);
}
