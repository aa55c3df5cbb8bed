using System.Diagnostics;
using System.Runtime.CompilerServices;
using FastArm.Jit.Decode;
using FastArm.Jit.Interpreter;
using FastArm.Jit.Translator;

namespace FastArm.Jit;

/// <summary>When to stop a run. Null fields do not limit.</summary>
public readonly record struct RunLimits(ulong? MaxInstructions = null, ulong? UntilAddress = null, TimeSpan? Timeout = null);

public sealed unsafe partial class Cpu
{
    private const int DecodeCacheBits = 14;
    private readonly DecodedInsn[] _decodeCache = new DecodedInsn[1 << DecodeCacheBits];
    private static void UndefinedHandler(ref Eval e, in Fields f) => e.Undefined();

    /// <summary>The table row that decodes <paramref name="word"/> on this CPU, or null for UNDEFINED.</summary>
    public A64Row? Decode(uint word) => DecodeTree.Default.Decode(word, Features);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref DecodedInsn Lookup(uint word)
    {
        ref DecodedInsn d = ref _decodeCache[(int)((word * 0x9E3779B1u) >> (32 - DecodeCacheBits))];
        if (d.Fields.Raw != word || d.Handler == null) DecodeInto(ref d, word);
        return ref d;
    }

    private void DecodeInto(ref DecodedInsn d, uint word)
    {
        var row = Decode(word);
        if (row == null)
        {
            d = new DecodedInsn { Handler = &UndefinedHandler, Fields = A64Row.NoFields(word), Info = InsnInfo.EndsUnit | InsnInfo.MayFault };
            return;
        }
        d.Handler = (delegate*<ref Eval, in Fields, void>)SemanticsBinder<Eval, ulong>.EntryPoints[row.Index];
        d.Fields = row.Extract(word);
        // Analysed at PC 0, a direct branch's target is its offset: the kind of a word does not depend on where it is.
        d.Info = Probe.Analyze(SemanticsBinder<Probe, ulong>.Handlers[row.Index], in d.Fields, 0, Features, out ulong offset);
        d.BranchOffset = (long)offset;
    }

    /// <summary>
    /// Runs the interpreter until a limit, a stop request or an exit. Returns why it stopped.
    /// </summary>
    public StopReason Run(RunLimits limits = default) =>
        Config.Engine == ExecutionEngine.Jit && CodeHook == null && BlockHook == null ? RunUnits(limits) : RunReference(limits);

    /// <summary>What both run loops keep between instructions (the reference) or units (the translator).</summary>
    private struct RunBounds
    {
        public ulong Budget, Until, Executed;
        public Stopwatch? Clock;
        public long TimeoutTicks;
        public int Slice, TimeoutCheckEvery;
    }

    private enum Boundary { Proceed, Again, Stop }

    private RunBounds StartRun(RunLimits limits, int timeoutCheckEvery)
    {
        _stopRequested = ExitCode != null;
        return new RunBounds
        {
            Budget = limits.MaxInstructions ?? ulong.MaxValue,
            Until = limits.UntilAddress ?? ulong.MaxValue,
            Clock = limits.Timeout is { } ? Stopwatch.StartNew() : null,
            TimeoutTicks = limits.Timeout is { } t ? (long)(t.TotalSeconds * Stopwatch.Frequency) : long.MaxValue,
            TimeoutCheckEvery = timeoutCheckEvery,
        };
    }

