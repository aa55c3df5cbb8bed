namespace FastArm.Jit.Decode;

public static partial class A64Table
{
    /// <summary>Data processing (immediate).</summary>
    private static IEnumerable<A64Row> GroupDataProcessingImmediate() =>
    [
        Row("ADD_imm", "sf op S 100010 sh imm12:12 Rn:5 Rd:5", "AddSubImm"),
    ];
}
