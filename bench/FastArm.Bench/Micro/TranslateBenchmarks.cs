using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using FastArm.Jit;
using FastArm.SoftMmu.Bus;

namespace FastArm.Bench.Micro;

/// <summary>What one pass of a translate benchmark does, for the report's per-unit and per-instruction columns:
/// units built, their guest instructions, and when compiling, the instructions of the regions compiled (each unit is
/// the entry of its own region, which also holds the blocks it reaches), the IL generated, and the share of the
/// compile time spent generating IL (the rest is RyuJIT), from one untimed pass.</summary>
public sealed record TranslateCounts(int Units, int Instructions, int RegionInstructions, long IlBytes, double IlShare);

/// <summary>
/// The IL translator's cost on realistic code: bench/guests/translate/funcs.c (string and memory loops, hashes,
/// a linked list, a switch-heavy interpreter, sorting, number formatting), built with the cross compiler when the
/// benchmark starts and loaded into a bare CPU's RAM at EL1, MMU off. One operation is one pass over every block
/// start of that code, afresh (translation and decode caches emptied): <see cref="Build"/> builds the units (decode
/// and analysis), <see cref="BuildAndCompile"/> also compiles each one as a region (IL, then RyuJIT). The report
/// divides by <see cref="Counts"/> for µs per unit and per guest instruction.
/// </summary>
[BenchmarkCategory("Translate")]
public class TranslateBenchmarks
{
    private const ulong Code = 0x4000_0000;
    private const ulong RamSize = 1 << 20;

    /// <summary>The counts of each benchmark method's pass, filled by its set-up (in this process: the suite runs
    /// in-process) for the report.</summary>
    public static Dictionary<string, TranslateCounts> Counts { get; } = [];

    private PhysicalBus _bus = null!;
    private Cpu _cpu = null!;
    private ulong[] _starts = [];

    [GlobalSetup]
    public void Setup()
    {
        byte[] code = GuestCode.Build(new BenchOptions().Root);
        _bus = new PhysicalBus();
        _bus.MapRam(Code, RamSize);
        _bus.Load(Code, code);
        _cpu = new Cpu(_bus, new CpuConfig { Engine = ExecutionEngine.Jit, JitBackground = false });
        _cpu.Reset(1, Code);
        _starts = _cpu.FindBlockStarts(Code, code.Length);

        // One pass of each kind, untimed: the counts for the report, and a check that everything compiles (a unit
        // that fails stays interpreted in a real run, and would make the compile numbers too good here).
        var built = _cpu.TranslateBlocks(_starts, compile: false);
        Counts[nameof(Build)] = new TranslateCounts(built.Units, built.Instructions, 0, 0, 0);
        _cpu.TranslateBlocks(_starts, compile: true);   // the first pass also JIT-compiles the translator itself
        double emit = _cpu.EmitSeconds, total = _cpu.TranslatorStatistics.CompileSeconds;
        var compiled = _cpu.TranslateBlocks(_starts, compile: true);
        if (compiled.Failures != 0)
            throw new InvalidOperationException($"{compiled.Failures} of {compiled.Units} units of the translate benchmark's code did not compile");
        double ilShare = (_cpu.EmitSeconds - emit) / Math.Max(1e-9, _cpu.TranslatorStatistics.CompileSeconds - total);
        Counts[nameof(BuildAndCompile)] = new TranslateCounts(compiled.Units, compiled.Instructions, compiled.RegionInstructions, compiled.IlBytes, ilShare);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cpu.Dispose();
        foreach (var r in _bus.RamBlocks) r.Dispose();
    }

    [Benchmark]
    public int Build() => _cpu.TranslateBlocks(_starts, compile: false).Units;

    [Benchmark]
    public int BuildAndCompile() => _cpu.TranslateBlocks(_starts, compile: true).Units;

    /// <summary>Compiles and links the C source with the cross compiler in a temporary folder and returns .text as raw
    /// bytes, linked at <see cref="Code"/> (so calls and address computations are resolved as in a real image).</summary>
    private static class GuestCode
    {
        private const string Cc = "aarch64-linux-gnu-gcc", Objcopy = "aarch64-linux-gnu-objcopy";

        public static byte[] Build(string root)
        {
            string source = Path.Combine(root, "bench", "guests", "translate", "funcs.c");
            if (!File.Exists(source)) throw new BenchSetupException($"translate benchmark: {source} is missing");
            var dir = Directory.CreateTempSubdirectory("fastarm-translate-");
            try
            {
                string elf = Path.Combine(dir.FullName, "funcs.elf"), bin = Path.Combine(dir.FullName, "funcs.bin");
                // -fno-tree-loop-distribute-patterns: keep the byte loops as loops (GCC would turn them into calls to
                // memcpy/memset, which a freestanding image does not have).
                Tool(Cc, "-O2", "-ffreestanding", "-nostdlib", "-fno-tree-loop-distribute-patterns", "-static",
                    $"-Wl,-Ttext=0x{Code:x},-e,bench_memcpy,--build-id=none", "-o", elf, source);
                Tool(Objcopy, "-O", "binary", "-j", ".text", elf, bin);
                return File.ReadAllBytes(bin);
            }
            finally { dir.Delete(recursive: true); }
        }

        private static void Tool(string file, params string[] args)
        {
            var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) psi.ArgumentList.Add(a);
            Process p;
            try { p = Process.Start(psi) ?? throw new InvalidOperationException("no process"); }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                throw new BenchSetupException($"translate benchmark: cannot run {file} ({e.Message}); apt-get install gcc-aarch64-linux-gnu");
            }
            using (p)
            {
                var stderr = p.StandardError.ReadToEndAsync();
                p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode != 0) throw new BenchSetupException($"translate benchmark: {file} failed: {stderr.Result.Trim()}");
            }
        }
    }
}
