using FastArm.Jit.Decode;

namespace FastArm.Tests.Fp;

/// <summary>
/// Random FP/SIMD cases: a table row, its free bits filled at random, and operands biased to the values where
/// implementations differ: NaNs (quiet and signalling, with payloads), infinities, denormals, both zeros,
/// values next to rounding and conversion boundaries, and integer edge values; random FPCR (RMode, FZ, DN, AHP).
/// </summary>
public sealed class FpCaseGenerator
{
    private readonly Random _rng;

    public FpCaseGenerator(int seed) => _rng = new Random(seed);

    /// <summary>Rows whose register fields name general-purpose registers (kept to X0..X15, which the runner owns).</summary>
    private static bool UsesGeneralRegisters(A64Row row) =>
        row.Name.StartsWith("FMOV_general") || row.Name.StartsWith("FCVT_int") || row.Name.StartsWith("FCVTA_int")
        || row.Name.StartsWith("CVTF_") || row.Name.StartsWith("FCVT_fixed") || row.Name.StartsWith("DUP_general")
        || row.Name.StartsWith("INS_general") || row.Name.StartsWith("UMOV") || row.Name.StartsWith("SMOV")
        || IsLoadStore(row);

    /// <summary>
    /// Encodings inside FastArm's ARMv8.0 rows that QEMU's max CPU gives to later extensions (FastArm: UNDEFINED):
    /// FJCVTZS (FEAT_JSCVT), BFCVT (FEAT_BF16).
    /// </summary>
    public static bool IsLaterExtension(uint w) =>
        (w & 0xFFFFFC00) == 0x1E7E0000 || (w & 0xFFFFFC00) == 0x1E634000
        // SCVTF/UCVTF/FCVTZS/FCVTZU (vector and scalar, fixed-point) with immh = 001x: half precision
        || ((w & 0x8FF00400) == 0x0F100400 && ((w >> 11) & 31) is 0b11100 or 0b11111)
        // The modified-immediate space with o2 = 1 (immh = 0000 of the vector shift rows): FMOV (vector,
        // immediate, half precision) of FEAT_FP16. QEMU also takes the unallocated op = 1 form as that FMOV.
        || ((w & 0x9FF80C00) == 0x0F000C00);

    public static bool IsLoadStore(A64Row row) => row.Name.StartsWith("LDST_");

    public FpCase Generate(A64Row row)
    {
        var c = new FpCase();
        uint word = row.Value | ((uint)_rng.NextInt64() & ~row.Mask);
        bool gp = UsesGeneralRegisters(row);
        int preferredWidth = 0;
        foreach (var f in row.Fields)
        {
            uint v = (word >> f.Shift) & (uint)((1UL << f.Width) - 1);
            string name = f.Id.ToString();
            if (name == "ftype" && v == 3) v = (uint)_rng.Next(2);                       // half precision needs FEAT_FP16
            if (gp && f.Width == 5 && name is "Rd" or "Rn" or "Rm" or "Rt" or "Ra") v &= 15;
            word = (word & ~(((1u << f.Width) - 1) << f.Shift)) | (v << f.Shift);
            if (name == "ftype") preferredWidth = v == 1 ? 64 : v == 0 ? 32 : 16;
            if (name == "sz" && preferredWidth == 0) preferredWidth = v == 1 ? 64 : 32;
            if (name == "size" && preferredWidth == 0) preferredWidth = 8 << (int)v;
        }
        if (row.Name == "FCVT_precision" && ((word >> 22) & 3) == 3) preferredWidth = 16;

        for (int r = 0; r < 32; r++)
        {
            int w = _rng.Next(10) < 7 && preferredWidth != 0 ? preferredWidth : 8 << _rng.Next(4);
            ulong lo = FillHalf(w), hi = FillHalf(w);
            c.SetV(r, 0, lo);
            c.SetV(r, 1, hi);
        }
        for (int r = 0; r < 16; r++) c.SetX(r, IntValue(64));
        c.Nzcv = (ulong)_rng.Next(16) << 28;
        ulong fpcr = (ulong)_rng.Next(4) << 22;
        if (_rng.Next(10) < 3) fpcr |= 1UL << 24;   // FZ
        if (_rng.Next(10) < 3) fpcr |= 1UL << 25;   // DN
        if (_rng.Next(10) < 3) fpcr |= 1UL << 26;   // AHP
        c.Fpcr = fpcr;
        c.Fpsr = _rng.Next(10) < 2 ? (ulong)_rng.Next(256) & 0x9F | ((ulong)_rng.Next(2) << 27) : 0;
        _rng.NextBytes(c.Memory);

        if (IsLaterExtension(word)) return Generate(row);
        if (IsLoadStore(row)) word = PrepareLoadStore(row, word, c);
        c.Word = word;
        return c;
    }

