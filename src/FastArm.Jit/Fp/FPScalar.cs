using System.Runtime.CompilerServices;
using FastArm.Jit.State;

namespace FastArm.Jit.Fp;

/// <summary>
/// Whole-instruction helpers for the scalar floating-point instructions (Arm ARM C7.2, "Floating-point data
/// processing"), called through <see cref="Semantics.IA64Emitter{V}.CallState"/> with decode-time arguments.
/// Each reads FPCR and accumulates FPSR as the pseudocode does; scalar results zero the rest of V[d].
/// </summary>
public static class FPScalar
{
    /// <summary>Operand width from the ftype field: 00 single, 01 double, 11 half.</summary>
    public static int Width(int ftype) => ftype switch { 0 => 32, 1 => 64, _ => 16 };

    internal static ulong Mask(int n) => n == 64 ? ulong.MaxValue : (1UL << n) - 1;

    internal static unsafe ulong ReadScalar(ref CpuState s, int reg, int n) => s.V[reg * 2] & Mask(n);

    internal static unsafe void WriteScalar(ref CpuState s, int reg, ulong value)
    {
        s.V[reg * 2] = value;
        s.V[reg * 2 + 1] = 0;
    }

    internal static unsafe ulong ReadX(ref CpuState s, int reg) => reg == 31 ? 0 : s.X[reg];

    internal static unsafe void WriteX(ref CpuState s, int reg, ulong value)
    {
        if (reg != 31) s.X[reg] = value;
    }

    /// <summary>FMUL, FDIV, FADD, FSUB, FMAX, FMIN, FMAXNM, FMINNM, FNMUL (opcode 0..8). c = ftype | opcode &lt;&lt; 4.</summary>
    public static void DataProcessing2(ref CpuState s, int d, int n, int m, int c)
    {
        int w = Width(c & 3), opcode = c >> 4;
        ulong a = ReadScalar(ref s, n, w), b = ReadScalar(ref s, m, w);
        uint fpcr = s.Fpcr;
        ulong r = opcode switch
        {
            0 => FPCore.Mul(a, b, w, fpcr, ref s.Fpsr),
            1 => FPCore.Div(a, b, w, fpcr, ref s.Fpsr),
            2 => FPCore.Add(a, b, w, fpcr, ref s.Fpsr),
            3 => FPCore.Sub(a, b, w, fpcr, ref s.Fpsr),
            4 => FPCore.MinMax(a, b, w, fpcr, ref s.Fpsr, max: true, num: false),
            5 => FPCore.MinMax(a, b, w, fpcr, ref s.Fpsr, max: false, num: false),
            6 => FPCore.MinMax(a, b, w, fpcr, ref s.Fpsr, max: true, num: true),
            7 => FPCore.MinMax(a, b, w, fpcr, ref s.Fpsr, max: false, num: true),
            _ => FPCore.Neg(FPCore.Mul(a, b, w, fpcr, ref s.Fpsr), w),
        };
        WriteScalar(ref s, d, r);
    }

    /// <summary>FMADD, FMSUB, FNMADD, FNMSUB: c = a | ftype &lt;&lt; 8 | o1 &lt;&lt; 10 | o0 &lt;&lt; 11.</summary>
    public static void DataProcessing3(ref CpuState s, int d, int n, int m, int c)
    {
        int ra = c & 31, w = Width((c >> 8) & 3);
        bool o1 = ((c >> 10) & 1) != 0, o0 = ((c >> 11) & 1) != 0;
        ulong opa = ReadScalar(ref s, ra, w), op1 = ReadScalar(ref s, n, w), op2 = ReadScalar(ref s, m, w);
        // FMSUB: -(n*m) + a; FNMADD: -(n*m) - a; FNMSUB: (n*m) - a. The pseudocode negates operands (FPNeg,
        // so NaN signs flip too) before one fused FPMulAdd.
        if (o1) opa = FPCore.Neg(opa, w);
        if (o0 != o1) op1 = FPCore.Neg(op1, w);
        WriteScalar(ref s, d, FPCore.MulAdd(opa, op1, op2, w, s.Fpcr, ref s.Fpsr));
    }

