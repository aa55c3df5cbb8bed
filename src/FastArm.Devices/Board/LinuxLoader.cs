using FastArm.Devices.Boot;

namespace FastArm.Devices.Board;

/// <summary>What to boot: an arm64 Linux Image (optionally gzip-compressed), an initrd, a command line.</summary>
public sealed record LinuxBootOptions
{
    public required byte[] Kernel { get; init; }
    public byte[]? Initrd { get; init; }
    /// <summary>/chosen/bootargs; null = none (a user DTB keeps its own).</summary>
    public string? CommandLine { get; init; }
    /// <summary>A DTB to use instead of the board's own; /chosen gets the boot loader's properties merged in.</summary>
    public byte[]? Dtb { get; init; }
    /// <summary>Enter the kernel at EL2 (the CPU must have EL2); otherwise at EL1.</summary>
    public bool AtEl2 { get; init; }
    /// <summary>/chosen/kaslr-seed; null = random (0 disables KASLR, as "nokaslr" does).</summary>
    public ulong? KaslrSeed { get; init; }
    /// <summary>/chosen/rng-seed; null = 32 random bytes.</summary>
    public byte[]? RngSeed { get; init; }
}

/// <summary>
/// The arm64 Linux boot protocol (Documentation/arch/arm64/booting.rst) as a boot loader performs it on the virt
/// board: the Image at a 2 MiB-aligned base plus text_offset, the initrd and the DTB after it in RAM, then the
/// CPU enters the kernel with x0 = the DTB's physical address, x1 = x2 = x3 = 0, the MMU and D-cache off, all
/// interrupts masked, at EL1 — or at EL2, where the EL2 state is what reset leaves (HCR_EL2.RW set, the RES1
/// bits of SCTLR_EL2 set and M/C clear, CNTHCTL_EL2.EL1PCTEN/EL1PCEN set so EL1 may use the physical counter
/// and timer, CNTVOFF_EL2 = 0).
/// </summary>
public static class LinuxLoader
{
    public static bool IsLinuxImage(byte[] file)
    {
        if (LinuxImage.IsImage(file)) return true;
        if (!LinuxImage.IsGzip(file)) return false;
        try { return LinuxImage.IsImage(LinuxImage.Unpack(file)); }
        catch (InvalidDataException) { return false; }
    }

    /// <summary>Loads everything and points the CPU at the kernel. Throws <see cref="InvalidDataException"/> with a one-line reason.</summary>
    public static LinuxLayout Boot(VirtBoard board, LinuxBootOptions o)
    {
        byte[] image = LinuxImage.Unpack(o.Kernel);
        var header = LinuxImage.ParseHeader(image);
        if (header.PageSizeKb is not (0 or 4 or 16 or 64))
            throw new InvalidDataException($"unsupported kernel page size {header.PageSizeKb} KiB");
        if (o.AtEl2 && !board.Machine.Cpu.Config.HasEl2)
            throw new InvalidDataException("entering at EL2 needs a CPU with EL2");

        var chosen = new ChosenNode
        {
            Bootargs = o.CommandLine,
            KaslrSeed = o.KaslrSeed,
            RngSeed = o.RngSeed,
            Initrd = o.Initrd != null ? (0UL, 0UL) : null,
        };
        // The DTB's size does not depend on the values in it, so a first build sizes it for the layout.
        byte[] Dtb(ChosenNode c) => o.Dtb != null ? VirtDeviceTree.MergeChosen(o.Dtb, c) : board.BuildDeviceTree(c);
        ulong dtbSize = (ulong)Dtb(chosen).Length;
        var layout = LinuxImage.Place(VirtBoard.RamBase, board.RamSize, header, (ulong)image.Length, (ulong)(o.Initrd?.Length ?? 0), dtbSize);
        if (o.Initrd != null) chosen = chosen with { Initrd = (layout.InitrdAddress, layout.InitrdEnd) };
        // Fix the random seeds once so that the final tree has the size measured above.
        chosen = chosen with
        {
            KaslrSeed = chosen.KaslrSeed ?? BitConverter.ToUInt64(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)),
            RngSeed = chosen.RngSeed ?? System.Security.Cryptography.RandomNumberGenerator.GetBytes(32),
        };
        byte[] dtb = Dtb(chosen);

        var m = board.Machine;
        m.LoadRaw(image, layout.KernelAddress);
        if (o.Initrd != null) m.LoadRaw(o.Initrd, layout.InitrdAddress);
        m.LoadRaw(dtb, layout.DtbAddress);

        m.Reset(layout.KernelAddress, o.AtEl2 ? 2 : 1);
        m.SetX(0, layout.DtbAddress);
        for (int i = 1; i <= 3; i++) m.SetX(i, 0);
        return layout;
    }
}
