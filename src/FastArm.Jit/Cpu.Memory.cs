using System.Runtime.CompilerServices;
using FastArm.Jit.Exceptions;
using FastArm.Jit.Semantics;

namespace FastArm.Jit;

public enum AccessType { Read, Write, Fetch }

/// <summary>A failed translation: the fault status code (DFSC/IFSC) and whether it happened on the table walk.</summary>
public readonly record struct TranslationFault(uint Status, bool S1ptw = false);

public sealed unsafe partial class Cpu
{
    /// <summary>
    /// With the stage 1 MMU off, data accesses are Device-nGnRnE (Arm ARM D8.2.10), so an unaligned data access
    /// takes an alignment fault, as on hardware and QEMU. Harnesses that run unaligned code without an MMU may
    /// turn this off.
    /// </summary>
    public bool DeviceAlignmentWithMmuOff { get; set; } = true;

    /// <summary>The EL whose translation regime applies at <paramref name="el"/> (E2H/TGE make EL0 use EL2's).</summary>
    internal int RegimeEl(int el)
    {
        if (el == 3) return 3;
        if (el == 2) return 2;
        const ulong E2H = 1UL << 34, TGE = 1UL << 27;
        if (Config.HasEl2 && (S.Sys.HCR_EL2 & (E2H | TGE)) == (E2H | TGE)) return 2;
        return 1;
    }

    internal bool MmuEnabled(int regimeEl) => (S.SCTLR[regimeEl] & 1) != 0;

    /// <summary>
    /// Stage 1 translation of <paramref name="va"/> for an access of <paramref name="type"/> at the current EL
    /// (EL0 permissions when <paramref name="unprivileged"/>).
    /// </summary>
    public bool Translate(ulong va, AccessType type, bool unprivileged, out ulong pa, out TranslationFault fault)
    {
        int regime = RegimeEl(S.EL);
        if (!MmuEnabled(regime))
        {
            // AArch64.TranslateAddressS1Off: bits above the PA size must be zero, else an address size fault
            // at level 0.
            if ((va >> Config.PABits) != 0)
            {
                pa = 0;
                fault = new TranslationFault(FaultStatus.AddressSizeL0);
                return false;
            }
            pa = va;
            fault = default;
            return true;
        }
        return TranslateWithMmu(va, type, unprivileged, regime, out pa, out fault);
    }

    /// <summary>The stage 1 table walk. Supplied by Cpu.Mmu.cs.</summary>
    private partial bool TranslateWithMmu(ulong va, AccessType type, bool unprivileged, int regime, out ulong pa, out TranslationFault fault);

    private bool AlignmentRequired(MemOp op)
    {
        if ((op & MemOp.AlignedOnly) != 0) return true;
        int regime = RegimeEl(S.EL);
        ulong sctlr = S.SCTLR[regime];
        if ((sctlr & 2) != 0) return true;   // SCTLR_ELx.A
        return DeviceAlignmentWithMmuOff && (sctlr & 1) == 0;
    }

    private bool IsUnprivileged(MemOp op)
    {
        if ((op & MemOp.Unprivileged) == 0) return false;
        // LDTR/STTR act as EL0 accesses only from EL1 (and EL2 with E2H+TGE), and not when PSTATE.UAO is set.
        if ((S.PStateOther & FastArm.Jit.State.CpuState.PStateUAO) != 0) return false;
        return S.EL == 1 || (S.EL == 2 && RegimeEl(0) == 2);
    }

    /// <summary>A data read by the current instruction; on a fault, takes the data abort and returns false.</summary>
    public bool TryRead(ulong va, int size, MemOp op, out ulong value)
    {
        if ((va & (ulong)(size - 1)) != 0 && AlignmentRequired(op))
        {
            value = 0;
            DataAbort(va, FaultStatus.Alignment, isWrite: false, s1ptw: false);
            return false;
        }
        if ((va & 0xFFF) + (ulong)size > 0x1000)
            return TryReadSplit(va, size, op, out value);

        if (!Translate(va, AccessType.Read, IsUnprivileged(op), out ulong pa, out var fault))
        {
            value = 0;
            DataAbort(va, fault.Status, false, fault.S1ptw);
            return false;
        }
        if (!Bus.TryRead(pa, size, out value))
        {
            DataAbort(va, FaultStatus.SyncExternal, false, false);
            return false;
        }
        MemoryHook?.Invoke(new MemoryAccess(S.PC, va, pa, size, false, value));
        return true;
    }

