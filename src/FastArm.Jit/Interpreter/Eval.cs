using System.Runtime.CompilerServices;
using FastArm.Jit.Decode;
using FastArm.Jit.Semantics;
using FastArm.Jit.State;

namespace FastArm.Jit.Interpreter;

/// <summary>
/// The interpreter's emitter: every operation computes its value now. Because semantics are generic over a
/// struct emitter, .NET compiles a copy specialized for this type, and these small methods inline into it.
/// </summary>
public unsafe struct Eval : IA64Emitter<ulong>
{
    private readonly Cpu _cpu;
    private readonly CpuState* _s;
    private ulong _pc;

    /// <summary>The instruction branched (PC already set) or took an exception.</summary>
    public bool Ended;
    /// <summary>The instruction took an exception: its remaining writes are dropped.</summary>
    public bool Faulted;

    public Eval(Cpu cpu)
    {
        _cpu = cpu;
        _s = cpu.StatePointer;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Begin(ulong pc)
    {
        _pc = pc;
        Ended = false;
        Faulted = false;
        _cpu.ExceptionTaken = false;
    }

    /// <summary>After a call into the CPU that may have raised an exception.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool CheckException()
    {
        if (_cpu.ExceptionTaken) { Ended = true; Faulted = true; return true; }
        return false;
    }

    public readonly ulong Pc => _pc;
    public readonly Feature Features => _cpu.Features;

    public readonly ulong Const(ulong value) => value;

    public readonly ulong X(int n) => n == 31 ? 0 : _s->X[n];
    public readonly void SetX(int n, ulong value) { if (n != 31 && !Faulted) _s->X[n] = value; }
    public readonly ulong Sp() => _s->SpSel == 0 ? _s->SpEl[0] : _s->SpEl[_s->EL];
    public readonly void SetSp(ulong value)
    {
        if (Faulted) return;
        if (_s->SpSel == 0) _s->SpEl[0] = value; else _s->SpEl[_s->EL] = value;
    }
    public void CheckSpAlignment() { if (!Faulted && !_cpu.CheckSpAlignment()) CheckException(); }

    public readonly ulong VReg(int n, int half) => _s->V[n * 2 + half];
    public readonly void SetVReg(int n, ulong lo, ulong hi)
    {
        if (Faulted) return;
        _s->V[n * 2] = lo;
        _s->V[n * 2 + 1] = hi;
    }

    public readonly ulong Add(ulong a, ulong b) => a + b;
    public readonly ulong Sub(ulong a, ulong b) => a - b;
    public readonly ulong And(ulong a, ulong b) => a & b;
    public readonly ulong Or(ulong a, ulong b) => a | b;
    public readonly ulong Xor(ulong a, ulong b) => a ^ b;
    public readonly ulong Not(ulong a) => ~a;
    public readonly ulong Shl(ulong a, ulong amount) => a << (int)(amount & 63);
    public readonly ulong Lsr(ulong a, ulong amount) => a >> (int)(amount & 63);
    public readonly ulong Asr(ulong a, ulong amount) => (ulong)((long)a >> (int)(amount & 63));
    public readonly ulong Ror(ulong a, ulong amount, int width) => width == 64 ? Flags.Ror64(a, amount) : Flags.Ror32(a, amount);
    public readonly ulong Mul(ulong a, ulong b) => a * b;
    public readonly ulong UMulHigh(ulong a, ulong b) => Flags.UMulHigh(a, b);
    public readonly ulong SMulHigh(ulong a, ulong b) => Flags.SMulHigh(a, b);
    public readonly ulong UDiv(ulong a, ulong b) => Flags.UDiv(a, b);
    public readonly ulong SDiv(ulong a, ulong b) => Flags.SDiv(a, b);
    public readonly ulong ZeroExtend(ulong a, int bits) => bits >= 64 ? a : a & ((1UL << bits) - 1);
    public readonly ulong SignExtend(ulong a, int bits) => bits >= 64 ? a : (ulong)((long)(a << (64 - bits)) >> (64 - bits));

    public readonly ulong Eq(ulong a, ulong b) => a == b ? 1UL : 0;
    public readonly ulong Ne(ulong a, ulong b) => a != b ? 1UL : 0;
    public readonly ulong ULt(ulong a, ulong b) => a < b ? 1UL : 0;
    public readonly ulong SLt(ulong a, ulong b) => (long)a < (long)b ? 1UL : 0;
    public readonly ulong Select(ulong cond, ulong ifTrue, ulong ifFalse) => cond != 0 ? ifTrue : ifFalse;

    public readonly ulong AddWithCarry(ulong a, ulong b, ulong carryIn, int bits, bool setFlags)
    {
        if (bits == 64)
        {
            ulong result = a + b + carryIn;
            if (setFlags && !Faulted) _s->Nzcv = Flags.Add64(a, b, carryIn, result);
            return result;
        }
        if (setFlags && !Faulted) _s->Nzcv = Flags.Add32(a, b, carryIn);
        return (uint)(a + b + carryIn);
    }

    public readonly void SetFlagsLogical(ulong result, int bits)
    {
        if (Faulted) return;
        _s->Nzcv = bits == 32 ? Flags.Logical32(result) : Flags.Logical64(result);
    }

    public readonly ulong Nzcv() => _s->Nzcv;
    public readonly void SetNzcv(ulong nzcv) { if (!Faulted) _s->Nzcv = (uint)nzcv & 0xF000_0000u; }
    public readonly ulong Carry() => (_s->Nzcv >> 29) & 1;
    public readonly ulong Condition(int cond) => ConditionHolds(_s->Nzcv, cond) ? 1UL : 0;

    /// <summary>ConditionHolds() of the Arm ARM, on NZCV in bits 31..28.</summary>
    public static bool ConditionHolds(uint nzcv, int cond)
    {
        bool n = (nzcv & 0x8000_0000u) != 0, z = (nzcv & 0x4000_0000u) != 0, c = (nzcv & 0x2000_0000u) != 0, v = (nzcv & 0x1000_0000u) != 0;
        bool result = (cond >> 1) switch
        {
            0 => z,
            1 => c,
            2 => n,
            3 => v,
            4 => c && !z,
            5 => n == v,
            6 => n == v && !z,
            _ => true,
        };
        return (cond & 1) != 0 && cond != 15 ? !result : result;
    }

    public readonly ulong Call(Func<ulong, ulong> helper, ulong a) => helper(a);
    public readonly ulong Call(Func<ulong, ulong, ulong> helper, ulong a, ulong b) => helper(a, b);
    public readonly ulong Call(Func<ulong, ulong, ulong, ulong> helper, ulong a, ulong b, ulong c) => helper(a, b, c);

    // ---- memory: thin wrappers over Cpu.Memory.cs; a fault ends the instruction and later writes are dropped ----

    public ulong Load(ulong address, int size, MemOp op = MemOp.None)
    {
        if (Faulted) return 0;
        if (_cpu.TryRead(address, size, op, out ulong v)) return v;
        CheckException();
        return 0;
    }

    public void Store(ulong address, ulong value, int size, MemOp op = MemOp.None)
    {
        if (Faulted) return;
        if (!_cpu.TryWrite(address, size, value, op)) CheckException();
    }

    public void Load128(ulong address, out ulong lo, out ulong hi, MemOp op = MemOp.None)
    {
        lo = hi = 0;
        if (Faulted) return;
        _cpu.Load128Op(address, op, out lo, out hi);
        CheckException();
    }

    public void Store128(ulong address, ulong lo, ulong hi, MemOp op = MemOp.None)
    {
        if (Faulted) return;
        _cpu.Store128Op(address, lo, hi, op);
        CheckException();
    }

    public ulong LoadExclusive(ulong address, int size, int monitorSize, MemOp op)
    {
        if (Faulted) return 0;
        ulong v = _cpu.LoadExclusiveOp(address, size, monitorSize, op);
        CheckException();
        return v;
    }

    public ulong StoreExclusive(ulong address, ulong value, int size, MemOp op)
    {
        if (Faulted) return 1;
        ulong status = _cpu.StoreExclusiveOp(address, value, size, op);
        CheckException();
        return status;
    }

    public ulong StoreExclusivePair(ulong address, ulong lo, ulong hi, int size, MemOp op)
    {
        if (Faulted) return 1;
        ulong status = _cpu.StoreExclusivePairOp(address, lo, hi, size, op);
        CheckException();
        return status;
    }

    public readonly void ClearExclusive() { if (!Faulted) _cpu.ClearExclusive(); }

    public ulong AtomicRmw(AtomicOp kind, ulong address, ulong operand, int size, MemOp op)
    {
        if (Faulted) return 0;
        ulong old = _cpu.AtomicRmwOp(kind, address, operand, size, op);
        CheckException();
        return old;
    }

    public ulong CompareAndSwap(ulong address, ulong expected, ulong desired, int size, MemOp op)
    {
        if (Faulted) return 0;
        ulong old = _cpu.CompareAndSwapOp(address, expected, desired, size, op);
        CheckException();
        return old;
    }

    public void CompareAndSwapPair(ulong address, ulong expected0, ulong expected1, ulong desired0, ulong desired1, int size, MemOp op, out ulong old0, out ulong old1)
    {
        old0 = old1 = 0;
        if (Faulted) return;
        _cpu.CompareAndSwapPairOp(address, expected0, expected1, desired0, desired1, size, op, out old0, out old1);
        CheckException();
    }

    public void Branch(ulong target, BranchKind kind = BranchKind.Jump)
    {
        if (Faulted) return;
        _s->PC = target;
        Ended = true;
    }

    public void BranchIf(ulong cond, ulong target)
    {
        if (Faulted || cond == 0) return;
        _s->PC = target;
        Ended = true;
    }

    public void BranchIndirect(ulong target, BranchKind kind)
    {
        if (Faulted) return;
        _s->PC = _cpu.BranchAddr(target, _s->EL);   // BranchTo: the tag of a TBI address is dropped
        Ended = true;
    }

    public ulong ReadSysReg(uint encoding)
    {
        if (Faulted) return 0;
        ulong v = _cpu.ReadSysReg(encoding);
        CheckException();
        return v;
    }

    public void WriteSysReg(uint encoding, ulong value)
    {
        if (Faulted) return;
        _cpu.WriteSysReg(encoding, value);
        CheckException();
    }

    public void MsrImmediate(uint op1, uint op2, uint crm)
    {
        if (Faulted) return;
        _cpu.MsrImmediate(op1, op2, crm);
        CheckException();
    }

    public void Sys(uint op1, uint crn, uint crm, uint op2, int rt, bool isRead)
    {
        if (Faulted) return;
        _cpu.SysInstruction(op1, crn, crm, op2, rt, isRead);
        CheckException();
    }

    public void Hint(uint hint)
    {
        if (Faulted) return;
        _cpu.Hint(hint);
        CheckException();
    }

    public void Barrier(uint crm, uint op2)
    {
        if (Faulted) return;
        _cpu.Barrier(crm, op2);
        CheckException();
    }

    public void ExceptionGenerating(ExceptionGen kind, uint imm16)
    {
        if (Faulted) return;
        _cpu.ExceptionGenerating(kind, imm16);
        // SVC & co. and firmware calls all leave PC set; semihosting may also have stopped the CPU.
        Ended = true;
        if (_cpu.ExceptionTaken) Faulted = true;
    }

    public void Eret()
    {
        if (Faulted) return;
        _cpu.ExceptionReturn();
        Ended = true;
        CheckException();
    }

    public void Undefined()
    {
        if (Faulted) return;
        _cpu.RaiseUndefined();
        CheckException();
    }

    public void CheckFpAccess()
    {
        if (Faulted) return;
        if (!_cpu.CheckFPAdvSIMDEnabled()) CheckException();
    }

    public readonly void CallState(StateHelper helper, int a, int b, int c, int d)
    {
        if (!Faulted) helper(ref *_s, a, b, c, d);
    }
}
