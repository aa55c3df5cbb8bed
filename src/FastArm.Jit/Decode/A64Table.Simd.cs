namespace FastArm.Jit.Decode;

public static partial class A64Table
{
    private static string B(int value, int bits) => Convert.ToString(value, 2).PadLeft(bits, '0');

    // Row builders for the regular AdvSIMD groups (Arm ARM C4.1.96): one row per instruction, U and opcode
    // fixed; vector forms have Q free, scalar forms bits 31..30 = 01 and bit 28 = 1.

    /// <summary>Three same, integer: 0 Q U 01110 size 1 Rm opcode 1 Rn Rd (scalar: 01 U 11110 ...).</summary>
    private static A64Row Same(string name, int u, int opcode, bool scalar = false) =>
        Row(name + (scalar ? "_asisdsame" : "_asimdsame"),
            $"0 {(scalar ? "1" : "Q")} {u} {(scalar ? "1" : "0")}1110 size:2 1 Rm:5 {B(opcode, 5)} 1 Rn:5 Rd:5", "SimdThreeSameInt", Feature.AdvSIMD);

    /// <summary>Three same, logical: size fixed (it selects the operation).</summary>
    private static A64Row Logical(string name, int u, int size) =>
        Row(name + "_asimdsame", $"0 Q {u} 01110 {B(size, 2)} 1 Rm:5 00011 1 Rn:5 Rd:5", "SimdThreeSameInt", Feature.AdvSIMD);

    /// <summary>Three same, floating-point: size&lt;1&gt; = a fixed, size&lt;0&gt; = sz.</summary>
    private static A64Row SameFp(string name, int u, int a, int opcode, bool scalar = false) =>
        Row(name + (scalar ? "_asisdsame" : "_asimdsame"),
            $"0 {(scalar ? "1" : "Q")} {u} {(scalar ? "1" : "0")}1110 {a} sz 1 Rm:5 {B(opcode, 5)} 1 Rn:5 Rd:5", "SimdThreeSameFp", Feature.AdvSIMD);

    /// <summary>Three different: 0 Q U 01110 size 1 Rm opcode 00 Rn Rd.</summary>
    private static A64Row Diff(string name, int u, int opcode, bool scalar = false) =>
        Row(name + (scalar ? "_asisddiff" : "_asimddiff"),
            $"0 {(scalar ? "1" : "Q")} {u} {(scalar ? "1" : "0")}1110 size:2 1 Rm:5 {B(opcode, 4)} 00 Rn:5 Rd:5", "SimdThreeDifferent", Feature.AdvSIMD);

    /// <summary>Two-register misc, integer: 0 Q U 01110 size 10000 opcode 10 Rn Rd.</summary>
    private static A64Row Misc(string name, int u, int opcode, bool scalar = false) =>
        Row(name + (scalar ? "_asisdmisc" : "_asimdmisc"),
            $"0 {(scalar ? "1" : "Q")} {u} {(scalar ? "1" : "0")}1110 size:2 10000 {B(opcode, 5)} 10 Rn:5 Rd:5", "SimdTwoRegMisc", Feature.AdvSIMD);

    /// <summary>Two-register misc, floating-point: size&lt;1&gt; = a fixed.</summary>
    private static A64Row MiscFp(string name, int u, int a, int opcode, bool scalar = false) =>
        Row(name + (scalar ? "_asisdmisc" : "_asimdmisc"),
            $"0 {(scalar ? "1" : "Q")} {u} {(scalar ? "1" : "0")}1110 {a} sz 10000 {B(opcode, 5)} 10 Rn:5 Rd:5", "SimdTwoRegMisc", Feature.AdvSIMD);

    /// <summary>Shift by immediate: 0 Q U 011110 immh immb opcode 1 Rn Rd (scalar: 01 U 111110 ...).</summary>
    private static A64Row ShiftImm(string name, int u, int opcode, bool scalar = false) =>
        Row(name + (scalar ? "_asisdshf" : "_asimdshf"),
            $"0 {(scalar ? "1" : "Q")} {u} {(scalar ? "1" : "0")}11110 immh:4 immb:3 {B(opcode, 5)} 1 Rn:5 Rd:5", "SimdShiftImmediate", Feature.AdvSIMD);

