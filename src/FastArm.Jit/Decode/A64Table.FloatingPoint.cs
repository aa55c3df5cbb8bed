namespace FastArm.Jit.Decode;

public static partial class A64Table
{
    /// <summary>
    /// Scalar floating-point (Arm ARM C4.1.96.29-35): conversions with fixed-point and integers, data-processing
    /// with 1, 2 and 3 sources, compare, conditional compare and select, immediate. M and S are fixed 0.
    /// </summary>
    private static IEnumerable<A64Row> GroupFloatingPoint() =>
    [
        Row("FCVT_fixed_toint", "sf 0 0 11110 ftype:2 0 11 00 o0 scale:6 Rn:5 Rd:5", "FpToFixed", Feature.FP),
        Row("CVTF_fixed",       "sf 0 0 11110 ftype:2 0 00 01 o0 scale:6 Rn:5 Rd:5", "FpFromFixed", Feature.FP),

        Row("FCVT_int",         "sf 0 0 11110 ftype:2 1 rmode:2 00 o0 000000 Rn:5 Rd:5", "FpToIntegerRMode", Feature.FP),
        Row("CVTF_int",         "sf 0 0 11110 ftype:2 1 00 01 o0 000000 Rn:5 Rd:5", "FpFromInteger", Feature.FP),
        Row("FCVTA_int",        "sf 0 0 11110 ftype:2 1 00 10 o0 000000 Rn:5 Rd:5", "FpToIntegerTieAway", Feature.FP),
        Row("FMOV_general",     "sf 0 0 11110 ftype:2 1 rmode:2 11 o0 000000 Rn:5 Rd:5", "FpMoveGeneral", Feature.FP),

        Row("FP_dp1",           "0 0 0 11110 ftype:2 1 00 opcode:4 10000 Rn:5 Rd:5", "FpDataProcessing1", Feature.FP),
        Row("FCVT_precision",   "0 0 0 11110 ftype:2 1 0001 opc:2 10000 Rn:5 Rd:5", "FpConvertPrecision", Feature.FP),
        Row("FCMP",             "0 0 0 11110 ftype:2 1 Rm:5 00 1000 Rn:5 opc:2 000", "FpCompare", Feature.FP),
        Row("FMOV_imm",         "0 0 0 11110 ftype:2 1 imm8:8 100 00000 Rd:5", "FpMoveImmediate", Feature.FP),
        Row("FCCMP",            "0 0 0 11110 ftype:2 1 Rm:5 cond:4 01 Rn:5 op nzcv:4", "FpCondCompare", Feature.FP),
        Row("FP_dp2",           "0 0 0 11110 ftype:2 1 Rm:5 opcode:4 10 Rn:5 Rd:5", "FpDataProcessing2", Feature.FP),
        Row("FCSEL",            "0 0 0 11110 ftype:2 1 Rm:5 cond:4 11 Rn:5 Rd:5", "FpCondSelect", Feature.FP),
        Row("FP_dp3",           "0 0 0 11111 ftype:2 o1 Rm:5 o0 Ra:5 Rn:5 Rd:5", "FpDataProcessing3", Feature.FP),
    ];
}
