namespace FastArm.Jit.Decode;

public static partial class A64Table
{
    /// <summary>
    /// Loads and stores (Arm ARM C4.1.88), except the SIMD structure loads/stores (LD1..LD4, ST1..ST4). One row
    /// per encoding class and register file; size/opc combinations a class leaves unallocated are UNDEFINED
    /// in the semantics (the ones noted per row), unallocated classes have no row. FP rows need FEAT_FP.
    /// </summary>
    private static IEnumerable<A64Row> GroupLoadStore() =>
    [
        // Load/store exclusive register, exclusive pair, ordered, compare and swap (bits 29:24 = 001000,
        // o2 L o1 at bits 23:21, o0 at bit 15). SBO fields (Rs, Rt2 where unused) are free, as QEMU decodes them.
        Row("STXR",  "size:2 001000 0 0 0 Rs:5 o0 xxxxx Rn:5 Rt:5", "Stxr"),               // STXR{B,H}, STLXR{B,H}
        Row("LDXR",  "size:2 001000 0 1 0 xxxxx o0 xxxxx Rn:5 Rt:5", "Ldxr"),              // LDXR{B,H}, LDAXR{B,H}
        Row("STXP",  "1 sz 001000 0 0 1 Rs:5 o0 Rt2:5 Rn:5 Rt:5", "Stxp"),                 // STXP, STLXP
        Row("LDXP",  "1 sz 001000 0 1 1 xxxxx o0 Rt2:5 Rn:5 Rt:5", "Ldxp"),                // LDXP, LDAXP
        Row("CASP",  "0 sz 001000 0 L 1 Rs:5 o0 11111 Rn:5 Rt:5", "Casp", Feature.LSE),    // CASP{A,L,AL}; odd Rs/Rt UNDEFINED
        Row("STLR",  "size:2 001000 1 0 0 xxxxx 1 xxxxx Rn:5 Rt:5", "Stlr"),               // STLR{B,H}
        Row("STLLR", "size:2 001000 1 0 0 xxxxx 0 xxxxx Rn:5 Rt:5", "Stlr", Feature.LOR),  // STLLR{B,H}
        Row("LDAR",  "size:2 001000 1 1 0 xxxxx 1 xxxxx Rn:5 Rt:5", "Ldar"),               // LDAR{B,H}
        Row("LDLAR", "size:2 001000 1 1 0 xxxxx 0 xxxxx Rn:5 Rt:5", "Ldar", Feature.LOR),  // LDLAR{B,H}
        Row("CAS",   "size:2 001000 1 L 1 Rs:5 o0 11111 Rn:5 Rt:5", "Cas", Feature.LSE),   // CAS{A,L,AL}{B,H}

        // Load register (literal).
        Row("LDR_lit",    "opc:2 011 0 00 imm19:19 Rt:5", "LdrLiteral"),                     // LDR W/X, LDRSW
        Row("PRFM_lit",   "11 011 0 00 imm19:19 Rt:5", "Prefetch"),
        Row("LDR_lit_fp", "opc:2 011 1 00 imm19:19 Rt:5", "LdrFpLiteral", Feature.FP),       // S, D, Q; opc 11 UNDEFINED

        // Load/store pair: no-allocate (offset), post-index, signed offset, pre-index. General registers:
        // opc 00 W, 01 LDPSW (L = 1 only; not for LDNP), 10 X, 11 UNDEFINED. SIMD&FP: 00 S, 01 D, 10 Q.
        Row("STNP_LDNP",       "opc:2 101 0 000 L imm7:7 Rt2:5 Rn:5 Rt:5", "LdStPairNonTemporal"),
        Row("STP_LDP_post",    "opc:2 101 0 001 L imm7:7 Rt2:5 Rn:5 Rt:5", "LdStPairPost"),
        Row("STP_LDP_off",     "opc:2 101 0 010 L imm7:7 Rt2:5 Rn:5 Rt:5", "LdStPairOffset"),
        Row("STP_LDP_pre",     "opc:2 101 0 011 L imm7:7 Rt2:5 Rn:5 Rt:5", "LdStPairPre"),
        Row("STNP_LDNP_fp",    "opc:2 101 1 000 L imm7:7 Rt2:5 Rn:5 Rt:5", "LdStFpPairNonTemporal", Feature.FP),
        Row("STP_LDP_post_fp", "opc:2 101 1 001 L imm7:7 Rt2:5 Rn:5 Rt:5", "LdStFpPairPost", Feature.FP),
        Row("STP_LDP_off_fp",  "opc:2 101 1 010 L imm7:7 Rt2:5 Rn:5 Rt:5", "LdStFpPairOffset", Feature.FP),
        Row("STP_LDP_pre_fp",  "opc:2 101 1 011 L imm7:7 Rt2:5 Rn:5 Rt:5", "LdStFpPairPre", Feature.FP),

        // Load/store register, general registers. size:opc: 00 STR{B,H,-,-}, 01 LDR{B,H,W,X}, 10 LDRS{B,H,W}
        // to X and PRFM (size 11, own rows), 11 LDRS{B,H} to W (sizes 10 and 11 UNDEFINED).
        Row("STUR_LDUR",       "size:2 111 0 00 opc:2 0 imm9:9 00 Rn:5 Rt:5", "LdStRegUnscaled"),
        Row("PRFUM",           "11 111 0 00 10 0 imm9:9 00 Rn:5 Rt:5", "Prefetch"),
        Row("STR_LDR_post",    "size:2 111 0 00 opc:2 0 imm9:9 01 Rn:5 Rt:5", "LdStRegPost"),      // size 11 opc 10 UNDEFINED
        Row("STTR_LDTR",       "size:2 111 0 00 opc:2 0 imm9:9 10 Rn:5 Rt:5", "LdStRegUnprivileged"), // size 11 opc 10 UNDEFINED
        Row("STR_LDR_pre",     "size:2 111 0 00 opc:2 0 imm9:9 11 Rn:5 Rt:5", "LdStRegPre"),       // size 11 opc 10 UNDEFINED
        Row("STR_LDR_reg",     "size:2 111 0 00 opc:2 1 Rm:5 option:3 S 10 Rn:5 Rt:5", "LdStRegRegOffset"), // option<1> = 0 UNDEFINED
        Row("PRFM_reg",        "11 111 0 00 10 1 Rm:5 option:3 S 10 Rn:5 Rt:5", "PrefetchReg"),
        Row("STR_LDR_uimm",    "size:2 111 0 01 opc:2 imm12:12 Rn:5 Rt:5", "LdStRegUnsignedImm"),
        Row("PRFM_imm",        "11 111 0 01 10 imm12:12 Rn:5 Rt:5", "Prefetch"),

        // Load/store register, SIMD&FP registers: size:opc 00:0x B, 01:0x H, 10:0x S, 11:0x D, 00:1x Q,
        // other size with opc 1x UNDEFINED. There is no unprivileged SIMD&FP form (no row: UNDEFINED).
        Row("STUR_LDUR_fp",    "size:2 111 1 00 opc:2 0 imm9:9 00 Rn:5 Rt:5", "LdStFpUnscaled", Feature.FP),
        Row("STR_LDR_post_fp", "size:2 111 1 00 opc:2 0 imm9:9 01 Rn:5 Rt:5", "LdStFpPost", Feature.FP),
        Row("STR_LDR_pre_fp",  "size:2 111 1 00 opc:2 0 imm9:9 11 Rn:5 Rt:5", "LdStFpPre", Feature.FP),
        Row("STR_LDR_reg_fp",  "size:2 111 1 00 opc:2 1 Rm:5 option:3 S 10 Rn:5 Rt:5", "LdStFpRegOffset", Feature.FP),
        Row("STR_LDR_uimm_fp", "size:2 111 1 01 opc:2 imm12:12 Rn:5 Rt:5", "LdStFpUnsignedImm", Feature.FP),

        // Atomic memory operations (FEAT_LSE), general registers only: o3 = 0 with opc the operation, o3 = 1
        // with opc = 000 SWP. The other o3 = 1 encodings (LDAPR: FEAT_LRCPC) have no row here.
        Row("LDADD_etc", "size:2 111 0 00 A R 1 Rs:5 0 opc:3 00 Rn:5 Rt:5", "AtomicMemOp", Feature.LSE),
        Row("SWP",       "size:2 111 0 00 A R 1 Rs:5 1 000 00 Rn:5 Rt:5", "Swp", Feature.LSE),
    ];
}
