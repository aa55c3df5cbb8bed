using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using FastArm.Jit.State;
using static FastArm.Jit.Fp.SimdCore;

namespace FastArm.Jit.Fp;

/// <summary>
/// FEAT_AES, FEAT_SHA1, FEAT_SHA256 and FEAT_PMULL (Arm ARM C7.2 AESE ... SHA256SU1, shared/functions/crypto).
/// The portable code follows the pseudocode; where the host has AES-NI / PCLMULQDQ the same results come from
/// them (<see cref="UseHostIntrinsics"/>, on by default; the tests run both).
/// </summary>
public static unsafe class CryptoOps
{
    /// <summary>Use AES-NI and PCLMULQDQ when the host has them (tests switch this off to check the portable code).</summary>
    public static bool UseHostIntrinsics { get; set; } = true;

    private static readonly byte[] s_sbox = new byte[256], s_invSbox = new byte[256];

    static CryptoOps()
    {
        // The AES S-box (FIPS-197 5.1.1): the multiplicative inverse in GF(2^8) followed by the affine map.
        for (int x = 0; x < 256; x++)
        {
            byte inv = 0;
            if (x != 0)
                for (int y = 1; y < 256; y++)
                    if (GfMul((byte)x, (byte)y) == 1) { inv = (byte)y; break; }
            int b = inv;
            int r = b ^ Rol8(b, 1) ^ Rol8(b, 2) ^ Rol8(b, 3) ^ Rol8(b, 4) ^ 0x63;
            s_sbox[x] = (byte)r;
            s_invSbox[(byte)r] = (byte)x;
        }
        static int Rol8(int v, int k) => ((v << k) | (v >> (8 - k))) & 0xFF;
    }

    /// <summary>Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1.</summary>
    public static byte GfMul(byte a, byte b)
    {
        int r = 0, x = a;
        for (int i = 0; i < 8; i++)
        {
            if (((b >> i) & 1) != 0) r ^= x;
            x <<= 1;
            if ((x & 0x100) != 0) x ^= 0x11B;
        }
        return (byte)r;
    }

    private static byte[] Bytes(V128 v)
    {
        var b = new byte[16];
        for (int i = 0; i < 16; i++) b[i] = v.Byte(i);
        return b;
    }

    private static V128 FromBytes(byte[] b)
    {
        V128 r = default;
        for (int i = 0; i < 16; i++) r.Set(i, 8, b[i]);
        return r;
    }

    /// <summary>AESE (c = 0), AESD (1), AESMC (2), AESIMC (3).</summary>
    public static void Aes(ref CpuState s, int d, int n, int unused, int c)
    {
        V128 x = Read(ref s, n);
        if (c < 2)
        {
            V128 k = Read(ref s, d);
            x = new V128(x.Lo ^ k.Lo, x.Hi ^ k.Hi);
        }
        if (UseHostIntrinsics && System.Runtime.Intrinsics.X86.Aes.IsSupported)
        {
            var v = Vector128.Create(x.Lo, x.Hi).AsByte();
            var zero = Vector128<byte>.Zero;
            v = c switch
            {
                0 => System.Runtime.Intrinsics.X86.Aes.EncryptLast(v, zero),                  // ShiftRows, SubBytes
                1 => System.Runtime.Intrinsics.X86.Aes.DecryptLast(v, zero),                  // InvShiftRows, InvSubBytes
                2 => System.Runtime.Intrinsics.X86.Aes.Encrypt(System.Runtime.Intrinsics.X86.Aes.DecryptLast(v, zero), zero),   // undo then redo the byte steps: MixColumns alone
                _ => System.Runtime.Intrinsics.X86.Aes.InverseMixColumns(v),
            };
            var u = v.AsUInt64();
            Write(ref s, d, new V128(u.GetElement(0), u.GetElement(1)));
            return;
        }
        Write(ref s, d, AesPortable(x, c));
    }

