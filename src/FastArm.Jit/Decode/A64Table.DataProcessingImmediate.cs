namespace FastArm.Jit.Decode;

public static partial class A64Table
{
    /// <summary>
    /// Data processing (immediate), op0 = 100x (bits 28..26 = 100). Unallocated encodings of the group have no
    /// row: MOV wide opc = 01, bitfield opc = 11, extract op21 != 00 or o0 = 1, and (ARMv8.0) add/subtract with
    /// bit 23 set. Field combinations the Arm ARM calls UNDEFINED inside an instruction (sf/N mismatches,
    /// reserved bitmask immediates, hw with sf = 0) are rejected by the semantics.
    /// </summary>
    private static IEnumerable<A64Row> GroupDataProcessingImmediate() =>
    [
        // PC-rel. addressing
        Row("ADR",      "0 immlo:2 10000 immhi:19 Rd:5", "Adr"),
        Row("ADRP",     "1 immlo:2 10000 immhi:19 Rd:5", "Adrp"),

        // Add/subtract (immediate)
        Row("ADD_imm",  "sf 0 0 100010 sh imm12:12 Rn:5 Rd:5", "AddImm"),
        Row("ADDS_imm", "sf 0 1 100010 sh imm12:12 Rn:5 Rd:5", "AddsImm"),
        Row("SUB_imm",  "sf 1 0 100010 sh imm12:12 Rn:5 Rd:5", "SubImm"),
        Row("SUBS_imm", "sf 1 1 100010 sh imm12:12 Rn:5 Rd:5", "SubsImm"),

        // Logical (immediate)
        Row("AND_imm",  "sf 00 100100 N immr:6 imms:6 Rn:5 Rd:5", "AndImm"),
        Row("ORR_imm",  "sf 01 100100 N immr:6 imms:6 Rn:5 Rd:5", "OrrImm"),
        Row("EOR_imm",  "sf 10 100100 N immr:6 imms:6 Rn:5 Rd:5", "EorImm"),
        Row("ANDS_imm", "sf 11 100100 N immr:6 imms:6 Rn:5 Rd:5", "AndsImm"),

        // Move wide (immediate)
        Row("MOVN",     "sf 00 100101 hw:2 imm16:16 Rd:5", "Movn"),
        Row("MOVZ",     "sf 10 100101 hw:2 imm16:16 Rd:5", "Movz"),
        Row("MOVK",     "sf 11 100101 hw:2 imm16:16 Rd:5", "Movk"),

        // Bitfield
        Row("SBFM",     "sf 00 100110 N immr:6 imms:6 Rn:5 Rd:5", "Sbfm"),
        Row("BFM",      "sf 01 100110 N immr:6 imms:6 Rn:5 Rd:5", "Bfm"),
        Row("UBFM",     "sf 10 100110 N immr:6 imms:6 Rn:5 Rd:5", "Ubfm"),

        // Extract
        Row("EXTR",     "sf 00 100111 N 0 Rm:5 imms:6 Rn:5 Rd:5", "Extr"),
    ];
}
