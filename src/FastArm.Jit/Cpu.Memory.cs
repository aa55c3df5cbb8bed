using System.Runtime.CompilerServices;
using FastArm.Jit.Exceptions;
using FastArm.Jit.Semantics;
using FastArm.SoftMmu.Bus;
using FastArm.SoftMmu.Tlb;

namespace FastArm.Jit;

public enum AccessType { Read, Write, Fetch }

/// <summary>A failed translation: the fault status code (DFSC/IFSC) and whether it happened on the table walk.</summary>
public readonly record struct TranslationFault(uint Status, bool S1ptw = false);

/// <summary>
/// Data accesses of the current instruction: alignment, translation, the bus, the exclusive monitor and the
/// LSE atomics. Every fault is delivered as the architectural Data Abort (FAR and ESR set) and the access
/// returns false; a faulting access changes neither memory nor registers. docs/notes/memory-access.md says
/// where QEMU 7.2 (the reference) and the Arm ARM leave choices and which one is taken here.
/// </summary>
public sealed unsafe partial class Cpu
{
    /// <summary>
    /// With the stage 1 MMU off, data accesses are Device-nGnRnE (Arm ARM D8.2.10), so architecturally an
    /// unaligned data access takes an alignment fault. QEMU 7.2 (the reference, <c>-M virt -cpu max</c>) does
    /// not check this: an unaligned LDR/STR with SCTLR_ELx.{M,A} = {0,0} just works there (see
    /// docs/notes/memory-access.md), and programs written against QEMU rely on it, so it is off by default.
    /// Turn it on for the strict architectural behaviour.
    /// </summary>
    public bool DeviceAlignmentWithMmuOff
    {
        get => _deviceAlignmentWithMmuOff;
        set { _deviceAlignmentWithMmuOff = value; FastTlb.FlushAll(); }   // what the fast TLB may hold changes
    }
    private bool _deviceAlignmentWithMmuOff;