    /// <summary>
    /// Data-processing (1 source): FMOV, FABS, FNEG, FSQRT, FRINTN/P/M/Z/A/X/I (opcode 0..3, 8..15).
    /// c = ftype | opcode &lt;&lt; 4.
    /// </summary>
    public static void DataProcessing1(ref CpuState s, int d, int n, int unused, int c)
    {
        int w = Width(c & 3), opcode = c >> 4;
        ulong a = ReadScalar(ref s, n, w);
        uint fpcr = s.Fpcr;
        ulong r = opcode switch
        {
            0 => a,
            1 => FPCore.Abs(a, w),
            2 => FPCore.Neg(a, w),
            3 => FPCore.Sqrt(a, w, fpcr, ref s.Fpsr),
            8 => FPCore.RoundInt(a, w, fpcr, FPRounding.TieEven, false, ref s.Fpsr),
            9 => FPCore.RoundInt(a, w, fpcr, FPRounding.PosInf, false, ref s.Fpsr),
            10 => FPCore.RoundInt(a, w, fpcr, FPRounding.NegInf, false, ref s.Fpsr),
            11 => FPCore.RoundInt(a, w, fpcr, FPRounding.Zero, false, ref s.Fpsr),
            12 => FPCore.RoundInt(a, w, fpcr, FPRounding.TieAway, false, ref s.Fpsr),
            14 => FPCore.RoundInt(a, w, fpcr, FPCore.RoundingMode(fpcr), true, ref s.Fpsr),
            _ => FPCore.RoundInt(a, w, fpcr, FPCore.RoundingMode(fpcr), false, ref s.Fpsr),
        };
        WriteScalar(ref s, d, r);
    }

    /// <summary>FCVT between precisions: c = source width | destination width &lt;&lt; 8.</summary>
    public static void ConvertPrecision(ref CpuState s, int d, int n, int unused, int c)
    {
        int from = c & 0xFF, to = c >> 8;
        ulong a = ReadScalar(ref s, n, from);
        WriteScalar(ref s, d, FPCore.Convert(a, from, to, s.Fpcr, FPCore.RoundingMode(s.Fpcr), ref s.Fpsr));
    }

    /// <summary>FCMP, FCMPE (with zero when bit 8 of c): c = ftype | signal &lt;&lt; 4 | zero &lt;&lt; 8.</summary>
    public static void Compare(ref CpuState s, int n, int m, int unused, int c)
    {
        int w = Width(c & 3);
        bool signal = ((c >> 4) & 1) != 0, zero = ((c >> 8) & 1) != 0;
        ulong a = ReadScalar(ref s, n, w), b = zero ? 0 : ReadScalar(ref s, m, w);
        uint flags = FPCore.Compare(a, b, w, signal, s.Fpcr, ref s.Fpsr);
        s.Nzcv = flags << 28;
    }

    /// <summary>FCCMP, FCCMPE: c = ftype | signal &lt;&lt; 4 | cond &lt;&lt; 8 | nzcv &lt;&lt; 12.</summary>
    public static void CondCompare(ref CpuState s, int n, int m, int unused, int c)
    {
        int w = Width(c & 3);
        bool signal = ((c >> 4) & 1) != 0;
        int cond = (c >> 8) & 15;
        uint nzcv = (uint)(c >> 12) & 15;
        if (Interpreter.Eval.ConditionHolds(s.Nzcv, cond))
            nzcv = FPCore.Compare(ReadScalar(ref s, n, w), ReadScalar(ref s, m, w), w, signal, s.Fpcr, ref s.Fpsr);
        s.Nzcv = nzcv << 28;
    }

