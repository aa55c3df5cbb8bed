using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using FastArm.Jit.State;

namespace FastArm.Jit.Fp;

/// <summary>A 128-bit vector register value with Arm's Elem[] accessor (element i of esize bits, element 0 lowest).</summary>
public struct V128
{
    public ulong Lo, Hi;

    public V128(ulong lo, ulong hi) { Lo = lo; Hi = hi; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ulong Get(int i, int esize)
    {
        int bit = i * esize;
        ulong w = bit < 64 ? Lo : Hi;
        if (esize == 64) return w;
        return (w >> (bit & 63)) & ((1UL << esize) - 1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Set(int i, int esize, ulong v)
    {
        int bit = i * esize;
        if (esize == 64)
        {
            if (bit < 64) Lo = v; else Hi = v;
            return;
        }
        int sh = bit & 63;
        ulong mask = ((1UL << esize) - 1) << sh;
        v = (v << sh) & mask;
        if (bit < 64) Lo = (Lo & ~mask) | v; else Hi = (Hi & ~mask) | v;
    }

    public readonly byte Byte(int i) => (byte)Get(i, 8);
}

/// <summary>
/// One element operation of an AdvSIMD instruction: <paramref name="d"/> is the destination element (for
/// accumulating forms), <paramref name="a"/> and <paramref name="b"/> the operands (raw bits, zero-extended),
/// <paramref name="esize"/> the operand element size and <paramref name="p"/> decode-time options of the op.
/// Saturation sets FPSR.QC through <paramref name="s"/>; FP ops read FPCR and accumulate FPSR there.
/// </summary>
public interface IElementOp
{
    static abstract ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p);

    /// <summary>
    /// Optional whole-register form of <see cref="Op"/> on 128-bit host vectors (operand 2 from Vm, or the
    /// immediate <paramref name="imm"/>); false when this op or these options have none. Must give exactly
    /// what the element loop gives on every element.
    /// </summary>
    static virtual bool TryVector(int esize, int p, Vector128<ulong> d, Vector128<ulong> a, Vector128<ulong> b, int imm, out Vector128<ulong> r)
    {
        r = default;
        return false;
    }
}

/// <summary>
/// The shapes of AdvSIMD instructions (Arm ARM C7.2): element-wise, pairwise, long, wide, narrow, across
/// lanes, each a loop over elements calling an <see cref="IElementOp"/>. Every helper takes the decode-time
/// word <c>c</c>: bits 1..0 = log2(esize/8) of the operand elements, bit 2 = Q, bit 3 = scalar, bits 5..4 =
/// where operand 2 comes from (0 = Vm, 1 = the immediate passed as m, 2 = element <c>index</c> of Vm), bits
/// 11..8 = index, bits 31..16 = the op's options.
/// </summary>
public static unsafe class SimdCore
{
    public const int Scalar = 1 << 3, FromImm = 1 << 4, FromElement = 2 << 4;

    /// <summary>Builds c: <paramref name="bmode"/> is 0, <see cref="FromImm"/> or <see cref="FromElement"/>.</summary>
    public static int Pack(int size, int q, bool scalar = false, int bmode = 0, int index = 0, int p = 0) =>
        size | q << 2 | (scalar ? Scalar : 0) | bmode | index << 8 | p << 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 Read(ref CpuState s, int n) => new(s.V[n * 2], s.V[n * 2 + 1]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(ref CpuState s, int d, V128 v)
    {
        s.V[d * 2] = v.Lo;
        s.V[d * 2 + 1] = v.Hi;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ESize(int c) => 8 << (c & 3);

    /// <summary>Vn as a host vector (the vector forms' <see cref="Read"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> ReadVector(ref CpuState s, int n) => Vector128.Create(s.V[n * 2], s.V[n * 2 + 1]);

    /// <summary>Vd = <paramref name="v"/>, or only its low half with the upper one zeroed (<paramref name="q"/> false).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteVector(ref CpuState s, int d, Vector128<ulong> v, bool q)
    {
        s.V[d * 2] = v.GetElement(0);
        s.V[d * 2 + 1] = q ? v.GetElement(1) : 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int DataSize(int c) => (c & Scalar) != 0 ? ESize(c) : (c & 4) != 0 ? 128 : 64;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Operand2(in V128 b, int m, int i, int esize, int c) => ((c >> 4) & 3) switch
    {
        0 => b.Get(i, esize),
        1 => (ulong)(long)m,
        _ => b.Get((c >> 8) & 15, esize),
    };

    /// <summary>Element-wise: result[i] = op(d[i], n[i], operand2[i]) for datasize/esize elements; the rest of Vd is zeroed.</summary>
    public static void Elementwise<T>(ref CpuState s, int d, int n, int m, int c) where T : IElementOp
    {
        if (TryElementwiseVector<T>(ref s, d, n, m, c)) return;
        int esize = ESize(c), elements = DataSize(c) / esize, p = c >> 16;
        V128 a = Read(ref s, n), dv = Read(ref s, d);
        V128 b = ((c >> 4) & 3) == 1 ? default : Read(ref s, m);
        V128 r = default;
        for (int i = 0; i < elements; i++)
            r.Set(i, esize, T.Op(ref s, dv.Get(i, esize), a.Get(i, esize), Operand2(b, m, i, esize, c), esize, p));
        Write(ref s, d, r);
    }

    /// <summary>
    /// <see cref="Elementwise{T}"/> on whole host vectors, when the op has that form for these options (false:
    /// nothing done). Generated code calls it first with constant arguments: inlined, the checks and the op's switch
    /// fold away and an instruction such as CMEQ is one vector compare between its register loads and stores.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryElementwiseVector<T>(ref CpuState s, int d, int n, int m, int c) where T : IElementOp
    {
        if ((c & (Scalar | FromElement)) != 0) return false;
        var b = ((c >> 4) & 3) == 1 ? default : ReadVector(ref s, m);
        if (!T.TryVector(ESize(c), c >> 16, ReadVector(ref s, d), ReadVector(ref s, n), b, m, out var vr)) return false;
        WriteVector(ref s, d, vr, (c & 4) != 0);
        return true;
    }

    /// <summary><see cref="Pairwise{T}"/> on whole host vectors (UMAXP, ADDP...: the op of the even and the odd elements
    /// of Vm:Vn), when the op has a vector form; false: nothing done. Inlined into generated code like
    /// <see cref="TryElementwiseVector{T}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryPairwiseVector<T>(ref CpuState s, int d, int n, int m, int c) where T : IElementOp
    {
        if ((c & Scalar) != 0) return false;
        int esize = ESize(c);
        bool q = (c & 4) != 0;
        // 64-bit forms: Vm:Vn is one 128-bit vector (its even and odd elements fill the low halves).
        var x = q ? ReadVector(ref s, n) : Vector128.Create(s.V[n * 2], s.V[m * 2]);
        var y = q ? ReadVector(ref s, m) : default;
        var (evens, odds) = Unzip(x, y, esize);
        if (!T.TryVector(esize, c >> 16, default, evens, odds, 0, out var r)) return false;
        WriteVector(ref s, d, r, q);
        return true;
    }

    /// <summary>The even and the odd elements of the 256-bit x:y (x low), each as one vector (UZP1, UZP2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<ulong> Evens, Vector128<ulong> Odds) Unzip(Vector128<ulong> x, Vector128<ulong> y, int esize)
    {
        Vector128<ulong> ex, ox, ey, oy;   // the even (odd) elements of x (y) in the low 64 bits
        switch (esize)
        {
            case 8:
                var e8 = Vector128.Create((byte)0, 2, 4, 6, 8, 10, 12, 14, 0, 2, 4, 6, 8, 10, 12, 14);
                var o8 = Vector128.Create((byte)1, 3, 5, 7, 9, 11, 13, 15, 1, 3, 5, 7, 9, 11, 13, 15);
                ex = Vector128.Shuffle(x.AsByte(), e8).AsUInt64(); ox = Vector128.Shuffle(x.AsByte(), o8).AsUInt64();
                ey = Vector128.Shuffle(y.AsByte(), e8).AsUInt64(); oy = Vector128.Shuffle(y.AsByte(), o8).AsUInt64();
                break;
            case 16:
                var e16 = Vector128.Create((ushort)0, 2, 4, 6, 0, 2, 4, 6);
                var o16 = Vector128.Create((ushort)1, 3, 5, 7, 1, 3, 5, 7);
                ex = Vector128.Shuffle(x.AsUInt16(), e16).AsUInt64(); ox = Vector128.Shuffle(x.AsUInt16(), o16).AsUInt64();
                ey = Vector128.Shuffle(y.AsUInt16(), e16).AsUInt64(); oy = Vector128.Shuffle(y.AsUInt16(), o16).AsUInt64();
                break;
            case 32:
                var e32 = Vector128.Create(0u, 2, 0, 2);
                var o32 = Vector128.Create(1u, 3, 1, 3);
                ex = Vector128.Shuffle(x.AsUInt32(), e32).AsUInt64(); ox = Vector128.Shuffle(x.AsUInt32(), o32).AsUInt64();
                ey = Vector128.Shuffle(y.AsUInt32(), e32).AsUInt64(); oy = Vector128.Shuffle(y.AsUInt32(), o32).AsUInt64();
                break;
            default:
                return (Vector128.Create(x.GetElement(0), y.GetElement(0)), Vector128.Create(x.GetElement(1), y.GetElement(1)));
        }
        return (Vector128.Create(ex.ToScalar(), ey.ToScalar()), Vector128.Create(ox.ToScalar(), oy.ToScalar()));
    }

    /// <summary><see cref="Narrow{T}"/> of a plain shift (SHRN, XTN and their "2" forms: no rounding, no saturation) on
    /// whole host vectors; false for every other narrowing op. Inlined into generated code.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryNarrowVector<T>(ref CpuState s, int d, int n, int m, int c) where T : IElementOp
    {
        // The truncated bits of a 2*esize element shifted right by at most esize do not depend on its signedness (p bit 0).
        if (typeof(T) != typeof(ShiftNarrowOp) || (c & Scalar) != 0 || ((c >> 16) & ~1) != 0 || ((c >> 4) & 3) != 1) return false;
        var a = ReadVector(ref s, n);
        ulong half = (c & 3) switch
        {
            0 => Vector128.Narrow(Vector128.ShiftRightLogical(a.AsUInt16(), m), Vector128<ushort>.Zero).AsUInt64().ToScalar(),
            1 => Vector128.Narrow(Vector128.ShiftRightLogical(a.AsUInt32(), m), Vector128<uint>.Zero).AsUInt64().ToScalar(),
            _ => Vector128.Narrow(Vector128.ShiftRightLogical(a, m), Vector128<ulong>.Zero).AsUInt64().ToScalar(),
        };
        if ((c & 4) != 0) s.V[d * 2 + 1] = half;   // the "2" form: the upper half, the lower one kept
        else
        {
            s.V[d * 2] = half;
            s.V[d * 2 + 1] = 0;
        }
        return true;
    }

    /// <summary>Pairwise: the elements of Vm:Vn taken in adjacent pairs (ADDP, SMAXP, FADDP, ...).</summary>
    public static void Pairwise<T>(ref CpuState s, int d, int n, int m, int c) where T : IElementOp
    {
        if (TryPairwiseVector<T>(ref s, d, n, m, c)) return;
        int esize = ESize(c), p = c >> 16;
        V128 a = Read(ref s, n), b = Read(ref s, m), r = default;
        if ((c & Scalar) != 0)
        {
            // Scalar pairwise: the two elements of Vn (2D for integers, 2S or 2D for FP).
            r.Set(0, esize, T.Op(ref s, 0, a.Get(0, esize), a.Get(1, esize), esize, p));
            Write(ref s, d, r);
            return;
        }
        int elements = DataSize(c) / esize;
        for (int i = 0; i < elements; i++)
        {
            int k = 2 * i;
            ulong x = k < elements ? a.Get(k, esize) : b.Get(k - elements, esize);
            ulong y = k + 1 < elements ? a.Get(k + 1, esize) : b.Get(k + 1 - elements, esize);
            r.Set(i, esize, T.Op(ref s, 0, x, y, esize, p));
        }
        Write(ref s, d, r);
    }

    /// <summary>
    /// Long: operands from the lower (Q = 0) or upper (Q = 1, the "2" forms) half, result elements 2*esize wide:
    /// result[i] = op(d[i], n[part + i], operand2[part + i]). Scalar forms take element 0.
    /// </summary>
    public static void Long<T>(ref CpuState s, int d, int n, int m, int c) where T : IElementOp
    {
        int esize = ESize(c), p = c >> 16;
        bool scalar = (c & Scalar) != 0;
        int elements = scalar ? 1 : 64 / esize;
        int part = scalar || (c & 4) == 0 ? 0 : elements;
        V128 a = Read(ref s, n), dv = Read(ref s, d), b = Read(ref s, m), r = default;
        int bmode = (c >> 4) & 3;
        for (int i = 0; i < elements; i++)
        {
            ulong y = bmode == 2 ? b.Get((c >> 8) & 15, esize) : bmode == 1 ? (ulong)(long)m : b.Get(part + i, esize);
            r.Set(i, 2 * esize, T.Op(ref s, dv.Get(i, 2 * esize), a.Get(part + i, esize), y, esize, p));
        }
        Write(ref s, d, r);
    }

    /// <summary>Wide: result[i] (2*esize) = op(n[i] (2*esize), m[part + i] (esize)).</summary>
    public static void Wide<T>(ref CpuState s, int d, int n, int m, int c) where T : IElementOp
    {
        int esize = ESize(c), p = c >> 16, elements = 64 / esize, part = (c & 4) != 0 ? elements : 0;
        V128 a = Read(ref s, n), b = Read(ref s, m), r = default;
        for (int i = 0; i < elements; i++)
            r.Set(i, 2 * esize, T.Op(ref s, 0, a.Get(i, 2 * esize), b.Get(part + i, esize), esize, p));
        Write(ref s, d, r);
    }

    /// <summary>
    /// Narrow: result[i] (esize) = op(n[i] (2*esize), operand2[i] (2*esize)), into the lower half of Vd (upper
    /// zeroed) or, for the "2" forms, the upper half (lower kept). Scalar forms write one element.
    /// </summary>
    public static void Narrow<T>(ref CpuState s, int d, int n, int m, int c) where T : IElementOp
    {
        if (TryNarrowVector<T>(ref s, d, n, m, c)) return;
        int esize = ESize(c), p = c >> 16;
        bool scalar = (c & Scalar) != 0;
        int elements = scalar ? 1 : 64 / esize;
        bool upper = !scalar && (c & 4) != 0;
        V128 a = Read(ref s, n);
        V128 b = ((c >> 4) & 3) == 1 ? default : Read(ref s, m);
        V128 r = default;
        if (upper) r.Lo = s.V[d * 2];
        int part = upper ? elements : 0;
        for (int i = 0; i < elements; i++)
            r.Set(part + i, esize, T.Op(ref s, 0, a.Get(i, 2 * esize), Operand2(b, m, i, 2 * esize, c), esize, p));
        Write(ref s, d, r);
    }

    /// <summary>Widen (unary long): result[i] (2*esize) = op(n[part + i], imm).</summary>
    public static void Widen<T>(ref CpuState s, int d, int n, int m, int c) where T : IElementOp
    {
        int esize = ESize(c), p = c >> 16, elements = 64 / esize, part = (c & 4) != 0 ? elements : 0;
        V128 a = Read(ref s, n), r = default;
        for (int i = 0; i < elements; i++)
            r.Set(i, 2 * esize, T.Op(ref s, 0, a.Get(part + i, esize), (ulong)(long)m, esize, p));
        Write(ref s, d, r);
    }

    /// <summary>
    /// Across lanes: Reduce() of the pseudocode, halving recursively (the order matters for FP NaN propagation
    /// and flags). SADDLV/UADDLV, whose sums widen, are <see cref="SimdMisc.AddLongAcross"/>.
    /// </summary>
    public static void Across<T>(ref CpuState s, int d, int n, int m, int c) where T : IElementOp
    {
        int esize = ESize(c), elements = DataSize(c) / esize, p = c >> 16;
        V128 a = Read(ref s, n);
        ulong result = Reduce<T>(ref s, a, 0, elements, esize, p);
        V128 r = default;
        r.Set(0, esize, result);
        Write(ref s, d, r);
    }

    private static ulong Reduce<T>(ref CpuState s, in V128 a, int lo, int count, int esize, int p) where T : IElementOp
    {
        if (count == 1) return a.Get(lo, esize);
        int half = count / 2;
        ulong x = Reduce<T>(ref s, a, lo, half, esize, p);
        ulong y = Reduce<T>(ref s, a, lo + half, half, esize, p);
        return T.Op(ref s, 0, x, y, esize, p);
    }

    // ---- integer helpers (Arm's SInt, SatQ) ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long SInt(ulong v, int esize) => esize == 64 ? (long)v : (long)(v << (64 - esize)) >> (64 - esize);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Int128 Int(ulong v, int esize, bool unsigned) => unsigned ? (Int128)v : (Int128)SInt(v, esize);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mask(int esize) => esize >= 64 ? ulong.MaxValue : (1UL << esize) - 1;

    /// <summary>SignedSatQ: saturates to esize bits, setting FPSR.QC when it does.</summary>
    public static ulong SignedSat(Int128 v, int esize, ref CpuState s)
    {
        Int128 max = (Int128.One << (esize - 1)) - 1, min = -(Int128.One << (esize - 1));
        if (v > max) { s.Fpsr |= FPBits.QC; v = max; }
        else if (v < min) { s.Fpsr |= FPBits.QC; v = min; }
        return (ulong)v & Mask(esize);
    }

    /// <summary>UnsignedSatQ: saturates to 0 .. 2^esize - 1, setting FPSR.QC when it does.</summary>
    public static ulong UnsignedSat(Int128 v, int esize, ref CpuState s)
    {
        Int128 max = (Int128.One << esize) - 1;
        if (v > max) { s.Fpsr |= FPBits.QC; v = max; }
        else if (v < 0) { s.Fpsr |= FPBits.QC; v = 0; }
        return (ulong)v;
    }

    public static ulong Sat(Int128 v, int esize, bool unsigned, ref CpuState s) =>
        unsigned ? UnsignedSat(v, esize, ref s) : SignedSat(v, esize, ref s);
}

/// <summary>Lane-size dispatch for the host-vector forms of the element ops.</summary>
internal static class Lanes
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<ulong> Add(Vector128<ulong> a, Vector128<ulong> b, int esize) => esize switch
    {
        8 => (a.AsByte() + b.AsByte()).AsUInt64(),
        16 => (a.AsUInt16() + b.AsUInt16()).AsUInt64(),
        32 => (a.AsUInt32() + b.AsUInt32()).AsUInt64(),
        _ => a + b,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<ulong> Sub(Vector128<ulong> a, Vector128<ulong> b, int esize) => esize switch
    {
        8 => (a.AsByte() - b.AsByte()).AsUInt64(),
        16 => (a.AsUInt16() - b.AsUInt16()).AsUInt64(),
        32 => (a.AsUInt32() - b.AsUInt32()).AsUInt64(),
        _ => a - b,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<ulong> Mul(Vector128<ulong> a, Vector128<ulong> b, int esize) => esize switch
    {
        8 => (a.AsByte() * b.AsByte()).AsUInt64(),
        16 => (a.AsUInt16() * b.AsUInt16()).AsUInt64(),
        32 => (a.AsUInt32() * b.AsUInt32()).AsUInt64(),
        _ => a * b,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<ulong> Eq(Vector128<ulong> a, Vector128<ulong> b, int esize) => esize switch
    {
        8 => Vector128.Equals(a.AsByte(), b.AsByte()).AsUInt64(),
        16 => Vector128.Equals(a.AsUInt16(), b.AsUInt16()).AsUInt64(),
        32 => Vector128.Equals(a.AsUInt32(), b.AsUInt32()).AsUInt64(),
        _ => Vector128.Equals(a, b),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<ulong> GtSigned(Vector128<ulong> a, Vector128<ulong> b, int esize) => esize switch
    {
        8 => Vector128.GreaterThan(a.AsSByte(), b.AsSByte()).AsUInt64(),
        16 => Vector128.GreaterThan(a.AsInt16(), b.AsInt16()).AsUInt64(),
        32 => Vector128.GreaterThan(a.AsInt32(), b.AsInt32()).AsUInt64(),
        _ => Vector128.GreaterThan(a.AsInt64(), b.AsInt64()).AsUInt64(),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<ulong> GtUnsigned(Vector128<ulong> a, Vector128<ulong> b, int esize) => esize switch
    {
        8 => Vector128.GreaterThan(a.AsByte(), b.AsByte()).AsUInt64(),
        16 => Vector128.GreaterThan(a.AsUInt16(), b.AsUInt16()).AsUInt64(),
        32 => Vector128.GreaterThan(a.AsUInt32(), b.AsUInt32()).AsUInt64(),
        _ => Vector128.GreaterThan(a, b),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<ulong> Max(Vector128<ulong> a, Vector128<ulong> b, int esize, bool unsigned) => (esize, unsigned) switch
    {
        (8, true) => Vector128.Max(a.AsByte(), b.AsByte()).AsUInt64(),
        (16, true) => Vector128.Max(a.AsUInt16(), b.AsUInt16()).AsUInt64(),
        (32, true) => Vector128.Max(a.AsUInt32(), b.AsUInt32()).AsUInt64(),
        (_, true) => Vector128.Max(a, b),
        (8, _) => Vector128.Max(a.AsSByte(), b.AsSByte()).AsUInt64(),
        (16, _) => Vector128.Max(a.AsInt16(), b.AsInt16()).AsUInt64(),
        (32, _) => Vector128.Max(a.AsInt32(), b.AsInt32()).AsUInt64(),
        _ => Vector128.Max(a.AsInt64(), b.AsInt64()).AsUInt64(),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<ulong> Min(Vector128<ulong> a, Vector128<ulong> b, int esize, bool unsigned) => (esize, unsigned) switch
    {
        (8, true) => Vector128.Min(a.AsByte(), b.AsByte()).AsUInt64(),
        (16, true) => Vector128.Min(a.AsUInt16(), b.AsUInt16()).AsUInt64(),
        (32, true) => Vector128.Min(a.AsUInt32(), b.AsUInt32()).AsUInt64(),
        (_, true) => Vector128.Min(a, b),
        (8, _) => Vector128.Min(a.AsSByte(), b.AsSByte()).AsUInt64(),
        (16, _) => Vector128.Min(a.AsInt16(), b.AsInt16()).AsUInt64(),
        (32, _) => Vector128.Min(a.AsInt32(), b.AsInt32()).AsUInt64(),
        _ => Vector128.Min(a.AsInt64(), b.AsInt64()).AsUInt64(),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<ulong> Shl(Vector128<ulong> a, int shift, int esize) => esize switch
    {
        8 => Vector128.ShiftLeft(a.AsByte(), shift).AsUInt64(),
        16 => Vector128.ShiftLeft(a.AsUInt16(), shift).AsUInt64(),
        32 => Vector128.ShiftLeft(a.AsUInt32(), shift).AsUInt64(),
        _ => Vector128.ShiftLeft(a, shift),
    };

    /// <summary>Right shift by 0..esize-1, logical or arithmetic.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<ulong> Shr(Vector128<ulong> a, int shift, int esize, bool unsigned) => (esize, unsigned) switch
    {
        (8, true) => Vector128.ShiftRightLogical(a.AsByte(), shift).AsUInt64(),
        (16, true) => Vector128.ShiftRightLogical(a.AsUInt16(), shift).AsUInt64(),
        (32, true) => Vector128.ShiftRightLogical(a.AsUInt32(), shift).AsUInt64(),
        (_, true) => Vector128.ShiftRightLogical(a, shift),
        (8, _) => Vector128.ShiftRightArithmetic(a.AsSByte(), shift).AsUInt64(),
        (16, _) => Vector128.ShiftRightArithmetic(a.AsInt16(), shift).AsUInt64(),
        (32, _) => Vector128.ShiftRightArithmetic(a.AsInt32(), shift).AsUInt64(),
        _ => Vector128.ShiftRightArithmetic(a.AsInt64(), shift).AsUInt64(),
    };
}