    /// <summary>The pseudocode's AESShiftRows/AESSubBytes/AESMixColumns and inverses on a 16-byte column-major state.</summary>
    public static V128 AesPortable(V128 x, int c)
    {
        byte[] a = Bytes(x), r = new byte[16];
        switch (c)
        {
            case 0:
                for (int i = 0; i < 16; i++) r[i] = s_sbox[a[(i + 4 * (i % 4)) % 16]];
                break;
            case 1:
                for (int i = 0; i < 16; i++) r[i] = s_invSbox[a[(i + 16 - 4 * (i % 4)) % 16]];
                break;
            case 2:
                for (int col = 0; col < 4; col++)
                {
                    byte a0 = a[4 * col], a1 = a[4 * col + 1], a2 = a[4 * col + 2], a3 = a[4 * col + 3];
                    r[4 * col] = (byte)(GfMul(a0, 2) ^ GfMul(a1, 3) ^ a2 ^ a3);
                    r[4 * col + 1] = (byte)(a0 ^ GfMul(a1, 2) ^ GfMul(a2, 3) ^ a3);
                    r[4 * col + 2] = (byte)(a0 ^ a1 ^ GfMul(a2, 2) ^ GfMul(a3, 3));
                    r[4 * col + 3] = (byte)(GfMul(a0, 3) ^ a1 ^ a2 ^ GfMul(a3, 2));
                }
                break;
            default:
                for (int col = 0; col < 4; col++)
                {
                    byte a0 = a[4 * col], a1 = a[4 * col + 1], a2 = a[4 * col + 2], a3 = a[4 * col + 3];
                    r[4 * col] = (byte)(GfMul(a0, 14) ^ GfMul(a1, 11) ^ GfMul(a2, 13) ^ GfMul(a3, 9));
                    r[4 * col + 1] = (byte)(GfMul(a0, 9) ^ GfMul(a1, 14) ^ GfMul(a2, 11) ^ GfMul(a3, 13));
                    r[4 * col + 2] = (byte)(GfMul(a0, 13) ^ GfMul(a1, 9) ^ GfMul(a2, 14) ^ GfMul(a3, 11));
                    r[4 * col + 3] = (byte)(GfMul(a0, 11) ^ GfMul(a1, 13) ^ GfMul(a2, 9) ^ GfMul(a3, 14));
                }
                break;
        }
        return FromBytes(r);
    }

    /// <summary>PolynomialMult of two 64-bit values: the 128-bit carry-less product (lo, hi).</summary>
    public static (ulong Lo, ulong Hi) ClMul64(ulong a, ulong b)
    {
        if (UseHostIntrinsics && Pclmulqdq.IsSupported)
        {
            var p = Pclmulqdq.CarrylessMultiply(Vector128.CreateScalar(a), Vector128.CreateScalar(b), 0);
            return (p.GetElement(0), p.GetElement(1));
        }
        ulong lo = 0, hi = 0;
        for (int i = 0; i < 64; i++)
        {
            if (((b >> i) & 1) == 0) continue;
            lo ^= a << i;
            if (i != 0) hi ^= a >> (64 - i);
        }
        return (lo, hi);
    }

    private static uint Choose(uint x, uint y, uint z) => ((y ^ z) & x) ^ z;
    private static uint Parity(uint x, uint y, uint z) => x ^ y ^ z;
    private static uint Majority(uint x, uint y, uint z) => (x & y) | ((x | y) & z);

    /// <summary>SHA1C (c = 0), SHA1P (1), SHA1M (2): four rounds on X = Qd with Y = Sn and W = Vm.4S.</summary>
    public static void Sha1Hash(ref CpuState s, int d, int n, int m, int c)
    {
        V128 x = Read(ref s, d), w = Read(ref s, m);
        uint y = (uint)s.V[n * 2];
        for (int e = 0; e < 4; e++)
        {
            uint x1 = (uint)x.Get(1, 32), x2 = (uint)x.Get(2, 32), x3 = (uint)x.Get(3, 32);
            uint t = c switch { 0 => Choose(x1, x2, x3), 1 => Parity(x1, x2, x3), _ => Majority(x1, x2, x3) };
            y = y + BitOperations.RotateLeft((uint)x.Get(0, 32), 5) + t + (uint)w.Get(e, 32);
            x.Set(1, 32, BitOperations.RotateLeft(x1, 30));
            // <Y, X> = ROL(Y : X, 32)
            uint top = (uint)x.Get(3, 32);
            x = new V128((x.Lo << 32) | y, (x.Hi << 32) | (x.Lo >> 32));
            y = top;
        }
        Write(ref s, d, x);
    }

    /// <summary>SHA1H: Sd = ROL(Sn, 30).</summary>
    public static void Sha1H(ref CpuState s, int d, int n, int unused, int c) =>
        Write(ref s, d, new V128(BitOperations.RotateLeft((uint)s.V[n * 2], 30), 0));

    /// <summary>SHA1SU0.</summary>
    public static void Sha1Su0(ref CpuState s, int d, int n, int m, int c)
    {
        V128 a = Read(ref s, d), b = Read(ref s, n), k = Read(ref s, m);
        // result = operand2<63:0> : operand1<127:64>, then EOR operand1 EOR operand3
        Write(ref s, d, new V128(a.Hi ^ a.Lo ^ k.Lo, b.Lo ^ a.Hi ^ k.Hi));
    }