    /// <summary>Points the base register into the memory window and keeps post-index offsets small.</summary>
    private uint PrepareLoadStore(A64Row row, uint word, FpCase c)
    {
        int rn = (int)((word >> 5) & 15);
        word = (word & ~(31u << 5)) | ((uint)rn << 5);
        uint size = (word >> 10) & 3;
        ulong align = _rng.Next(10) == 0 ? (ulong)_rng.Next(8) : 0;
        ulong offset = (ulong)_rng.Next(128) & ~((1UL << (int)size) - 1);
        c.SetX(rn, FpRig.Buf + offset + align);
        bool postIndex = ((word >> 23) & 1) != 0;
        if (postIndex)
        {
            int rm = _rng.Next(3) == 0 ? 31 : _rng.Next(16);
            word = (word & ~(31u << 16)) | ((uint)rm << 16);
            if (rm != 31 && rm != rn) c.SetX(rm, (ulong)(long)_rng.Next(-80, 80));
        }
        return word;
    }

    private ulong FillHalf(int w)
    {
        ulong v = 0;
        for (int i = 0; i < 64; i += w)
        {
            ulong e = w >= 16 && _rng.Next(10) < 8 ? FpValue(w) : IntValue(w);
            if (w < 64) e &= (1UL << w) - 1;
            v |= e << i;
        }
        return v;
    }

    private ulong IntValue(int w)
    {
        ulong mask = w == 64 ? ulong.MaxValue : (1UL << w) - 1;
        ulong top = 1UL << (w - 1);
        return _rng.Next(12) switch
        {
            0 => 0,
            1 => 1,
            2 => mask,
            3 => top,
            4 => top - 1,
            5 => top + 1,
            6 => (ulong)_rng.Next(-100, 100) & mask,
            7 => (1UL << _rng.Next(w)) & mask,
            8 => ((1UL << _rng.Next(w)) - 1) & mask,
            _ => (ulong)_rng.NextInt64() ^ ((ulong)_rng.NextInt64() << 1),
        } & mask;
    }

    /// <summary>An interesting FP bit pattern of width w (16, 32, 64).</summary>
    public ulong FpValue(int w)
    {
        int e = w == 64 ? 11 : w == 32 ? 8 : 5, f = w - e - 1, bias = (1 << (e - 1)) - 1;
        ulong sign = (ulong)_rng.Next(2) << (w - 1);
        ulong expMax = (1UL << e) - 1, fracMask = (1UL << f) - 1;
        ulong Frac() => ((ulong)_rng.NextInt64() ^ ((ulong)_rng.NextInt64() << 1)) & fracMask;
        ulong Make(ulong exp, ulong frac) => sign | (exp << f) | (frac & fracMask);
        int k = _rng.Next(24);
        switch (k)
        {
            case 0: return sign;                                                     // zero
            case 1: return Make(expMax, 0);                                          // infinity
            case 2: return Make(expMax, (1UL << (f - 1)) | Frac());                  // quiet NaN, payload
            case 3: { ulong fr = Frac() & (fracMask >> 1); return Make(expMax, fr == 0 ? 1 : fr); }   // signalling NaN
            case 4: return Make(0, Frac() | 1);                                      // denormal
            case 5: return Make(0, _rng.Next(2) == 0 ? 1 : fracMask);                // smallest / largest denormal
            case 6: return Make(1, _rng.Next(2) == 0 ? 0 : Frac());                  // smallest normals
            case 7: return Make(expMax - 1, _rng.Next(2) == 0 ? fracMask : Frac());   // largest normals
            case 8: return Make((ulong)bias, 0);                                     // 1.0
            case 9: return Make((ulong)(bias + _rng.Next(-3, 4)), (ulong)_rng.Next(16) << (f - 4));   // small exact values
            case 10:                                                                 // integers and halves near 2^k
            {
                int k2 = _rng.Next(Math.Min(f + 2, 66));
                return Make((ulong)(bias + k2), Frac() & ~((1UL << Math.Max(0, f - k2 + 1)) - 1));
            }
            case 11:                                                                 // near integer conversion limits
            {
                int[] lims = [15, 16, 31, 32, 63, 64];
                int lim = lims[_rng.Next(lims.Length)];
                if (lim + bias >= (int)expMax) return Make((ulong)bias, Frac());
                int d = _rng.Next(3) - 1;
                ulong fr = d < 0 ? fracMask - (ulong)_rng.Next(3) : (ulong)_rng.Next(3);
                return Make((ulong)(lim + bias + (d < 0 ? -1 : 0)), fr);
            }
            case 12:                                                                 // tiny: results underflow
                return Make((ulong)_rng.Next(1, Math.Min(40, (int)expMax)), Frac());
            case 13:                                                                 // huge: results overflow
                return Make(expMax - 1 - (ulong)_rng.Next(Math.Min(30, (int)expMax - 2)), Frac());
            case 14:                                                                 // mid-range with few fraction bits (ties)
                return Make((ulong)(bias + _rng.Next(-20, 21)), Frac() & ~((1UL << Math.Max(0, f - 6)) - 1) | ((ulong)_rng.Next(2) << Math.Max(0, f - 7)));
            default:                                                                 // random normal
                return Make((ulong)(bias + _rng.Next(-30, 31)), Frac());
        }
    }
}
