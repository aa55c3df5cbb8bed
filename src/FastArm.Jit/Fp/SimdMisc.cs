using System.Runtime.CompilerServices;
using FastArm.Jit.State;
using static FastArm.Jit.Fp.SimdCore;

namespace FastArm.Jit.Fp;

/// <summary>
/// Whole-instruction helpers for the AdvSIMD instructions whose shape is not a plain element loop: bitwise
/// logic, permutes, EXT, TBL/TBX, DUP/INS/UMOV/SMOV, modified immediates, REV, pairwise and across-lanes long
/// additions, 64-bit PMULL (Arm ARM C7.2, each instruction's Operation).
/// </summary>
public static unsafe class SimdMisc
{
    /// <summary>AND, BIC, ORR, ORN, EOR, BSL, BIT, BIF (op 0..7); c = op | Q &lt;&lt; 3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]   // generated code: folds to a few moves
    public static void Bitwise(ref CpuState s, int d, int n, int m, int c)
    {
        int halves = (c & 8) != 0 ? 2 : 1;
        for (int h = 0; h < 2; h++)
        {
            if (h >= halves) { s.V[d * 2 + h] = 0; continue; }
            ulong a = s.V[n * 2 + h], b = s.V[m * 2 + h], old = s.V[d * 2 + h];
            s.V[d * 2 + h] = (c & 7) switch
            {
                0 => a & b,
                1 => a & ~b,
                2 => a | b,
                3 => a | ~b,
                4 => a ^ b,
                5 => (old & a) | (~old & b),
                6 => (a & b) | (old & ~b),
                _ => (a & ~b) | (old & b),
            };
        }
    }

    /// <summary>UZP1/2, TRN1/2, ZIP1/2: c = size | Q &lt;&lt; 2 | opcode &lt;&lt; 16 (opcode 1, 2, 3 for the "1" forms, 5, 6, 7 for "2").</summary>
    public static void Permute(ref CpuState s, int d, int n, int m, int c)
    {
        int esize = 8 << (c & 3), elements = ((c & 4) != 0 ? 128 : 64) / esize, opcode = c >> 16, part = opcode >> 2;
        V128 a = Read(ref s, n), b = Read(ref s, m), r = default;
        int pairs = elements / 2;
        switch (opcode & 3)
        {
            case 1:   // UZP: even (or odd) elements of Vm:Vn
                for (int e = 0; e < elements; e++)
                {
                    int k = 2 * e + part;
                    r.Set(e, esize, k < elements ? a.Get(k, esize) : b.Get(k - elements, esize));
                }
                break;
            case 2:   // TRN
                for (int p = 0; p < pairs; p++)
                {
                    r.Set(2 * p, esize, a.Get(2 * p + part, esize));
                    r.Set(2 * p + 1, esize, b.Get(2 * p + part, esize));
                }
                break;
            default:  // ZIP
                int bas = part * pairs;
                for (int p = 0; p < pairs; p++)
                {
                    r.Set(2 * p, esize, a.Get(bas + p, esize));
                    r.Set(2 * p + 1, esize, b.Get(bas + p, esize));
                }
                break;
        }
        Write(ref s, d, r);
    }

    /// <summary>EXT: bytes imm4.. of Vm:Vn; c = imm4 | Q &lt;&lt; 4.</summary>
    public static void Ext(ref CpuState s, int d, int n, int m, int c)
    {
        int bytes = (c & 16) != 0 ? 16 : 8, pos = c & 15;
        V128 a = Read(ref s, n), b = Read(ref s, m), r = default;
        for (int i = 0; i < bytes; i++)
        {
            int k = pos + i;
            r.Set(i, 8, k < bytes ? a.Get(k, 8) : b.Get(k - bytes, 8));
        }
        Write(ref s, d, r);
    }

    /// <summary>TBL, TBX: c = len | tbx &lt;&lt; 2 | Q &lt;&lt; 3. The table is V[n]..V[n+len] (modulo 32).</summary>
    public static void TableLookup(ref CpuState s, int d, int n, int m, int c)
    {
        int regs = (c & 3) + 1, bytes = (c & 8) != 0 ? 16 : 8;
        bool tbx = (c & 4) != 0;
        V128 idx = Read(ref s, m), old = Read(ref s, d), r = default;
        for (int i = 0; i < bytes; i++)
        {
            int index = idx.Byte(i);
            ulong v;
            if (index < 16 * regs)
            {
                V128 t = Read(ref s, (n + index / 16) % 32);
                v = t.Byte(index % 16);
            }
            else v = tbx ? old.Byte(i) : 0UL;
            r.Set(i, 8, v);
        }
        Write(ref s, d, r);
    }

    /// <summary>DUP (element), vector or scalar: c = size | Q &lt;&lt; 2 | scalar &lt;&lt; 3; m = index.</summary>
    public static void DupElement(ref CpuState s, int d, int n, int index, int c)
    {
        int esize = 8 << (c & 3);
        ulong element = Read(ref s, n).Get(index, esize);
        V128 r = default;
        int elements = (c & 8) != 0 ? 1 : ((c & 4) != 0 ? 128 : 64) / esize;
        for (int i = 0; i < elements; i++) r.Set(i, esize, element);
        Write(ref s, d, r);
    }