    /// <summary>A data write by the current instruction; on a fault, takes the data abort and returns false.</summary>
    public bool TryWrite(ulong va, int size, ulong value, MemOp op)
    {
        if ((va & (ulong)(size - 1)) != 0 && AlignmentRequired(op))
        {
            DataAbort(va, FaultStatus.Alignment, isWrite: true, s1ptw: false);
            return false;
        }
        if ((va & 0xFFF) + (ulong)size > 0x1000)
            return TryWriteSplit(va, size, value, op);

        if (!Translate(va, AccessType.Write, IsUnprivileged(op), out ulong pa, out var fault))
        {
            DataAbort(va, fault.Status, true, fault.S1ptw);
            return false;
        }
        if (!Bus.TryWrite(pa, size, value))
        {
            DataAbort(va, FaultStatus.SyncExternal, true, false);
            return false;
        }
        CodeWritten(pa, size);
        MemoryHook?.Invoke(new MemoryAccess(S.PC, va, pa, size, true, value));
        return true;
    }

    // An access that crosses a page is two accesses (each may fault on its own page); translate both halves
    // before touching memory so that a fault on the second page leaves the first unwritten.
    private bool TryReadSplit(ulong va, int size, MemOp op, out ulong value)
    {
        value = 0;
        for (int i = 0; i < size; i++)
        {
            if (!TryRead(va + (ulong)i, 1, op & ~MemOp.AlignedOnly, out ulong b)) return false;
            value |= b << (8 * i);
        }
        return true;
    }

    private bool TryWriteSplit(ulong va, int size, ulong value, MemOp op)
    {
        ulong second = (va | 0xFFF) + 1;
        if (!Translate(second, AccessType.Write, IsUnprivileged(op), out _, out var fault))
        {
            DataAbort(second, fault.Status, true, fault.S1ptw);
            return false;
        }
        for (int i = 0; i < size; i++)
            if (!TryWrite(va + (ulong)i, 1, value >> (8 * i), op & ~MemOp.AlignedOnly)) return false;
        return true;
    }

    /// <summary>Fetches the instruction at <paramref name="va"/>; on a fault, takes the instruction abort.</summary>
    public bool TryFetch(ulong va, out uint word)
    {
        if (!Translate(va, AccessType.Fetch, false, out ulong pa, out var fault))
        {
            word = 0;
            InstructionAbort(va, fault.Status, fault.S1ptw);
            return false;
        }
        byte* p = Bus.RamPointer(pa, 4, false);
        if (p != null) { word = *(uint*)p; return true; }
        // Executing from MMIO (flash in some modes) reads the device; nothing at all is an external abort.
        if (Bus.FindMmio(pa) is { } m)
        {
            word = (uint)m.Device.Read(pa - m.Base, 4);
            return true;
        }
        word = 0;
        InstructionAbort(va, FaultStatus.SyncExternal, false);
        return false;
    }

    /// <summary>Reads guest memory through the current translation without faulting (debuggers, semihosting).</summary>
    public bool TryReadVirtual(ulong va, Span<byte> dest)
    {
        for (int i = 0; i < dest.Length;)
        {
            if (!Translate(va + (ulong)i, AccessType.Read, false, out ulong pa, out _)) return false;
            int n = (int)Math.Min((ulong)(dest.Length - i), 0x1000 - ((va + (ulong)i) & 0xFFF));
            if (!Bus.TryReadBytes(pa, dest.Slice(i, n))) return false;
            i += n;
        }
        return true;
    }

    /// <summary>Writes guest memory through the current translation without faulting (semihosting, debuggers).</summary>
    public bool TryWriteVirtual(ulong va, ReadOnlySpan<byte> src)
    {
        for (int i = 0; i < src.Length; i++)
        {
            if (!Translate(va + (ulong)i, AccessType.Write, false, out ulong pa, out _)) return false;
            if (!Bus.TryWrite(pa, 1, src[i])) return false;
            CodeWritten(pa, 1);
        }
        return true;
    }

    /// <summary>Hook for translated-code invalidation: a write to physical memory at <paramref name="pa"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CodeWritten(ulong pa, int size)
    {
        // The interpreter decodes from memory on every fetch, so there is nothing to invalidate yet; the
        // translator's code-page tracking hangs off this call.
    }

    // ---- the local exclusive monitor (Arm ARM B2.9) ----

    internal void ArmExclusive(ulong va, ulong size)
    {
        S.ExclusiveAddress = va;
        S.ExclusiveSize = size;
        S.ExclusiveArmed = 1;
    }

    internal bool ExclusiveMatches(ulong va, ulong size) =>
        S.ExclusiveArmed != 0 && S.ExclusiveAddress == va && S.ExclusiveSize == size;

    public void ClearExclusive() => S.ExclusiveArmed = 0;
}
