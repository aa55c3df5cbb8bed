using FastArm.Jit.Decode;

namespace FastArm.Jit.Semantics;

/// <summary>
/// Data processing (immediate), Arm ARM C4.1.86: PC-relative addressing, add/subtract (immediate), logical
/// (immediate), move wide, bitfield and extract. 32-bit forms compute on the low 32 bits and write the result
/// zero-extended, as X[d] = result of a 32-bit datasize does.
/// </summary>
public static class DataProcessingImmediate
{
    // ---- PC-rel. addressing (ADR, ADRP) ----

    /// <summary>ADR: X[d] = PC + SignExtend(immhi:immlo).</summary>
    public static void Adr<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        long imm = Bits.SignExtend((f.immhi << 2) | f.immlo, 21);
        e.SetX((int)f.Rd, e.Const(e.Pc + (ulong)imm));
    }

    /// <summary>ADRP: X[d] = PC with its low 12 bits cleared + SignExtend(immhi:immlo:Zeros(12)).</summary>
    public static void Adrp<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        long imm = Bits.SignExtend((f.immhi << 2) | f.immlo, 21) << 12;
        e.SetX((int)f.Rd, e.Const((e.Pc & ~0xFFFUL) + (ulong)imm));
    }

    // ---- Add/subtract (immediate) (ADD, ADDS, SUB, SUBS (immediate)) ----

    public static void AddImm<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => AddSubImmediate<E, V>(ref e, f, sub: false, setFlags: false);
    public static void AddsImm<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => AddSubImmediate<E, V>(ref e, f, sub: false, setFlags: true);
    public static void SubImm<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => AddSubImmediate<E, V>(ref e, f, sub: true, setFlags: false);
    public static void SubsImm<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => AddSubImmediate<E, V>(ref e, f, sub: true, setFlags: true);

    /// <summary>
    /// Rn = 31 reads SP; Rd = 31 writes SP, except for ADDS/SUBS, whose Rd = 31 is XZR (CMN, CMP).
    /// sh = 1 shifts imm12 left by 12 (in ARMv8.0 bit 23 is 0 and sh is bit 22).
    /// </summary>
    private static void AddSubImmediate<E, V>(ref E e, in Fields f, bool sub, bool setFlags) where E : struct, IA64Emitter<V>
    {
        int bits = f.sf == 1 ? 64 : 32;
        ulong imm = f.sh == 1 ? (ulong)f.imm12 << 12 : f.imm12;
        V n = f.Rn == 31 ? e.Sp() : e.X((int)f.Rn);
        // operand2 = NOT(imm) with carry 1 for subtraction (AddWithCarry is given the low bits only).
        V result = sub
            ? e.AddWithCarry(n, e.Const(~imm), e.Const(1), bits, setFlags)
            : e.AddWithCarry(n, e.Const(imm), e.Const(0), bits, setFlags);
        if (f.Rd == 31 && !setFlags) e.SetSp(result);
        else e.SetX((int)f.Rd, result);
    }

    // ---- Logical (immediate) (AND, ANDS, EOR, ORR (immediate)) ----

    public static void AndImm<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => LogicalImmediate<E, V>(ref e, f, 0);
    public static void OrrImm<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => LogicalImmediate<E, V>(ref e, f, 1);
    public static void EorImm<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => LogicalImmediate<E, V>(ref e, f, 2);
    public static void AndsImm<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => LogicalImmediate<E, V>(ref e, f, 3);

    /// <summary>
    /// opc 00 AND, 01 ORR, 10 EOR, 11 ANDS. N = 1 with sf = 0 is UNDEFINED, as is every reserved immediate
    /// DecodeBitMasks() rejects. Rd = 31 is SP except for ANDS (TST writes XZR); Rn = 31 is XZR.
    /// </summary>
    private static void LogicalImmediate<E, V>(ref E e, in Fields f, int opc) where E : struct, IA64Emitter<V>
    {
        int bits = f.sf == 1 ? 64 : 32;
        if (f.sf == 0 && f.N == 1) { e.Undefined(); return; }
        if (!BitMasks.TryDecode(f.N, f.imms, f.immr, immediate: true, bits, out ulong imm, out _)) { e.Undefined(); return; }
        V n = e.X((int)f.Rn);
        V result = opc switch
        {
            1 => e.Or(n, e.Const(imm)),
            2 => e.Xor(n, e.Const(imm)),
            _ => e.And(n, e.Const(imm)),
        };
        if (bits == 32) result = e.ZeroExtend(result, 32);
        if (opc == 3)
        {
            e.SetFlagsLogical(result, bits);
            e.SetX((int)f.Rd, result);
        }
        else if (f.Rd == 31) e.SetSp(result);
        else e.SetX((int)f.Rd, result);
    }

    // ---- Move wide (immediate) (MOVK, MOVN, MOVZ) ----

    public static void Movn<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        if (!MoveWidePosition(f, out int pos)) { e.Undefined(); return; }
        ulong result = ~((ulong)f.imm16 << pos);
        if (f.sf == 0) result &= 0xFFFF_FFFF;
        e.SetX((int)f.Rd, e.Const(result));
    }

    public static void Movz<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        if (!MoveWidePosition(f, out int pos)) { e.Undefined(); return; }
        e.SetX((int)f.Rd, e.Const((ulong)f.imm16 << pos));
    }

    /// <summary>MOVK keeps the other bits of Rd: result = X[d] with bits pos+15..pos replaced.</summary>
    public static void Movk<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        if (!MoveWidePosition(f, out int pos)) { e.Undefined(); return; }
        V old = e.X((int)f.Rd);
        V result = e.Or(e.And(old, e.Const(~(0xFFFFUL << pos))), e.Const((ulong)f.imm16 << pos));
        if (f.sf == 0) result = e.ZeroExtend(result, 32);
        e.SetX((int)f.Rd, result);
    }

    /// <summary>pos = UInt(hw:'0000'); sf = 0 with hw&lt;1&gt; = 1 is UNDEFINED.</summary>
    private static bool MoveWidePosition(in Fields f, out int pos)
    {
        pos = (int)f.hw * 16;
        return f.sf == 1 || (f.hw & 2) == 0;
    }

    // ---- Bitfield (BFM, SBFM, UBFM) ----

    public static void Sbfm<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => Bitfield<E, V>(ref e, f, inzero: true, extend: true);
    public static void Bfm<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => Bitfield<E, V>(ref e, f, inzero: false, extend: false);
    public static void Ubfm<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => Bitfield<E, V>(ref e, f, inzero: true, extend: false);

    /// <summary>
    /// The shared bitfield move: N must equal sf, and a 32-bit form must have immr&lt;5&gt; = imms&lt;5&gt; = 0.
    /// bot = (dst AND NOT(wmask)) OR (ROR(src, R) AND wmask); top = extend ? Replicate(src&lt;S&gt;) : dst;
    /// X[d] = (top AND NOT(tmask)) OR (bot AND tmask), with dst = inzero ? Zeros() : X[d].
    /// </summary>
    private static void Bitfield<E, V>(ref E e, in Fields f, bool inzero, bool extend) where E : struct, IA64Emitter<V>
    {
        int bits = f.sf == 1 ? 64 : 32;
        if (f.sf == 1 && f.N != 1) { e.Undefined(); return; }
        if (f.sf == 0 && (f.N != 0 || (f.immr & 0x20) != 0 || (f.imms & 0x20) != 0)) { e.Undefined(); return; }
        if (!BitMasks.TryDecode(f.N, f.imms, f.immr, immediate: false, bits, out ulong wmask, out ulong tmask)) { e.Undefined(); return; }
        int r = (int)f.immr, s = (int)f.imms;

        V src = e.X((int)f.Rn);
        V rotated = r == 0 ? src : e.Ror(src, e.Const((ulong)r), bits);
        V bot = e.And(rotated, e.Const(wmask));
        V dst = inzero ? e.Const(0) : e.X((int)f.Rd);
        if (!inzero) bot = e.Or(e.And(dst, e.Const(~wmask)), bot);

        V result;
        if (extend)
        {
            // Replicate(src<S>): the sign bit of the field, spread over the whole register.
            V top = e.SignExtend(e.Lsr(src, e.Const((ulong)s)), 1);
            result = e.Or(e.And(top, e.Const(~tmask)), e.And(bot, e.Const(tmask)));
        }
        else if (inzero)
            result = e.And(bot, e.Const(tmask));   // top = dst = Zeros()
        else
            result = e.Or(e.And(dst, e.Const(~tmask)), e.And(bot, e.Const(tmask)));
        if (bits == 32) result = e.ZeroExtend(result, 32);
        e.SetX((int)f.Rd, result);
    }

    // ---- Extract (EXTR) ----

    /// <summary>
    /// EXTR: result = (X[n]:X[m])&lt;lsb+datasize-1:lsb&gt;, lsb = imms. N must equal sf; a 32-bit form with
    /// imms&lt;5&gt; = 1 is UNDEFINED. (op21 != 00 and o0 = 1 are unallocated: the row fixes them.)
    /// </summary>
    public static void Extr<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        if (f.N != f.sf) { e.Undefined(); return; }
        if (f.sf == 0 && (f.imms & 0x20) != 0) { e.Undefined(); return; }
        int bits = f.sf == 1 ? 64 : 32;
        int lsb = (int)f.imms;
        V m = e.X((int)f.Rm);
        V result;
        if (lsb == 0)
            result = bits == 32 ? e.ZeroExtend(m, 32) : m;
        else if (bits == 64)
        {
            V n = e.X((int)f.Rn);
            result = e.Or(e.Lsr(m, e.Const((ulong)lsb)), e.Shl(n, e.Const((ulong)(64 - lsb))));
        }
        else
        {
            V n = e.X((int)f.Rn);
            V low = e.Lsr(e.ZeroExtend(m, 32), e.Const((ulong)lsb));
            V high = e.Shl(n, e.Const((ulong)(32 - lsb)));
            result = e.ZeroExtend(e.Or(low, high), 32);
        }
        e.SetX((int)f.Rd, result);
    }
}
