using FastArm.Jit;

namespace FastArm.Bench.Harness;

/// <summary>One emulator configuration under test: QEMU (the baseline) or FastArm with one engine.</summary>
public sealed record Variant(string Name, ExecutionEngine? Engine)
{
    public bool IsQemu => Engine == null;

    public static Variant Qemu { get; } = new("QEMU", null);
    public static Variant FastArm(ExecutionEngine e) => new($"FastArm {BenchOptions.EngineName(e)}", e);

    /// <summary>QEMU first, then FastArm with each chosen engine: the order in which runs alternate.</summary>
    public static List<Variant> All(BenchOptions o) => [Qemu, .. o.Engines.Select(FastArm)];

    /// <summary>The command line, exactly as a person would type it (docs/notes/benchmarks.md quotes these).</summary>
    public (string File, List<string> Args) Command(BenchOptions o, BenchImages images, string mode)
    {
        string append = BenchImages.CommandLine(mode);
        if (IsQemu)
            return (o.Qemu, ["-M", "virt", "-cpu", "cortex-a57", "-m", "1024", "-nographic",
                "-kernel", images.KernelPath, "-initrd", images.InitrdPath, "-append", append]);
        return ("dotnet", [o.FastArmDllPath, "run", "--kernel", images.KernelPath, "--initrd", images.InitrdPath,
            "--memory", "1G", "--append", append, "--serial", "stdio", "--engine", BenchOptions.EngineName(Engine!.Value)]);
    }

    /// <summary>Fails with a message that says how to get what is missing.</summary>
    public static void CheckPrerequisites(BenchOptions o)
    {
        if (FindOnPath(o.Qemu) == null)
            throw new BenchSetupException(o.Qemu.Contains('/')
                ? $"{o.Qemu} not found"
                : $"{o.Qemu} not found on PATH: the benchmarks compare with QEMU; install it with `apt-get install qemu-system-arm` (or pass --qemu PATH)");
        if (FindOnPath("dotnet") == null)
            throw new BenchSetupException("dotnet not found on PATH");
        if (!File.Exists(o.FastArmDllPath))
            throw new BenchSetupException($"{o.FastArmDllPath} not found: ./bench/run builds it (or run ./fastarm once)");
    }

    private static string? FindOnPath(string name)
    {
        if (name.Contains('/')) return File.Exists(name) ? name : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string f = Path.Combine(dir, name);
            if (File.Exists(f)) return f;
        }
        return null;
    }
}
