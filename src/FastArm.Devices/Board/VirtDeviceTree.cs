using System.Security.Cryptography;
using FastArm.Devices.Fdt;
using FastArm.Devices.Gic;
using FastArm.Devices.Rtc;
using FastArm.Devices.Timer;
using FastArm.Devices.Uart;

namespace FastArm.Devices.Board;

/// <summary>What the boot loader puts in /chosen (Documentation/devicetree/bindings/chosen.txt, arm64 booting.rst).</summary>
public sealed record ChosenNode
{
    /// <summary>The kernel command line; null = no bootargs property.</summary>
    public string? Bootargs { get; init; }
    public string StdoutPath { get; init; } = "/pl011@9000000";
    /// <summary>The initrd's physical range [start, end); null = none.</summary>
    public (ulong Start, ulong End)? Initrd { get; init; }
    /// <summary>/chosen/kaslr-seed (64 bits); null = random.</summary>
    public ulong? KaslrSeed { get; init; }
    /// <summary>/chosen/rng-seed bytes; null = 32 random bytes.</summary>
    public byte[]? RngSeed { get; init; }
}

/// <summary>
/// Writes the device tree of a <see cref="VirtBoard"/>: the nodes and properties QEMU's virt machine generates
/// for the same devices (hw/arm/virt.c: create_fdt, fdt_add_cpu_nodes, fdt_add_psci_node, fdt_add_timer_nodes,
/// create_gic, create_uart, create_rtc) and the bindings in Linux's Documentation/devicetree/bindings.
/// </summary>
public static class VirtDeviceTree
{
    /// <summary>PSCI 0.1 function IDs QEMU still lists for old kernels (arm,psci binding): the SMC64 forms.</summary>
    private const uint PsciCpuSuspend = 0xC400_0001, PsciCpuOff = 0x8400_0002, PsciCpuOn = 0xC400_0003, PsciMigrate = 0xC400_0005;

    /// <summary>GIC interrupt specifier: type (0 = SPI, 1 = PPI), number, flags (IRQ_TYPE_LEVEL_HIGH = 4).</summary>
    private const uint Spi = 0, Ppi = 1, LevelHigh = 4;

    public const uint ApbClockHz = 24_000_000;

    public static byte[] Build(VirtBoard board, ChosenNode chosen)
    {
        var w = new FdtWriter();
        uint clk = w.AllocatePhandle(), cpuPh = w.AllocatePhandle(), intc = w.AllocatePhandle();
        bool gic3 = board.Gic is GicV3;
        int numCpus = board.Gic.NumCpus;

        w.BeginNodeNamed("");
        w.U32("interrupt-parent", intc);
        w.String("model", "linux,dummy-virt");
        w.U32("#size-cells", 2);
        w.U32("#address-cells", 2);
        w.String("compatible", "linux,dummy-virt");

        w.Node("psci", n => n
            .Strings("compatible", "arm,psci-1.0", "arm,psci-0.2", "arm,psci")
            .String("method", board.Psci.UseHvc ? "hvc" : "smc")
            .U32("cpu_suspend", PsciCpuSuspend)
            .U32("cpu_off", PsciCpuOff)
            .U32("cpu_on", PsciCpuOn)
            .U32("migrate", PsciMigrate));

        w.Node($"memory@{VirtBoard.RamBase:x}", n => n
            .String("device_type", "memory")
            .Pairs64("reg", VirtBoard.RamBase, board.RamSize));

        w.Node("cpus", n =>
        {
            n.U32("#address-cells", 1).U32("#size-cells", 0);
            for (int i = 0; i < numCpus; i++)
            {
                uint aff = (uint)i;   // MPIDR_EL1 Aff0 of PE i (Aff1 = 0 for up to 8 PEs)
                n.Node($"cpu@{aff:x}", c =>
                {
                    c.String("device_type", "cpu").String("compatible", "arm,cortex-a57").U32("reg", aff)
                        .String("enable-method", "psci");
                    if (i == 0) c.U32("phandle", cpuPh);
                });
            }
        });

        // Timer PPIs in the binding's order: secure physical, non-secure physical, virtual, hypervisor. A GICv2
        // specifier carries the mask of PEs the PPI goes to in flags[15:8]; a GICv3 one does not.
        uint ppiFlags = LevelHigh | (gic3 ? 0 : (((1u << numCpus) - 1) << 8));
        w.Node("timer", n => n
            .Strings("compatible", "arm,armv8-timer", "arm,armv7-timer")
            .Cells("interrupts",
                Ppi, GenericTimer.PpiSecurePhysical - 16, ppiFlags,
                Ppi, GenericTimer.PpiPhysical - 16, ppiFlags,
                Ppi, GenericTimer.PpiVirtual - 16, ppiFlags,
                Ppi, GenericTimer.PpiHypPhysical - 16, ppiFlags)
            .Empty("always-on"));

        w.Node("apb-pclk", n => n
            .String("compatible", "fixed-clock")
            .U32("#clock-cells", 0)
            .U32("clock-frequency", ApbClockHz)
            .String("clock-output-names", "clk24mhz")
            .U32("phandle", clk));

        w.Node($"intc@{VirtBoard.GicDistBase:x}", n =>
        {
            if (gic3)
            {
                n.String("compatible", "arm,gic-v3")
                    .U32("#redistributor-regions", 1)
                    .Pairs64("reg", VirtBoard.GicDistBase, GicV3.DistributorSize, VirtBoard.GicRedistBase, GicV3.VirtRedistributorRegionSize);
            }
            else
            {
                n.String("compatible", "arm,cortex-a15-gic")
                    .Pairs64("reg", VirtBoard.GicDistBase, GicV2.DistributorSize, VirtBoard.GicCpuBase, GicV2.CpuInterfaceSize);
            }
            n.U32("#interrupt-cells", 3).Empty("interrupt-controller")
                .U32("#address-cells", 2).U32("#size-cells", 2).Empty("ranges")
                .U32("phandle", intc);
        });

        w.Node($"pl011@{VirtBoard.Uart0Base:x}", n => n
            .Strings("compatible", "arm,pl011", "arm,primecell")
            .Pairs64("reg", VirtBoard.Uart0Base, Pl011.Size)
            .Cells("interrupts", Spi, VirtBoard.Uart0Spi, LevelHigh)
            .Cells("clocks", clk, clk)
            .Strings("clock-names", "uartclk", "apb_pclk"));

        w.Node($"pl031@{VirtBoard.RtcBase:x}", n => n
            .Strings("compatible", "arm,pl031", "arm,primecell")
            .Pairs64("reg", VirtBoard.RtcBase, Pl031.Size)
            .Cells("interrupts", Spi, VirtBoard.RtcSpi, LevelHigh)
            .U32("clocks", clk)
            .String("clock-names", "apb_pclk"));

        w.Node("chosen", n => WriteChosen(n, chosen));

        w.EndNodeNamed();
        return w.Finish();
    }

