using FastArm.Jit.Decode;
using FastArm.Jit.Semantics;

namespace FastArm.Jit.Translator;

/// <summary>What a translator must know about one instruction before it runs or compiles it.</summary>
[Flags]
public enum InsnInfo : ushort
{
    None = 0,
    /// <summary>A branch, an exception, a change of state that later code depends on (system registers, PSTATE,
    /// context synchronization by ISB, WFI/WFE): nothing may follow it in the same unit.</summary>
    EndsUnit = 1,
    ReadsFlags = 2,
    WritesFlags = 4,
    /// <summary>Calls into the CPU (memory, system registers...): may fault, so NZCV must be exact before it.</summary>
    MayFault = 8,
    /// <summary>Writes memory: may overwrite code, even the running unit's.</summary>
    Stores = 16,
    /// <summary>Branches to a target fixed at decode time (<see cref="Probe.Target"/>), always or conditionally.</summary>
    DirectBranch = 32,
    ConditionalBranch = 64,
    /// <summary>A branch with link (BL, BLR): the next instruction is where the callee's RET comes back to.</summary>
    Call = 128,
}

/// <summary>
/// An emitter that only watches: running an instruction's semantics on it (at decode time, on no guest values) tells
/// what the instruction can do. Semantics branch in C# only on decode-time fields, so one run sees every call.
/// </summary>
public struct Probe : IA64Emitter<ulong>
{
    private ulong _pc;
    private Feature _features;
    public InsnInfo Info;
    public ulong Target;

    public static InsnInfo Analyze(Interpreter.Semantic<Probe> handler, in Fields fields, ulong pc, Feature features, out ulong target)
    {
        var p = new Probe { _pc = pc, _features = features };
        handler(ref p, in fields);
        target = p.Target;
        return p.Info;
    }

    public readonly ulong Pc => _pc;
    public readonly Feature Features => _features;

    private void Fault() => Info |= InsnInfo.MayFault;
    private void End() => Info |= InsnInfo.EndsUnit | InsnInfo.MayFault;

