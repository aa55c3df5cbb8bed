namespace FastArm.Jit.Decode;

public static partial class A64Table
{
    /// <summary>
    /// System instructions (Arm ARM C4.1.65, "System instruction class encoding overview": 1101010100 L op0 op1 CRn
    /// CRm op2 Rt). Hints, barriers and PSTATE access live under op0 = 00; SYS/SYSL under 01; MSR/MRS under 1x.
    /// Unallocated combinations inside a row (an unknown system register, SYS operation or PSTATE field) are
    /// UNDEFINED at execution time, where the access checks that decide it also live (State/Cpu.SystemRegisters.cs).
    /// </summary>
    private static IEnumerable<A64Row> GroupSystem() =>
    [
        // Hints: op0 = 00, op1 = 011, CRn = 0010, Rt = 11111. Every CRm:op2 is a hint; the unimplemented ones are NOPs.
        Row("HINT",    "1101010100 0 00 011 0010 CRm:4 op2:3 11111", "Hint"),
        // Barriers: op0 = 00, op1 = 011, CRn = 0011, Rt = 11111. SSBB and PSSBB are DSB with CRm = 0000 and 0100.
        Row("CLREX",   "1101010100 0 00 011 0011 CRm:4 010 11111", "Clrex"),
        Row("DSB",     "1101010100 0 00 011 0011 CRm:4 100 11111", "Dsb"),
        Row("DMB",     "1101010100 0 00 011 0011 CRm:4 101 11111", "Dmb"),
        Row("ISB",     "1101010100 0 00 011 0011 CRm:4 110 11111", "Isb"),
        Row("SB",      "1101010100 0 00 011 0011 0000 111 11111", "Sb", Feature.SB),
        // PSTATE: op0 = 00, CRn = 0100, Rt = 11111; the field is op1:op2.
        Row("MSR_imm", "1101010100 0 00 op1:3 0100 CRm:4 op2:3 11111", "MsrImm"),
        // System instructions: op0 = 01.
        Row("SYS",     "1101010100 0 01 op1:3 CRn:4 CRm:4 op2:3 Rt:5", "Sys"),
        Row("SYSL",    "1101010100 1 01 op1:3 CRn:4 CRm:4 op2:3 Rt:5", "Sysl"),
        // System register moves: op0 = 1 o0.
        Row("MSR_reg", "1101010100 0 1 o0 op1:3 CRn:4 CRm:4 op2:3 Rt:5", "MsrReg"),
        Row("MRS",     "1101010100 1 1 o0 op1:3 CRn:4 CRm:4 op2:3 Rt:5", "Mrs"),
    ];
}
