using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using FastArm.Devices.Board;
using FastArm.Devices.Fdt;
using FastArm.Devices.HostIo;
using FastArm.Host.Cli;
using FastArm.Jit;
using FastArm.Tests.Host;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.Boot;

/// <summary>
/// The Linux boot protocol with a tiny fake kernel: an Image header followed by code that records the entry
/// state in x19..x25 and powers the machine off through PSCI (HVC at EL1, SMC at EL2).
/// </summary>
public class LinuxLoaderTests
{
    private const string Body = """
            mov x19, x0
            mov x20, x1
            mov x21, x2
            mov x22, x3
            mrs x23, CurrentEL
            mrs x24, DAIF
            adr x25, .
            movz w0, #0x0008
            movk w0, #0x8400, lsl #16
        """;

    /// <summary>An arm64 Image: branch over the 64-byte header, text_offset 0, image_size, flags = LE, 4K, anywhere.</summary>
    private static byte[] FakeImage(bool el2)
    {
        byte[] code = CrossTools.Assemble(Body + (el2 ? "\n    mrs x26, SCTLR_EL2\n    smc #0\n" : "\n    mrs x26, SCTLR_EL1\n    hvc #0\n") + "    b .\n");
        var img = new byte[0x40 + code.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(img, 0x14000010);          // b +0x40
        BinaryPrimitives.WriteUInt64LittleEndian(img.AsSpan(8), 0);          // text_offset
        BinaryPrimitives.WriteUInt64LittleEndian(img.AsSpan(16), 0x20_0000); // image_size
        BinaryPrimitives.WriteUInt64LittleEndian(img.AsSpan(24), 0xA);       // flags
        Encoding.ASCII.GetBytes("ARM\x64").CopyTo(img, 0x38);
        code.CopyTo(img, 0x40);
        return img;
    }

    private static VirtBoard NewBoard(bool el2) => new(new VirtBoardOptions
    {
        RamSize = 256UL << 20, Cpu = new CpuConfig { HasEl2 = el2 }, Console = new HostConsole(new MemoryStream()),
    });

    [TestCase(false)]
    [TestCase(true)]
    public void TheKernelIsEnteredWithTheDtbInX0AndTheMmuOff(bool el2)
    {
        CrossTools.RequireAssembler();
        using var b = NewBoard(el2);
        byte[] initrd = [1, 2, 3, 4, 5];
        var layout = LinuxLoader.Boot(b, new LinuxBootOptions { Kernel = FakeImage(el2), Initrd = initrd, CommandLine = "root=/dev/ram0", AtEl2 = el2 });
        var m = b.Machine;
        var reason = m.Run(maxInstructions: 1000);
        Assert.That((reason, m.ExitCode, b.PoweredOff), Is.EqualTo((StopReason.Exit, (int?)0, true)), "PSCI SYSTEM_OFF over the DT's conduit");
        Assert.That(m["X19"], Is.EqualTo(layout.DtbAddress));
        Assert.That((m["X20"], m["X21"], m["X22"]), Is.EqualTo((0UL, 0UL, 0UL)));
        Assert.That(m["X23"], Is.EqualTo(el2 ? 8UL : 4UL), "CurrentEL");
        Assert.That(m["X24"], Is.EqualTo(0x3C0UL), "DAIF all masked");
        Assert.That(m["X25"] - 0x40 - 24, Is.EqualTo(layout.KernelAddress), "runs from its load address");
        Assert.That(layout.KernelAddress % (2 << 20), Is.Zero, "2 MiB aligned (text_offset 0)");
        Assert.That(m["X26"] & 5, Is.Zero, "SCTLR.M and SCTLR.C clear");
        if (el2) Assert.That(m["HCR_EL2"] & (1UL << 31), Is.Not.Zero, "HCR_EL2.RW");

        var tree = FdtReader.Parse(m.ReadMemory(layout.DtbAddress, 0x4000), out _);
        var chosen = tree.Child("chosen")!;
        Assert.That(chosen.GetString("bootargs"), Is.EqualTo("root=/dev/ram0"));
        var start = chosen.GetCells("linux,initrd-start");
        ulong initrdStart = (ulong)start[0] << 32 | start[1];
        Assert.That(initrdStart, Is.EqualTo(layout.InitrdAddress));
        Assert.That(m.ReadMemory(initrdStart, 5), Is.EqualTo(initrd));
        Assert.That(layout.InitrdAddress, Is.GreaterThanOrEqualTo(layout.KernelAddress + 0x20_0000), "image_size bytes stay free after the kernel");
    }

    [Test]
    public void AGzipCompressedImageIsRecognisedAndBooted()
    {
        CrossTools.RequireAssembler();
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(FakeImage(false));
        Assert.That(LinuxLoader.IsLinuxImage(ms.ToArray()), Is.True);
        using var b = NewBoard(false);
        LinuxLoader.Boot(b, new LinuxBootOptions { Kernel = ms.ToArray() });
        Assert.That(b.Machine.Run(maxInstructions: 1000), Is.EqualTo(StopReason.Exit));
    }

    [Test]
    public void TheCommandLineBootsAnImageAndExitsZeroOnPowerOff()
    {
        CrossTools.RequireAssembler();
        string path = Path.Combine(CrossTools.BuildDir, "fake-linux.Image");
        File.WriteAllBytes(path, FakeImage(false));
        var r = CliTests.Fastarm("run", "--kernel", path, "--append", "console=ttyAMA0", "--max-insns", "10k");
        Assert.That((r.ExitCode, r.Stderr), Is.EqualTo((0, "")));
        string el2 = Path.Combine(CrossTools.BuildDir, "fake-linux-el2.Image");
        File.WriteAllBytes(el2, FakeImage(true));
        var e = CliTests.Fastarm("run", "--kernel", el2, "--el2", "--gic", "2", "--max-insns", "10k");
        Assert.That((e.ExitCode, e.Stderr), Is.EqualTo((0, "")));
    }

    [Test]
    public void AUserDtbIsUsedWithTheBootLoadersChosenMergedIn()
    {
        CrossTools.RequireAssembler();
        var w = new FdtWriter();
        w.BeginNodeNamed("");
        w.String("model", "mine");
        w.EndNodeNamed();
        string dtb = Path.Combine(CrossTools.BuildDir, "user.dtb");
        File.WriteAllBytes(dtb, w.Finish());
        using var b = NewBoard(false);
        var layout = LinuxLoader.Boot(b, new LinuxBootOptions { Kernel = FakeImage(false), Dtb = File.ReadAllBytes(dtb), CommandLine = "x" });
        var tree = FdtReader.Parse(b.Machine.ReadMemory(layout.DtbAddress, 0x1000), out _);
        Assert.That(tree.GetString("model"), Is.EqualTo("mine"));
        Assert.That(tree.Child("chosen")!.GetString("bootargs"), Is.EqualTo("x"));
    }

    private static IEnumerable<TestCaseData> LinuxUsageErrors()
    {
        yield return new TestCaseData(new[] { "--gic", "4" }, "fastarm: run: --gic: '4' is not 2 or 3").SetName("AnUnknownGicVersionIsAnError");
        yield return new TestCaseData(new[] { "--smp", "9" }, "fastarm: run: --smp: 9 CPUs: the board has 1 to 8").SetName("MoreThanEightCpusIsAnError");
        yield return new TestCaseData(new[] { "--serial", "udp:1" }, "fastarm: run: --serial: unknown serial backend 'udp:1'").SetName("AnUnknownSerialBackendIsAnError");
        yield return new TestCaseData(new[] { "--serial", "tcp:10.0.0.1:4444" }, "fastarm: run: --serial: '10.0.0.1' is not a loopback address").SetName("ANonLoopbackConsoleIsRefused");
        yield return new TestCaseData(new[] { "--initrd", "/no/such/initrd" }, "fastarm: run: cannot read '/no/such/initrd'").SetName("AnUnreadableInitrdIsAnError");
        yield return new TestCaseData(new[] { "--el", "2" }, "fastarm: run: --el is for bare-metal programs").SetName("ElIsForBareMetalOnly");
    }

    [TestCaseSource(nameof(LinuxUsageErrors))]
    public void LinuxUsageError(string[] extra, string message)
    {
        CrossTools.RequireAssembler();
        string path = Path.Combine(CrossTools.BuildDir, "fake-linux.Image");
        File.WriteAllBytes(path, FakeImage(false));
        var r = CliTests.Fastarm(["run", "--kernel", path, .. extra]);
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Stderr, Does.StartWith(message));
        Assert.That(r.Stderr.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1), "one line");
    }

    [Test]
    public void AMalformedDtbIsAnErrorNamingTheFile()
    {
        CrossTools.RequireAssembler();
        string path = Path.Combine(CrossTools.BuildDir, "fake-linux.Image");
        File.WriteAllBytes(path, FakeImage(false));
        string dtb = Path.Combine(CrossTools.BuildDir, "bad.dtb");
        File.WriteAllBytes(dtb, [1, 2, 3]);
        var r = CliTests.Fastarm("run", "--kernel", path, "--dtb", dtb);
        Assert.That((r.ExitCode, r.Stderr.Trim()), Is.EqualTo((2, $"fastarm: run: {dtb}: not a flattened device tree (bad magic)")));
    }

    [Test]
    public void LinuxOptionsOnABareMetalProgramAreAnError()
    {
        string raw = Path.Combine(CrossTools.BuildDir, "not-linux.bin");
        File.WriteAllBytes(raw, BitConverter.GetBytes(0x14000000u));
        var r = CliTests.Fastarm("run", "--kernel", raw, "--initrd", raw);
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Stderr, Does.StartWith("fastarm: run: --initrd is for Linux kernels"));
    }
}