    /// <summary>By element, integer: 0 Q U 01111 size L M Rm:4 opcode H 0 Rn Rd.</summary>
    private static A64Row Elem(string name, int u, int opcode, bool scalar = false) =>
        Row(name + (scalar ? "_asisdelem" : "_asimdelem"),
            $"0 {(scalar ? "1" : "Q")} {u} {(scalar ? "1" : "0")}1111 size:2 L M Rm:4 {B(opcode, 4)} H 0 Rn:5 Rd:5", "SimdByElement", Feature.AdvSIMD);

    /// <summary>By element, floating-point: size&lt;1&gt; = 1, size&lt;0&gt; = sz.</summary>
    private static A64Row ElemFp(string name, int u, int opcode, bool scalar = false) =>
        Row(name + (scalar ? "_asisdelem" : "_asimdelem"),
            $"0 {(scalar ? "1" : "Q")} {u} {(scalar ? "1" : "0")}1111 1 sz L M Rm:4 {B(opcode, 4)} H 0 Rn:5 Rd:5", "SimdByElement", Feature.AdvSIMD);

    /// <summary>Across lanes: 0 Q U 01110 size 11000 opcode 10 Rn Rd.</summary>
    private static A64Row Across(string name, int u, int opcode, string size = "size:2") =>
        Row(name + "_asimdall", $"0 Q {u} 01110 {size} 11000 {B(opcode, 5)} 10 Rn:5 Rd:5", "SimdAcrossLanes", Feature.AdvSIMD);

    /// <summary>Scalar pairwise: 01 U 11110 size 11000 opcode 10 Rn Rd.</summary>
    private static A64Row Pair(string name, int u, int opcode, string size) =>
        Row(name + "_asisdpair", $"01 {u} 11110 {size} 11000 {B(opcode, 5)} 10 Rn:5 Rd:5", "SimdScalarPairwise", Feature.AdvSIMD);

    /// <summary>Modified immediate: 0 Q op 0111100000 a b c cmode o2=0 1 d e f g h Rd, cmode pattern fixed.</summary>
    private static A64Row ModImm(string name, int op, string cmode) =>
        Row(name + "_asimdimm", $"0 Q {op} 0111100000 a b c {cmode} 0 1 d e f g h Rd:5", "SimdModifiedImmediate", Feature.AdvSIMD);

