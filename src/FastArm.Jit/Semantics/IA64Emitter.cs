using FastArm.Jit.Decode;

namespace FastArm.Jit.Semantics;

/// <summary>Modifiers of a memory access. They decide alignment checks, privilege, ordering and the monitor.</summary>
[Flags]
public enum MemOp
{
    None = 0,
    /// <summary>LDTR/STTR: checked as an EL0 access when executed at EL1 (unless PSTATE.UAO).</summary>
    Unprivileged = 1,
    Acquire = 2,
    Release = 4,
    /// <summary>Must be naturally aligned whatever SCTLR.A says (exclusives, atomics, acquire/release).</summary>
    AlignedOnly = 8,
    NonTemporal = 16,
    /// <summary>Part of an exclusive or atomic access (for memory hooks and the monitor).</summary>
    Exclusive = 32,
    /// <summary>A store that only checks: raises the fault the store would raise, writes nothing. Lets an
    /// instruction of several stores (STP) fault before any of them has changed memory.</summary>
    Probe = 64,
}

public enum AtomicOp { Add, Clr, Eor, Set, SMax, SMin, UMax, UMin, Swp }

public enum BranchKind { Jump, Call, Return }

public enum ExceptionGen { Svc, Hvc, Smc, Brk, Hlt }

/// <summary>
/// What a semantics method may do. Semantics are written once, generic over this interface; the interpreter
/// instantiates it with values (<see cref="Interpreter.Eval"/>, V = ulong) and the translator with IL.
///
/// Rules for semantics authors:
/// - Branch in C# only on values fixed at decode time (fields). Anything that depends on guest values goes
///   through the emitter (Select, BranchIf, helpers).
/// - Values are 64-bit. A 32-bit operation works on the low bits and zero-extends its result explicitly
///   (ZeroExtend(x, 32)) before SetX, as the Arm ARM's X[d] = ZeroExtend(result) does.
/// - After anything that can end the instruction (a load or store that faults, a trapped system register,
///   an exception), the emitter ignores further register writes, stores and branches of this instruction, so
///   semantics need no early returns for faults; they only must do loads before register writes when the
///   architecture keeps the old register value on a fault (it always does: restartable).
/// - Complex pure operations (CRC, bit reversal, FP) are static methods called through <see cref="Call"/>, so
///   both engines run the same code.
/// </summary>
public interface IA64Emitter<V>
{
    /// <summary>Address of the instruction being executed or translated.</summary>
    ulong Pc { get; }

    /// <summary>The features of the CPU that runs this code (for decode-time choices).</summary>
    Feature Features { get; }

    V Const(ulong value);

    /// <summary>X[n]; n = 31 reads as zero (XZR).</summary>
    V X(int n);
    /// <summary>X[n] = value; n = 31 discards (XZR).</summary>
    void SetX(int n, V value);
    /// <summary>The current stack pointer (SP_EL0 or SP_ELx per PSTATE.SP).</summary>
    V Sp();
    void SetSp(V value);
    /// <summary>
    /// The SP alignment check for a load or store whose base register is SP (SCTLR_ELx.SA / SA0): raises the SP
    /// alignment fault when the current SP is not 16-byte aligned.
    /// </summary>
    void CheckSpAlignment();

    /// <summary>One 64-bit half of V[n] (0 = bits 63..0, 1 = bits 127..64).</summary>
    V VReg(int n, int half);
    /// <summary>V[n] = hi:lo (a scalar write passes hi = 0, as the Arm ARM's V[n] = ZeroExtend(...) does).</summary>
    void SetVReg(int n, V lo, V hi);

    V Add(V a, V b);
    V Sub(V a, V b);
    V And(V a, V b);
    V Or(V a, V b);
    V Xor(V a, V b);
    V Not(V a);
    /// <summary>Shifts take the amount modulo 64.</summary>
    V Shl(V a, V amount);
    V Lsr(V a, V amount);
    V Asr(V a, V amount);
    /// <summary>Rotate right within the low <paramref name="width"/> (32 or 64) bits; amount taken modulo width.</summary>
    V Ror(V a, V amount, int width);
    V Mul(V a, V b);
    V UMulHigh(V a, V b);
    V SMulHigh(V a, V b);
    /// <summary>64-bit unsigned division with Arm's rule x / 0 = 0.</summary>
    V UDiv(V a, V b);
    /// <summary>64-bit signed division with Arm's rules x / 0 = 0 and INT64_MIN / -1 = INT64_MIN.</summary>
    V SDiv(V a, V b);
    /// <summary>Keeps the low <paramref name="bits"/> bits (1..64).</summary>
    V ZeroExtend(V a, int bits);
    /// <summary>Sign-extends from bit <paramref name="bits"/>-1 (1..64).</summary>
    V SignExtend(V a, int bits);

    // Comparisons give 1 or 0.
    V Eq(V a, V b);
    V Ne(V a, V b);
    V ULt(V a, V b);
    V SLt(V a, V b);
    /// <summary>cond != 0 ? ifTrue : ifFalse.</summary>
    V Select(V cond, V ifTrue, V ifFalse);

    /// <summary>
    /// The Arm ARM's AddWithCarry on the low <paramref name="bits"/> (32 or 64) bits: returns the zero-extended
    /// sum and, when <paramref name="setFlags"/>, sets NZCV from it.
    /// </summary>
    V AddWithCarry(V a, V b, V carryIn, int bits, bool setFlags);
    /// <summary>N and Z from the low <paramref name="bits"/> of result, C = V = 0 (ANDS, BICS, TST).</summary>
    void SetFlagsLogical(V result, int bits);
    /// <summary>NZCV in bits 31..28.</summary>
    V Nzcv();
    /// <summary>Sets NZCV from bits 31..28.</summary>
    void SetNzcv(V nzcv);
    /// <summary>PSTATE.C as 0 or 1.</summary>
    V Carry();
    /// <summary>1 when the Arm condition <paramref name="cond"/> (0..15) holds, else 0.</summary>
    V Condition(int cond);

