namespace FastArm.Jit.Decode;

public static partial class A64Table
{
    /// <summary>
    /// Cryptographic AES, three-register SHA and two-register SHA (Arm ARM C4.1.96.1-3), each gated by its
    /// feature. (PMULL of 64-bit elements, FEAT_PMULL, is with the AdvSIMD three-different rows.)
    /// </summary>
    private static IEnumerable<A64Row> GroupCrypto() =>
    [
        Row("AESE",      "01001110 00 10100 00100 10 Rn:5 Rd:5", "CryptoAes", Feature.AES),
        Row("AESD",      "01001110 00 10100 00101 10 Rn:5 Rd:5", "CryptoAes", Feature.AES),
        Row("AESMC",     "01001110 00 10100 00110 10 Rn:5 Rd:5", "CryptoAes", Feature.AES),
        Row("AESIMC",    "01001110 00 10100 00111 10 Rn:5 Rd:5", "CryptoAes", Feature.AES),
        Row("SHA1C",     "01011110 00 0 Rm:5 0 000 00 Rn:5 Rd:5", "CryptoSha3", Feature.SHA1),
        Row("SHA1P",     "01011110 00 0 Rm:5 0 001 00 Rn:5 Rd:5", "CryptoSha3", Feature.SHA1),
        Row("SHA1M",     "01011110 00 0 Rm:5 0 010 00 Rn:5 Rd:5", "CryptoSha3", Feature.SHA1),
        Row("SHA1SU0",   "01011110 00 0 Rm:5 0 011 00 Rn:5 Rd:5", "CryptoSha3", Feature.SHA1),
        Row("SHA256H",   "01011110 00 0 Rm:5 0 100 00 Rn:5 Rd:5", "CryptoSha3", Feature.SHA256),
        Row("SHA256H2",  "01011110 00 0 Rm:5 0 101 00 Rn:5 Rd:5", "CryptoSha3", Feature.SHA256),
        Row("SHA256SU1", "01011110 00 0 Rm:5 0 110 00 Rn:5 Rd:5", "CryptoSha3", Feature.SHA256),
        Row("SHA1H",     "01011110 00 10100 00000 10 Rn:5 Rd:5", "CryptoSha2", Feature.SHA1),
        Row("SHA1SU1",   "01011110 00 10100 00001 10 Rn:5 Rd:5", "CryptoSha2", Feature.SHA1),
        Row("SHA256SU0", "01011110 00 10100 00010 10 Rn:5 Rd:5", "CryptoSha2", Feature.SHA256),
    ];
}