    /// <summary>FCSEL: c = ftype | cond &lt;&lt; 4.</summary>
    public static void CondSelect(ref CpuState s, int d, int n, int m, int c)
    {
        int w = Width(c & 3);
        bool take = Interpreter.Eval.ConditionHolds(s.Nzcv, (c >> 4) & 15);
        WriteScalar(ref s, d, ReadScalar(ref s, take ? n : m, w));
    }

    /// <summary>FMOV (scalar, immediate): the value is expanded at decode time (VFPExpandImm).</summary>
    public static void MoveImmediate(ref CpuState s, int d, int lo, int hi, int unused) =>
        WriteScalar(ref s, d, (uint)lo | ((ulong)(uint)hi << 32));

    /// <summary>VFPExpandImm: the 8-bit FMOV immediate as an N-bit value.</summary>
    public static ulong VFPExpandImm(uint imm8, int n)
    {
        int e = n == 64 ? 11 : n == 32 ? 8 : 5, f = n - e - 1;
        ulong sign = (imm8 >> 7) & 1;
        ulong b6 = (imm8 >> 6) & 1;
        // exp = NOT(imm8<6>) : Replicate(imm8<6>, E-3) : imm8<5:4>
        ulong exp = ((b6 ^ 1) << (e - 1)) | ((b6 == 1 ? (1UL << (e - 3)) - 1 : 0) << 2) | ((imm8 >> 4) & 3);
        ulong frac = (ulong)(imm8 & 15) << (f - 4);
        return (sign << (n - 1)) | (exp << f) | frac;
    }

    /// <summary>
    /// FCVT[NPMZA][SU] (scalar, to general register), integer or fixed-point: c = ftype | unsigned &lt;&lt; 2 |
    /// sf &lt;&lt; 3 | rounding &lt;&lt; 4 | fbits &lt;&lt; 8.
    /// </summary>
    public static void ToInteger(ref CpuState s, int d, int n, int unused, int c)
    {
        int w = Width(c & 3);
        bool unsigned = ((c >> 2) & 1) != 0;
        int size = ((c >> 3) & 1) != 0 ? 64 : 32;
        var rounding = (FPRounding)((c >> 4) & 7);
        int fbits = (c >> 8) & 127;
        ulong r = FPCore.ToFixed(ReadScalar(ref s, n, w), w, fbits, unsigned, size, s.Fpcr, rounding, ref s.Fpsr);
        WriteX(ref s, d, r);
    }

    /// <summary>SCVTF, UCVTF (scalar, from general register), integer or fixed-point: c as for <see cref="ToInteger"/>.</summary>
    public static void FromInteger(ref CpuState s, int d, int n, int unused, int c)
    {
        int w = Width(c & 3);
        bool unsigned = ((c >> 2) & 1) != 0;
        int size = ((c >> 3) & 1) != 0 ? 64 : 32;
        int fbits = (c >> 8) & 127;
        ulong r = FPCore.FixedToFP(ReadX(ref s, n), size, fbits, unsigned, w, s.Fpcr, FPCore.RoundingMode(s.Fpcr), ref s.Fpsr);
        WriteScalar(ref s, d, r);
    }

    /// <summary>
    /// FMOV (general): kind 0 = Wd/Xd from the low 32/64 bits of Vn, 1 = Vd from Wn/Xn (rest zeroed),
    /// 2 = Xd from Vn.D[1], 3 = Vn.D[1] from Xn (rest of Vd kept). c = kind | size &lt;&lt; 4.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]   // generated code: folds to a move
    public static unsafe void MoveGeneral(ref CpuState s, int d, int n, int kind, int size)
    {
        switch (kind)
        {
            case 0: WriteX(ref s, d, s.V[n * 2] & FPScalar.Mask(size)); break;
            case 1: WriteScalar(ref s, d, ReadX(ref s, n) & FPScalar.Mask(size)); break;
            case 2: WriteX(ref s, d, s.V[n * 2 + 1]); break;
            default: s.V[d * 2 + 1] = ReadX(ref s, n); break;
        }
    }
}
