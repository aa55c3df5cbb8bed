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

    /// <summary>Generated code's slow paths of 16-byte accesses (<see cref="PackAccess"/>).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal void Load128Slow(ulong address, int access, out ulong lo, out ulong hi)
    {
        S.PC = AccessPc(access);
        Load128Op(address, AccessOp(access), out lo, out hi);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal void Store128Slow(ulong address, ulong lo, ulong hi, int access)
    {
        S.PC = AccessPc(access);
        TryWrite128(address, lo, hi, AccessOp(access));
    }

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
    internal ulong LoadOp(ulong address, int access)
    {
        S.PC = AccessPc(access);
        return TryReadSlow(address, AccessSize(access), AccessOp(access), out ulong v) ? v : 0;
    }

    /// <summary>A plain store for generated code's slow path (its fast TLB test already failed).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal bool StoreOp(ulong address, ulong value, int access)
    {
        S.PC = AccessPc(access);
        return TryWriteSlow(address, AccessSize(access), value, AccessOp(access));
    }

    /// <summary>
    /// A plain access's slow path gets what it needs in one constant, so that each of the thousands of them in generated
    /// code is a few bytes shorter (no PC store, one argument for three): the access size (bits 0-4), its MemOp (5-11)
    /// and the word offset of its instruction in the page (12-21). The page is S.PC's: compiled code is entered with
    /// S.PC at its first instruction and never leaves its page without leaving the method (a region is one page).
    /// </summary>
    internal static int PackAccess(int size, MemOp op, ulong pc) => size | (int)op << 5 | (int)((pc & 0xFFF) >> 2) << 12;
    private static int AccessSize(int access) => access & 31;
    private static MemOp AccessOp(int access) => (MemOp)((access >> 5) & 127);
    private ulong AccessPc(int access) => (S.PC & ~0xFFFUL) | (ulong)((access >> 12) & 1023) << 2;

    /// <summary>A store pair for generated code's slow path (one of its two fast TLB tests failed): both locations
    /// are probed before either is written, as the semantics do (LoadStore.Pair).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal void StorePairOp(ulong a1, ulong v1, ulong a2, ulong v2, int access)
    {
        S.PC = AccessPc(access);
        int size = AccessSize(access);
        var op = AccessOp(access);
        if (TryWrite(a1, size, v1, op | MemOp.Probe) && TryWrite(a2, size, v2, op | MemOp.Probe) && TryWrite(a1, size, v1, op))
            TryWrite(a2, size, v2, op);
    }
}
