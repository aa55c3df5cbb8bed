using System.Text;
using FastArm.Tests.Guests;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.Fp;

/// <summary>
/// tests/guests/programs/fp.c: compiled FP, NEON-intrinsic and crypto code, run under QEMU and FastArm with the
/// guest runtime; the printed hashes of every result and FPSR must be identical. The program needs the FP/SIMD
/// registers, so it is built like the other guests but without -mgeneral-regs-only.
/// </summary>
[Category("Guests")]
public class FpGuestTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    public static string BuildFpGuest(string name, string[] sources, string flags)
    {
        CrossTools.RequireCompiler();
        string runtime = Path.Combine(CrossTools.GuestsDir, "runtime");
        var runtimeFiles = Directory.GetFiles(runtime).Where(f => f.EndsWith(".c") || f.EndsWith(".S") || f.EndsWith(".h") || f.EndsWith(".ld"))
            .OrderBy(f => f, StringComparer.Ordinal).ToList();
        var srcs = sources.Select(s => Path.Combine(CrossTools.GuestsDir, s)).ToList();
        string cflags = CrossTools.GuestCFlags.Replace("-mgeneral-regs-only", "") + " " + flags;
        var key = new StringBuilder(cflags).Append('\n');
        foreach (var f in runtimeFiles.Concat(srcs)) key.Append(Path.GetFileName(f)).Append('\n').Append(File.ReadAllText(f)).Append('\n');
        string elf = Path.Combine(CrossTools.BuildDir, $"guest-{name}-{CrossTools.Hash(key.ToString())}.elf");
        if (File.Exists(elf)) return elf;
        string tmp = $"{elf}.tmp{Environment.ProcessId}";
        var compiled = runtimeFiles.Where(f => f.EndsWith(".c") || f.EndsWith(".S")).Concat(srcs);
        try
        {
            CrossTools.Run(CrossTools.Prefix + "gcc", $"{cflags} -I{runtime} -Wl,-T,{Path.Combine(runtime, "link.ld")} " +
                $"-Wl,--build-id=none -Wl,--no-warn-rwx-segments -o {tmp} {string.Join(' ', compiled)} -lgcc");
            File.Move(tmp, elf, overwrite: true);
        }
        finally { File.Delete(tmp); }
        return elf;
    }

    [Test]
    public void CompiledFloatingPointSimdAndCryptoCodeBehavesAsUnderQemu()
    {
        Qemu.Require();
        string elf = BuildFpGuest("fp", ["programs/fp.c"], "-march=armv8-a+crypto -fno-math-errno -ffp-contract=off");
        var qemu = Qemu.Run(elf, Timeout);
        Assert.That(qemu.TimedOut, Is.False, $"QEMU timed out: {qemu.Diagnostics}");
        var fast = FastArmGuest.Run(elf, Timeout);
        TestContext.Out.WriteLine($"fp: QEMU {qemu.Describe()} in {qemu.Elapsed.TotalSeconds:F2}s, FastArm {fast.Describe()} in {fast.Elapsed.TotalSeconds:F2}s");
        TestContext.Out.WriteLine(fast.Output);
        Assert.That(qemu.Output, Does.Contain("sha256(abc) = ba7816bf8f01cfea...f20015ad"), "the program computes SHA-256 right on QEMU");
        GuestProgramTests.AssertSameRun("fp", qemu, fast);
    }
}
