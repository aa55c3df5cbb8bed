using System.Text;
using FastArm.Devices.Board;
using FastArm.Devices.Fdt;
using FastArm.Devices.HostIo;
using FastArm.Jit;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.Board;

public class VirtDeviceTreeTests
{
    private static VirtBoard NewBoard(int gic = 3, bool el2 = false, ulong ram = 1UL << 30) => new(new VirtBoardOptions
    {
        RamSize = ram, GicVersion = gic, Cpu = new CpuConfig { HasEl2 = el2 }, Console = new HostConsole(new MemoryStream()),
    });

    private static readonly ChosenNode Chosen = new()
    {
        Bootargs = "console=ttyAMA0 quiet",
        Initrd = (0x4800_0000, 0x4810_0000),
        KaslrSeed = 0x1122_3344_5566_7788,
        RngSeed = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(),
    };

    private static FdtNode Tree(VirtBoard b) => FdtReader.Parse(b.BuildDeviceTree(Chosen), out _);

    private static ulong U64(uint[] c, int i) => (ulong)c[i] << 32 | c[i + 1];

    [Test]
    public void TheRootDescribesADummyVirtMachineWithTwoCellAddresses()
    {
        using var b = NewBoard();
        var root = Tree(b);
        Assert.That(root.GetString("compatible"), Is.EqualTo("linux,dummy-virt"));
        Assert.That(root.GetCells("#address-cells"), Is.EqualTo(new uint[] { 2 }));
        Assert.That(root.GetCells("#size-cells"), Is.EqualTo(new uint[] { 2 }));
        uint intc = root.Child("intc@8000000")!.GetCells("phandle")[0];
        Assert.That(root.GetCells("interrupt-parent"), Is.EqualTo(new[] { intc }));
    }

    [Test]
    public void TheMemoryNodeCoversTheBoardsRam()
    {
        using var b = NewBoard(ram: 512UL << 20);
        var mem = Tree(b).Child("memory@40000000")!;
        Assert.That(mem.GetString("device_type"), Is.EqualTo("memory"));
        Assert.That(mem.GetCells("reg"), Is.EqualTo(new uint[] { 0, 0x4000_0000, 0, 0x2000_0000 }));
    }

    [Test]
    public void TheCpuIsACortexA57StartedThroughPsci()
    {
        using var b = NewBoard();
        var cpus = Tree(b).Child("cpus")!;
        Assert.That(cpus.GetCells("#address-cells"), Is.EqualTo(new uint[] { 1 }));
        Assert.That(cpus.GetCells("#size-cells"), Is.EqualTo(new uint[] { 0 }));
        var cpu = cpus.Child("cpu@0")!;
        Assert.That(cpu.GetString("device_type"), Is.EqualTo("cpu"));
        Assert.That(cpu.GetString("compatible"), Is.EqualTo("arm,cortex-a57"));
        Assert.That(cpu.GetString("enable-method"), Is.EqualTo("psci"));
        Assert.That(cpu.GetCells("reg"), Is.EqualTo(new uint[] { 0 }));
        Assert.That(b.Machine.Cpu.Config.Midr >> 4 & 0xFFF, Is.EqualTo(0xD07UL), "the MIDR's part number is Cortex-A57's");
    }

    [TestCase(false, "hvc")]
    [TestCase(true, "smc")]
    public void PsciUsesHvcAtEl1AndSmcWhenTheGuestOwnsEl2(bool el2, string method)
    {
        using var b = NewBoard(el2: el2);
        var psci = Tree(b).Child("psci")!;
        Assert.That(psci.GetStrings("compatible"), Is.EqualTo(new[] { "arm,psci-1.0", "arm,psci-0.2", "arm,psci" }));
        Assert.That(psci.GetString("method"), Is.EqualTo(method));
        Assert.That(b.Psci.UseHvc, Is.EqualTo(method == "hvc"));
    }