    /// <summary>
    /// The checks before the next instruction or unit: stop requests, limits, the host timeout, interrupts and WFI.
    /// <see cref="Boundary.Again"/>: an interrupt was taken or the CPU idled, check again.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Boundary AtBoundary(ref RunBounds r, out StopReason reason)
    {
        // The common case in a few compares; anything to do goes to the full check.
        if (!(_stopRequested | _interruptLinesChanged | _waitingForInterrupt) && r.Executed < r.Budget && S.PC != r.Until
            && ++r.Slice < r.TimeoutCheckEvery)
        {
            reason = default;
            return Boundary.Proceed;
        }
        return AtBoundarySlow(ref r, out reason);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private Boundary AtBoundarySlow(ref RunBounds r, out StopReason reason)
    {
        reason = default;
        if (_stopRequested)
        {
            _stopRequested = false;
            reason = ExitCode != null ? StopReason.Exit : StopReason.StopRequested;
            return Boundary.Stop;
        }
        if (r.Executed >= r.Budget) { reason = StopReason.InstructionLimit; return Boundary.Stop; }
        if (S.PC == r.Until) { reason = StopReason.Address; return Boundary.Stop; }
        // (The fast check above counted this boundary in the slice unless it stopped before reaching it.)
        if (r.Slice >= r.TimeoutCheckEvery)
        {
            r.Slice = 0;
            if (TimedOut(in r)) { reason = StopReason.Timeout; return Boundary.Stop; }
        }
        if (_interruptLinesChanged || _waitingForInterrupt)
        {
            if (TakePendingInterrupt()) { _waitingForInterrupt = false; return Boundary.Again; }
            if (_waitingForInterrupt)
            {
                if (_irqLine || _fiqLine || _serrorLine) _waitingForInterrupt = false;   // WFI wakes on pending, even masked
                else
                {
                    // A WFI with nothing pending sleeps per iteration, so the periodic check above would fire
                    // seconds late; check the host timeout on each idle wait.
                    if (TimedOut(in r)) { reason = StopReason.Timeout; return Boundary.Stop; }
                    WaitIdle(r.Clock, r.TimeoutTicks);
                    return Boundary.Again;
                }
            }
            _interruptLinesChanged = false;
        }
        return Boundary.Proceed;
    }

    private static bool TimedOut(in RunBounds r) => r.Clock != null && r.Clock.ElapsedTicks >= r.TimeoutTicks;

    /// <summary>
    /// PSTATE.IL set by an illegal exception return, or a misaligned PC: the next instruction is replaced by that
    /// exception. True when one was taken.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TakeStateFault(ulong pc) =>
        ((S.PStateOther & FastArm.Jit.State.CpuState.PStateIL) != 0 || (pc & 3) != 0) && TakeStateFaultSlow(pc);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TakeStateFaultSlow(ulong pc)
    {
        if ((S.PStateOther & FastArm.Jit.State.CpuState.PStateIL) != 0)
        {
            RaiseSync(Exceptions.ExceptionClass.IllegalState, 0, pc);
            return true;
        }
        if ((pc & 3) != 0) { PcAlignmentFault(pc); return true; }
        return false;
    }

    /// <summary>The reference interpreter: fetches, decodes and executes one instruction at a time.</summary>
    private StopReason RunReference(RunLimits limits)
    {
        var r = StartRun(limits, timeoutCheckEvery: 4096);
        var e = new Eval(this);
        while (true)
        {
            switch (AtBoundary(ref r, out var reason))
            {
                case Boundary.Stop: return reason;
                case Boundary.Again: continue;
            }
            ulong pc = S.PC;
            if (TakeStateFault(pc)) { r.Executed++; continue; }
            if (_blockStart)
            {
                _blockStart = false;
                BlockHook?.Invoke(pc);
            }
            ExceptionTaken = false;
            if (!TryFetch(pc, out uint word)) { r.Executed++; continue; }
            ref DecodedInsn d = ref Lookup(word);
            CodeHook?.Invoke(pc, word);
            e.Begin(pc);
            d.Handler(ref e, in d.Fields);
            if (!e.Ended) S.PC = pc + 4;
            else _blockStart = true;
            r.Executed++;
            InstructionsExecuted++;
        }
    }

    /// <summary>One step: runs exactly one instruction (or takes one exception).</summary>
    public StopReason Step() => Run(new RunLimits(MaxInstructions: 1));

    /// <summary>WFI: nothing pending, so let the board wait for its next event (or sleep briefly).</summary>
    private void WaitIdle(Stopwatch? clock, long timeoutTicks)
    {
        if (Idle != null) { Idle(this); return; }
        Thread.Sleep(1);
    }

    internal void WaitForInterrupt()
    {
        if (_irqLine || _fiqLine || _serrorLine) return;
        _waitingForInterrupt = true;
    }
}