    private static void WriteChosen(FdtWriter n, ChosenNode chosen)
    {
        foreach (var (name, value) in ChosenProperties(chosen)) n.Property(name, value);
    }

    /// <summary>The /chosen properties in QEMU's order, encoded (strings NUL-terminated, cells big-endian).</summary>
    private static List<(string Name, byte[] Value)> ChosenProperties(ChosenNode chosen)
    {
        static byte[] Str(string s) => System.Text.Encoding.UTF8.GetBytes(s + "\0");
        static byte[] U64(ulong v)
        {
            var b = new byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(b, v);
            return b;
        }
        var l = new List<(string, byte[])>();
        if (chosen.Bootargs != null) l.Add(("bootargs", Str(chosen.Bootargs)));
        l.Add(("stdout-path", Str(chosen.StdoutPath)));
        if (chosen.Initrd is var (start, end))
        {
            l.Add(("linux,initrd-start", U64(start)));
            l.Add(("linux,initrd-end", U64(end)));
        }
        l.Add(("kaslr-seed", U64(chosen.KaslrSeed ?? BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)))));
        l.Add(("rng-seed", chosen.RngSeed ?? RandomNumberGenerator.GetBytes(32)));
        return l;
    }

    /// <summary>
    /// A user's DTB (<c>--dtb</c>) with the boot loader's /chosen properties merged in, as QEMU does: bootargs
    /// (when given), the initrd range, kaslr-seed and rng-seed replace any the tree had; the rest is kept.
    /// Throws <see cref="InvalidDataException"/> for a malformed blob.
    /// </summary>
    public static byte[] MergeChosen(byte[] userDtb, ChosenNode chosen)
    {
        var root = FdtReader.Parse(userDtb, out var reservations);
        var ch = root.Child("chosen");
        if (ch == null) { ch = new FdtNode("chosen"); root.Children.Add(ch); }
        var props = ChosenProperties(chosen with { StdoutPath = ch.GetString("stdout-path") ?? chosen.StdoutPath });
        foreach (var (k, v) in props) ch.Properties[k] = v;

        var w = new FdtWriter();
        foreach (var r in reservations) w.AddReservation(r.Address, r.Size);
        Write(w, root);
        return w.Finish();
    }

    private static void Write(FdtWriter w, FdtNode node)
    {
        w.BeginNodeNamed(node.Name);
        foreach (var (k, v) in node.Properties) w.Property(k, v);
        foreach (var c in node.Children) Write(w, c);
        w.EndNodeNamed();
    }
}