    V Call(Func<ulong, ulong> helper, V a);
    V Call(Func<ulong, ulong, ulong> helper, V a, V b);
    V Call(Func<ulong, ulong, ulong, ulong> helper, V a, V b, V c);

    /// <summary>Loads <paramref name="size"/> bytes (1, 2, 4, 8), zero-extended, as the current EL would.</summary>
    V Load(V address, int size, MemOp op = MemOp.None);
    void Store(V address, V value, int size, MemOp op = MemOp.None);
    /// <summary>Loads 16 bytes (two 64-bit halves, low address first) as one access (LDR Q: alignment is checked
    /// for 16 bytes). With <see cref="MemOp.Exclusive"/> it is LDXP/LDAXP of X registers: single-copy atomic,
    /// 16-byte aligned, and it arms the exclusive monitor.</summary>
    void Load128(V address, out V lo, out V hi, MemOp op = MemOp.None);
    void Store128(V address, V lo, V hi, MemOp op = MemOp.None);

    /// <summary>LDXR family: loads and arms the local monitor for <paramref name="monitorSize"/> bytes.</summary>
    V LoadExclusive(V address, int size, int monitorSize, MemOp op);
    /// <summary>STXR family: stores if the monitor holds the address; returns the status (0 = stored, 1 = not).</summary>
    V StoreExclusive(V address, V value, int size, MemOp op);
    /// <summary>STXP family: both halves or neither, single-copy atomic for the pair.</summary>
    V StoreExclusivePair(V address, V lo, V hi, int size, MemOp op);
    void ClearExclusive();

    /// <summary>LSE read-modify-write (LDADD..., SWP); returns the old value.</summary>
    V AtomicRmw(AtomicOp kind, V address, V operand, int size, MemOp op);
    /// <summary>CAS: returns the old value; stores <paramref name="desired"/> only when old == expected.</summary>
    V CompareAndSwap(V address, V expected, V desired, int size, MemOp op);
    /// <summary>CASP: compares and swaps two adjacent values of <paramref name="size"/> bytes each.</summary>
    void CompareAndSwapPair(V address, V expected0, V expected1, V desired0, V desired1, int size, MemOp op, out V old0, out V old1);

    /// <summary>Ends the instruction with a branch to a target fixed at decode time.</summary>
    void Branch(ulong target, BranchKind kind = BranchKind.Jump);
    /// <summary>Branches when cond != 0, else falls through to the next instruction.</summary>
    void BranchIf(V cond, ulong target);
    /// <summary>Branches to a computed target (BR, BLR, RET).</summary>
    void BranchIndirect(V target, BranchKind kind);

    /// <summary>MRS: reads the system register with encoding op0:op1:CRn:CRm:op2 (see SysRegEncoding); may trap.</summary>
    V ReadSysReg(uint encoding);
    /// <summary>MSR (register); may trap; may change how following code must be translated.</summary>
    void WriteSysReg(uint encoding, V value);
    /// <summary>MSR (immediate) to a PSTATE field.</summary>
    void MsrImmediate(uint op1, uint op2, uint crm);
    /// <summary>SYS/SYSL: cache maintenance, address translation, TLB invalidation.</summary>
    void Sys(uint op1, uint crn, uint crm, uint op2, int rt, bool isRead);
    /// <summary>HINT space (NOP, YIELD, WFE, WFI, SEV, SEVL, ...), <paramref name="hint"/> = CRm:op2.</summary>
    void Hint(uint hint);
    /// <summary>CLREX, DSB, DMB, ISB, SB and the other barriers: CRm and op2 of the encoding.</summary>
    void Barrier(uint crm, uint op2);
    /// <summary>SVC, HVC, SMC, BRK, HLT with their immediate.</summary>
    void ExceptionGenerating(ExceptionGen kind, uint imm16);
    void Eret();
    /// <summary>Raises the UNDEFINED exception (EC 0x00) for this instruction.</summary>
    void Undefined();

    /// <summary>
    /// AArch64.CheckFPAdvSIMDEnabled: raises the FP/AdvSIMD access trap (EC 0x07, or EC 0x00 to EL2 when
    /// HCR_EL2.TGE routes it) when CPACR_EL1.FPEN, CPTR_EL2 or CPTR_EL3.TFP disable FP/SIMD at the current EL.
    /// Every FP and AdvSIMD instruction calls it first.
    /// </summary>
    void CheckFpAccess();
    /// <summary>
    /// Calls a whole-instruction helper on the CPU state with decode-time arguments (register numbers, sizes,
    /// packed options). Used for FP/SIMD, where the pseudocode reads FPCR and writes FPSR.
    /// </summary>
    void CallState(StateHelper helper, int a, int b, int c, int d);
}

/// <summary>A whole-instruction helper: reads and writes the state directly (see <see cref="IA64Emitter{V}.CallState"/>).</summary>
public delegate void StateHelper(ref FastArm.Jit.State.CpuState s, int a, int b, int c, int d);

/// <summary>System register encodings as MRS/MSR carry them: op0[15:14] op1[13:11] CRn[10:7] CRm[6:3] op2[2:0].</summary>
public static class SysRegEncoding
{
    public static uint Make(uint op0, uint op1, uint crn, uint crm, uint op2) =>
        (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
}
