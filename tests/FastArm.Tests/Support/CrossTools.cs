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

    // ---- bare-metal guests (tests/guests) ----

    /// <summary>The guest sources: runtime/, programs/, differential/.</summary>
    public static string GuestsDir => Path.Combine(RepoRoot, "tests", "guests");

    /// <summary>The C flags every guest is built with. Freestanding, no SIMD in compiled code (the integer ISA
    /// is what the guests test), strict alignment (RAM is Device memory while the MMU is off, so unaligned
    /// accesses fault), no outline atomics (there is no libatomic helper to call).</summary>
    public const string GuestCFlags =
        "-O2 -g0 -Wall -ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns -nostdlib -static " +
        "-mgeneral-regs-only -mstrict-align -fno-pic -fno-stack-protector -mno-outline-atomics";

    public static void RequireCompiler()
    {
        if (!Available("gcc"))
            NUnit.Framework.Assert.Ignore("aarch64-linux-gnu-gcc is not installed (apt-get install gcc-aarch64-linux-gnu)");
    }

    /// <summary>
    /// Builds a bare-metal guest ELF for <c>-M virt</c> from <paramref name="sources"/> (C or .S files; paths
    /// relative to tests/guests or absolute) linked with the runtime (tests/guests/runtime: crt0, vectors,
    /// semihosting, printf). <paramref name="flags"/> go to gcc after the defaults (e.g. "-march=armv8.1-a").
    /// The ELF is cached under tests/guests/build by a hash of every input; returns its path.
    /// </summary>
    public static string BuildGuest(string name, IEnumerable<string> sources, string flags = "")
    {
        RequireCompiler();
        string runtime = Path.Combine(GuestsDir, "runtime");
        var runtimeFiles = Directory.GetFiles(runtime).Where(f => f.EndsWith(".c") || f.EndsWith(".S") || f.EndsWith(".h") || f.EndsWith(".ld"))
            .OrderBy(f => f, StringComparer.Ordinal).ToList();
        var srcs = sources.Select(s => Path.IsPathRooted(s) ? s : Path.Combine(GuestsDir, s)).ToList();
        var compiled = runtimeFiles.Where(f => f.EndsWith(".c") || f.EndsWith(".S")).Concat(srcs).ToList();

        var key = new StringBuilder().Append(GuestCFlags).Append('\n').Append(flags).Append('\n');
        foreach (var f in runtimeFiles.Concat(srcs))
            key.Append(Path.GetFileName(f)).Append('\n').Append(File.ReadAllText(f)).Append('\n');
        // Headers next to the program sources are inputs too.
        foreach (var dir in srcs.Select(Path.GetDirectoryName).Distinct())
            foreach (var h in Directory.GetFiles(dir!, "*.h").OrderBy(f => f, StringComparer.Ordinal))
                key.Append(Path.GetFileName(h)).Append('\n').Append(File.ReadAllText(h)).Append('\n');
        string elf = Path.Combine(BuildDir, $"guest-{name}-{Hash(key.ToString())}.elf");
        if (File.Exists(elf)) return elf;

        string tmp = $"{elf}.tmp{Environment.ProcessId}";
        var includes = new[] { runtime }.Concat(srcs.Select(Path.GetDirectoryName)!).Distinct().Select(d => $"-I{d}");
        string args = $"{GuestCFlags} {flags} {string.Join(' ', includes)} -Wl,-T,{Path.Combine(runtime, "link.ld")} " +
                      $"-Wl,--build-id=none -Wl,--no-warn-rwx-segments -o {tmp} {string.Join(' ', compiled)} -lgcc";
        try
        {
            Run(Prefix + "gcc", args);
            File.Move(tmp, elf, overwrite: true);
        }
        finally { File.Delete(tmp); }
        return elf;
    }

    private static string FindRepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d != null && !File.Exists(Path.Combine(d.FullName, "FastArm.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("cannot find the repo root (FastArm.sln) above " + AppContext.BaseDirectory);
    }
}
