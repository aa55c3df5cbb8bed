using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastArm.Jit.Decode;
using FastArm.Jit.Exceptions;
using FastArm.Jit.Platform;
using FastArm.Jit.Semantics;
using FastArm.Jit.State;
using FastArm.SoftMmu.Bus;
using FastArm.SoftMmu.Tlb;

namespace FastArm.Jit;

/// <summary>Why <see cref="Cpu.Run"/> returned.</summary>
public enum StopReason { InstructionLimit, Address, Timeout, StopRequested, Exit, Fatal }

/// <summary>One memory access, as the memory hook sees it.</summary>
public readonly record struct MemoryAccess(ulong Pc, ulong VirtualAddress, ulong PhysicalAddress, int Size, bool IsWrite, ulong Value);

/// <summary>One exception entry, as the exception hook sees it.</summary>
public readonly record struct ExceptionEvent(ExceptionKind Kind, int FromEl, int TargetEl, ulong Esr, ulong Far, ulong ReturnAddress, ulong Vector);

/// <summary>How the CPU is built: which ELs and features it has.</summary>
public sealed record CpuConfig
{
    public Feature Features { get; init; } = Feature.Default;
    public bool HasEl2 { get; init; }
    public bool HasEl3 { get; init; }
    /// <summary>Physical address size in bits (ID_AA64MMFR0_EL1.PARange): 48 by default, as QEMU's max CPU.</summary>
    public int PABits { get; init; } = 48;
    /// <summary>MIDR_EL1 value. Default: an Arm Cortex-A57 r1p3, as QEMU's cortex-a57.</summary>
    public ulong Midr { get; init; } = 0x411FD073;
    public int CpuIndex { get; init; }
    /// <summary>Which engine runs guest code. Both give the same architectural results.</summary>
    public ExecutionEngine Engine { get; init; } = ExecutionEngines.Default;
    /// <summary>Jit: how many times a block runs in the interpreter before it is translated (0 = at its first run).</summary>
    public int JitThreshold { get; init; } = ExecutionEngines.DefaultThreshold;
    /// <summary>Jit: translate on a background thread while the guest goes on interpreting; false = on the CPU's own
    /// thread, before the block runs again (deterministic, for tests).</summary>
    public bool JitBackground { get; init; } = ExecutionEngines.DefaultBackground;
    /// <summary>Jit: a compiled unit that leaves for another compiled unit calls it directly instead of returning to the
    /// dispatcher (false: every exit returns; for measurements).</summary>
    public bool JitChaining { get; init; } = ExecutionEngines.DefaultChaining;
}

/// <summary>The interpreter runs every instruction itself; the translator compiles hot code to IL (cold code still
/// runs in the interpreter).</summary>
public enum ExecutionEngine { Interpreter, Jit }

public static class ExecutionEngines
{
    /// <summary>The engine a CPU gets when its config names none: FASTARM_ENGINE=interp|jit overrides the built-in
    /// default, so the whole test suite can run under either engine.</summary>
    public static ExecutionEngine Default { get; } =
        TryParse(Environment.GetEnvironmentVariable("FASTARM_ENGINE"), out var e) ? e : ExecutionEngine.Jit;

    /// <summary>FASTARM_JIT_THRESHOLD overrides the built-in tiering threshold (0 translates everything).</summary>
    public static int DefaultThreshold { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("FASTARM_JIT_THRESHOLD"), out int n) && n >= 0 ? n : 3_000;

    /// <summary>FASTARM_JIT_BACKGROUND=0 makes translation synchronous.</summary>
    public static bool DefaultBackground { get; } = Environment.GetEnvironmentVariable("FASTARM_JIT_BACKGROUND") != "0";

    /// <summary>FASTARM_JIT_CHAIN=0 turns chaining between compiled units off.</summary>
    public static bool DefaultChaining { get; } = Environment.GetEnvironmentVariable("FASTARM_JIT_CHAIN") != "0";

    public static bool TryParse(string? name, out ExecutionEngine engine)
    {
        switch (name)
        {
            case "interp": engine = ExecutionEngine.Interpreter; return true;
            case "jit": engine = ExecutionEngine.Jit; return true;
            default: engine = ExecutionEngine.Jit; return false;
        }
    }
}