    /// <summary>DUP (general): c = size | Q &lt;&lt; 2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]   // generated code: folds to a few moves
    public static void DupGeneral(ref CpuState s, int d, int n, int unused, int c)
    {
        int esize = 8 << (c & 3);
        ulong element = (n == 31 ? 0 : s.X[n]) & Mask(esize);
        // The element repeated across 64 bits (a multiply by 0x0101..., 0x0001..., 0x00000001...), in one or both halves.
        ulong half = element * (ulong.MaxValue / Mask(esize));
        s.V[d * 2] = half;
        s.V[d * 2 + 1] = (c & 4) != 0 ? half : 0;
    }

    /// <summary>INS (general): element <paramref name="index"/> of Vd = X[n]; the rest of Vd kept.</summary>
    public static void InsertGeneral(ref CpuState s, int d, int n, int index, int size)
    {
        V128 r = Read(ref s, d);
        r.Set(index, 8 << size, n == 31 ? 0 : s.X[n]);
        Write(ref s, d, r);
    }

    /// <summary>INS (element): c = dst index | src index &lt;&lt; 8; size = log2 bytes.</summary>
    public static void InsertElement(ref CpuState s, int d, int n, int c, int size)
    {
        int esize = 8 << size;
        ulong v = Read(ref s, n).Get(c >> 8, esize);
        V128 r = Read(ref s, d);
        r.Set(c & 255, esize, v);
        Write(ref s, d, r);
    }

    /// <summary>UMOV, SMOV: c = size | signed &lt;&lt; 2 | 64-bit destination &lt;&lt; 3.</summary>
    public static void MoveToGeneral(ref CpuState s, int d, int n, int index, int c)
    {
        int esize = 8 << (c & 3);
        ulong v = Read(ref s, n).Get(index, esize);
        if ((c & 4) != 0)
        {
            v = (ulong)SInt(v, esize);
            if ((c & 8) == 0) v &= 0xFFFF_FFFF;
        }
        if (d != 31) s.X[d] = v;
    }

    /// <summary>MOVI, MVNI, ORR, BIC (vector, immediate), FMOV (vector, immediate): c = kind (0 set, 2 ORR, 3 BIC) | Q &lt;&lt; 2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]   // generated code: folds to a few moves
    public static void MoveImmediate(ref CpuState s, int d, int lo, int hi, int c)
    {
        ulong imm = (uint)lo | (ulong)(uint)hi << 32;
        bool q = (c & 4) != 0;
        for (int h = 0; h < 2; h++)
        {
            ulong old = s.V[d * 2 + h];
            ulong v = (c & 3) switch { 2 => old | imm, 3 => old & ~imm, _ => imm };
            s.V[d * 2 + h] = h == 1 && !q ? 0 : v;
        }
    }

    /// <summary>REV16, REV32, REV64: reverse the esize elements within each container; m = container bits.</summary>
    public static void Reverse(ref CpuState s, int d, int n, int container, int c)
    {
        int esize = 8 << (c & 3), elements = ((c & 4) != 0 ? 128 : 64) / esize, per = container / esize;
        V128 a = Read(ref s, n), r = default;
        for (int e = 0; e < elements; e++)
        {
            int bas = e / per * per, k = e - bas;
            r.Set(bas + per - 1 - k, esize, a.Get(e, esize));
        }
        Write(ref s, d, r);
    }

    /// <summary>SADDLP, UADDLP, SADALP, UADALP: c = size | Q &lt;&lt; 2 | (1 unsigned, 4 accumulate) &lt;&lt; 16.</summary>
    public static void PairwiseLong(ref CpuState s, int d, int n, int unused, int c)
    {
        int esize = 8 << (c & 3), p = c >> 16;
        bool u = (p & 1) != 0, acc = (p & 4) != 0;
        int elements = ((c & 4) != 0 ? 128 : 64) / (2 * esize);
        V128 a = Read(ref s, n), old = Read(ref s, d), r = default;
        for (int e = 0; e < elements; e++)
        {
            ulong sum = (ulong)(Int(a.Get(2 * e, esize), esize, u) + Int(a.Get(2 * e + 1, esize), esize, u));
            if (acc) sum += old.Get(e, 2 * esize);
            r.Set(e, 2 * esize, sum);
        }
        Write(ref s, d, r);
    }

    /// <summary>SADDLV, UADDLV: c = size | Q &lt;&lt; 2 | unsigned &lt;&lt; 16.</summary>
    public static void AddLongAcross(ref CpuState s, int d, int n, int unused, int c)
    {
        int esize = 8 << (c & 3), elements = ((c & 4) != 0 ? 128 : 64) / esize;
        bool u = (c >> 16 & 1) != 0;
        V128 a = Read(ref s, n), r = default;
        Int128 sum = 0;
        for (int e = 0; e < elements; e++) sum += Int(a.Get(e, esize), esize, u);
        r.Set(0, 2 * esize, (ulong)sum);
        Write(ref s, d, r);
    }

    /// <summary>PMULL/PMULL2 with 64-bit elements (FEAT_PMULL): a 128-bit carry-less product; c = Q.</summary>
    public static void PolyMul64(ref CpuState s, int d, int n, int m, int c)
    {
        ulong a = s.V[n * 2 + c], b = s.V[m * 2 + c];
        var (lo, hi) = CryptoOps.ClMul64(a, b);
        s.V[d * 2] = lo;
        s.V[d * 2 + 1] = hi;
    }
}