    /// <summary>SHA1SU1.</summary>
    public static void Sha1Su1(ref CpuState s, int d, int n, int unused, int c)
    {
        V128 x = Read(ref s, d), y = Read(ref s, n);
        // T = X EOR LSR(Y, 32)
        V128 t = new(x.Lo ^ ((y.Lo >> 32) | (y.Hi << 32)), x.Hi ^ (y.Hi >> 32));
        uint t0 = (uint)t.Get(0, 32), t1 = (uint)t.Get(1, 32), t2 = (uint)t.Get(2, 32), t3 = (uint)t.Get(3, 32);
        uint w0 = BitOperations.RotateLeft(t0, 1), w1 = BitOperations.RotateLeft(t1, 1), w2 = BitOperations.RotateLeft(t2, 1);
        uint w3 = BitOperations.RotateLeft(t3, 1) ^ BitOperations.RotateLeft(t0, 2);
        Write(ref s, d, new V128(w0 | (ulong)w1 << 32, w2 | (ulong)w3 << 32));
    }

    private static uint Sigma0(uint x) => BitOperations.RotateRight(x, 2) ^ BitOperations.RotateRight(x, 13) ^ BitOperations.RotateRight(x, 22);
    private static uint Sigma1(uint x) => BitOperations.RotateRight(x, 6) ^ BitOperations.RotateRight(x, 11) ^ BitOperations.RotateRight(x, 25);

    /// <summary>SHA256H (c = 0: SHA256hash(Qd, Qn, W, TRUE)) and SHA256H2 (c = 1: SHA256hash(Qn, Qd, W, FALSE)).</summary>
    public static void Sha256Hash(ref CpuState s, int d, int n, int m, int c)
    {
        V128 x = c == 0 ? Read(ref s, d) : Read(ref s, n);
        V128 y = c == 0 ? Read(ref s, n) : Read(ref s, d);
        V128 w = Read(ref s, m);
        for (int e = 0; e < 4; e++)
        {
            uint chs = Choose((uint)y.Get(0, 32), (uint)y.Get(1, 32), (uint)y.Get(2, 32));
            uint maj = Majority((uint)x.Get(0, 32), (uint)x.Get(1, 32), (uint)x.Get(2, 32));
            uint t = (uint)y.Get(3, 32) + Sigma1((uint)y.Get(0, 32)) + chs + (uint)w.Get(e, 32);
            x.Set(3, 32, t + (uint)x.Get(3, 32));
            y.Set(3, 32, t + Sigma0((uint)x.Get(0, 32)) + maj);
            // <Y, X> = ROL(Y : X, 32)
            ulong xTop = x.Hi >> 32, yTop = y.Hi >> 32;
            x = new V128((x.Lo << 32) | yTop, (x.Hi << 32) | (x.Lo >> 32));
            y = new V128((y.Lo << 32) | xTop, (y.Hi << 32) | (y.Lo >> 32));
        }
        Write(ref s, d, c == 0 ? x : y);
    }

    /// <summary>SHA256SU0.</summary>
    public static void Sha256Su0(ref CpuState s, int d, int n, int unused, int c)
    {
        V128 a = Read(ref s, d), b = Read(ref s, n), r = default;
        // T = operand2<31:0> : operand1<127:32>
        V128 t = new((a.Lo >> 32) | (a.Hi << 32), (a.Hi >> 32) | (b.Lo << 32));
        for (int e = 0; e < 4; e++)
        {
            uint elt = (uint)t.Get(e, 32);
            elt = BitOperations.RotateRight(elt, 7) ^ BitOperations.RotateRight(elt, 18) ^ (elt >> 3);
            r.Set(e, 32, elt + (uint)a.Get(e, 32));
        }
        Write(ref s, d, r);
    }

    /// <summary>SHA256SU1.</summary>
    public static void Sha256Su1(ref CpuState s, int d, int n, int m, int c)
    {
        V128 a = Read(ref s, d), b = Read(ref s, n), k = Read(ref s, m), r = default;
        // T0 = operand3<31:0> : operand2<127:32>; T1 = operand3<127:64>
        V128 t0 = new((b.Lo >> 32) | (b.Hi << 32), (b.Hi >> 32) | (k.Lo << 32));
        ulong t1 = k.Hi;
        for (int e = 0; e < 4; e++)
        {
            if (e == 2) t1 = r.Lo;
            uint elt = (uint)(t1 >> (32 * (e & 1)));
            elt = BitOperations.RotateRight(elt, 17) ^ BitOperations.RotateRight(elt, 19) ^ (elt >> 10);
            r.Set(e, 32, elt + (uint)a.Get(e, 32) + (uint)t0.Get(e, 32));
        }
        Write(ref s, d, r);
    }
}
