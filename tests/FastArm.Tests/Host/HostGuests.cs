using System.Diagnostics;
using System.Text;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.Host;

/// <summary>
/// Builds the bare-metal programs of tests/guests/host with aarch64-linux-gnu-gcc (linked at 0x40000000 by
/// tests/guests/host/link.ld), cached in tests/guests/build by a hash of their sources and flags.
/// </summary>
public static class HostGuests
{
    public static string SourceDir => Path.Combine(CrossTools.RepoRoot, "tests", "guests", "host");

    private const string Flags = "-nostdlib -ffreestanding -static -O2 -mgeneral-regs-only -mstrict-align -fno-stack-protector "
        + "-Wl,--build-id=none -Wl,--no-warn-rwx-segments";

    /// <summary>Builds an ELF from sources in tests/guests/host; returns its path.</summary>
    public static string Build(params string[] sources) => BuildWith("", sources);

    /// <summary>Builds with extra compiler flags (-D definitions); returns the ELF's path.</summary>
    public static string BuildWith(string extraFlags, params string[] sources)
    {
        if (!CrossTools.Available("gcc")) Assert.Ignore("aarch64-linux-gnu-gcc is not installed (apt-get install gcc-aarch64-linux-gnu)");
        string ld = Path.Combine(SourceDir, "link.ld");
        var key = new StringBuilder(Flags).Append(extraFlags).Append(File.ReadAllText(ld));
        foreach (var s in sources) key.Append(s).Append(File.ReadAllText(Path.Combine(SourceDir, s)));
        string elf = Path.Combine(CrossTools.BuildDir, $"host-{Path.GetFileNameWithoutExtension(sources[0])}-{CrossTools.Hash(key.ToString())}.elf");
        if (File.Exists(elf)) return elf;
        string tmp = elf + $".tmp{Environment.ProcessId}";
        string srcs = string.Join(" ", sources.Select(s => Path.Combine(SourceDir, s)));
        CrossTools.Run(CrossTools.Prefix + "gcc", $"{Flags} {extraFlags} -T {ld} -o {tmp} {srcs}");
        File.Move(tmp, elf, overwrite: true);
        return elf;
    }

    /// <summary>A flat binary of an ELF (objcopy -O binary).</summary>
    public static string Raw(string elf)
    {
        string bin = Path.ChangeExtension(elf, ".bin");
        if (!File.Exists(bin))
        {
            string tmp = bin + $".tmp{Environment.ProcessId}";
            CrossTools.Run(CrossTools.Prefix + "objcopy", $"-O binary {elf} {tmp}");
            File.Move(tmp, bin, overwrite: true);
        }
        return bin;
    }

    /// <summary>
    /// Runs a program on QEMU (the reference) with semihosting; returns its exit code and what it printed.
    /// QEMU 7.2 sends the semihosting console (SYS_WRITE0/WRITEC) to stderr and ":tt" writes to stdout.
    /// </summary>
    public static (int ExitCode, string Stdout, string Stderr) RunQemu(string kernel, int timeoutMs = 20_000)
    {
        if (CrossTools.Which("qemu-system-aarch64") == null) Assert.Ignore("qemu-system-aarch64 is not installed");
        var psi = new ProcessStartInfo("qemu-system-aarch64",
            $"-M virt -cpu max -semihosting -display none -monitor none -serial stdio -kernel {kernel}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs)) { p.Kill(true); Assert.Fail("QEMU timed out"); }
        return (p.ExitCode, o.Result, e.Result);
    }
}