    [Test]
    public void TheTimerListsItsFourPpisInTheBindingsOrder()
    {
        using var b = NewBoard();
        var t = Tree(b).Child("timer")!;
        Assert.That(t.GetStrings("compatible"), Does.Contain("arm,armv8-timer"));
        // secure 29, non-secure physical 30, virtual 27, hypervisor 26: PPI numbers 13, 14, 11, 10, level-high.
        Assert.That(t.GetCells("interrupts"), Is.EqualTo(new uint[] { 1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4 }));
        Assert.That(t.Properties.ContainsKey("always-on"));
    }

    [Test]
    public void WithAGicV2TheTimerPpisCarryTheCpuMask()
    {
        using var b = NewBoard(gic: 2);
        var cells = Tree(b).Child("timer")!.GetCells("interrupts");
        Assert.That(cells.Where((_, i) => i % 3 == 2), Is.All.EqualTo(0x104u));
    }

    [Test]
    public void TheGicV3NodeNamesTheDistributorAndRedistributorRegions()
    {
        using var b = NewBoard();
        var gic = Tree(b).Child("intc@8000000")!;
        Assert.That(gic.GetString("compatible"), Is.EqualTo("arm,gic-v3"));
        Assert.That(gic.GetCells("#interrupt-cells"), Is.EqualTo(new uint[] { 3 }));
        Assert.That(gic.Properties.ContainsKey("interrupt-controller"));
        var reg = gic.GetCells("reg");
        Assert.That((U64(reg, 0), U64(reg, 2), U64(reg, 4), U64(reg, 6)), Is.EqualTo((0x0800_0000UL, 0x1_0000UL, 0x080A_0000UL, 0xF6_0000UL)));
        Assert.That(gic.GetCells("#redistributor-regions"), Is.EqualTo(new uint[] { 1 }));
    }

    [Test]
    public void TheGicV2NodeNamesTheDistributorAndCpuInterface()
    {
        using var b = NewBoard(gic: 2);
        var gic = Tree(b).Child("intc@8000000")!;
        Assert.That(gic.GetString("compatible"), Is.EqualTo("arm,cortex-a15-gic"));
        var reg = gic.GetCells("reg");
        Assert.That((U64(reg, 0), U64(reg, 4)), Is.EqualTo((0x0800_0000UL, 0x0801_0000UL)));
    }

    [Test]
    public void TheUartIsAPrimeCellPl011OnSpi1ClockedAt24MHz()
    {
        using var b = NewBoard();
        var root = Tree(b);
        var uart = root.Child("pl011@9000000")!;
        Assert.That(uart.GetStrings("compatible"), Is.EqualTo(new[] { "arm,pl011", "arm,primecell" }));
        Assert.That(uart.GetCells("reg"), Is.EqualTo(new uint[] { 0, 0x0900_0000, 0, 0x1000 }));
        Assert.That(uart.GetCells("interrupts"), Is.EqualTo(new uint[] { 0, 1, 4 }));
        Assert.That(uart.GetStrings("clock-names"), Is.EqualTo(new[] { "uartclk", "apb_pclk" }));
        var clk = root.Child("apb-pclk")!;
        Assert.That(clk.GetString("compatible"), Is.EqualTo("fixed-clock"));
        Assert.That(clk.GetCells("clock-frequency"), Is.EqualTo(new uint[] { 24_000_000 }));
        Assert.That(uart.GetCells("clocks"), Is.EqualTo(new[] { clk.GetCells("phandle")[0], clk.GetCells("phandle")[0] }));
    }

    [Test]
    public void TheRtcIsAPrimeCellPl031OnSpi2()
    {
        using var b = NewBoard();
        var rtc = Tree(b).Child("pl031@9010000")!;
        Assert.That(rtc.GetStrings("compatible"), Is.EqualTo(new[] { "arm,pl031", "arm,primecell" }));
        Assert.That(rtc.GetCells("reg"), Is.EqualTo(new uint[] { 0, 0x0901_0000, 0, 0x1000 }));
        Assert.That(rtc.GetCells("interrupts"), Is.EqualTo(new uint[] { 0, 2, 4 }));
        Assert.That(rtc.GetString("clock-names"), Is.EqualTo("apb_pclk"));
    }

