namespace FastArm.Jit.Decode;

/// <summary>
/// Architectural features that gate table rows and the ID registers that advertise them. A row whose feature
/// the CPU does not have decodes as UNDEFINED, so the ID registers and the decoder cannot disagree.
/// </summary>
[Flags]
public enum Feature : ulong
{
    None = 0,
    FP = 1 << 0,
    AdvSIMD = 1 << 1,
    LSE = 1 << 2,
    CRC32 = 1 << 3,
    PAN = 1 << 4,
    UAO = 1 << 5,
    LOR = 1 << 6,
    AES = 1 << 7,
    PMULL = 1 << 8,
    SHA1 = 1 << 9,
    SHA256 = 1 << 10,
    FP16 = 1 << 11,
    SSBS = 1 << 12,
    LRCPC = 1 << 13,
    DIT = 1 << 14,
    SB = 1 << 15,
    TLBIRANGE = 1 << 16,
    TLBIOS = 1 << 17,
    LPA2 = 1 << 18,
    LVA = 1 << 19,
    RDM = 1 << 20,
    DotProd = 1 << 21,
    /// <summary>FEAT_VHE: HCR_EL2.E2H, the EL2&amp;0 regime, *_EL12 encodings. Off by default until the timers and
    /// the MMU handle E2H.</summary>
    VHE = 1 << 22,

    /// <summary>What FastArm implements today and advertises by default.</summary>
    Default = FP | AdvSIMD | LSE | CRC32 | PAN | UAO | AES | PMULL | SHA1 | SHA256,
}
