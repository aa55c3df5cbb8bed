namespace FastArm.Jit.Decode;

public static partial class A64Table
{
    /// <summary>Branches, exception generating and system instructions.</summary>
    private static IEnumerable<A64Row> GroupBranches() =>
    [
        Row("B",   "op 00101 imm26:26", "B"),
        Row("SVC", "11010100 000 imm16:16 000 01", "Svc"),
        Row("HVC", "11010100 000 imm16:16 000 10", "Hvc"),
        Row("SMC", "11010100 000 imm16:16 000 11", "Smc"),
        Row("BRK", "11010100 001 imm16:16 000 00", "Brk"),
        Row("HLT", "11010100 010 imm16:16 000 00", "Hlt"),
    ];
}