    /// <summary>The EL whose translation regime applies at <paramref name="el"/> (EL0 in host, E2H = TGE = 1, uses EL2's).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int RegimeEl(int el) => el switch
    {
        3 => 3,
        2 => 2,
        1 => 1,
        _ => El0InHost ? 2 : 1,
    };

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
            // AArch64.TranslateAddressS1Off: the bits from AddrTop() down to PAMax must be zero, else an address
            // size fault at level 0; the top byte is ignored when TBI applies (QEMU does the same).
            int top = AddrTop(va, type == AccessType.Fetch, regime);
            int pabits = Config.PABits;
            ulong above = top >= 63 ? va >> pabits : (va & ((1UL << (top + 1)) - 1)) >> pabits;
            if (above != 0)
            {
                pa = 0;
                fault = new TranslationFault(FaultStatus.AddressSizeL0);
                return false;
            }
            pa = va & ((1UL << pabits) - 1);
            _lastBlockShift = 12;
            fault = default;
            return true;
        }
        return TranslateWithMmu(va, type, unprivileged, regime, out pa, out fault);
    }

    /// <summary>
    /// AddrTop(): 55 when the address tag is ignored (TCR_ELx.TBI/TBI0/TBI1 for the half of the address space
    /// bit 55 selects), else 63. Regimes with two VA ranges are EL1&amp;0 and EL2&amp;0 (HCR_EL2.E2H = 1).
    /// </summary>
    private int AddrTop(ulong va, bool isFetch, int regime)
    {
        ulong tcr = S.TCR[regime];
        bool tbi;
        if (regime == 1 || (regime == 2 && E2h))
            tbi = ((va >> 55) & 1) != 0 ? (tcr & (1UL << 38)) != 0 : (tcr & (1UL << 37)) != 0;
        else
            tbi = (tcr & (1UL << 20)) != 0;
        // TBID0/TBID1 (FEAT_PAuth) would exclude instruction fetches; without PAuth TBI covers both.
        _ = isFetch;
        return tbi ? 55 : 63;
    }

    /// <summary>The stage 1 table walk. Supplied by Cpu.Mmu.cs.</summary>
    private partial bool TranslateWithMmu(ulong va, AccessType type, bool unprivileged, int regime, out ulong pa, out TranslationFault fault);

    /// <summary>
    /// Whether an unaligned access of this kind takes an alignment fault (AArch64.CheckAlignment, without
    /// FEAT_LSE2): always for exclusives, atomics and acquire/release (<see cref="MemOp.AlignedOnly"/>), else when
    /// SCTLR_ELx.A is set, or for the Device memory of an MMU-off regime when <see cref="DeviceAlignmentWithMmuOff"/>.
    /// </summary>
    private bool AlignmentRequired(MemOp op)
    {
        if ((op & MemOp.AlignedOnly) != 0) return true;
        int regime = RegimeEl(S.EL);
        ulong sctlr = S.SCTLR[regime];
        if ((sctlr & 2) != 0) return true;   // SCTLR_ELx.A
        return DeviceAlignmentWithMmuOff && (sctlr & 1) == 0;
    }

    /// <summary>
    /// LDTR/STTR and friends (AccType_UNPRIV): checked with EL0 permissions when executed at EL1 or at EL2 in the
    /// EL2&amp;0 regime (HCR_EL2.{E2H,TGE} = {1,1}), unless PSTATE.UAO is set. Elsewhere they are normal accesses.
    /// </summary>
    private bool IsUnprivileged(MemOp op)
    {
        if ((op & MemOp.Unprivileged) == 0) return false;
        if ((S.PStateOther & FastArm.Jit.State.CpuState.PStateUAO) != 0) return false;
        return S.EL == 1 || (S.EL == 2 && RegimeEl(0) == 2);
    }

    // ---- plain loads and stores ----

    /// <summary>The fast TLB context of the current EL and PSTATE.PAN.</summary>
    internal int FastContext
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (S.EL << 1) | (int)((S.PStateOther >> 22) & 1);
    }

    /// <summary>A data read of 1, 2, 4 or 8 bytes by the current instruction; on a fault, takes the data abort and returns false.</summary>
    /// <summary>
    /// What the fast TLB's tag is compared with for an access of <paramref name="size"/> bytes at <paramref name="va"/>:
    /// the page of its last byte, so an access that crosses into the next page misses; with
    /// <see cref="MemOp.AlignedOnly"/> the low bits too, so a misaligned one misses. Other unaligned accesses hit: the
    /// fast TLB holds nothing while SCTLR.A (or the strict MMU-off Device rule) asks for alignment checks
    /// (<see cref="FillFastTlb"/>). Generated code computes the same (Translator/IlEmitter.cs).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong FastTlbCompare(ulong va, int size, MemOp op) =>
        (op & MemOp.AlignedOnly) != 0 ? va & (FastTlb.PageMask | (ulong)(size - 1)) : (va + (ulong)(size - 1)) & FastTlb.PageMask;

    /// <summary>
    /// After a slow-path data access to RAM at <paramref name="va"/> (host byte <paramref name="host"/>, physical
    /// <paramref name="pa"/>): later accesses of its page may take the fast path, unless they are unprivileged ones
    /// (checked as EL0), a memory hook watches, misaligned accesses must fault, or (writes) the page holds code.
    /// </summary>
    private void FillFastTlb(ulong va, byte* host, ulong pa, FastAccess kind, MemOp op)
    {
        if ((op & MemOp.Unprivileged) != 0 || MemoryHook != null || AlignmentRequired(MemOp.None)) return;
        if (kind == FastAccess.Write && Bus.CodePages.Contains(pa)) return;
        FastTlb.Fill(FastContext, va, host - (pa & 0xFFF), kind, _lastBlockShift);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryRead(ulong va, int size, MemOp op, out ulong value)
    {
        ref FastTlbEntry fe = ref FastTlb.Table(FastContext)[FastTlb.IndexOf(va)];
        if (FastTlbCompare(va, size, op) == fe.ReadTag && (op & MemOp.Unprivileged) == 0)
        {
            byte* h = (byte*)(va + (ulong)fe.Addend);
            value = size switch { 1 => *h, 2 => Unsafe.ReadUnaligned<ushort>(h), 4 => Unsafe.ReadUnaligned<uint>(h), _ => Unsafe.ReadUnaligned<ulong>(h) };
            return true;
        }
        return TryReadSlow(va, size, op, out value);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryReadSlow(ulong va, int size, MemOp op, out ulong value)
    {
        // Aligned or allowed, within one 4 KB page, in RAM: translate and fill the fast TLB.
        if (((va & (ulong)(size - 1)) == 0 || !AlignmentRequired(op)) && (va & 0xFFF) + (ulong)size <= 0x1000
            && Translate(va, AccessType.Read, IsUnprivileged(op), out ulong pa, out _))
        {
            byte* p = Bus.RamPointer(pa, (ulong)size, false);
            if (p != null)
            {
                value = size switch { 1 => *p, 2 => Unsafe.ReadUnaligned<ushort>(p), 4 => Unsafe.ReadUnaligned<uint>(p), _ => Unsafe.ReadUnaligned<ulong>(p) };
                MemoryHook?.Invoke(new MemoryAccess(S.PC, va, pa, size, false, value));
                FillFastTlb(va, p, pa, FastAccess.Read, op);
                return true;
            }
        }
        bool ok = AccessSlow(va, size, isWrite: false, op, out value, out _, 0, 0);
        return ok;
    }

    /// <summary>A data write of 1, 2, 4 or 8 bytes by the current instruction; on a fault, takes the data abort and returns false.
    /// With <see cref="MemOp.Probe"/> it only checks that the write would not fault.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryWrite(ulong va, int size, ulong value, MemOp op)
    {
        ref FastTlbEntry fe = ref FastTlb.Table(FastContext)[FastTlb.IndexOf(va)];
        if (FastTlbCompare(va, size, op) == fe.WriteTag && (op & MemOp.Unprivileged) == 0)
        {
            if ((op & MemOp.Probe) != 0) return true;
            byte* h = (byte*)(va + (ulong)fe.Addend);
            switch (size)
            {
                case 1: *h = (byte)value; break;
                case 2: Unsafe.WriteUnaligned(h, (ushort)value); break;
                case 4: Unsafe.WriteUnaligned(h, (uint)value); break;
                default: Unsafe.WriteUnaligned(h, value); break;
            }
            return true;
        }
        return TryWriteSlow(va, size, value, op);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryWriteSlow(ulong va, int size, ulong value, MemOp op)
    {
        if (((va & (ulong)(size - 1)) == 0 || !AlignmentRequired(op)) && (va & 0xFFF) + (ulong)size <= 0x1000
            && Translate(va, AccessType.Write, IsUnprivileged(op), out ulong pa, out _))
        {
            byte* p = Bus.RamPointer(pa, (ulong)size, true);
            if (p != null)
            {
                // A probe (the check before a store pair) fills too: the store that follows hits.
                FillFastTlb(va, p, pa, FastAccess.Write, op);
                if ((op & MemOp.Probe) != 0) return true;
                switch (size)
                {
                    case 1: *p = (byte)value; break;
                    case 2: Unsafe.WriteUnaligned(p, (ushort)value); break;
                    case 4: Unsafe.WriteUnaligned(p, (uint)value); break;
                    default: Unsafe.WriteUnaligned(p, value); break;
                }
                if (Bus.CodePages.Contains(pa)) CodeWritten(pa, size);
                MemoryHook?.Invoke(new MemoryAccess(S.PC, va, pa, size, true, Truncate(value, size * 8)));
                return true;
            }
        }
        return AccessSlow(va, size, isWrite: true, op, out _, out _, value, 0);
    }

    /// <summary>A 16-byte read (LDR Q, LDXP of X registers): alignment is that of 16 bytes.</summary>
    public bool TryRead128(ulong va, MemOp op, out ulong lo, out ulong hi)
    {
        ref FastTlbEntry fe = ref FastTlb.Table(FastContext)[FastTlb.IndexOf(va)];
        if (FastTlbCompare(va, 16, op) == fe.ReadTag && (op & MemOp.Unprivileged) == 0)
        {
            byte* h = (byte*)(va + (ulong)fe.Addend);
            lo = Unsafe.ReadUnaligned<ulong>(h);
            hi = Unsafe.ReadUnaligned<ulong>(h + 8);
            return true;
        }
        return AccessSlow(va, 16, isWrite: false, op, out lo, out hi, 0, 0);
    }

    /// <summary>A 16-byte write; nothing is written unless all of it can be.</summary>
    public bool TryWrite128(ulong va, ulong lo, ulong hi, MemOp op)
    {
        ref FastTlbEntry fe = ref FastTlb.Table(FastContext)[FastTlb.IndexOf(va)];
        if (FastTlbCompare(va, 16, op) == fe.WriteTag && (op & MemOp.Unprivileged) == 0)
        {
            if ((op & MemOp.Probe) != 0) return true;
            byte* h = (byte*)(va + (ulong)fe.Addend);
            Unsafe.WriteUnaligned(h, lo);
            Unsafe.WriteUnaligned(h + 8, hi);
            return true;
        }
        return AccessSlow(va, 16, isWrite: true, op, out _, out _, lo, hi);
    }

    /// <summary>Where one part of an access goes: RAM (a host pointer), a device, or a ROM that ignores writes.</summary>
    private struct Piece
    {
        public ulong Va, Pa;
        public int Offset, Length;
        public byte* Ram;
        public bool Mmio, IgnoredWrite;
    }

    /// <summary>
    /// The general access: the alignment check, translation of every 4 KB page it touches (first page first), a
    /// check that the bus answers every byte, and only then the transfer, so that a fault on any part leaves
    /// memory as it was. The FAR of a fault is the address of the faulting part: the access address, or the
    /// first byte of the second page (what QEMU reports too).
    /// </summary>
    private bool AccessSlow(ulong va, int size, bool isWrite, MemOp op, out ulong lo, out ulong hi, ulong storeLo, ulong storeHi)
    {
        lo = hi = 0;
        if ((va & (ulong)(size - 1)) != 0 && AlignmentRequired(op))
        {
            DataAbort(va, FaultStatus.Alignment, isWrite, s1ptw: false);
            return false;
        }
        Span<Piece> pieces = stackalloc Piece[2];
        int count = (va & 0xFFF) + (ulong)size > 0x1000 ? 2 : 1;
        int first = count == 2 ? (int)(0x1000 - (va & 0xFFF)) : size;
        pieces[0] = new Piece { Va = va, Offset = 0, Length = first };
        if (count == 2) pieces[1] = new Piece { Va = va + (ulong)first, Offset = first, Length = size - first };
        bool unpriv = IsUnprivileged(op);
        for (int i = 0; i < count; i++)
        {
            if (!Translate(pieces[i].Va, isWrite ? AccessType.Write : AccessType.Read, unpriv, out ulong pa, out var fault))
            {
                DataAbort(pieces[i].Va, fault.Status, isWrite, fault.S1ptw);
                return false;
            }
            pieces[i].Pa = pa;
        }
        for (int i = 0; i < count; i++)
        {
            if (!Resolve(ref pieces[i], isWrite))
            {
                DataAbort(pieces[i].Va, FaultStatus.SyncExternal, isWrite, false);
                return false;
            }
        }
        if ((op & MemOp.Probe) != 0) return true;

        Span<byte> data = stackalloc byte[16];
        if (isWrite)
        {
            Unsafe.WriteUnaligned(ref data[0], storeLo);
            Unsafe.WriteUnaligned(ref data[8], storeHi);
            for (int i = 0; i < count; i++) WritePiece(in pieces[i], data.Slice(pieces[i].Offset, pieces[i].Length), size);
            lo = size < 8 ? Truncate(storeLo, size * 8) : storeLo;
            hi = storeHi;
        }
        else
        {
            data.Clear();
            for (int i = 0; i < count; i++) ReadPiece(in pieces[i], data.Slice(pieces[i].Offset, pieces[i].Length), size);
            lo = Unsafe.ReadUnaligned<ulong>(ref data[0]);
            hi = Unsafe.ReadUnaligned<ulong>(ref data[8]);
            if (size < 8) lo &= (1UL << (size * 8)) - 1;
        }
        // One page of RAM (a 16-byte access, or a misaligned one that may not fault): later ones take the fast path.
        if (count == 1 && pieces[0].Ram != null)
            FillFastTlb(va, pieces[0].Ram, pieces[0].Pa, isWrite ? FastAccess.Write : FastAccess.Read, op);
        if (MemoryHook != null)
        {
            if (size <= 8) MemoryHook(new MemoryAccess(S.PC, va, pieces[0].Pa, size, isWrite, lo));
            else
            {
                MemoryHook(new MemoryAccess(S.PC, va, pieces[0].Pa, 8, isWrite, lo));
                ulong pa8 = count == 2 && pieces[0].Length <= 8 ? pieces[1].Pa + (ulong)(8 - pieces[0].Length) : pieces[0].Pa + 8;
                MemoryHook(new MemoryAccess(S.PC, va + 8, pa8, 8, isWrite, hi));
            }
        }
        return true;
    }

    /// <summary>Finds what answers a piece on the bus; false when some byte of it hits nothing (an external abort).</summary>
    private bool Resolve(ref Piece p, bool isWrite)
    {
        p.Ram = Bus.RamPointer(p.Pa, (ulong)p.Length, isWrite);
        if (p.Ram != null) return true;
        if (Bus.FindMmio(p.Pa) is { } m)
        {
            if (p.Pa + (ulong)p.Length - m.Base > m.Size) return false;
            p.Mmio = true;
            return true;
        }
        // A write to ROM is ignored, as on a real ROM; it is not an abort.
        if (isWrite && Bus.FindRam(p.Pa) is { } r && r.Contains(p.Pa, (ulong)p.Length))
        {
            p.IgnoredWrite = true;
            return true;
        }
        return false;
    }

    private void ReadPiece(in Piece p, Span<byte> dest, int accessSize)
    {
        if (p.Ram != null)
        {
            new ReadOnlySpan<byte>(p.Ram, p.Length).CopyTo(dest);
            return;
        }
        // A device sees the access at its natural size where it can (a 16-byte access as two doublewords);
        // parts of a page-crossing access go byte by byte.
        int unit = p.Length == accessSize && accessSize <= 8 ? accessSize : p.Length % 8 == 0 ? 8 : 1;
        for (int off = 0; off < p.Length; off += unit)
        {
            Bus.TryRead(p.Pa + (ulong)off, unit, out ulong v);
            for (int b = 0; b < unit; b++) dest[off + b] = (byte)(v >> (8 * b));
        }
    }

    private void WritePiece(in Piece p, ReadOnlySpan<byte> src, int accessSize)
    {
        if (p.IgnoredWrite) return;
        if (p.Ram != null)
        {
            src.CopyTo(new Span<byte>(p.Ram, p.Length));
            CodeWritten(p.Pa, p.Length);
            return;
        }
        int unit = p.Length == accessSize && accessSize <= 8 ? accessSize : p.Length % 8 == 0 ? 8 : 1;
        for (int off = 0; off < p.Length; off += unit)
        {
            ulong v = 0;
            for (int b = 0; b < unit; b++) v |= (ulong)src[off + b] << (8 * b);
            Bus.TryWrite(p.Pa + (ulong)off, unit, v);
        }
    }

    // ---- atomic read-modify-write accesses (LSE, exclusives) ----

    /// <summary>
    /// Finds the memory of an atomic access (naturally aligned, so within one page): the alignment check, a
    /// translation for reading and one for writing, and the bus. A fault is reported as the Arm ARM asks for
    /// atomics (ESR.WnR = 0 when a read would have faulted too, else 1); QEMU 7.2 agrees for alignment and
    /// external aborts. <paramref name="writeOnly"/> is for STXR/STXP, whose faults are write faults.
    /// </summary>
    private bool ResolveAtomic(ulong va, int size, MemOp op, bool writeOnly, out Piece piece)
    {
        piece = new Piece { Va = va, Length = size };
        if ((va & (ulong)(size - 1)) != 0)
        {
            DataAbort(va, FaultStatus.Alignment, isWrite: writeOnly, s1ptw: false);
            return false;
        }
        bool unpriv = IsUnprivileged(op);
        TranslationFault fault;
        ulong pa;
        if (!writeOnly && !Translate(va, AccessType.Read, unpriv, out pa, out fault))
        {
            DataAbort(va, fault.Status, false, fault.S1ptw);
            return false;
        }
        if (!Translate(va, AccessType.Write, unpriv, out pa, out fault))
        {
            DataAbort(va, fault.Status, true, fault.S1ptw);
            return false;
        }
        piece.Pa = pa;
        // The read half needs a readable target; a write to ROM is ignored as for plain stores.
        piece.Ram = Bus.RamPointer(pa, (ulong)size, true);
        if (piece.Ram == null && !Resolve(ref piece, isWrite: true))
        {
            DataAbort(va, FaultStatus.SyncExternal, writeOnly, false);
            return false;
        }
        if (piece.IgnoredWrite) piece.Ram = Bus.RamPointer(pa, (ulong)size, false);
        return true;
    }

    /// <summary>Reads a resolved atomic location (up to 16 bytes, as lo/hi).</summary>
    private void AtomicRead(in Piece p, out ulong lo, out ulong hi)
    {
        Span<byte> data = stackalloc byte[16];
        data.Clear();
        if (p.Ram != null) new ReadOnlySpan<byte>(p.Ram, p.Length).CopyTo(data);
        else ReadPiece(in p, data[..p.Length], p.Length);
        lo = Unsafe.ReadUnaligned<ulong>(ref data[0]);
        hi = Unsafe.ReadUnaligned<ulong>(ref data[8]);
        if (p.Length < 8) lo &= (1UL << (p.Length * 8)) - 1;
        MemoryHook?.Invoke(new MemoryAccess(S.PC, p.Va, p.Pa, Math.Min(p.Length, 8), false, lo));
        if (p.Length == 16) MemoryHook?.Invoke(new MemoryAccess(S.PC, p.Va + 8, p.Pa + 8, 8, false, hi));
    }

    private void AtomicWrite(in Piece p, ulong lo, ulong hi)
    {
        if (p.IgnoredWrite) return;
        Span<byte> data = stackalloc byte[16];
        Unsafe.WriteUnaligned(ref data[0], lo);
        Unsafe.WriteUnaligned(ref data[8], hi);
        if (p.Ram != null)
        {
            data[..p.Length].CopyTo(new Span<byte>(p.Ram, p.Length));
            CodeWritten(p.Pa, p.Length);
        }
        else WritePiece(in p, data[..p.Length], p.Length);
        MemoryHook?.Invoke(new MemoryAccess(S.PC, p.Va, p.Pa, Math.Min(p.Length, 8), true, lo));
        if (p.Length == 16) MemoryHook?.Invoke(new MemoryAccess(S.PC, p.Va + 8, p.Pa + 8, 8, true, hi));
    }

    /// <summary>LDADD, LDCLR, LDEOR, LDSET, LDSMAX, LDSMIN, LDUMAX, LDUMIN, SWP (Arm ARM MemAtomic()): returns the old value.</summary>
    public bool TryAtomicRmw(ulong va, int size, AtomicOp kind, ulong operand, MemOp op, out ulong old)
    {
        old = 0;
        if (!ResolveAtomic(va, size, op, writeOnly: false, out var p)) return false;
        AtomicRead(in p, out old, out _);
        int bits = size * 8;
        ulong result = kind switch
        {
            AtomicOp.Add => old + operand,
            AtomicOp.Clr => old & ~operand,
            AtomicOp.Eor => old ^ operand,
            AtomicOp.Set => old | operand,
            AtomicOp.SMax => SignExtend(old, bits) >= SignExtend(operand, bits) ? old : operand,
            AtomicOp.SMin => SignExtend(old, bits) <= SignExtend(operand, bits) ? old : operand,
            AtomicOp.UMax => old >= Truncate(operand, bits) ? old : operand,
            AtomicOp.UMin => old <= Truncate(operand, bits) ? old : operand,
            _ => operand,
        };
        AtomicWrite(in p, Truncate(result, bits), 0);
        return true;
    }

    /// <summary>
    /// CAS (Arm ARM MemAtomicCompareAndSwap()): the location is translated for writing whether or not the
    /// comparison succeeds (so a read-only page faults either way, as in QEMU), and written only when it does.
    /// <paramref name="size"/> is 1..8, or 16 for CASP of X registers (expected/desired as lo/hi pairs).
    /// </summary>
    public bool TryCompareAndSwap(ulong va, int size, ulong expectedLo, ulong expectedHi, ulong desiredLo, ulong desiredHi, MemOp op, out ulong oldLo, out ulong oldHi)
    {
        oldLo = oldHi = 0;
        if (!ResolveAtomic(va, size, op, writeOnly: false, out var p)) return false;
        AtomicRead(in p, out oldLo, out oldHi);
        int bits = Math.Min(size, 8) * 8;
        if (oldLo == Truncate(expectedLo, bits) && (size < 16 || oldHi == expectedHi))
            AtomicWrite(in p, Truncate(desiredLo, bits), desiredHi);
        return true;
    }

    private static long SignExtend(ulong v, int bits) => bits >= 64 ? (long)v : (long)(v << (64 - bits)) >> (64 - bits);
    private static ulong Truncate(ulong v, int bits) => bits >= 64 ? v : v & ((1UL << bits) - 1);

    // ---- the local exclusive monitor (Arm ARM B2.9, AArch64.ExclusiveMonitorsPass) ----
    //
    // The monitor holds the address of the last LDXR/LDXP and the value it read. A store-exclusive passes when
    // the monitor is armed for exactly its address and memory still holds that value; it then writes, and in
    // every case the monitor is cleared. This is QEMU's model (a compare-and-exchange against the value seen
    // by the load) and it gives the same answers as QEMU where the architecture lets an implementation
    // choose: a plain store of a different value to the location makes the STXR fail, a store of the same
    // value or to other bytes does not, a size that differs from the LDXR's passes only if the bytes compare
    // equal, an address that differs fails. CLREX and exception return clear the monitor.

    /// <summary>LDXR/LDAXR (1..8 bytes) and LDXP/LDAXP (8 or 16 bytes): an aligned read that arms the monitor.</summary>
    public bool TryLoadExclusive(ulong va, int size, MemOp op, out ulong lo, out ulong hi)
    {
        bool ok;
        if (size == 16) ok = TryRead128(va, op | MemOp.AlignedOnly, out lo, out hi);
        else
        {
            hi = 0;
            ok = TryRead(va, size, op | MemOp.AlignedOnly, out lo);
        }
        if (!ok) return false;
        S.ExclusiveAddress = va;
        S.ExclusiveSize = (ulong)size;
        S.ExclusiveArmed = 1;
        S.ExclusiveValue = lo;
        // Only a pair load sets the high half the pair store compares against (QEMU keeps it apart too).
        if (size == 16) S.ExclusiveHigh = hi;
        return true;
    }

    /// <summary>
    /// STXR/STLXR (1..8 bytes) and STXP/STLXP (8 or 16 bytes). <paramref name="status"/> is 0 when stored, 1 when
    /// not. The monitor is checked before the access: a store-exclusive whose address the monitor does not hold
    /// fails without any memory abort, not even an alignment fault (the Arm ARM makes the order IMPLEMENTATION
    /// DEFINED; QEMU 7.2 checks the monitor first).
    /// </summary>
    public bool TryStoreExclusive(ulong va, int size, ulong lo, ulong hi, MemOp op, out ulong status)
    {
        status = 1;
        bool armed = S.ExclusiveArmed != 0 && S.ExclusiveAddress == va;
        if (!armed)
        {
            ClearExclusive();
            return true;
        }
        if (!ResolveAtomic(va, size, op, writeOnly: true, out var p)) return false;
        ClearExclusive();
        AtomicRead(in p, out ulong curLo, out ulong curHi);
        if (curLo != S.ExclusiveValue || (size == 16 && curHi != S.ExclusiveHigh)) return true;
        AtomicWrite(in p, size < 8 ? Truncate(lo, size * 8) : lo, hi);
        status = 0;
        return true;
    }

    public void ClearExclusive() => S.ExclusiveArmed = 0;

    // ---- instruction fetch and debugger access ----

    /// <summary>Fetches the instruction at <paramref name="va"/>; on a fault, takes the instruction abort.</summary>
    public bool TryFetch(ulong va, out uint word)
    {
        ref FastTlbEntry fe = ref FastTlb.Table(FastContext)[FastTlb.IndexOf(va)];
        if ((va & FastTlb.PageMask) == fe.FetchTag)
        {
            word = *(uint*)(va + (ulong)fe.Addend);
            return true;
        }
        if (!Translate(va, AccessType.Fetch, false, out ulong pa, out var fault))
        {
            word = 0;
            InstructionAbort(va, fault.Status, fault.S1ptw);
            return false;
        }
        byte* p = Bus.RamPointer(pa, 4, false);
        if (p != null)
        {
            word = *(uint*)p;
            FastTlb.Fill(FastContext, va, p - (pa & 0xFFF), FastAccess.Fetch, _lastBlockShift);
            return true;
        }
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

    /// <summary>A write to physical memory at <paramref name="pa"/>: code made from that page is dropped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CodeWritten(ulong pa, int size) => Bus.CodePages.Written(pa, size);
}
