namespace FastArm.Jit.Decode;

public static partial class A64Table
{
    /// <summary>
    /// Data processing (register), op0 = x101 (bits 27..25 = 101), ARMv8.0 plus FEAT_CRC32. Unallocated encodings
    /// have no row: add/subtract (extended) with opt != 00, carry forms with bits 15..10 != 000000, conditional
    /// compare with S = 0, o2 = 1 or o3 = 1, conditional select with S = 1 or op2 = 1x, 1-source with S = 1,
    /// opcode2 != 00000 or an unlisted opcode (REV with sf = 0 and opc = 11 among them), 2-source with S = 1 or
    /// an unlisted opcode, CRC32 with sf not matching sz, 3-source with op54 != 00 or an unlisted op31:o0
    /// (the long forms with sf = 0 among them). Reserved field values inside a row (ROR for add/subtract
    /// shifted, imm6&lt;5&gt; with sf = 0, imm3 &gt; 4) are rejected by the semantics.
    /// </summary>
    private static IEnumerable<A64Row> GroupDataProcessingRegister() =>
    [
        // Logical (shifted register)
        Row("AND_shift",  "sf 00 01010 shift:2 0 Rm:5 imm6:6 Rn:5 Rd:5", "AndShift"),
        Row("BIC_shift",  "sf 00 01010 shift:2 1 Rm:5 imm6:6 Rn:5 Rd:5", "BicShift"),
        Row("ORR_shift",  "sf 01 01010 shift:2 0 Rm:5 imm6:6 Rn:5 Rd:5", "OrrShift"),
        Row("ORN_shift",  "sf 01 01010 shift:2 1 Rm:5 imm6:6 Rn:5 Rd:5", "OrnShift"),
        Row("EOR_shift",  "sf 10 01010 shift:2 0 Rm:5 imm6:6 Rn:5 Rd:5", "EorShift"),
        Row("EON_shift",  "sf 10 01010 shift:2 1 Rm:5 imm6:6 Rn:5 Rd:5", "EonShift"),
        Row("ANDS_shift", "sf 11 01010 shift:2 0 Rm:5 imm6:6 Rn:5 Rd:5", "AndsShift"),
        Row("BICS_shift", "sf 11 01010 shift:2 1 Rm:5 imm6:6 Rn:5 Rd:5", "BicsShift"),

        // Add/subtract (shifted register)
        Row("ADD_shift",  "sf 0 0 01011 shift:2 0 Rm:5 imm6:6 Rn:5 Rd:5", "AddShift"),
        Row("ADDS_shift", "sf 0 1 01011 shift:2 0 Rm:5 imm6:6 Rn:5 Rd:5", "AddsShift"),
        Row("SUB_shift",  "sf 1 0 01011 shift:2 0 Rm:5 imm6:6 Rn:5 Rd:5", "SubShift"),
        Row("SUBS_shift", "sf 1 1 01011 shift:2 0 Rm:5 imm6:6 Rn:5 Rd:5", "SubsShift"),

        // Add/subtract (extended register)
        Row("ADD_ext",    "sf 0 0 01011 00 1 Rm:5 option:3 imm3:3 Rn:5 Rd:5", "AddExt"),
        Row("ADDS_ext",   "sf 0 1 01011 00 1 Rm:5 option:3 imm3:3 Rn:5 Rd:5", "AddsExt"),
        Row("SUB_ext",    "sf 1 0 01011 00 1 Rm:5 option:3 imm3:3 Rn:5 Rd:5", "SubExt"),
        Row("SUBS_ext",   "sf 1 1 01011 00 1 Rm:5 option:3 imm3:3 Rn:5 Rd:5", "SubsExt"),

        // Add/subtract (with carry)
        Row("ADC",        "sf 0 0 11010000 Rm:5 000000 Rn:5 Rd:5", "Adc"),
        Row("ADCS",       "sf 0 1 11010000 Rm:5 000000 Rn:5 Rd:5", "Adcs"),
        Row("SBC",        "sf 1 0 11010000 Rm:5 000000 Rn:5 Rd:5", "Sbc"),
        Row("SBCS",       "sf 1 1 11010000 Rm:5 000000 Rn:5 Rd:5", "Sbcs"),

        // Conditional compare (register) and (immediate)
        Row("CCMN_reg",   "sf 0 1 11010010 Rm:5 cond:4 0 0 Rn:5 0 nzcv:4", "CcmnReg"),
        Row("CCMP_reg",   "sf 1 1 11010010 Rm:5 cond:4 0 0 Rn:5 0 nzcv:4", "CcmpReg"),
        Row("CCMN_imm",   "sf 0 1 11010010 imm5:5 cond:4 1 0 Rn:5 0 nzcv:4", "CcmnImm"),
        Row("CCMP_imm",   "sf 1 1 11010010 imm5:5 cond:4 1 0 Rn:5 0 nzcv:4", "CcmpImm"),

        // Conditional select
        Row("CSEL",       "sf 0 0 11010100 Rm:5 cond:4 00 Rn:5 Rd:5", "Csel"),
        Row("CSINC",      "sf 0 0 11010100 Rm:5 cond:4 01 Rn:5 Rd:5", "Csinc"),
        Row("CSINV",      "sf 1 0 11010100 Rm:5 cond:4 00 Rn:5 Rd:5", "Csinv"),
        Row("CSNEG",      "sf 1 0 11010100 Rm:5 cond:4 01 Rn:5 Rd:5", "Csneg"),

        // Data-processing (1 source)
        Row("RBIT",       "sf 1 0 11010110 00000 000000 Rn:5 Rd:5", "Rbit"),
        Row("REV16",      "sf 1 0 11010110 00000 000001 Rn:5 Rd:5", "Rev16"),
        Row("REV_32",     "0 1 0 11010110 00000 000010 Rn:5 Rd:5", "RevW"),
        Row("REV32",      "1 1 0 11010110 00000 000010 Rn:5 Rd:5", "Rev32"),
        Row("REV_64",     "1 1 0 11010110 00000 000011 Rn:5 Rd:5", "RevX"),
        Row("CLZ",        "sf 1 0 11010110 00000 000100 Rn:5 Rd:5", "Clz"),
        Row("CLS",        "sf 1 0 11010110 00000 000101 Rn:5 Rd:5", "Cls"),

        // Data-processing (2 source)
        Row("UDIV",       "sf 0 0 11010110 Rm:5 000010 Rn:5 Rd:5", "Udiv"),
        Row("SDIV",       "sf 0 0 11010110 Rm:5 000011 Rn:5 Rd:5", "Sdiv"),
        Row("LSLV",       "sf 0 0 11010110 Rm:5 001000 Rn:5 Rd:5", "Lslv"),
        Row("LSRV",       "sf 0 0 11010110 Rm:5 001001 Rn:5 Rd:5", "Lsrv"),
        Row("ASRV",       "sf 0 0 11010110 Rm:5 001010 Rn:5 Rd:5", "Asrv"),
        Row("RORV",       "sf 0 0 11010110 Rm:5 001011 Rn:5 Rd:5", "Rorv"),
        Row("CRC32B",     "0 0 0 11010110 Rm:5 010000 Rn:5 Rd:5", "Crc32b", Feature.CRC32),
        Row("CRC32H",     "0 0 0 11010110 Rm:5 010001 Rn:5 Rd:5", "Crc32h", Feature.CRC32),
        Row("CRC32W",     "0 0 0 11010110 Rm:5 010010 Rn:5 Rd:5", "Crc32w", Feature.CRC32),
        Row("CRC32X",     "1 0 0 11010110 Rm:5 010011 Rn:5 Rd:5", "Crc32x", Feature.CRC32),
        Row("CRC32CB",    "0 0 0 11010110 Rm:5 010100 Rn:5 Rd:5", "Crc32cb", Feature.CRC32),
        Row("CRC32CH",    "0 0 0 11010110 Rm:5 010101 Rn:5 Rd:5", "Crc32ch", Feature.CRC32),
        Row("CRC32CW",    "0 0 0 11010110 Rm:5 010110 Rn:5 Rd:5", "Crc32cw", Feature.CRC32),
        Row("CRC32CX",    "1 0 0 11010110 Rm:5 010111 Rn:5 Rd:5", "Crc32cx", Feature.CRC32),

        // Data-processing (3 source). SMULH/UMULH ignore Ra (see Semantics.DataProcessingRegister.Smulh).
        Row("MADD",       "sf 00 11011 000 Rm:5 0 Ra:5 Rn:5 Rd:5", "Madd"),
        Row("MSUB",       "sf 00 11011 000 Rm:5 1 Ra:5 Rn:5 Rd:5", "Msub"),
        Row("SMADDL",     "1 00 11011 001 Rm:5 0 Ra:5 Rn:5 Rd:5", "Smaddl"),
        Row("SMSUBL",     "1 00 11011 001 Rm:5 1 Ra:5 Rn:5 Rd:5", "Smsubl"),
        Row("SMULH",      "1 00 11011 010 Rm:5 0 Ra:5 Rn:5 Rd:5", "Smulh"),
        Row("UMADDL",     "1 00 11011 101 Rm:5 0 Ra:5 Rn:5 Rd:5", "Umaddl"),
        Row("UMSUBL",     "1 00 11011 101 Rm:5 1 Ra:5 Rn:5 Rd:5", "Umsubl"),
        Row("UMULH",      "1 00 11011 110 Rm:5 0 Ra:5 Rn:5 Rd:5", "Umulh"),
    ];
}
