using FastArm.Jit.Decode;
using FastArm.Jit.Fp;

namespace FastArm.Jit.Semantics;

/// <summary>The cryptographic extension (Arm ARM C7.2 AESE..SHA256SU1): helpers in <see cref="CryptoOps"/>.</summary>
public static class CryptoExtension
{
    /// <summary>AESE, AESD, AESMC, AESIMC (opcode bits 13..12 pick which).</summary>
    public static void CryptoAes<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        e.CheckFpAccess();
        e.CallState(CryptoOps.Aes, (int)f.Rd, (int)f.Rn, 0, (int)((f.Raw >> 12) & 3));
    }

    /// <summary>SHA1C, SHA1P, SHA1M, SHA1SU0, SHA256H, SHA256H2, SHA256SU1 (opcode bits 14..12).</summary>
    public static void CryptoSha3<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        e.CheckFpAccess();
        uint opcode = (f.Raw >> 12) & 7;
        StateHelper h = opcode switch
        {
            0 or 1 or 2 => CryptoOps.Sha1Hash,
            3 => CryptoOps.Sha1Su0,
            4 or 5 => CryptoOps.Sha256Hash,
            _ => CryptoOps.Sha256Su1,
        };
        // SHA1C/P/M: 0, 1, 2; SHA256H: 0, SHA256H2: 1.
        int c = opcode < 3 ? (int)opcode : opcode is 4 or 5 ? (int)opcode - 4 : 0;
        e.CallState(h, (int)f.Rd, (int)f.Rn, (int)f.Rm, c);
    }

    /// <summary>SHA1H, SHA1SU1, SHA256SU0 (opcode bits 13..12).</summary>
    public static void CryptoSha2<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        e.CheckFpAccess();
        StateHelper h = ((f.Raw >> 12) & 3) switch
        {
            0 => CryptoOps.Sha1H,
            1 => CryptoOps.Sha1Su1,
            _ => CryptoOps.Sha256Su0,
        };
        e.CallState(h, (int)f.Rd, (int)f.Rn, 0, 0);
    }
}