    public readonly ulong Const(ulong value) => value;
    public readonly ulong X(int n) => 0;
    public readonly void SetX(int n, ulong value) { }
    public readonly ulong Sp() => 0;
    public readonly void SetSp(ulong value) { }
    public void CheckSpAlignment() => Fault();
    public readonly ulong VReg(int n, int half) => 0;
    public readonly void SetVReg(int n, ulong lo, ulong hi) { }
    public readonly ulong Add(ulong a, ulong b) => 0;
    public readonly ulong Sub(ulong a, ulong b) => 0;
    public readonly ulong And(ulong a, ulong b) => 0;
    public readonly ulong Or(ulong a, ulong b) => 0;
    public readonly ulong Xor(ulong a, ulong b) => 0;
    public readonly ulong Not(ulong a) => 0;
    public readonly ulong Shl(ulong a, ulong amount) => 0;
    public readonly ulong Lsr(ulong a, ulong amount) => 0;
    public readonly ulong Asr(ulong a, ulong amount) => 0;
    public readonly ulong Ror(ulong a, ulong amount, int width) => 0;
    public readonly ulong Mul(ulong a, ulong b) => 0;
    public readonly ulong UMulHigh(ulong a, ulong b) => 0;
    public readonly ulong SMulHigh(ulong a, ulong b) => 0;
    public readonly ulong UDiv(ulong a, ulong b) => 0;
    public readonly ulong SDiv(ulong a, ulong b) => 0;
    public readonly ulong ZeroExtend(ulong a, int bits) => 0;
    public readonly ulong SignExtend(ulong a, int bits) => 0;
    public readonly ulong Eq(ulong a, ulong b) => 0;
    public readonly ulong Ne(ulong a, ulong b) => 0;
    public readonly ulong ULt(ulong a, ulong b) => 0;
    public readonly ulong SLt(ulong a, ulong b) => 0;
    public readonly ulong Select(ulong cond, ulong ifTrue, ulong ifFalse) => 0;
    public ulong AddWithCarry(ulong a, ulong b, ulong carryIn, int bits, bool setFlags)
    {
        if (setFlags) Info |= InsnInfo.WritesFlags;
        return 0;
    }
    public void SetFlagsLogical(ulong result, int bits) => Info |= InsnInfo.WritesFlags;
    public ulong Nzcv() { Info |= InsnInfo.ReadsFlags; return 0; }
    public void SetNzcv(ulong nzcv) => Info |= InsnInfo.WritesFlags;
    public ulong Carry() { Info |= InsnInfo.ReadsFlags; return 0; }
    public ulong Condition(int cond) { if (cond < 14) Info |= InsnInfo.ReadsFlags; return 1; }
    public readonly ulong Call(Func<ulong, ulong> helper, ulong a) => 0;
    public readonly ulong Call(Func<ulong, ulong, ulong> helper, ulong a, ulong b) => 0;
    public readonly ulong Call(Func<ulong, ulong, ulong, ulong> helper, ulong a, ulong b, ulong c) => 0;
    public ulong Load(ulong address, int size, MemOp op = MemOp.None) { Fault(); return 0; }
    public void Store(ulong address, ulong value, int size, MemOp op = MemOp.None) => Info |= InsnInfo.MayFault | InsnInfo.Stores;
    public void Load128(ulong address, out ulong lo, out ulong hi, MemOp op = MemOp.None) { Fault(); lo = hi = 0; }
    public void Store128(ulong address, ulong lo, ulong hi, MemOp op = MemOp.None) => Info |= InsnInfo.MayFault | InsnInfo.Stores;
    public ulong LoadExclusive(ulong address, int size, int monitorSize, MemOp op) { Fault(); return 0; }
    public ulong StoreExclusive(ulong address, ulong value, int size, MemOp op) { Info |= InsnInfo.MayFault | InsnInfo.Stores; return 0; }
    public ulong StoreExclusivePair(ulong address, ulong lo, ulong hi, int size, MemOp op) { Info |= InsnInfo.MayFault | InsnInfo.Stores; return 0; }
    public void ClearExclusive() => Fault();
    public ulong AtomicRmw(AtomicOp kind, ulong address, ulong operand, int size, MemOp op) { Info |= InsnInfo.MayFault | InsnInfo.Stores; return 0; }
    public ulong CompareAndSwap(ulong address, ulong expected, ulong desired, int size, MemOp op) { Info |= InsnInfo.MayFault | InsnInfo.Stores; return 0; }
    public void CompareAndSwapPair(ulong address, ulong expected0, ulong expected1, ulong desired0, ulong desired1, int size, MemOp op, out ulong old0, out ulong old1)
    {
        Info |= InsnInfo.MayFault | InsnInfo.Stores;
        old0 = old1 = 0;
    }
    public void Branch(ulong target, BranchKind kind = BranchKind.Jump)
    {
        Info |= InsnInfo.EndsUnit | InsnInfo.DirectBranch | (kind == BranchKind.Call ? InsnInfo.Call : 0);
        Target = target;
    }
    public void BranchIf(ulong cond, ulong target)
    {
        Info |= InsnInfo.EndsUnit | InsnInfo.DirectBranch | InsnInfo.ConditionalBranch;
        Target = target;
    }
    public void BranchIndirect(ulong target, BranchKind kind) => Info |= InsnInfo.EndsUnit | (kind == BranchKind.Call ? InsnInfo.Call : 0);
    public ulong ReadSysReg(uint encoding) { Fault(); return 0; }
    public void WriteSysReg(uint encoding, ulong value) => End();
    public void MsrImmediate(uint op1, uint op2, uint crm) => End();
    /// <summary>TLBI, AT and IC end the unit; DC goes on after it as after a store (glibc's memset and the kernel's
    /// clear_page loop over DC ZVA: ending there sent every iteration back to the dispatcher).</summary>
    public void Sys(uint op1, uint crn, uint crm, uint op2, int rt, bool isRead)
    {
        if (!isRead && Cpu.IsDataCacheOp(op1, crn, crm, op2)) Fault();
        else End();
    }
    /// <summary>NOP-like hints (NOP, YIELD, SEV, SEVL, ...) go on; WFE and WFI may wait, so they end the unit.</summary>
    public void Hint(uint hint) { if (hint is 2 or 3) End(); else Fault(); }
    /// <summary>ISB synchronizes context (new code and system register values must be seen after it): it ends the unit.</summary>
    public void Barrier(uint crm, uint op2) { if (op2 == 6) End(); else Fault(); }
    public void ExceptionGenerating(ExceptionGen kind, uint imm16) => End();
    public void Eret() => End();
    public void Undefined() => End();
    public void CheckFpAccess() => Fault();
    public void CallState(StateHelper helper, int a, int b, int c, int d) => Info |= InsnInfo.ReadsFlags | InsnInfo.WritesFlags;
}
