using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace FastArm.Tests.Support;

/// <summary>
/// The cross toolchain (Debian's binutils/gcc-aarch64-linux-gnu), used at test time to build guest code from
/// sources in the repo. Outputs are cached under tests/guests/build by a hash of their inputs.
/// </summary>
public static class CrossTools
{
    public const string Prefix = "aarch64-linux-gnu-";

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string BuildDir
    {
        get
        {
            string d = Path.Combine(RepoRoot, "tests", "guests", "build");
            Directory.CreateDirectory(d);
            return d;
        }
    }

    public static bool Available(string tool = "as") => Which(Prefix + tool) != null;

    public static void RequireAssembler()
    {
        if (!Available("as")) NUnit.Framework.Assert.Ignore("aarch64-linux-gnu-as is not installed (apt-get install binutils-aarch64-linux-gnu)");
    }

    public static string? Which(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            string p = Path.Combine(dir, name);
            if (File.Exists(p)) return p;
        }
        return null;
    }

    /// <summary>Assembles A64 source into raw bytes, laid out from address 0 (a flat .text).</summary>
    public static byte[] Assemble(string source)
    {
        RequireAssembler();
        string hash = Hash(source);
        string bin = Path.Combine(BuildDir, $"asm-{hash}.bin");
        if (File.Exists(bin)) return File.ReadAllBytes(bin);
        string dir = Path.Combine(BuildDir, $"asm-{hash}.tmp{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        try
        {
            string s = Path.Combine(dir, "a.s"), o = Path.Combine(dir, "a.o"), b = Path.Combine(dir, "a.bin");
            File.WriteAllText(s, ".text\n.globl _start\n_start:\n" + source + "\n");
            Run(Prefix + "as", $"-march=armv8.2-a+lse+crc+crypto -o {o} {s}");
            Run(Prefix + "objcopy", $"-O binary -j .text {o} {b}");
            File.Move(b, bin, overwrite: true);
            return File.ReadAllBytes(bin);
        }
        finally { Directory.Delete(dir, true); }
    }

    public static string Hash(string s) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(s)))[..16];

    /// <summary>Runs a tool and returns its stdout; throws with its stderr when it fails.</summary>
    public static string Run(string tool, string args, string? workDir = null, int timeoutMs = 120_000)
    {
        var psi = new ProcessStartInfo(tool, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDir ?? RepoRoot,
        };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs)) { p.Kill(true); throw new TimeoutException($"{tool} {args} timed out"); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} {args} failed ({p.ExitCode}): {stderr.Result}");
        return stdout.Result;
    }

    private static string FindRepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d != null && !File.Exists(Path.Combine(d.FullName, "FastArm.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("cannot find the repo root (FastArm.sln) above " + AppContext.BaseDirectory);
    }
}