    [Test]
    public void ChosenCarriesTheCommandLineConsoleInitrdAndSeeds()
    {
        using var b = NewBoard();
        var ch = Tree(b).Child("chosen")!;
        Assert.That(ch.GetString("bootargs"), Is.EqualTo("console=ttyAMA0 quiet"));
        Assert.That(ch.GetString("stdout-path"), Is.EqualTo("/pl011@9000000"));
        Assert.That(U64(ch.GetCells("linux,initrd-start"), 0), Is.EqualTo(0x4800_0000UL));
        Assert.That(U64(ch.GetCells("linux,initrd-end"), 0), Is.EqualTo(0x4810_0000UL));
        Assert.That(U64(ch.GetCells("kaslr-seed"), 0), Is.EqualTo(0x1122_3344_5566_7788UL));
        Assert.That(ch.Properties["rng-seed"], Has.Length.EqualTo(32));
    }

    [Test]
    public void WithoutSeedsEachTreeGetsFreshRandomOnes()
    {
        using var b = NewBoard();
        var a = FdtReader.Parse(b.BuildDeviceTree(), out _).Child("chosen")!;
        var c = FdtReader.Parse(b.BuildDeviceTree(), out _).Child("chosen")!;
        Assert.That(a.Properties["rng-seed"], Is.Not.EqualTo(c.Properties["rng-seed"]));
        Assert.That(a.Properties.ContainsKey("bootargs"), Is.False);
    }

    [Test]
    public void AUserDtbKeepsItsNodesAndGetsTheBootLoadersChosenProperties()
    {
        var w = new FdtWriter();
        w.BeginNodeNamed("");
        w.String("compatible", "acme,board");
        w.Node("chosen", n => n.String("stdout-path", "/serial@1").String("bootargs", "old"));
        w.Node("serial@1", n => n.String("compatible", "ns16550a"));
        w.EndNodeNamed();
        w.AddReservation(0x4000_0000, 0x1000);
        var merged = FdtReader.Parse(VirtDeviceTree.MergeChosen(w.Finish(), Chosen), out var rsv);
        Assert.That(merged.GetString("compatible"), Is.EqualTo("acme,board"));
        Assert.That(merged.Child("serial@1"), Is.Not.Null);
        var ch = merged.Child("chosen")!;
        Assert.That(ch.GetString("bootargs"), Is.EqualTo("console=ttyAMA0 quiet"));
        Assert.That(ch.GetString("stdout-path"), Is.EqualTo("/serial@1"), "the user's console is kept");
        Assert.That(U64(ch.GetCells("linux,initrd-start"), 0), Is.EqualTo(0x4800_0000UL));
        Assert.That(rsv, Is.EqualTo(new[] { (0x4000_0000UL, 0x1000UL) }));
    }

    [Test]
    public void DtcAcceptsTheBoardsTreeWithoutWarnings()
    {
        if (CrossTools.Which("dtc") == null) Assert.Ignore("dtc (device-tree-compiler) is not installed");
        using var b = NewBoard();
        string path = Path.Combine(CrossTools.BuildDir, "virt-board.dtb");
        File.WriteAllBytes(path, b.BuildDeviceTree(Chosen));
        var psi = new System.Diagnostics.ProcessStartInfo("dtc", $"-I dtb -O dts {path}")
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        string err = p.StandardError.ReadToEndAsync().Result;
        string dts = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.That(p.ExitCode, Is.Zero, err);
        Assert.That(err, Is.Empty, "dtc's checks (unit addresses, phandles, interrupt specifiers) all pass");
        Assert.That(dts, Does.Contain("stdout-path = \"/pl011@9000000\";"));
        Assert.That(dts, Does.Contain("compatible = \"arm,gic-v3\";"));
    }
}