    /// <summary>Advanced SIMD data processing, ARMv8.0-A.</summary>
    private static IEnumerable<A64Row> GroupSimd() =>
    [
        // ---- three same (C4.1.96.23, scalar C4.1.96.12)
        Same("SHADD", 0, 0), Same("SQADD", 0, 1), Same("SRHADD", 0, 2), Same("SHSUB", 0, 4), Same("SQSUB", 0, 5),
        Same("CMGT", 0, 6), Same("CMGE", 0, 7), Same("SSHL", 0, 8), Same("SQSHL", 0, 9), Same("SRSHL", 0, 10),
        Same("SQRSHL", 0, 11), Same("SMAX", 0, 12), Same("SMIN", 0, 13), Same("SABD", 0, 14), Same("SABA", 0, 15),
        Same("ADD", 0, 16), Same("CMTST", 0, 17), Same("MLA", 0, 18), Same("MUL", 0, 19), Same("SMAXP", 0, 20),
        Same("SMINP", 0, 21), Same("SQDMULH", 0, 22), Same("ADDP", 0, 23),
        Same("UHADD", 1, 0), Same("UQADD", 1, 1), Same("URHADD", 1, 2), Same("UHSUB", 1, 4), Same("UQSUB", 1, 5),
        Same("CMHI", 1, 6), Same("CMHS", 1, 7), Same("USHL", 1, 8), Same("UQSHL", 1, 9), Same("URSHL", 1, 10),
        Same("UQRSHL", 1, 11), Same("UMAX", 1, 12), Same("UMIN", 1, 13), Same("UABD", 1, 14), Same("UABA", 1, 15),
        Same("SUB", 1, 16), Same("CMEQ", 1, 17), Same("MLS", 1, 18), Same("PMUL", 1, 19), Same("UMAXP", 1, 20),
        Same("UMINP", 1, 21), Same("SQRDMULH", 1, 22),
        Logical("AND", 0, 0), Logical("BIC", 0, 1), Logical("ORR", 0, 2), Logical("ORN", 0, 3),
        Logical("EOR", 1, 0), Logical("BSL", 1, 1), Logical("BIT", 1, 2), Logical("BIF", 1, 3),
        Same("SQADD", 0, 1, true), Same("SQSUB", 0, 5, true), Same("CMGT", 0, 6, true), Same("CMGE", 0, 7, true),
        Same("SSHL", 0, 8, true), Same("SQSHL", 0, 9, true), Same("SRSHL", 0, 10, true), Same("SQRSHL", 0, 11, true),
        Same("ADD", 0, 16, true), Same("CMTST", 0, 17, true), Same("SQDMULH", 0, 22, true),
        Same("UQADD", 1, 1, true), Same("UQSUB", 1, 5, true), Same("CMHI", 1, 6, true), Same("CMHS", 1, 7, true),
        Same("USHL", 1, 8, true), Same("UQSHL", 1, 9, true), Same("URSHL", 1, 10, true), Same("UQRSHL", 1, 11, true),
        Same("SUB", 1, 16, true), Same("CMEQ", 1, 17, true), Same("SQRDMULH", 1, 22, true),
        SameFp("FMAXNM", 0, 0, 24), SameFp("FMLA", 0, 0, 25), SameFp("FADD", 0, 0, 26), SameFp("FMULX", 0, 0, 27),
        SameFp("FCMEQ", 0, 0, 28), SameFp("FMAX", 0, 0, 30), SameFp("FRECPS", 0, 0, 31),
        SameFp("FMINNM", 0, 1, 24), SameFp("FMLS", 0, 1, 25), SameFp("FSUB", 0, 1, 26), SameFp("FMIN", 0, 1, 30),
        SameFp("FRSQRTS", 0, 1, 31),
        SameFp("FMAXNMP", 1, 0, 24), SameFp("FADDP", 1, 0, 26), SameFp("FMUL", 1, 0, 27), SameFp("FCMGE", 1, 0, 28),
        SameFp("FACGE", 1, 0, 29), SameFp("FMAXP", 1, 0, 30), SameFp("FDIV", 1, 0, 31),
        SameFp("FMINNMP", 1, 1, 24), SameFp("FABD", 1, 1, 26), SameFp("FCMGT", 1, 1, 28), SameFp("FACGT", 1, 1, 29),
        SameFp("FMINP", 1, 1, 30),
        SameFp("FMULX", 0, 0, 27, true), SameFp("FCMEQ", 0, 0, 28, true), SameFp("FRECPS", 0, 0, 31, true),
        SameFp("FRSQRTS", 0, 1, 31, true), SameFp("FCMGE", 1, 0, 28, true), SameFp("FACGE", 1, 0, 29, true),
        SameFp("FABD", 1, 1, 26, true), SameFp("FCMGT", 1, 1, 28, true), SameFp("FACGT", 1, 1, 29, true),

        // ---- three different (C4.1.96.22, scalar C4.1.96.11)
        Diff("SADDL", 0, 0), Diff("SADDW", 0, 1), Diff("SSUBL", 0, 2), Diff("SSUBW", 0, 3), Diff("ADDHN", 0, 4),
        Diff("SABAL", 0, 5), Diff("SUBHN", 0, 6), Diff("SABDL", 0, 7), Diff("SMLAL", 0, 8), Diff("SQDMLAL", 0, 9),
        Diff("SMLSL", 0, 10), Diff("SQDMLSL", 0, 11), Diff("SMULL", 0, 12), Diff("SQDMULL", 0, 13), Diff("PMULL", 0, 14),
        Diff("UADDL", 1, 0), Diff("UADDW", 1, 1), Diff("USUBL", 1, 2), Diff("USUBW", 1, 3), Diff("RADDHN", 1, 4),
        Diff("UABAL", 1, 5), Diff("RSUBHN", 1, 6), Diff("UABDL", 1, 7), Diff("UMLAL", 1, 8), Diff("UMLSL", 1, 10),
        Diff("UMULL", 1, 12),
        Diff("SQDMLAL", 0, 9, true), Diff("SQDMLSL", 0, 11, true), Diff("SQDMULL", 0, 13, true),
        Row("PMULL_asimddiff_1q", "0 Q 0 01110 11 1 Rm:5 1110 00 Rn:5 Rd:5", "SimdPmull64", Feature.PMULL),

        // ---- two-register misc (C4.1.96.21, scalar C4.1.96.10)
        Misc("REV64", 0, 0), Misc("REV16", 0, 1), Misc("SADDLP", 0, 2), Misc("SUQADD", 0, 3), Misc("CLS", 0, 4),
        Misc("CNT", 0, 5), Misc("SADALP", 0, 6), Misc("SQABS", 0, 7), Misc("CMGT_zero", 0, 8), Misc("CMEQ_zero", 0, 9),
        Misc("CMLT_zero", 0, 10), Misc("ABS", 0, 11), Misc("XTN", 0, 18), Misc("SQXTN", 0, 20),
        Misc("REV32", 1, 0), Misc("UADDLP", 1, 2), Misc("USQADD", 1, 3), Misc("CLZ", 1, 4), Misc("UADALP", 1, 6),
        Misc("SQNEG", 1, 7), Misc("CMGE_zero", 1, 8), Misc("CMLE_zero", 1, 9), Misc("NEG", 1, 11), Misc("SQXTUN", 1, 18),
        Misc("SHLL", 1, 19), Misc("UQXTN", 1, 20),
        Row("NOT_asimdmisc", "0 Q 1 01110 00 10000 00101 10 Rn:5 Rd:5", "SimdTwoRegMisc", Feature.AdvSIMD),
        Row("RBIT_asimdmisc", "0 Q 1 01110 01 10000 00101 10 Rn:5 Rd:5", "SimdTwoRegMisc", Feature.AdvSIMD),
        MiscFp("FCVTN", 0, 0, 22), MiscFp("FCVTL", 0, 0, 23), MiscFp("FRINTN", 0, 0, 24), MiscFp("FRINTM", 0, 0, 25),
        MiscFp("FCVTNS", 0, 0, 26), MiscFp("FCVTMS", 0, 0, 27), MiscFp("FCVTAS", 0, 0, 28), MiscFp("SCVTF", 0, 0, 29),
        MiscFp("FCMGT_zero", 0, 1, 12), MiscFp("FCMEQ_zero", 0, 1, 13), MiscFp("FCMLT_zero", 0, 1, 14), MiscFp("FABS", 0, 1, 15),
        MiscFp("FRINTP", 0, 1, 24), MiscFp("FRINTZ", 0, 1, 25), MiscFp("FCVTPS", 0, 1, 26), MiscFp("FCVTZS", 0, 1, 27),
        MiscFp("URECPE", 0, 1, 28), MiscFp("FRECPE", 0, 1, 29),
        MiscFp("FCVTXN", 1, 0, 22), MiscFp("FRINTA", 1, 0, 24), MiscFp("FRINTX", 1, 0, 25), MiscFp("FCVTNU", 1, 0, 26),
        MiscFp("FCVTMU", 1, 0, 27), MiscFp("FCVTAU", 1, 0, 28), MiscFp("UCVTF", 1, 0, 29),
        MiscFp("FCMGE_zero", 1, 1, 12), MiscFp("FCMLE_zero", 1, 1, 13), MiscFp("FNEG", 1, 1, 15), MiscFp("FRINTI", 1, 1, 25),
        MiscFp("FCVTPU", 1, 1, 26), MiscFp("FCVTZU", 1, 1, 27), MiscFp("URSQRTE", 1, 1, 28), MiscFp("FRSQRTE", 1, 1, 29),
        MiscFp("FSQRT", 1, 1, 31),
        Misc("SUQADD", 0, 3, true), Misc("SQABS", 0, 7, true), Misc("CMGT_zero", 0, 8, true), Misc("CMEQ_zero", 0, 9, true),
        Misc("CMLT_zero", 0, 10, true), Misc("ABS", 0, 11, true), Misc("SQXTN", 0, 20, true),
        Misc("USQADD", 1, 3, true), Misc("SQNEG", 1, 7, true), Misc("CMGE_zero", 1, 8, true), Misc("CMLE_zero", 1, 9, true),
        Misc("NEG", 1, 11, true), Misc("SQXTUN", 1, 18, true), Misc("UQXTN", 1, 20, true),
        MiscFp("FCVTNS", 0, 0, 26, true), MiscFp("FCVTMS", 0, 0, 27, true), MiscFp("FCVTAS", 0, 0, 28, true),
        MiscFp("SCVTF", 0, 0, 29, true), MiscFp("FCMGT_zero", 0, 1, 12, true), MiscFp("FCMEQ_zero", 0, 1, 13, true),
        MiscFp("FCMLT_zero", 0, 1, 14, true), MiscFp("FCVTPS", 0, 1, 26, true), MiscFp("FCVTZS", 0, 1, 27, true),
        MiscFp("FRECPE", 0, 1, 29, true), MiscFp("FRECPX", 0, 1, 31, true),
        MiscFp("FCVTXN", 1, 0, 22, true), MiscFp("FCVTNU", 1, 0, 26, true), MiscFp("FCVTMU", 1, 0, 27, true),
        MiscFp("FCVTAU", 1, 0, 28, true), MiscFp("UCVTF", 1, 0, 29, true), MiscFp("FCMGE_zero", 1, 1, 12, true),
        MiscFp("FCMLE_zero", 1, 1, 13, true), MiscFp("FCVTPU", 1, 1, 26, true), MiscFp("FCVTZU", 1, 1, 27, true),
        MiscFp("FRSQRTE", 1, 1, 29, true),

        // ---- across lanes (C4.1.96.20) and scalar pairwise (C4.1.96.9)
        Across("SADDLV", 0, 3), Across("SMAXV", 0, 10), Across("SMINV", 0, 26), Across("ADDV", 0, 27),
        Across("UADDLV", 1, 3), Across("UMAXV", 1, 10), Across("UMINV", 1, 26),
        Across("FMAXNMV", 1, 12, "0 sz"), Across("FMAXV", 1, 15, "0 sz"), Across("FMINNMV", 1, 12, "1 sz"), Across("FMINV", 1, 15, "1 sz"),
        Pair("ADDP", 0, 27, "size:2"), Pair("FMAXNMP", 1, 12, "0 sz"), Pair("FADDP", 1, 13, "0 sz"), Pair("FMAXP", 1, 15, "0 sz"),
        Pair("FMINNMP", 1, 12, "1 sz"), Pair("FMINP", 1, 15, "1 sz"),

        // ---- shift by immediate (C4.1.96.24, scalar C4.1.96.13)
        ShiftImm("SSHR", 0, 0), ShiftImm("SSRA", 0, 2), ShiftImm("SRSHR", 0, 4), ShiftImm("SRSRA", 0, 6), ShiftImm("SHL", 0, 10),
        ShiftImm("SQSHL_imm", 0, 14), ShiftImm("SHRN", 0, 16), ShiftImm("RSHRN", 0, 17), ShiftImm("SQSHRN", 0, 18),
        ShiftImm("SQRSHRN", 0, 19), ShiftImm("SSHLL", 0, 20), ShiftImm("SCVTF_fix", 0, 28), ShiftImm("FCVTZS_fix", 0, 31),
        ShiftImm("USHR", 1, 0), ShiftImm("USRA", 1, 2), ShiftImm("URSHR", 1, 4), ShiftImm("URSRA", 1, 6), ShiftImm("SRI", 1, 8),
        ShiftImm("SLI", 1, 10), ShiftImm("SQSHLU", 1, 12), ShiftImm("UQSHL_imm", 1, 14), ShiftImm("SQSHRUN", 1, 16),
        ShiftImm("SQRSHRUN", 1, 17), ShiftImm("UQSHRN", 1, 18), ShiftImm("UQRSHRN", 1, 19), ShiftImm("USHLL", 1, 20),
        ShiftImm("UCVTF_fix", 1, 28), ShiftImm("FCVTZU_fix", 1, 31),
        ShiftImm("SSHR", 0, 0, true), ShiftImm("SSRA", 0, 2, true), ShiftImm("SRSHR", 0, 4, true), ShiftImm("SRSRA", 0, 6, true),
        ShiftImm("SHL", 0, 10, true), ShiftImm("SQSHL_imm", 0, 14, true), ShiftImm("SQSHRN", 0, 18, true),
        ShiftImm("SQRSHRN", 0, 19, true), ShiftImm("SCVTF_fix", 0, 28, true), ShiftImm("FCVTZS_fix", 0, 31, true),
        ShiftImm("USHR", 1, 0, true), ShiftImm("USRA", 1, 2, true), ShiftImm("URSHR", 1, 4, true), ShiftImm("URSRA", 1, 6, true),
        ShiftImm("SRI", 1, 8, true), ShiftImm("SLI", 1, 10, true), ShiftImm("SQSHLU", 1, 12, true), ShiftImm("UQSHL_imm", 1, 14, true),
        ShiftImm("SQSHRUN", 1, 16, true), ShiftImm("SQRSHRUN", 1, 17, true), ShiftImm("UQSHRN", 1, 18, true),
        ShiftImm("UQRSHRN", 1, 19, true), ShiftImm("UCVTF_fix", 1, 28, true), ShiftImm("FCVTZU_fix", 1, 31, true),

        // ---- by element (C4.1.96.25, scalar C4.1.96.14)
        ElemFp("FMLA", 0, 1), Elem("SMLAL", 0, 2), Elem("SQDMLAL", 0, 3), ElemFp("FMLS", 0, 5), Elem("SMLSL", 0, 6),
        Elem("SQDMLSL", 0, 7), Elem("MUL", 0, 8), ElemFp("FMUL", 0, 9), Elem("SMULL", 0, 10), Elem("SQDMULL", 0, 11),
        Elem("SQDMULH", 0, 12), Elem("SQRDMULH", 0, 13),
        Elem("MLA", 1, 0), Elem("UMLAL", 1, 2), Elem("MLS", 1, 4), Elem("UMLSL", 1, 6), ElemFp("FMULX", 1, 9), Elem("UMULL", 1, 10),
        ElemFp("FMLA", 0, 1, true), Elem("SQDMLAL", 0, 3, true), ElemFp("FMLS", 0, 5, true), Elem("SQDMLSL", 0, 7, true),
        ElemFp("FMUL", 0, 9, true), Elem("SQDMULL", 0, 11, true), Elem("SQDMULH", 0, 12, true), Elem("SQRDMULH", 0, 13, true),
        ElemFp("FMULX", 1, 9, true),

        // ---- copy (C4.1.96.17, scalar C4.1.96.5)
        Row("DUP_element_asimdins", "0 Q 0 01110000 imm5:5 0 0000 1 Rn:5 Rd:5", "SimdCopy", Feature.AdvSIMD),
        Row("DUP_general_asimdins", "0 Q 0 01110000 imm5:5 0 0001 1 Rn:5 Rd:5", "SimdCopy", Feature.AdvSIMD),
        Row("INS_general_asimdins", "0 1 0 01110000 imm5:5 0 0011 1 Rn:5 Rd:5", "SimdCopy", Feature.AdvSIMD),
        Row("SMOV_asimdins", "0 Q 0 01110000 imm5:5 0 0101 1 Rn:5 Rd:5", "SimdCopy", Feature.AdvSIMD),
        Row("UMOV_asimdins", "0 Q 0 01110000 imm5:5 0 0111 1 Rn:5 Rd:5", "SimdCopy", Feature.AdvSIMD),
        Row("INS_element_asimdins", "0 1 1 01110000 imm5:5 0 imm4:4 1 Rn:5 Rd:5", "SimdCopy", Feature.AdvSIMD),
        Row("DUP_element_asisdone", "01 0 11110000 imm5:5 0 0000 1 Rn:5 Rd:5", "SimdCopy", Feature.AdvSIMD),

        // ---- permute, extract, table lookup (C4.1.96.16, 15, 14)
        Row("UZP1_asimdperm", "0 Q 001110 size:2 0 Rm:5 0 001 10 Rn:5 Rd:5", "SimdPermute", Feature.AdvSIMD),
        Row("TRN1_asimdperm", "0 Q 001110 size:2 0 Rm:5 0 010 10 Rn:5 Rd:5", "SimdPermute", Feature.AdvSIMD),
        Row("ZIP1_asimdperm", "0 Q 001110 size:2 0 Rm:5 0 011 10 Rn:5 Rd:5", "SimdPermute", Feature.AdvSIMD),
        Row("UZP2_asimdperm", "0 Q 001110 size:2 0 Rm:5 0 101 10 Rn:5 Rd:5", "SimdPermute", Feature.AdvSIMD),
        Row("TRN2_asimdperm", "0 Q 001110 size:2 0 Rm:5 0 110 10 Rn:5 Rd:5", "SimdPermute", Feature.AdvSIMD),
        Row("ZIP2_asimdperm", "0 Q 001110 size:2 0 Rm:5 0 111 10 Rn:5 Rd:5", "SimdPermute", Feature.AdvSIMD),
        Row("EXT_asimdext", "0 Q 101110 00 0 Rm:5 0 imm4:4 0 Rn:5 Rd:5", "SimdExt", Feature.AdvSIMD),
        Row("TBL_TBX_asimdtbl", "0 Q 001110 00 0 Rm:5 0 len:2 op 00 Rn:5 Rd:5", "SimdTableLookup", Feature.AdvSIMD),

        // ---- modified immediate (C4.1.96.18): o2 = 1 is FMOV (half), FEAT_FP16
        ModImm("MOVI_32", 0, "0 x x 0"), ModImm("ORR_32", 0, "0 x x 1"), ModImm("MOVI_16", 0, "10 x 0"), ModImm("ORR_16", 0, "10 x 1"),
        ModImm("MOVI_ones", 0, "110 x"), ModImm("MOVI_8", 0, "1110"), ModImm("FMOV_S", 0, "1111"),
        ModImm("MVNI_32", 1, "0 x x 0"), ModImm("BIC_32", 1, "0 x x 1"), ModImm("MVNI_16", 1, "10 x 0"), ModImm("BIC_16", 1, "10 x 1"),
        ModImm("MVNI_ones", 1, "110 x"), ModImm("MOVI_64", 1, "1110"), ModImm("FMOV_D", 1, "1111"),

        // ---- load/store multiple structures and single structure (C4.1.92 .. C4.1.95)
        Row("LDST_multiple",      "0 Q 0011000 L 000000 opcode:4 size:2 Rn:5 Rt:5", "SimdLdStMultiple", Feature.AdvSIMD),
        Row("LDST_multiple_post", "0 Q 0011001 L 0 Rm:5 opcode:4 size:2 Rn:5 Rt:5", "SimdLdStMultiple", Feature.AdvSIMD),
        Row("LDST_single",        "0 Q 0011010 L R 00000 opcode:3 S size:2 Rn:5 Rt:5", "SimdLdStSingle", Feature.AdvSIMD),
        Row("LDST_single_post",   "0 Q 0011011 L R Rm:5 opcode:3 S size:2 Rn:5 Rt:5", "SimdLdStSingle", Feature.AdvSIMD),
    ];
}
