using FastArm.Jit;

namespace FastArm.Bench;

/// <summary>Thrown for bad arguments or a missing prerequisite: printed as one message, exit code 2.</summary>
public sealed class BenchSetupException(string message) : Exception(message);

/// <summary>The command line of the harness (./bench/run passes its arguments through).</summary>
public sealed class BenchOptions
{
    public const string Usage = """
        usage: ./bench/run [options]
          --runs N            runs of each emulator for boot and workloads, alternating (default 5)
          --only LIST         boot, workloads, micro, comma-separated (default: all three)
          --engine E          FastArm engine: interp, jit or both (default both)
          --scale F           multiply workload sizes by F (e.g. 0.1 for a quick check; default 1)
          --timeout S         host seconds before one emulator run is killed (default 300 boot, 1800 workloads)
          --qemu PATH         qemu-system-aarch64 to compare with (default: the one on PATH)
          --fastarm DLL       the fastarm host to measure (default .build/host/fastarm.dll, built by ./bench/run)
          --out DIR           where results go (default bench/results)
          --verbose           echo the guests' serial output to stderr
          bdn ARGS...         (first argument) BenchmarkDotNet's own command line over the micro benchmarks
        """;

    public int Runs { get; private set; } = 5;
    public bool Boot { get; private set; } = true;
    public bool Workloads { get; private set; } = true;
    public bool Micro { get; private set; } = true;
    public IReadOnlyList<ExecutionEngine> Engines { get; private set; } = [ExecutionEngine.Interpreter, ExecutionEngine.Jit];
    public double Scale { get; private set; } = 1.0;
    public double? Timeout { get; private set; }
    public string Qemu { get; private set; } = "qemu-system-aarch64";
    public string Root { get; private set; } = FindRoot();
    public string? FastArmDll { get; private set; }
    public string? OutDir { get; private set; }
    public bool Verbose { get; private set; }
    public bool Help { get; private set; }

    public string FastArmDllPath => FastArmDll ?? Path.Combine(Root, ".build", "host", "fastarm.dll");
    public string ResultsDir => OutDir ?? Path.Combine(Root, "bench", "results");
    public string CacheDir => Path.Combine(Root, "firmware", "cache");

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            string Value()
            {
                if (i + 1 >= args.Length) throw new BenchSetupException($"{a} needs a value");
                return args[++i];
            }
            switch (a)
            {
                case "--runs":
                    if (!int.TryParse(Value(), out int n) || n < 1) throw new BenchSetupException("--runs: a whole number of at least 1");
                    o.Runs = n;
                    break;
                case "--only":
                    o.Boot = o.Workloads = o.Micro = false;
                    foreach (var part in Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                        switch (part)
                        {
                            case "boot": o.Boot = true; break;
                            case "workloads": o.Workloads = true; break;
                            case "micro": o.Micro = true; break;
                            default: throw new BenchSetupException($"--only: '{part}' is not boot, workloads or micro");
                        }
                    break;
                case "--engine":
                    o.Engines = Value() switch
                    {
                        "interp" => [ExecutionEngine.Interpreter],
                        "jit" => [ExecutionEngine.Jit],
                        "both" => [ExecutionEngine.Interpreter, ExecutionEngine.Jit],
                        var e => throw new BenchSetupException($"--engine: '{e}' is not interp, jit or both"),
                    };
                    break;
                case "--scale":
                    if (!double.TryParse(Value(), System.Globalization.CultureInfo.InvariantCulture, out double s) || s <= 0 || s > 100)
                        throw new BenchSetupException("--scale: a number above 0 (at most 100)");
                    o.Scale = s;
                    break;
                case "--timeout":
                    if (!double.TryParse(Value(), System.Globalization.CultureInfo.InvariantCulture, out double t) || t <= 0)
                        throw new BenchSetupException("--timeout: seconds above 0");
                    o.Timeout = t;
                    break;
                case "--qemu": o.Qemu = Value(); break;
                case "--fastarm": o.FastArmDll = Path.GetFullPath(Value()); break;
                case "--out": o.OutDir = Path.GetFullPath(Value()); break;
                case "--root": o.Root = Path.GetFullPath(Value()); break;
                case "--verbose": o.Verbose = true; break;
                case "-h" or "--help": o.Help = true; break;
                default: throw new BenchSetupException($"unknown argument '{a}' (--help lists the options)");
            }
        }
        return o;
    }

    public static string EngineName(ExecutionEngine e) => e == ExecutionEngine.Interpreter ? "interp" : "jit";

    /// <summary>The repository root: $FASTARM_HOME, else the first folder above the binary or the working directory
    /// that holds FastArm.sln.</summary>
    private static string FindRoot()
    {
        string? home = Environment.GetEnvironmentVariable("FASTARM_HOME");
        if (!string.IsNullOrEmpty(home)) return Path.GetFullPath(home);
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var d = new DirectoryInfo(start); d != null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "FastArm.sln"))) return d.FullName;
        return Directory.GetCurrentDirectory();
    }
}
