using BenchmarkDotNet.Attributes;
using FastArm.Devices;
using FastArm.Jit;

namespace FastArm.Bench.Micro;

/// <summary>
/// Guest integer throughput through the public API (<see cref="Machine"/>, <see cref="CpuConfig.Engine"/>): a loop of
/// eight A64 integer instructions at EL1 with the MMU off. One operation is one guest instruction, so the report's
/// millions of operations per second are guest MIPS. The engine comes from <see cref="CpuConfig.Engine"/> only:
/// when the translator lands, the Jit rows measure it without a change here.
/// </summary>
[BenchmarkCategory("GuestLoop")]
public class GuestLoopBenchmarks
{
    private const ulong Code = 0x4000_0000;
    private const int Iterations = 250_000;
    private const int BodyInstructions = 8;
    /// <summary>The loop body runs <see cref="Iterations"/> times; the two set-up instructions are noise.</summary>
    private const int Instructions = Iterations * BodyInstructions;

    private static readonly uint[] Program =
    [
        0x8B000021, // 1: add  x1, x1, x0
        0xCA010C42, //    eor  x2, x2, x1, lsl #3
        0x8A010043, //    and  x3, x2, x1
        0xAA431C84, //    orr  x4, x4, x3, lsr #7
        0x9B021425, //    madd x5, x1, x2, x5
        0x0B0100C6, //    add  w6, w6, w1
        0xF1000400, //    subs x0, x0, #1
        0x54FFFF21, //    b.ne 1b
        0xD503201F, //    nop   (Run stops here, before executing it)
    ];
    private const ulong End = Code + 8 * 4;

    /// <summary>The engines to measure; the harness narrows it to --engine before it runs the micro benchmarks.</summary>
    public static ExecutionEngine[] SelectedEngines { get; set; } = [ExecutionEngine.Interpreter, ExecutionEngine.Jit];
    public static IEnumerable<ExecutionEngine> Engines() => SelectedEngines;

    [ParamsSource(nameof(Engines))]
    public ExecutionEngine Engine { get; set; }

    private Machine _m = null!;

    [GlobalSetup]
    public void Setup()
    {
        _m = new Machine(new CpuConfig { Engine = Engine });
        _m.MapRam(Code, 0x10000);
        var bytes = new byte[Program.Length * 4];
        for (int i = 0; i < Program.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), Program[i]);
        _m.WriteMemory(Code, bytes);
        ulong before = _m.InstructionsExecuted;
        Loop();
        ulong ran = _m.InstructionsExecuted - before;
        if (ran != Instructions) throw new InvalidOperationException($"the guest loop ran {ran} instructions, expected {Instructions}");
    }

    [GlobalCleanup]
    public void Cleanup() => _m.Dispose();

    [Benchmark(OperationsPerInvoke = Instructions)]
    public ulong Loop()
    {
        _m.Pc = Code;
        _m.SetX(0, Iterations);
        var reason = _m.Run(until: End);
        if (reason != StopReason.Address) throw new InvalidOperationException($"the guest loop stopped: {reason}");
        return _m.X(5);
    }
}