/// <summary>
/// One A64 CPU: its state, its view of memory, exception entry and the interpreter loop. Faults are
/// architectural events delivered through <see cref="TakeException"/>, never .NET exceptions.
/// </summary>
public sealed unsafe partial class Cpu : IDisposable
{
    public CpuState* StatePointer { get; private set; }
    public ref CpuState S
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        get => ref *StatePointer;
    }
    public PhysicalBus Bus { get; }
    public CpuConfig Config { get; }
    public Feature Features => Config.Features;

    public List<ISystemRegisterDevice> SystemRegisterDevices { get; } = [];
    public IFirmwareCallHandler? FirmwareCalls { get; set; }
    public ISemihosting? Semihosting { get; set; }

    /// <summary>Called before each instruction with its address and word.</summary>
    public Action<ulong, uint>? CodeHook { get; set; }
    /// <summary>Called at the start of each basic block (after a branch or exception) with its address.</summary>
    public Action<ulong>? BlockHook { get; set; }
    public Action<MemoryAccess>? MemoryHook
    {
        get => _memoryHook;
        // Accesses that hit the fast TLB do not call the hook: with one set, nothing may be in it.
        set { _memoryHook = value; FastTlb.FlushAll(); }
    }
    private Action<MemoryAccess>? _memoryHook;
    public Action<ExceptionEvent>? ExceptionHook { get; set; }
    /// <summary>Emulator diagnostics (unimplemented registers and the like): one line each.</summary>
    public Action<string>? Trace { get; set; }

    public ulong InstructionsExecuted { get; private set; }
    public int? ExitCode { get; private set; }

    private volatile bool _stopRequested;
    private volatile bool _interruptLinesChanged;

    // Generated code looks only at its instruction budget between blocks: a stop request or an interrupt line change
    // (from any thread) also makes the budget of the running unit negative, so that it leaves at its next block end.
    // A racing ChainTo may write an older budget back; the flags themselves are then seen at its next chain or return.
    private void SignalStop() { _stopRequested = true; UnitBudget = AttentionBudget; }
    private void SignalLinesChanged() { _interruptLinesChanged = true; UnitBudget = AttentionBudget; }
    private const int AttentionBudget = int.MinValue / 2;
    private bool _irqLine, _fiqLine, _serrorLine;
    private bool _waitingForInterrupt;
    private bool _blockStart = true;

    public Cpu(PhysicalBus bus, CpuConfig? config = null)
    {
        Bus = bus;
        Config = config ?? new CpuConfig();
        StatePointer = (CpuState*)NativeMemory.AlignedAlloc((nuint)StateAndTlbBytes, 64);
        // Native memory the GC cannot see: tell it, so that undisposed CPUs are finalized before memory runs short.
        GC.AddMemoryPressure(StateAndTlbBytes);
        FastTlb = new FastTlb((FastTlbEntry*)((byte*)StatePointer + StateBytes));
        Reset(Config.HasEl3 ? 3 : Config.HasEl2 ? 2 : 1);
        Bus.CodePages.PageAdded += OnCodePageAdded;
    }

    /// <summary>Architectural reset at <paramref name="el"/>: MMU off, all interrupts masked, SP_ELx selected.</summary>
    public void Reset(int el, ulong pc = 0)
    {
        if (el < 0 || el > 3 || (el == 3 && !Config.HasEl3) || (el == 2 && !Config.HasEl2))
            throw new ArgumentOutOfRangeException(nameof(el), $"EL{el} is not implemented by this CPU");
        NativeMemory.Clear(StatePointer, (nuint)sizeof(CpuState));
        S.EL = el;
        S.SpSel = 1;
        S.Daif = 0x3C0;
        S.PC = pc;
        ResetSystemRegisters();
        TlbFlushAll();
        ExitCode = null;
        _waitingForInterrupt = false;
    }

    /// <summary>The register state's bytes, rounded up to a cache line: the fast TLB's tables follow.</summary>
    private static int StateBytes => (sizeof(CpuState) + 63) & ~63;
    private static int StateAndTlbBytes => StateBytes + FastTlb.Bytes;

    public void Dispose()
    {
        UnhookTranslator();
        Bus.CodePages.PageAdded -= OnCodePageAdded;
        FreeState();
        GC.SuppressFinalize(this);
    }

    ~Cpu() => FreeState();

    private void FreeState()
    {
        FreeChainCache();
        if (StatePointer == null) return;
        NativeMemory.AlignedFree(StatePointer);
        StatePointer = null;
        GC.RemoveMemoryPressure(StateAndTlbBytes);
    }

    // ---- registers as the rest of the emulator sees them ----

    public ulong GetX(int n) => n == 31 ? 0 : S.X[n];
    public void SetX(int n, ulong v) { if (n != 31) S.X[n] = v; }
    public ulong Sp { get => S.CurrentSp; set { if (S.SpSel == 0) S.SpEl[0] = value; else S.SpEl[S.EL] = value; } }
    public ulong Pc { get => S.PC; set { S.PC = value; _blockStart = true; } }

    /// <summary>Asks a running <see cref="Run"/> to return at the next instruction boundary; safe from any thread.</summary>
    public void RequestStop() => SignalStop();

    /// <summary>Ends the run with an exit code (semihosting SYS_EXIT, PSCI SYSTEM_OFF).</summary>
    public void RequestExit(int code) { ExitCode = code; SignalStop(); }

    // ---- interrupt lines (driven by the interrupt controller) ----

    public void SetIrq(bool level) { _irqLine = level; SignalLinesChanged(); }
    public void SetFiq(bool level) { _fiqLine = level; SignalLinesChanged(); }
    public void SetSError(bool level) { _serrorLine = level; SignalLinesChanged(); }
    public bool IrqLine => _irqLine;
    public bool FiqLine => _fiqLine;

    /// <summary>What WFI does while no interrupt is pending: the board sets it to sleep until its next timer event.</summary>
    public Action<Cpu>? Idle { get; set; }

    /// <summary>True while a WFI waits (so <see cref="Idle"/> is a WFI wait; otherwise it is a WFE's one idle period).</summary>
    public bool IsWaitingForInterrupt => _waitingForInterrupt;
}
