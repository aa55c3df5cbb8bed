using System.Diagnostics;
using System.Text;
using FastArm.Devices.HostIo;
using FastArm.Host.Cli;
using FastArm.Host.Images;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.Boot;

/// <summary>
/// End to end: Debian 12's arm64 kernel boots on the virt board with a scripted busybox initramfs (plus Debian's
/// dynamically linked bc, its loader and libraries) whose /init checks the machine from user space, prints one result line and powers off: with the defaults (GICv3, EL1,
/// one CPU), a GICv2, entered at EL2, and with four CPUs. Slow under the interpreter (about a billion guest
/// instructions to reach /init; 25-40 s each in Release on a free core, ten times that in Debug), hence the Boot
/// category. Skipped with the reason when the images cannot be fetched.
/// </summary>
[Category("Boot")]
public class LinuxBootTests
{
    private const string ResultTag = "FASTARM-BOOT-RESULT:";

    /// <summary>The checks /init runs; each is a shell condition, named for the failure report.</summary>
    private const string InitScript = """
        #!/bin/sh
        /bin/busybox --install -s
        export PATH=/bin:/sbin:/usr/bin:/usr/sbin
        mount -t proc proc /proc
        mount -t sysfs sysfs /sys
        mount -t devtmpfs devtmpfs /dev
        fail=""
        check() { if ! eval "$2" >/dev/null 2>&1; then fail="$fail $1"; fi; }
        check arch '[ "$(uname -m)" = aarch64 ]'
        check kernel 'uname -r | grep -q "^6\.1\."'
        check cpuinfo 'grep -q "CPU implementer" /proc/cpuinfo'
        check timer-irq 'grep -q arch_timer /proc/interrupts'
        check uart-irq 'grep -q uart-pl011 /proc/interrupts'
        check rtc '[ -e /sys/class/rtc/rtc0 ] && [ "$(date +%Y)" -ge 2024 ]'
        check sleep 'sleep 1'
        check arith '[ $((6 * 7)) = 42 ]'
        check fp '[ "$(awk "BEGIN { printf \"%.6f %.3f\", 1 / 3 * 3 + 0.25, 22 / 7 * 1000 }")" = "1.250000 3142.857" ]'
        check gzip 'echo fastarm | gzip | gunzip | grep -q fastarm'
        check bc '[ "$(echo "2^64+3*7" | bc)" = 18446744073709551637 ]'
        check psci 'grep -q "psci" /proc/device-tree/psci/compatible'
        check sha256 '[ "$(printf abc | sha256sum | cut -d" " -f1)" = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad ]'
        check gzip-1m 'dd if=/dev/urandom of=/tmp/r bs=1024 count=1024 2>/dev/null && [ "$(md5sum < /tmp/r)" = "$(gzip -c /tmp/r | gunzip | md5sum)" ]'
        check sysfs 'grep -q "^0" /sys/devices/system/cpu/online'
        check dmesg '! dmesg | grep -E -q "Oops|BUG:|Unhandled|Internal error"'
        if [ -z "$fail" ]; then echo "FASTARM-BOOT-RESULT: pass $(cut -d' ' -f1 /proc/uptime)s"; else echo "FASTARM-BOOT-RESULT: fail:$fail"; fi
        poweroff -f
        """;

    private static GuestImages Images()
    {
        var images = GuestImages.Default();
        if (images.Present) return images;
        string? error;
        try { error = images.Fetch(TextWriter.Null); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException) { error = e.Message; }
        if (error != null) Assert.Ignore($"the guest images cannot be fetched: {error}");
        return images;
    }

    private static (int Code, string Console, string Stderr, TimeSpan Took) Boot(params string[] extra)
    {
        var images = Images();
        string initrd = Path.Combine(CrossTools.BuildDir, "boot-test-initramfs.gz");
        File.WriteAllBytes(initrd, Initramfs.Build(File.ReadAllBytes(images.BusyboxPath), InitScript, userland: images.UserlandFiles()));
        var console = new MemoryStream();
        var err = new StringWriter();
        var sw = Stopwatch.StartNew();
        int code = CommandLine.Run(
            ["run", "--kernel", images.KernelPath, "--initrd", initrd, "--append", "console=ttyAMA0 panic=-1",
             "--no-reboot", "--timeout", "900", .. extra],
            new CliContext { Out = TextWriter.Null, Error = err, Console = new HostConsole(console), HandleCtrlC = false });
        return (code, Encoding.UTF8.GetString(console.ToArray()), err.ToString(), sw.Elapsed);
    }

    private static void AssertPassed((int Code, string Console, string Stderr, TimeSpan Took) r)
    {
        string tail = r.Console.Length > 3000 ? r.Console[^3000..] : r.Console;
        string result = r.Console.Split('\n').FirstOrDefault(l => l.StartsWith(ResultTag, StringComparison.Ordinal))?.TrimEnd('\r') ?? "(none)";
        TestContext.Out.WriteLine($"boot took {r.Took.TotalSeconds:F0} s host time; {result}");
        Assert.That(result, Does.StartWith($"{ResultTag} pass"), $"console tail:\n{tail}\nstderr:\n{r.Stderr}");
        Assert.That(r.Code, Is.Zero, "PSCI SYSTEM_OFF ends the run with exit code 0");
        Assert.That(r.Console, Does.Contain("reboot: Power down"));
    }

    [Test]
    public void DebianLinuxBootsToUserSpaceRunsTheChecksAndPowersOff() => AssertPassed(Boot());

    [Test]
    public void DebianLinuxBootsWithAGicV2() => AssertPassed(Boot("--gic", "2"));

    [Test]
    public void DebianLinuxBootsWhenEnteredAtEl2() => AssertPassed(Boot("--el2"));

    [Test]
    public void DebianLinuxBootsWithFourCpus()
    {
        var r = Boot("--smp", "4");
        AssertPassed(r);
        Assert.That(r.Console, Does.Contain("smp: Brought up 1 node, 4 CPUs"));
    }
}
