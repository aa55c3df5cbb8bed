namespace FastArm.Jit.Decode;

public static partial class A64Table
{
    /// <summary>
    /// Branches, exception generating and system instructions (Arm ARM C4.1.65): the branches and the exception
    /// generating instructions. The system instructions of the same group are in A64Table.System.cs.
    /// Not here, so UNDEFINED: BC.cond (FEAT_HBC), the pointer authentication branches BRAA/BRAB/BLRAA/BLRAB/
    /// RETAA/RETAB/ERETAA/ERETAB (FEAT_PAuth is not implemented), DRPS and DCPS1-3 (Debug state only).
    /// </summary>
    private static IEnumerable<A64Row> GroupBranches() =>
    [
        // Unconditional branch (immediate): op = 0 B, 1 BL.
        Row("B",      "op 00101 imm26:26", "B"),
        // Conditional branch (immediate): o1 = 0, o0 = 0.
        Row("B_cond", "0101010 0 imm19:19 0 cond:4", "BCond"),
        // Compare and branch (immediate): op = 0 CBZ, 1 CBNZ.
        Row("CBZ",    "sf 011010 op imm19:19 Rt:5", "Cbz"),
        // Test and branch (immediate): op = 0 TBZ, 1 TBNZ.
        Row("TBZ",    "b5 011011 op b40:5 imm14:14 Rt:5", "Tbz"),
        // Unconditional branch (register): opc op2 op3 op4 as listed, the other combinations unallocated.
        Row("BR",     "1101011 0000 11111 000000 Rn:5 00000", "Br"),
        Row("BLR",    "1101011 0001 11111 000000 Rn:5 00000", "Blr"),
        Row("RET",    "1101011 0010 11111 000000 Rn:5 00000", "Ret"),
        Row("ERET",   "1101011 0100 11111 000000 11111 00000", "Eret"),
        // Exception generation: opc, op2 = 000, LL.
        Row("SVC", "11010100 000 imm16:16 000 01", "Svc"),
        Row("HVC", "11010100 000 imm16:16 000 10", "Hvc"),
        Row("SMC", "11010100 000 imm16:16 000 11", "Smc"),
        Row("BRK", "11010100 001 imm16:16 000 00", "Brk"),
        Row("HLT", "11010100 010 imm16:16 000 00", "Hlt"),
    ];
}
