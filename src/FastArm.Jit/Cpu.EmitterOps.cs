using System.Runtime.CompilerServices;
using FastArm.Jit.Semantics;

namespace FastArm.Jit;

/// <summary>
/// The memory operations of <see cref="IA64Emitter{V}"/> that are calls in both engines: the interpreter's emitter and
/// generated code call these same methods, so they cannot disagree. On a fault the exception is taken
/// (<see cref="ExceptionTaken"/> set) and the value returned is the one the instruction must not use anyway.
/// Generated code calls them only on its slow paths: they are never inlined there (RyuJIT would copy the whole
/// access path, its own TLB lookup included, into every slow path of every unit: code and compile time for nothing).
/// </summary>
public sealed unsafe partial class Cpu
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal void Load128Op(ulong address, MemOp op, out ulong lo, out ulong hi)
    {
        bool ok = (op & MemOp.Exclusive) != 0
            ? TryLoadExclusive(address, 16, op, out lo, out hi)
            : TryRead128(address, op, out lo, out hi);
        if (!ok) lo = hi = 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal void Store128Op(ulong address, ulong lo, ulong hi, MemOp op) => TryWrite128(address, lo, hi, op);

    /// <summary>LDXR family and LDXP of W registers (<paramref name="size"/> = <paramref name="monitorSize"/> = 8: the pair is
    /// one doubleword); LDXP of X registers is <see cref="Load128Op"/> with MemOp.Exclusive.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal ulong LoadExclusiveOp(ulong address, int size, int monitorSize, MemOp op) =>
        TryLoadExclusive(address, Math.Max(size, monitorSize), op, out ulong v, out _) ? v : 0;

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal ulong StoreExclusiveOp(ulong address, ulong value, int size, MemOp op) =>
        TryStoreExclusive(address, size, value, 0, op, out ulong status) ? status : 1;

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal ulong StoreExclusivePairOp(ulong address, ulong lo, ulong hi, int size, MemOp op)
    {
        bool ok = size == 8
            ? TryStoreExclusive(address, 16, lo, hi, op, out ulong status)
            : TryStoreExclusive(address, 8, (lo & 0xFFFF_FFFF) | (hi << 32), 0, op, out status);
        return ok ? status : 1;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal ulong AtomicRmwOp(AtomicOp kind, ulong address, ulong operand, int size, MemOp op) =>
        TryAtomicRmw(address, size, kind, operand, op, out ulong old) ? old : 0;

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal ulong CompareAndSwapOp(ulong address, ulong expected, ulong desired, int size, MemOp op) =>
        TryCompareAndSwap(address, size, expected, 0, desired, 0, op, out ulong old, out _) ? old : 0;

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal void CompareAndSwapPairOp(ulong address, ulong expected0, ulong expected1, ulong desired0, ulong desired1, int size, MemOp op, out ulong old0, out ulong old1)
    {
        if (size == 8)
        {
            if (TryCompareAndSwap(address, 16, expected0, expected1, desired0, desired1, op, out old0, out old1)) return;
        }
        else
        {
            // Two words are one doubleword, first register at the lower address (little-endian).
            ulong expected = (expected0 & 0xFFFF_FFFF) | (expected1 << 32);
            ulong desired = (desired0 & 0xFFFF_FFFF) | (desired1 << 32);
            if (TryCompareAndSwap(address, 8, expected, 0, desired, 0, op, out ulong old, out _))
            {
                old0 = old & 0xFFFF_FFFF;
                old1 = old >> 32;
                return;
            }
        }
        old0 = old1 = 0;
    }

    /// <summary>A plain load for generated code's slow path (its fast TLB test already failed): the value, or 0 when
    /// the access faulted.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal ulong LoadOp(ulong address, int size, MemOp op) => TryReadSlow(address, size, op, out ulong v) ? v : 0;

    /// <summary>A plain store for generated code's slow path (its fast TLB test already failed).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal bool StoreOp(ulong address, int size, ulong value, MemOp op) => TryWriteSlow(address, size, value, op);

    /// <summary>A store pair for generated code's slow path (one of its two fast TLB tests failed): both locations
    /// are probed before either is written, as the semantics do (LoadStore.Pair).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal void StorePairOp(ulong a1, ulong v1, ulong a2, ulong v2, int size, MemOp op)
    {
        if (TryWrite(a1, size, v1, op | MemOp.Probe) && TryWrite(a2, size, v2, op | MemOp.Probe) && TryWrite(a1, size, v1, op))
            TryWrite(a2, size, v2, op);
    }
}
