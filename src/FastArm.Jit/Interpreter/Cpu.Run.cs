using System.Diagnostics;
using System.Runtime.CompilerServices;
using FastArm.Jit.Decode;
using FastArm.Jit.Interpreter;

namespace FastArm.Jit;

/// <summary>When to stop a run. Null fields do not limit.</summary>
public readonly record struct RunLimits(ulong? MaxInstructions = null, ulong? UntilAddress = null, TimeSpan? Timeout = null);

public sealed unsafe partial class Cpu
{
    /// <summary>A decoded instruction word with its bound handler; words decode the same wherever they are.</summary>
    private struct DecodedWord
    {
        public uint Word;
        public Semantic<Eval>? Handler;
        public A64Row? Row;
        public Fields Fields;
    }

    private const int DecodeCacheBits = 14;
    private readonly DecodedWord[] _decodeCache = new DecodedWord[1 << DecodeCacheBits];
    private static readonly Semantic<Eval> s_undefined = static (ref Eval e, in Fields f) => e.Undefined();

    /// <summary>The table row that decodes <paramref name="word"/> on this CPU, or null for UNDEFINED.</summary>
    public A64Row? Decode(uint word) => DecodeTree.Default.Decode(word, Features);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref DecodedWord Lookup(uint word)
    {
        ref DecodedWord d = ref _decodeCache[(int)((word * 0x9E3779B1u) >> (32 - DecodeCacheBits))];
        if (d.Word != word || d.Handler == null)
        {
            var row = Decode(word);
            d.Word = word;
            d.Row = row;
            if (row == null) d.Handler = s_undefined;
            else
            {
                d.Handler = SemanticsBinder<Eval, ulong>.Handlers[row.Index];
                row.Extract(word, ref d.Fields);
            }
        }
        return ref d;
    }

    /// <summary>
    /// Runs the interpreter until a limit, a stop request or an exit. Returns why it stopped.
    /// </summary>
    public StopReason Run(RunLimits limits = default) =>
        Config.Engine == ExecutionEngine.Jit && CodeHook == null && BlockHook == null ? RunUnits(limits) : RunReference(limits);

    /// <summary>The reference interpreter: fetches, decodes and executes one instruction at a time.</summary>
    private StopReason RunReference(RunLimits limits)
    {
        _stopRequested = ExitCode != null;
        var e = new Eval(this);
        ulong budget = limits.MaxInstructions ?? ulong.MaxValue;
        ulong until = limits.UntilAddress ?? ulong.MaxValue;
        var clock = limits.Timeout is { } t ? Stopwatch.StartNew() : null;
        long timeoutTicks = limits.Timeout is { } tt ? (long)(tt.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        ulong executed = 0;
        int slice = 0;

        while (true)
        {
            if (_stopRequested)
            {
                _stopRequested = false;
                return ExitCode != null ? StopReason.Exit : StopReason.StopRequested;
            }
            if (executed >= budget) return StopReason.InstructionLimit;
            if (S.PC == until) return StopReason.Address;
            if (++slice >= 4096)
            {
                slice = 0;
                if (clock != null && clock.ElapsedTicks >= timeoutTicks) return StopReason.Timeout;
            }
            if (_interruptLinesChanged || _waitingForInterrupt)
            {
                if (TakePendingInterrupt()) { _waitingForInterrupt = false; continue; }
                if (_waitingForInterrupt)
                {
                    if (_irqLine || _fiqLine || _serrorLine) _waitingForInterrupt = false;   // WFI wakes on pending, even masked
                    else
                    {
                        // A WFI with nothing pending sleeps per iteration, so the every-4096 check above would fire
                        // seconds late; check the host timeout on each idle wait.
                        if (clock != null && clock.ElapsedTicks >= timeoutTicks) return StopReason.Timeout;
                        WaitIdle(clock, timeoutTicks);
                        continue;
                    }
                }
                _interruptLinesChanged = false;
            }

            ulong pc = S.PC;
            if ((S.PStateOther & FastArm.Jit.State.CpuState.PStateIL) != 0)
            {
                // An illegal exception return leaves PSTATE.IL set: the next instruction takes this instead.
                RaiseSync(Exceptions.ExceptionClass.IllegalState, 0, pc);
                executed++;
                continue;
            }
            if ((pc & 3) != 0) { PcAlignmentFault(pc); executed++; continue; }
            if (_blockStart)
            {
                _blockStart = false;
                BlockHook?.Invoke(pc);
            }
            ExceptionTaken = false;
            if (!TryFetch(pc, out uint word)) { executed++; continue; }
            ref DecodedWord d = ref Lookup(word);
            CodeHook?.Invoke(pc, word);
            e.Begin(pc);
            d.Handler!(ref e, in d.Fields);
            if (!e.Ended) S.PC = pc + 4;
            else _blockStart = true;
            executed++;
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
