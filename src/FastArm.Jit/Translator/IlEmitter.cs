using System.Reflection;
using System.Reflection.Emit;
using FastArm.Jit.Decode;
using FastArm.Jit.Semantics;
using FastArm.Jit.State;
using FastArm.SoftMmu.Tlb;

namespace FastArm.Jit.Translator;

/// <summary>A value in generated code: a constant known while translating, or an IL local holding a 64-bit value.</summary>
public readonly struct IlVal
{
    internal readonly LocalBuilder? Local;
    internal readonly ulong Value;
    internal IlVal(LocalBuilder local) { Local = local; Value = 0; }
    internal IlVal(ulong value) { Local = null; Value = value; }
    internal bool IsConst => Local == null;
}

/// <summary>
/// The translator's emitter: each semantics call emits the IL that computes its value at run time (constants fold).
/// A thin struct over <see cref="IlUnitBuilder"/>, which holds the state of the unit being built.
/// </summary>
public struct IlEmitter : IA64Emitter<IlVal>
{
    internal IlUnitBuilder B;

    public readonly ulong Pc => B.InsnPc;
    public readonly Feature Features => B.Features;

    public readonly IlVal Const(ulong value) => new(value);
    public readonly IlVal X(int n) => n == 31 ? new IlVal(0) : B.ReadX(n);
    public readonly void SetX(int n, IlVal value) { if (n != 31) B.WriteX(n, value); }
    public readonly IlVal Sp() => B.ReadX(IlUnitBuilder.SpSlot);
    public readonly void SetSp(IlVal value) => B.WriteX(IlUnitBuilder.SpSlot, value);
    public readonly void CheckSpAlignment() => B.CheckSpAlignment();

    public readonly IlVal VReg(int n, int half) => B.LoadState(IlUnitBuilder.Offsets.V + (n * 2 + half) * 8);
    public readonly void SetVReg(int n, IlVal lo, IlVal hi)
    {
        B.StoreState(IlUnitBuilder.Offsets.V + n * 16, lo);
        B.StoreState(IlUnitBuilder.Offsets.V + n * 16 + 8, hi);
    }

    public readonly IlVal Add(IlVal a, IlVal b) => a.IsConst && b.IsConst ? new(a.Value + b.Value) : b.IsConst && b.Value == 0 ? a : B.Binary(OpCodes.Add, a, b);
    public readonly IlVal Sub(IlVal a, IlVal b) => a.IsConst && b.IsConst ? new(a.Value - b.Value) : b.IsConst && b.Value == 0 ? a : B.Binary(OpCodes.Sub, a, b);
    public readonly IlVal And(IlVal a, IlVal b) => a.IsConst && b.IsConst ? new(a.Value & b.Value) : B.Binary(OpCodes.And, a, b);
    public readonly IlVal Or(IlVal a, IlVal b) => a.IsConst && b.IsConst ? new(a.Value | b.Value) : B.Binary(OpCodes.Or, a, b);
    public readonly IlVal Xor(IlVal a, IlVal b) => a.IsConst && b.IsConst ? new(a.Value ^ b.Value) : B.Binary(OpCodes.Xor, a, b);
    public readonly IlVal Not(IlVal a) => a.IsConst ? new(~a.Value) : B.Unary(OpCodes.Not, a);
    public readonly IlVal Shl(IlVal a, IlVal amount) => a.IsConst && amount.IsConst ? new(a.Value << (int)(amount.Value & 63)) : B.Shift(OpCodes.Shl, a, amount);
    public readonly IlVal Lsr(IlVal a, IlVal amount) => a.IsConst && amount.IsConst ? new(a.Value >> (int)(amount.Value & 63)) : B.Shift(OpCodes.Shr_Un, a, amount);
    public readonly IlVal Asr(IlVal a, IlVal amount) => a.IsConst && amount.IsConst ? new((ulong)((long)a.Value >> (int)(amount.Value & 63))) : B.Shift(OpCodes.Shr, a, amount);
    public readonly IlVal Ror(IlVal a, IlVal amount, int width) =>
        a.IsConst && amount.IsConst ? new(width == 64 ? Flags.Ror64(a.Value, amount.Value) : Flags.Ror32(a.Value, amount.Value))
        : B.CallStatic(width == 64 ? IlUnitBuilder.M.Ror64 : IlUnitBuilder.M.Ror32, a, amount);
    public readonly IlVal Mul(IlVal a, IlVal b) => a.IsConst && b.IsConst ? new(a.Value * b.Value) : B.Binary(OpCodes.Mul, a, b);
    public readonly IlVal UMulHigh(IlVal a, IlVal b) => B.CallStatic(IlUnitBuilder.M.UMulHigh, a, b);
    public readonly IlVal SMulHigh(IlVal a, IlVal b) => B.CallStatic(IlUnitBuilder.M.SMulHigh, a, b);
    public readonly IlVal UDiv(IlVal a, IlVal b) => B.CallStatic(IlUnitBuilder.M.UDiv, a, b);
    public readonly IlVal SDiv(IlVal a, IlVal b) => B.CallStatic(IlUnitBuilder.M.SDiv, a, b);
    public readonly IlVal ZeroExtend(IlVal a, int bits) =>
        bits >= 64 ? a : a.IsConst ? new(a.Value & ((1UL << bits) - 1)) : B.ZeroExtend(a, bits);
    public readonly IlVal SignExtend(IlVal a, int bits) =>
        bits >= 64 ? a : a.IsConst ? new((ulong)((long)(a.Value << (64 - bits)) >> (64 - bits))) : B.SignExtend(a, bits);

    public readonly IlVal Eq(IlVal a, IlVal b) => a.IsConst && b.IsConst ? new(a.Value == b.Value ? 1UL : 0) : B.Compare(OpCodes.Ceq, a, b, false);
    public readonly IlVal Ne(IlVal a, IlVal b) => a.IsConst && b.IsConst ? new(a.Value != b.Value ? 1UL : 0) : B.Compare(OpCodes.Ceq, a, b, true);
    public readonly IlVal ULt(IlVal a, IlVal b) => a.IsConst && b.IsConst ? new(a.Value < b.Value ? 1UL : 0) : B.Compare(OpCodes.Clt_Un, a, b, false);
    public readonly IlVal SLt(IlVal a, IlVal b) => a.IsConst && b.IsConst ? new((long)a.Value < (long)b.Value ? 1UL : 0) : B.Compare(OpCodes.Clt, a, b, false);
    public readonly IlVal Select(IlVal cond, IlVal ifTrue, IlVal ifFalse) =>
        cond.IsConst ? (cond.Value != 0 ? ifTrue : ifFalse) : B.Select(cond, ifTrue, ifFalse);

    public readonly IlVal AddWithCarry(IlVal a, IlVal b, IlVal carryIn, int bits, bool setFlags) => B.AddWithCarry(a, b, carryIn, bits, setFlags);
    public readonly void SetFlagsLogical(IlVal result, int bits) => B.SetFlagsLogical(result, bits);
    public readonly IlVal Nzcv() => B.LoadNzcv();
    public readonly void SetNzcv(IlVal nzcv) => B.StoreNzcv(nzcv);
    public readonly IlVal Carry() => B.CarryFlag();
    public readonly IlVal Condition(int cond) => cond >= 14 ? new(1) : B.Condition(cond);

    public readonly IlVal Call(Func<ulong, ulong> helper, IlVal a) => B.CallHelper(helper, a);
    public readonly IlVal Call(Func<ulong, ulong, ulong> helper, IlVal a, IlVal b) => B.CallHelper(helper, a, b);
    public readonly IlVal Call(Func<ulong, ulong, ulong, ulong> helper, IlVal a, IlVal b, IlVal c) => B.CallHelper(helper, a, b, c);

    public readonly IlVal Load(IlVal address, int size, MemOp op = MemOp.None) => B.Load(address, size, op);
    public readonly void Store(IlVal address, IlVal value, int size, MemOp op = MemOp.None) => B.Store(address, value, size, op);
    public readonly void Load128(IlVal address, out IlVal lo, out IlVal hi, MemOp op = MemOp.None) => B.Load128(address, op, out lo, out hi);
    public readonly void Store128(IlVal address, IlVal lo, IlVal hi, MemOp op = MemOp.None) => B.Store128(address, lo, hi, op);
    public readonly IlVal LoadExclusive(IlVal address, int size, int monitorSize, MemOp op) =>
        B.CpuCall(IlUnitBuilder.M.LoadExclusiveOp, false, address, B.I4(size), B.I4(monitorSize), B.I4(op));
    public readonly IlVal StoreExclusive(IlVal address, IlVal value, int size, MemOp op) =>
        B.CpuCall(IlUnitBuilder.M.StoreExclusiveOp, true, address, value, B.I4(size), B.I4(op));
    public readonly IlVal StoreExclusivePair(IlVal address, IlVal lo, IlVal hi, int size, MemOp op) =>
        B.CpuCall(IlUnitBuilder.M.StoreExclusivePairOp, true, address, lo, hi, B.I4(size), B.I4(op));
    public readonly void ClearExclusive() => B.CpuCallVoid(IlUnitBuilder.M.ClearExclusive, false);
    public readonly IlVal AtomicRmw(AtomicOp kind, IlVal address, IlVal operand, int size, MemOp op) =>
        B.AtomicRmw(kind, address, operand, size, op);
    public readonly IlVal CompareAndSwap(IlVal address, IlVal expected, IlVal desired, int size, MemOp op) =>
        B.CompareAndSwap(address, expected, desired, size, op);
    public readonly void CompareAndSwapPair(IlVal address, IlVal expected0, IlVal expected1, IlVal desired0, IlVal desired1, int size, MemOp op, out IlVal old0, out IlVal old1) =>
        B.CompareAndSwapPair(address, expected0, expected1, desired0, desired1, size, op, out old0, out old1);

    public readonly void Branch(ulong target, BranchKind kind = BranchKind.Jump) => B.Branch(target);
    public readonly void BranchIf(IlVal cond, ulong target) => B.BranchIf(cond, target);
    public readonly void BranchIndirect(IlVal target, BranchKind kind) => B.BranchIndirect(target, kind);

    public readonly IlVal ReadSysReg(uint encoding) => B.ReadSysReg(encoding);
    public readonly void WriteSysReg(uint encoding, IlVal value) => B.CpuCallVoid(IlUnitBuilder.M.WriteSysReg, false, B.I4((int)encoding), value);
    public readonly void MsrImmediate(uint op1, uint op2, uint crm) => B.CpuCallVoid(IlUnitBuilder.M.MsrImmediate, false, B.I4((int)op1), B.I4((int)op2), B.I4((int)crm));
    public readonly void Sys(uint op1, uint crn, uint crm, uint op2, int rt, bool isRead)
    {
        if (op1 == 3 && crn == 7 && crm == 4 && op2 == 1 && !isRead && B.El1ControlsAlone)
        {
            B.DataCacheZero(rt, IlUnitBuilder.M.SysInstruction, B.I4((int)op1), B.I4((int)crn), B.I4((int)crm), B.I4((int)op2), B.I4(rt), B.I4(0));
            return;
        }
        B.CpuCallVoid(IlUnitBuilder.M.SysInstruction, true, B.I4((int)op1), B.I4((int)crn), B.I4((int)crm), B.I4((int)op2), B.I4(rt), B.I4(isRead ? 1 : 0));
        B.ForgetX();   // SYSL writes Xt behind the emitter's back
    }
    public readonly void Hint(uint hint)
    {
        if (hint is 0) return;   // NOP
        B.CpuCallVoid(IlUnitBuilder.M.Hint, false, B.I4((int)hint));
    }
    public readonly void Barrier(uint crm, uint op2) => B.CpuCallVoid(IlUnitBuilder.M.Barrier, false, B.I4((int)crm), B.I4((int)op2));
    public readonly void ExceptionGenerating(ExceptionGen kind, uint imm16)
    {
        B.CpuCallVoid(IlUnitBuilder.M.ExceptionGenerating, false, B.I4((int)kind), B.I4((int)imm16));
        B.EndedByCpu();
    }
    public readonly void Eret()
    {
        B.CpuCallVoid(IlUnitBuilder.M.ExceptionReturn, false);
        B.EndedByCpu();
    }
    public readonly void Undefined()
    {
        B.CpuCallVoid(IlUnitBuilder.M.RaiseUndefined, false);
        B.EndedByCpu();
    }
    public readonly void CheckFpAccess() => B.CheckFpAccess();
    public readonly void CallState(StateHelper helper, int a, int b, int c, int d) => B.CallState(helper, a, b, c, d);
}

/// <summary>The compiled form of a unit: runs it on the state and returns how many instructions it executed.</summary>
public unsafe delegate int UnitFn(CpuState* s, int entry);

/// <summary>
/// Builds one DynamicMethod for a unit of guest instructions. Guest X registers are cached in IL locals (reads come
/// from the local, writes go to both, so the state in memory is exact at every call and every exit). The PC is stored
/// only before calls that can observe it. A call that raised an exception leaves through an exit that returns the
/// number of instructions executed; the exception entry has already set PC.
/// </summary>
internal sealed unsafe class IlUnitBuilder
{
    internal static class Offsets
    {
        public static readonly int X, V, PC, SpEl, Nzcv, Cpacr, SctlrEl1;
        static Offsets()
        {
            CpuState d = default;
            byte* b = (byte*)&d;
            X = (int)((byte*)d.X - b);
            V = (int)((byte*)d.V - b);
            PC = (int)((byte*)&d.PC - b);
            SpEl = (int)((byte*)d.SpEl - b);
            Nzcv = (int)((byte*)&d.Nzcv - b);
            Cpacr = (int)((byte*)&d.Sys.CPACR_EL1 - b);
            SctlrEl1 = (int)((byte*)&d.SCTLR[1] - b);
        }
    }

    internal static class M
    {
        private const BindingFlags Any = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
        private static MethodInfo C(string name) => typeof(Cpu).GetMethod(name, Any) ?? throw new MissingMethodException(nameof(Cpu), name);
        private static MethodInfo F(string name) => typeof(Flags).GetMethod(name, Any)!;
        public static readonly MethodInfo Ror64 = F(nameof(Flags.Ror64)), Ror32 = F(nameof(Flags.Ror32)),
            UMulHigh = F(nameof(Flags.UMulHigh)), SMulHigh = F(nameof(Flags.SMulHigh)), UDiv = F(nameof(Flags.UDiv)), SDiv = F(nameof(Flags.SDiv)),
            Add64 = F(nameof(Flags.Add64)), Add32 = F(nameof(Flags.Add32)), Logical64 = F(nameof(Flags.Logical64)), Logical32 = F(nameof(Flags.Logical32));
        public static readonly MethodInfo StoreOp = C(nameof(Cpu.StoreOp)), LoadOp = C(nameof(Cpu.LoadOp)),
            Load128Slow = C(nameof(Cpu.Load128Slow)), Store128Slow = C(nameof(Cpu.Store128Slow)), StorePairOp = C(nameof(Cpu.StorePairOp)), LoadExclusiveOp = C(nameof(Cpu.LoadExclusiveOp)),
            StoreExclusiveOp = C(nameof(Cpu.StoreExclusiveOp)), StoreExclusivePairOp = C(nameof(Cpu.StoreExclusivePairOp)),
            ClearExclusive = C(nameof(Cpu.ClearExclusive)), AtomicRmwOp = C(nameof(Cpu.AtomicRmwOp)), CompareAndSwapOp = C(nameof(Cpu.CompareAndSwapOp)),
            CompareAndSwapPairOp = C(nameof(Cpu.CompareAndSwapPairOp)), ReadSysReg = C(nameof(Cpu.ReadSysReg)), WriteSysReg = C(nameof(Cpu.WriteSysReg)),
            MsrImmediate = C(nameof(Cpu.MsrImmediate)), SysInstruction = C(nameof(Cpu.SysInstruction)), Hint = C(nameof(Cpu.Hint)),
            Barrier = C(nameof(Cpu.Barrier)), ExceptionGenerating = C(nameof(Cpu.ExceptionGenerating)), ExceptionReturn = C(nameof(Cpu.ExceptionReturn)),
            RaiseUndefined = C(nameof(Cpu.RaiseUndefined)), CheckFPAdvSIMDEnabled = C(nameof(Cpu.CheckFPAdvSIMDEnabled)),
            CheckSpAlignment = C(nameof(Cpu.CheckSpAlignment)), BranchAddr = C(nameof(Cpu.BranchAddr)), ChainTo = C(nameof(Cpu.ChainTo)),
            InvokeUnit = typeof(UnitFn).GetMethod(nameof(UnitFn.Invoke))!, ChainCached = C(nameof(Cpu.ChainCached)),
            InvokeGetter = typeof(Func<Cpu, ulong>).GetMethod(nameof(Func<Cpu, ulong>.Invoke))!;
        public static readonly FieldInfo MrsGetters = typeof(Cpu).GetField(nameof(Cpu.MrsGetters), Any)!;
        /// <summary>SIMD shapes whose vector form generated code tries first (it folds to the op or to false).</summary>
        public static readonly Dictionary<MethodInfo, MethodInfo> VectorFirst = new()
        {
            [S(nameof(Fp.SimdCore.Elementwise))] = S(nameof(Fp.SimdCore.TryElementwiseVector)),
            [S(nameof(Fp.SimdCore.Pairwise))] = S(nameof(Fp.SimdCore.TryPairwiseVector)),
            [S(nameof(Fp.SimdCore.Narrow))] = S(nameof(Fp.SimdCore.TryNarrowVector)),
        };
        private static MethodInfo S(string name) => typeof(Fp.SimdCore).GetMethod(name)!;
        public static readonly FieldInfo UnitCompiled = typeof(Unit).GetField(nameof(Unit.Compiled))!,
            UnitEntryIndex = typeof(Unit).GetField(nameof(Unit.EntryIndex))!;
        public static readonly FieldInfo ExceptionTaken = typeof(Cpu).GetField(nameof(Cpu.ExceptionTaken), Any)!,
            UnitInvalidated = typeof(Cpu).GetField(nameof(Cpu.UnitInvalidated), Any)!,
            UnitBudget = typeof(Cpu).GetField(nameof(Cpu.UnitBudget), Any)!;
    }

    private readonly DynamicMethod _method;
    private readonly ILGenerator _il;
    public readonly Feature Features;
    public ulong InsnPc;
    public readonly int SpOffset;
    private readonly int _el;
    /// <summary>Where the fast TLB table of the unit's access context lies, relative to the state pointer.</summary>
    private readonly int _tlbOffset;
    /// <summary>The unit key of the code being built, which units chained to must have; -1: no chaining.</summary>
    private readonly int _chainKey;
    private LocalBuilder? _exitTarget, _exitCount;
    private Label? _exit;

    /// <summary>The register cache's slot for the current SP (X0..X30 are slots 0..30).</summary>
    internal const int SpSlot = 31;
    private readonly LocalBuilder?[] _xLocal = new LocalBuilder?[32];
    private readonly bool[] _xValid = new bool[32];
    private readonly Stack<LocalBuilder> _freeTemps = new();
    private readonly List<LocalBuilder> _insnTemps = [];
    private LocalBuilder? _entry;

    private int _insnIndex;
    private bool _flagsDead;
    private bool _pcSynced, _fpChecked;
    // Instructions executed by the blocks before the current one (a unit may hold several blocks of one page).
    private readonly LocalBuilder _executed;
    private Func<ulong, (Label Label, int Length)?> _internalTarget = _ => null;
    private readonly Dictionary<ulong, Label> _leaveTo = [];
    // How the current instruction ends: null = falls through; else the unit exits after it.
    private IlVal? _branchTarget;
    private bool _endedByCpu, _storesSlowly;
    private (IlVal Cond, ulong Target)? _condBranch;
    private bool _isReturn;
    /// <summary>The region's blocks that follow a call (set by the translator): RETs are predicted to come back to them.</summary>
    public ulong[] ReturnPoints = [];
    // Exits taken when a call raised an exception: instruction index -> label (returns index + 1).
    private readonly List<(Label Label, int Count)> _faultExits = [];
    private Label? _faultExit;

    public IlUnitBuilder(string name, Feature features, int el, int spSel, int tlbOffset, int chainKey = -1)
    {
        Features = features;
        _el = el;
        _tlbOffset = tlbOffset;
        _chainKey = chainKey;
        SpOffset = Offsets.SpEl + (spSel == 0 ? 0 : el) * 8;
        _method = new DynamicMethod(name, typeof(int), [typeof(Cpu), typeof(CpuState*), typeof(int)], typeof(Cpu), skipVisibility: true)
        {
            // Every local is written before it is read (the instruction count is set below): with zero-initialisation
            // each call cleared the whole frame, hundreds of bytes of temporaries, before running a few instructions.
            InitLocals = false,
        };
        _il = _method.GetILGenerator();
        // Called with no state, the method returns at once: the translator calls it so to have RyuJIT compile it on the
        // translating thread rather than at its first real run.
        var body = _il.DefineLabel();
        LdState();
        _il.Emit(OpCodes.Brtrue, body);
        _il.Emit(OpCodes.Ldc_I4_0);
        _il.Emit(OpCodes.Ret);
        _il.MarkLabel(body);
        // A unit starts with no exception pending: each call below that raises one sets it and leaves at once.
        LdCpu();
        _il.Emit(OpCodes.Ldc_I4_0);
        _il.Emit(OpCodes.Stfld, M.ExceptionTaken);
        _executed = _il.DeclareLocal(typeof(int));
        _il.Emit(OpCodes.Ldc_I4_0);
        _il.Emit(OpCodes.Stloc, _executed);
    }

    public Label DefineLabel() => _il.DefineLabel();

    // The method is static with the CPU first, and its delegate is bound to the CPU: a closed delegate calls it
    // directly, where an open static one goes through a shuffle thunk.
    private void LdCpu() => _il.Emit(OpCodes.Ldarg_0);
    private void LdState() => _il.Emit(OpCodes.Ldarg_1);

    /// <summary>The method starts at the block its entry argument names (0, the region's entry, falls through).</summary>
    public void EnterAt(Label[] blocks)
    {
        if (blocks.Length < 2) return;
        // Entry 0 (the dispatcher's usual way in) falls through on a compare; only the others go through the table's
        // indirect jump.
        _il.Emit(OpCodes.Ldarg_2);
        _il.Emit(OpCodes.Ldc_I4_1);
        _il.Emit(OpCodes.Sub);
        _il.Emit(OpCodes.Switch, blocks[1..]);
    }

    /// <summary>
    /// Starts a block of the unit at <paramref name="label"/>. <paramref name="internalTarget"/> maps a branch target to
    /// the label of a block of this unit (null: leave the unit). Paths meet at a block's start, so what the
    /// emitter knew about registers, checks and pending flags is forgotten there. <paramref name="flagsLiveOut"/>:
    /// false when every block of the unit this one can go to overwrites NZCV before reading it or faulting, so a
    /// jump to them need not store it (exits from the unit always do).
    /// </summary>
    public void BeginBlock(Label label, Func<ulong, (Label Label, int Length)?> internalTarget, bool flagsLiveOut = true)
    {
        _il.MarkLabel(label);
        _internalTarget = internalTarget;
        ForgetX();
        _fpChecked = false;
        _lazy = LazyFlags.None;   // paths meet here: the state's NZCV is the truth
        _flagsLiveOut = flagsLiveOut;
    }

    public int IlSize => _il.ILOffset;

    // ---- per instruction ----

    /// <summary>
    /// Starts an instruction. <paramref name="flagsDead"/>: NZCV as this instruction sets it can never be observed (a
    /// later instruction of the block overwrites all of it before anything reads it, faults or leaves), so it is not
    /// computed.
    /// </summary>
    public void BeginInstruction(int index, ulong pc, bool flagsDead = false)
    {
        _flagsDead = flagsDead;
        _insnIndex = index;
        InsnPc = pc;
        _pcSynced = false;
        _branchTarget = null;
        _isReturn = false;
        _condBranch = null;
        _endedByCpu = _storesSlowly = false;
        _faultExit = null;
    }

    /// <summary>Ends the instruction; returns true when the block ends after it (a branch or an exception).
    /// <paramref name="stateChanged"/>: the instruction may change state that code depends on (a system register
    /// write, ISB...): the next instruction is looked up anew by the dispatcher, never reached inside the unit.</summary>
    public bool EndInstruction(bool lastInUnit, bool stateChanged = false)
    {
        FlushProbes();   // (only a store pair probes, and its stores follow at once: nothing is held back here)
        foreach (var t in _insnTemps) _freeTemps.Push(t);
        _insnTemps.Clear();
        int count = _insnIndex + 1;
        if (_endedByCpu)
        {
            // PC was set by the CPU (exception entry, ERET, a firmware call that returned).
            EmitReturn(count);
            return true;
        }
        if (_branchTarget is { } target)
        {
            if (target.IsConst) GoTo(target.Value);
            else if (_isReturn && ReturnPoints.Length > 0) ReturnInto(target, count);
            else Leave(target, count);
            return true;
        }
        if (_condBranch is { } cb)
        {
            var notTaken = _il.DefineLabel();
            Push(cb.Cond);
            _il.Emit(OpCodes.Brfalse, notTaken);
            GoTo(cb.Target);
            _il.MarkLabel(notTaken);
        }
        if (_storesSlowly)
        {
            // A store that went through the slow path may have overwritten this very unit: finish the instruction (done)
            // and leave, so that the next instruction is fetched anew.
            var go = _il.DefineLabel();
            LdCpu();
            _il.Emit(OpCodes.Ldfld, M.UnitInvalidated);
            _il.Emit(OpCodes.Brfalse, go);
            EmitMaterialize();
            StoreState(Offsets.PC, new IlVal(InsnPc + 4));
            EmitReturn(count);
            _il.MarkLabel(go);
        }
        if (lastInUnit)
        {
            if (stateChanged)
            {
                EmitMaterialize();
                StoreState(Offsets.PC, new IlVal(InsnPc + 4));
                EmitReturn(count);
            }
            else GoTo(InsnPc + 4);
            return true;
        }
        return false;
    }

    /// <summary>
    /// The block ends with a jump to <paramref name="target"/>: to that block when it is in this unit and the budget
    /// and the interrupt lines allow, else out of the unit with PC = target.
    /// </summary>
    private void GoTo(ulong target)
    {
        if (_internalTarget(target) is { } next)
        {
            // NZCV goes into the state unless the blocks after this one overwrite it first; leaving for the dispatcher
            // (where an interrupt may be taken, which saves it) stores it either way.
            bool pending = _lazy != LazyFlags.None && !_flagsLiveOut;
            if (!pending) EmitMaterialize();
            _il.Emit(OpCodes.Ldloc, _executed);
            _il.Emit(OpCodes.Ldc_I4, _insnIndex + 1);
            _il.Emit(OpCodes.Add);
            _il.Emit(OpCodes.Stloc, _executed);
            if (!_leaveTo.TryGetValue(target, out var leave)) _leaveTo[target] = leave = _il.DefineLabel();
            Label? sharedLeave = null;
            if (pending)
            {
                sharedLeave = leave;
                leave = _il.DefineLabel();
            }
            // The next block runs whole only within the instruction budget (the dispatcher's limits are exact), which
            // is also how an interrupt line change or a stop request reaches the unit (bounded latency).
            _il.Emit(OpCodes.Ldloc, _executed);
            _il.Emit(OpCodes.Ldc_I4, next.Length);
            _il.Emit(OpCodes.Add);
            LdCpu();
            _il.Emit(OpCodes.Volatile);
            _il.Emit(OpCodes.Ldfld, M.UnitBudget);
            _il.Emit(OpCodes.Bgt, leave);
            _il.Emit(OpCodes.Br, next.Label);
            if (sharedLeave is { } shared)
            {
                _il.MarkLabel(leave);
                EmitMaterialize();
                _il.Emit(OpCodes.Br, shared);
            }
            return;
        }
        Leave(new IlVal(target), _insnIndex + 1);
    }

    /// <summary>
    /// A RET: when it comes back to a block of the region that follows a call (a function of the page called from the
    /// page, the common case in C), it goes on there as a direct branch would; anywhere else, it leaves.
    /// </summary>
    private void ReturnInto(IlVal target, int count)
    {
        var stubs = new Label[ReturnPoints.Length];
        for (int k = 0; k < ReturnPoints.Length; k++)
        {
            stubs[k] = _il.DefineLabel();
            Push(target);
            _il.Emit(OpCodes.Ldc_I8, (long)ReturnPoints[k]);
            _il.Emit(OpCodes.Beq, stubs[k]);
        }
        Leave(target, count);
        for (int k = 0; k < ReturnPoints.Length; k++)
        {
            _il.MarkLabel(stubs[k]);
            GoTo(ReturnPoints[k]);
        }
    }

    /// <summary>
    /// Leaves the unit for <paramref name="target"/> after <paramref name="count"/> instructions of the current block:
    /// through the method's one exit (<see cref="EmitExit"/>) with the target and the count in locals.
    /// </summary>
    private void Leave(IlVal target, int count)
    {
        EmitMaterialize();
        if (_chainKey < 0)
        {
            StoreState(Offsets.PC, target);
            EmitReturn(count);
            return;
        }
        _exitTarget ??= _il.DeclareLocal(typeof(ulong));
        _exitCount ??= _il.DeclareLocal(typeof(int));
        _exit ??= _il.DefineLabel();
        Push(target);
        _il.Emit(OpCodes.Stloc, _exitTarget);
        _il.Emit(OpCodes.Ldloc, _executed);
        _il.Emit(OpCodes.Ldc_I4, count);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Stloc, _exitCount);
        _il.Emit(OpCodes.Br, _exit.Value);
    }

    /// <summary>
    /// The way out of the method: into the next compiled unit by a tail call when the chain cache
    /// (<see cref="Cpu.ChainCached"/>) or else <see cref="Cpu.ChainTo"/> allows (the stack does not grow, and the count
    /// reaches the dispatcher through the CPU), else back to the dispatcher with PC = target. One copy per method rather than one per exit: the inlined ChainTo and the tail call's epilogue are
    /// ~170 bytes of x64, and a copy at every exit made the code a fifth larger, which cost more in instruction fetch
    /// than the per-exit indirect jump gained in prediction (docs/notes/translator.md, session 6).
    /// </summary>
    private void EmitExit()
    {
        if (_exit is not { } exit) return;
        _il.MarkLabel(exit);
        var dispatch = _il.DefineLabel();
        var uncached = _il.DefineLabel();
        // The chain cache's entry (a ChainEntry*), or on to ChainTo's unit, or back to the dispatcher.
        var cached = AskToChain(M.ChainCached, typeof(nint), uncached);
        LdCpu();
        LdState();
        _il.Emit(OpCodes.Ldloc, cached);
        _il.Emit(OpCodes.Ldc_I4, ChainEntry.EntryOffset);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Ldind_I4);
        _il.Emit(OpCodes.Ldloc, cached);
        _il.Emit(OpCodes.Ldc_I4, ChainEntry.CodeOffset);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Ldind_I);
        _il.Emit(OpCodes.Tailcall);
        _il.EmitCalli(OpCodes.Calli, CallingConventions.Standard, typeof(int), [typeof(Cpu), typeof(CpuState*), typeof(int)], null);
        _il.Emit(OpCodes.Ret);
        _il.MarkLabel(uncached);
        var next = AskToChain(M.ChainTo, typeof(Unit), dispatch);
        _il.Emit(OpCodes.Ldloc, next);
        _il.Emit(OpCodes.Ldfld, M.UnitCompiled);
        LdState();
        _il.Emit(OpCodes.Ldloc, next);
        _il.Emit(OpCodes.Ldfld, M.UnitEntryIndex);
        _il.Emit(OpCodes.Tailcall);
        _il.Emit(OpCodes.Callvirt, M.InvokeUnit);
        _il.Emit(OpCodes.Ret);
        _il.MarkLabel(dispatch);
        _il.Emit(OpCodes.Ldloc, _exitCount!);
        _il.Emit(OpCodes.Ret);
    }

    /// <summary>Calls <paramref name="chain"/>(target, count, key) of the exit; its result in a new local, or on to
    /// <paramref name="ifNone"/> when it is null.</summary>
    private LocalBuilder AskToChain(MethodInfo chain, Type result, Label ifNone)
    {
        var r = _il.DeclareLocal(result);
        LdCpu();
        _il.Emit(OpCodes.Ldloc, _exitTarget!);
        _il.Emit(OpCodes.Ldloc, _exitCount!);
        _il.Emit(OpCodes.Ldc_I4, _chainKey);
        _il.Emit(OpCodes.Call, chain);
        _il.Emit(OpCodes.Stloc, r);
        _il.Emit(OpCodes.Ldloc, r);
        _il.Emit(OpCodes.Brfalse, ifNone);
        return r;
    }

    private void EmitReturn(int count)
    {
        _il.Emit(OpCodes.Ldloc, _executed);
        _il.Emit(OpCodes.Ldc_I4, count);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Ret);
    }

    /// <summary>Completes the method; its delegate is bound to <paramref name="cpu"/>.</summary>
    public UnitFn Finish(Cpu cpu)
    {
        EmitExit();
        foreach (var (label, count) in _faultExits)
        {
            _il.MarkLabel(label);
            EmitReturn(count);
        }
        foreach (var (target, label) in _leaveTo)
        {
            // Leaving between blocks: everything before has run (counted in _executed already).
            _il.MarkLabel(label);
            StoreState(Offsets.PC, new IlVal(target));
            _il.Emit(OpCodes.Ldloc, _executed);
            _il.Emit(OpCodes.Ret);
        }
        return (UnitFn)_method.CreateDelegate(typeof(UnitFn), cpu);
    }

    // ---- values ----

    private LocalBuilder Temp()
    {
        var t = _freeTemps.Count > 0 ? _freeTemps.Pop() : _il.DeclareLocal(typeof(ulong));
        _insnTemps.Add(t);
        return t;
    }

    internal void Push(IlVal v)
    {
        if (v.IsConst) _il.Emit(OpCodes.Ldc_I8, (long)v.Value);
        else _il.Emit(OpCodes.Ldloc, v.Local!);
    }

    private IlVal StoreTemp()
    {
        var t = Temp();
        _il.Emit(OpCodes.Stloc, t);
        return new IlVal(t);
    }

    public IlVal I4(int v) => new((ulong)(uint)v);
    public IlVal I4(MemOp op) => new((ulong)(uint)(int)op);

    private void StateAddress(int offset)
    {
        LdState();
        if (offset != 0)
        {
            _il.Emit(OpCodes.Ldc_I4, offset);
            _il.Emit(OpCodes.Add);
        }
    }

    public IlVal LoadState(int offset)
    {
        StateAddress(offset);
        _il.Emit(OpCodes.Ldind_I8);
        return StoreTemp();
    }

    public void StoreState(int offset, IlVal v)
    {
        StateAddress(offset);
        Push(v);
        _il.Emit(OpCodes.Stind_I8);
    }

    private int RegisterOffset(int n) => n == SpSlot ? SpOffset : Offsets.X + n * 8;

    /// <summary>Xn (or SP, <see cref="SpSlot"/>): read from the state once per block, then from its local.</summary>
    public IlVal ReadX(int n)
    {
        var local = _xLocal[n] ??= _il.DeclareLocal(typeof(ulong));
        if (!_xValid[n])
        {
            StateAddress(RegisterOffset(n));
            _il.Emit(OpCodes.Ldind_I8);
            _il.Emit(OpCodes.Stloc, local);
            _xValid[n] = true;
        }
        // A copy: the semantics may hold this value across a write of the same register.
        _il.Emit(OpCodes.Ldloc, local);
        return StoreTemp();
    }

    public void WriteX(int n, IlVal v)
    {
        var local = _xLocal[n] ??= _il.DeclareLocal(typeof(ulong));
        Push(v);
        _il.Emit(OpCodes.Stloc, local);
        _xValid[n] = true;
        StateAddress(RegisterOffset(n));
        _il.Emit(OpCodes.Ldloc, local);
        _il.Emit(OpCodes.Stind_I8);
    }

    /// <summary>Something wrote X registers in memory directly: reload them when next read.</summary>
    public void ForgetX() => Array.Clear(_xValid);

    public IlVal Binary(OpCode op, IlVal a, IlVal b)
    {
        Push(a);
        Push(b);
        _il.Emit(op);
        return StoreTemp();
    }

    public IlVal Unary(OpCode op, IlVal a)
    {
        Push(a);
        _il.Emit(op);
        return StoreTemp();
    }

    public IlVal Shift(OpCode op, IlVal a, IlVal amount)
    {
        Push(a);
        if (amount.IsConst) _il.Emit(OpCodes.Ldc_I4, (int)(amount.Value & 63));
        else
        {
            Push(amount);
            _il.Emit(OpCodes.Conv_I4);
            _il.Emit(OpCodes.Ldc_I4, 63);
            _il.Emit(OpCodes.And);
        }
        _il.Emit(op);
        return StoreTemp();
    }

    public IlVal ZeroExtend(IlVal a, int bits)
    {
        Push(a);
        if (bits == 32) { _il.Emit(OpCodes.Conv_U4); _il.Emit(OpCodes.Conv_U8); }
        else if (bits == 16) { _il.Emit(OpCodes.Conv_U2); _il.Emit(OpCodes.Conv_U8); }
        else if (bits == 8) { _il.Emit(OpCodes.Conv_U1); _il.Emit(OpCodes.Conv_U8); }
        else { _il.Emit(OpCodes.Ldc_I8, (long)((1UL << bits) - 1)); _il.Emit(OpCodes.And); }
        return StoreTemp();
    }

    public IlVal SignExtend(IlVal a, int bits)
    {
        Push(a);
        if (bits == 32) { _il.Emit(OpCodes.Conv_I4); _il.Emit(OpCodes.Conv_I8); }
        else if (bits == 16) { _il.Emit(OpCodes.Conv_I2); _il.Emit(OpCodes.Conv_I8); }
        else if (bits == 8) { _il.Emit(OpCodes.Conv_I1); _il.Emit(OpCodes.Conv_I8); }
        else
        {
            _il.Emit(OpCodes.Ldc_I4, 64 - bits);
            _il.Emit(OpCodes.Shl);
            _il.Emit(OpCodes.Ldc_I4, 64 - bits);
            _il.Emit(OpCodes.Shr);
        }
        return StoreTemp();
    }

    public IlVal Compare(OpCode op, IlVal a, IlVal b, bool negate)
    {
        Push(a);
        Push(b);
        _il.Emit(op);
        if (negate) { _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); }
        _il.Emit(OpCodes.Conv_U8);
        return StoreTemp();
    }

    public IlVal Select(IlVal cond, IlVal ifTrue, IlVal ifFalse)
    {
        var r = Temp();
        var no = _il.DefineLabel();
        var done = _il.DefineLabel();
        Push(cond);
        _il.Emit(OpCodes.Brfalse, no);
        Push(ifTrue);
        _il.Emit(OpCodes.Stloc, r);
        _il.Emit(OpCodes.Br, done);
        _il.MarkLabel(no);
        Push(ifFalse);
        _il.Emit(OpCodes.Stloc, r);
        _il.MarkLabel(done);
        return new IlVal(r);
    }

    public IlVal CallStatic(MethodInfo m, params IlVal[] args)
    {
        foreach (var a in args) Push(a);
        _il.Emit(OpCodes.Call, m);
        return StoreTemp();
    }

    public IlVal CallHelper(Delegate helper, params IlVal[] args)
    {
        if (helper.Target != null || !helper.Method.IsStatic)
            throw new InvalidOperationException($"semantics helper {helper.Method.Name} must be a static method");
        return CallStatic(helper.Method, args);
    }

    // ---- flags ----
    //
    // NZCV is lazy: a flag-setting instruction keeps its operands and result in locals of their own, and NZCV is
    // computed from them only where it can be observed: by an instruction that reads all of it (MRS, ADC's carry, a
    // condition that cannot be had from the operands), by a call into the CPU (which may take an exception, and an
    // exception saves NZCV in SPSR), on every way out of the method, and at a block's end when a successor may read it
    // (Cpu.FlagsLiveOut). A condition on the flags of a compare or a logical instruction of the same block is
    // evaluated on the operands directly (CMP + B.cond, TST + CSEL), as a compiler would.

    private enum LazyFlags { None, Add, Logical }
    private LazyFlags _lazy;
    private int _lazyBits;
    private IlVal _lazyA, _lazyB, _lazyCarry, _lazyResult;
    private LocalBuilder? _flagA, _flagB, _flagCarry, _flagResult;
    // Whether the flags leaving the current block may be read after it (false: every successor overwrites them first).
    private bool _flagsLiveOut = true;

    /// <summary>A value that must outlive the instruction's temporaries: constants stay, locals are copied.</summary>
    private IlVal Keep(IlVal v, ref LocalBuilder? slot)
    {
        if (v.IsConst) return v;
        slot ??= _il.DeclareLocal(typeof(ulong));
        Push(v);
        _il.Emit(OpCodes.Stloc, slot);
        return new IlVal(slot);
    }

    /// <summary>Emits the store of the pending NZCV into the state, on the current path only (a slow path, a side exit).</summary>
    private void EmitMaterialize()
    {
        if (_lazy == LazyFlags.None) return;
        StateAddress(Offsets.Nzcv);
        if (_lazy == LazyFlags.Logical)
        {
            Push(_lazyResult);
            _il.Emit(OpCodes.Call, _lazyBits == 32 ? M.Logical32 : M.Logical64);
        }
        else
        {
            Push(_lazyA);
            Push(_lazyB);
            Push(_lazyCarry);
            if (_lazyBits == 64) { Push(_lazyResult); _il.Emit(OpCodes.Call, M.Add64); }
            else _il.Emit(OpCodes.Call, M.Add32);
        }
        _il.Emit(OpCodes.Stind_I4);
    }

    /// <summary>The state's NZCV is made exact here, on the main path: every later point of the block sees it stored.</summary>
    private void Materialize()
    {
        EmitMaterialize();
        _lazy = LazyFlags.None;
    }

    public IlVal AddWithCarry(IlVal a, IlVal b, IlVal carryIn, int bits, bool setFlags)
    {
        Push(a);
        Push(b);
        _il.Emit(OpCodes.Add);
        if (!(carryIn.IsConst && carryIn.Value == 0)) { Push(carryIn); _il.Emit(OpCodes.Add); }
        if (bits == 32) { _il.Emit(OpCodes.Conv_U4); _il.Emit(OpCodes.Conv_U8); }
        var r = StoreTemp();
        if (setFlags)
        {
            if (_flagsDead) _lazy = LazyFlags.None;   // overwritten before anything can see it: never computed
            else
            {
                _lazy = LazyFlags.Add;
                _lazyBits = bits;
                _lazyA = Keep(a, ref _flagA);
                _lazyB = Keep(b, ref _flagB);
                _lazyCarry = Keep(carryIn, ref _flagCarry);
                _lazyResult = Keep(r, ref _flagResult);
            }
        }
        return r;
    }

    public void SetFlagsLogical(IlVal result, int bits)
    {
        if (_flagsDead) { _lazy = LazyFlags.None; return; }
        _lazy = LazyFlags.Logical;
        _lazyBits = bits;
        _lazyResult = Keep(result, ref _flagResult);
    }

    private void PushNzcv()
    {
        StateAddress(Offsets.Nzcv);
        _il.Emit(OpCodes.Ldind_U4);
    }

    public IlVal LoadNzcv()
    {
        Materialize();
        PushNzcv();
        _il.Emit(OpCodes.Conv_U8);
        return StoreTemp();
    }

    public void StoreNzcv(IlVal v)
    {
        _lazy = LazyFlags.None;
        if (_flagsDead) return;
        StateAddress(Offsets.Nzcv);
        Push(v);
        _il.Emit(OpCodes.Conv_U4);
        _il.Emit(OpCodes.Ldc_I4, unchecked((int)0xF000_0000u));
        _il.Emit(OpCodes.And);
        _il.Emit(OpCodes.Stind_I4);
    }

    private void PushFlag(int bit)
    {
        PushNzcv();
        _il.Emit(OpCodes.Ldc_I4, bit);
        _il.Emit(OpCodes.Shr_Un);
        _il.Emit(OpCodes.Ldc_I4_1);
        _il.Emit(OpCodes.And);
    }

    public IlVal CarryFlag()
    {
        Materialize();
        PushFlag(29);
        _il.Emit(OpCodes.Conv_U8);
        return StoreTemp();
    }

    /// <summary>Pushes <paramref name="v"/> at the width of the pending flags, as a signed or unsigned int32/int64.</summary>
    private void PushAtWidth(IlVal v, bool signed)
    {
        Push(v);
        if (_lazyBits == 32) _il.Emit(signed ? OpCodes.Conv_I4 : OpCodes.Conv_U4);
    }

    /// <summary>
    /// The condition computed from the pending flags' operands, or false when it cannot be (then NZCV is read).
    /// Logical: N = sign of the result, Z = result is zero, C = V = 0. Compare (a + ~m + 1): the conditions are the
    /// comparisons of a with m, and EQ/NE/MI/PL those of the result.
    /// </summary>
    private bool TryFusedCondition(int cond)
    {
        int c = cond >> 1;
        bool sub = _lazy == LazyFlags.Add && _lazyCarry.IsConst && _lazyCarry.Value == 1;
        if (_lazy == LazyFlags.Logical || c is 0 or 2)
        {
            if (_lazy == LazyFlags.None) return false;
            if (_lazy == LazyFlags.Add && c is not (0 or 2)) return false;
            // The result (at the operation's width) compared with zero.
            void ResultIs(OpCode compare, bool signed)
            {
                PushAtWidth(_lazyResult, signed);
                _il.Emit(OpCodes.Ldc_I4_0);
                if (_lazyBits == 64) _il.Emit(OpCodes.Conv_I8);
                _il.Emit(compare);
            }
            switch (c)
            {
                case 0: ResultIs(OpCodes.Ceq, false); break;                                         // EQ: Z
                case 2: ResultIs(OpCodes.Clt, true); break;                                          // MI: N
                case 1: case 3: case 4: _il.Emit(OpCodes.Ldc_I4_0); break;                           // CS, VS, HI: C = V = 0
                case 5: ResultIs(OpCodes.Clt, true); _il.Emit(OpCodes.Ldc_I4_1); _il.Emit(OpCodes.Xor); break;   // GE: !N
                case 6: ResultIs(OpCodes.Cgt, true); break;                                          // GT: !Z && !N
                default: return false;
            }
            return true;
        }
        if (!sub) return false;
        // a - m with m = ~b: unsigned and signed comparisons of a and m at the operation's width.
        void PushM(bool signed)
        {
            Push(_lazyB);
            _il.Emit(OpCodes.Not);
            if (_lazyBits == 32) _il.Emit(signed ? OpCodes.Conv_I4 : OpCodes.Conv_U4);
        }
        switch (c)
        {
            case 1: PushAtWidth(_lazyA, false); PushM(false); _il.Emit(OpCodes.Clt_Un); _il.Emit(OpCodes.Ldc_I4_1); _il.Emit(OpCodes.Xor); break;  // CS: a >= m
            case 4: PushAtWidth(_lazyA, false); PushM(false); _il.Emit(OpCodes.Cgt_Un); break;                                                     // HI: a > m
            case 5: PushAtWidth(_lazyA, true); PushM(true); _il.Emit(OpCodes.Clt); _il.Emit(OpCodes.Ldc_I4_1); _il.Emit(OpCodes.Xor); break;      // GE: a >= m (signed)
            case 6: PushAtWidth(_lazyA, true); PushM(true); _il.Emit(OpCodes.Cgt); break;                                                          // GT: a > m (signed)
            default: return false;                                                                                                                // VS/VC
        }
        return true;
    }

    /// <summary>ConditionHolds(cond): from the pending flags' operands when possible, else as IL on NZCV
    /// (N = bit 31, Z = 30, C = 29, V = 28).</summary>
    public IlVal Condition(int cond)
    {
        if (TryFusedCondition(cond))
        {
            if ((cond & 1) != 0) { _il.Emit(OpCodes.Ldc_I4_1); _il.Emit(OpCodes.Xor); }
            _il.Emit(OpCodes.Conv_U8);
            return StoreTemp();
        }
        Materialize();
        switch (cond >> 1)
        {
            case 0: PushFlag(30); break;                                   // EQ: Z
            case 1: PushFlag(29); break;                                   // CS: C
            case 2: PushFlag(31); break;                                   // MI: N
            case 3: PushFlag(28); break;                                   // VS: V
            case 4:                                                        // HI: C && !Z
                PushFlag(29);
                PushFlag(30);
                _il.Emit(OpCodes.Not);
                _il.Emit(OpCodes.And);
                break;
            case 5:                                                        // GE: N == V
                PushFlag(31);
                PushFlag(28);
                _il.Emit(OpCodes.Ceq);
                break;
            case 6:                                                        // GT: N == V && !Z
                PushFlag(31);
                PushFlag(28);
                _il.Emit(OpCodes.Ceq);
                PushFlag(30);
                _il.Emit(OpCodes.Not);
                _il.Emit(OpCodes.And);
                break;
        }
        _il.Emit(OpCodes.Ldc_I4_1);
        _il.Emit(OpCodes.And);
        if ((cond & 1) != 0) { _il.Emit(OpCodes.Ldc_I4_1); _il.Emit(OpCodes.Xor); }
        _il.Emit(OpCodes.Conv_U8);
        return StoreTemp();
    }

    // ---- calls into the CPU ----

    /// <summary>The CPU reads S.PC as the address of the instruction that traps or faults: store it once per instruction.</summary>
    private void SyncPc()
    {
        if (_pcSynced) return;
        StoreState(Offsets.PC, new IlVal(InsnPc));
        _pcSynced = true;
    }

    private void EmitPcStore() => StoreState(Offsets.PC, new IlVal(InsnPc));

    private Label FaultExit()
    {
        if (_faultExit is { } l) return l;
        var label = _il.DefineLabel();
        _faultExits.Add((label, _insnIndex + 1));
        _faultExit = label;
        return label;
    }

    private void BranchIfExceptionTaken()
    {
        LdCpu();
        _il.Emit(OpCodes.Ldfld, M.ExceptionTaken);
        _il.Emit(OpCodes.Brtrue, FaultExit());
    }

    private void PushArgs(MethodInfo m, IlVal[] args)
    {
        var ps = m.GetParameters();
        for (int i = 0; i < args.Length; i++)
        {
            var t = ps[i].ParameterType;
            var a = args[i];
            if (t == typeof(ulong) || t == typeof(long)) Push(a);
            else if (a.IsConst) _il.Emit(OpCodes.Ldc_I4, (int)a.Value);
            else { Push(a); _il.Emit(OpCodes.Conv_U4); }
        }
    }

    /// <summary>A call of a Cpu method that returns a value and may raise an exception.</summary>
    public IlVal CpuCall(MethodInfo m, bool mayStore, params IlVal[] args)
    {
        Materialize();
        SyncPc();
        LdCpu();
        PushArgs(m, args);
        _il.Emit(OpCodes.Call, m);
        if (m.ReturnType != typeof(ulong)) _il.Emit(OpCodes.Conv_U8);
        var r = StoreTemp();
        BranchIfExceptionTaken();
        if (mayStore) _storesSlowly = true;
        return r;
    }

    public void CpuCallVoid(MethodInfo m, bool mayStore, params IlVal[] args)
    {
        Materialize();
        SyncPc();
        LdCpu();
        PushArgs(m, args);
        _il.Emit(OpCodes.Call, m);
        if (m.ReturnType != typeof(void)) _il.Emit(OpCodes.Pop);
        BranchIfExceptionTaken();
        if (mayStore) _storesSlowly = true;
    }

    public void EndedByCpu() => _endedByCpu = true;

    /// <summary>The CPU has neither EL2 nor EL3 and the code runs at EL0 or EL1: EL1's controls alone decide what traps
    /// (CPACR_EL1 whether FP is enabled, <see cref="Cpu.FPAccessCheck"/>; SCTLR_EL1.DZE whether EL0 may DC ZVA).</summary>
    public bool El1ControlsAlone;

    /// <summary>
    /// DC ZVA (64-byte blocks, DCZID_EL0.BS = 4) inline when EL1's controls alone decide its trap and the block's page
    /// hits the fast TLB for writes (RAM, no translated code, nothing watched): zeroed in place, as memset's loop does
    /// every 64 bytes. Anything else calls the CPU's SYS instruction with <paramref name="sysArgs"/>.
    /// </summary>
    public void DataCacheZero(int rt, MethodInfo sys, params IlVal[] sysArgs)
    {
        Materialize();
        var slow = _il.DefineLabel();
        var done = _il.DefineLabel();
        if (_el == 0)
        {
            StateAddress(Offsets.SctlrEl1);
            _il.Emit(OpCodes.Ldind_I8);
            _il.Emit(OpCodes.Ldc_I8, 1L << 14);   // SCTLR_EL1.DZE: EL0 may zero
            _il.Emit(OpCodes.And);
            _il.Emit(OpCodes.Brfalse, slow);
        }
        var block = rt == 31 ? new IlVal(0) : Binary(OpCodes.And, ReadX(rt), new IlVal(~63UL));
        var entry = TlbEntry(block);
        TagCompare(block, entry, FastTlbEntry.WriteTagOffset, 1, MemOp.None, slow);
        HostAddress(block, entry);
        _il.Emit(OpCodes.Ldc_I4_0);
        _il.Emit(OpCodes.Ldc_I4, 64);
        _il.Emit(OpCodes.Initblk);
        _il.Emit(OpCodes.Br, done);
        _il.MarkLabel(slow);
        CpuCallVoid(sys, true, sysArgs);
        _il.MarkLabel(done);
    }

    /// <summary>The translator's <see cref="Cpu.StaticMrs"/>: which MRS may read its register directly.</summary>
    public Func<uint, int, int>? StaticMrs;

    public IlVal ReadSysReg(uint encoding)
    {
        int index = StaticMrs?.Invoke(encoding, _el) ?? -1;
        if (index < 0) return CpuCall(M.ReadSysReg, false, I4((int)encoding));
        Materialize();   // (NZCV is read from the state)
        _il.Emit(OpCodes.Ldsfld, M.MrsGetters);
        _il.Emit(OpCodes.Ldc_I4, index);
        _il.Emit(OpCodes.Ldelem_Ref);
        LdCpu();
        _il.Emit(OpCodes.Callvirt, M.InvokeGetter);
        return StoreTemp();
    }

    public void CheckSpAlignment()
    {
        // Aligned SP passes whatever SCTLR says: only a misaligned one needs the CPU's check.
        var ok = _il.DefineLabel();
        Push(ReadX(SpSlot));
        _il.Emit(OpCodes.Ldc_I4, 15);
        _il.Emit(OpCodes.Conv_I8);
        _il.Emit(OpCodes.And);
        _il.Emit(OpCodes.Brfalse, ok);
        EmitMaterialize();
        EmitPcStore();
        LdCpu();
        _il.Emit(OpCodes.Call, M.CheckSpAlignment);
        _il.Emit(OpCodes.Brtrue, ok);
        BranchIfExceptionTaken();
        _il.MarkLabel(ok);
    }

    public void CheckFpAccess()
    {
        // CPACR/CPTR change only through system register writes, which end a unit: one check per unit is exact.
        if (_fpChecked) return;
        _fpChecked = true;
        var ok = _il.DefineLabel();
        Materialize();
        if (El1ControlsAlone)
        {
            // CPACR_EL1.FPEN = 0b11 enables FP at EL0 and EL1 when nothing above EL1 can trap it: no call (a call at the
            // top of most FP blocks, which also made RyuJIT spill around it); any other value takes the full check.
            StateAddress(Offsets.Cpacr);
            _il.Emit(OpCodes.Ldind_I8);
            _il.Emit(OpCodes.Ldc_I4, 20);
            _il.Emit(OpCodes.Shr_Un);
            _il.Emit(OpCodes.Conv_I4);
            _il.Emit(OpCodes.Ldc_I4_3);
            _il.Emit(OpCodes.And);
            _il.Emit(OpCodes.Ldc_I4_3);
            _il.Emit(OpCodes.Beq, ok);
        }
        EmitPcStore();
        LdCpu();
        _il.Emit(OpCodes.Call, M.CheckFPAdvSIMDEnabled);
        _il.Emit(OpCodes.Brtrue, ok);
        BranchIfExceptionTaken();
        _il.MarkLabel(ok);
    }

    public void CallState(StateHelper helper, int a, int b, int c, int d)
    {
        if (helper.Target != null || !helper.Method.IsStatic)
            throw new InvalidOperationException($"state helper {helper.Method.Name} must be a static method");
        Materialize();   // state helpers read and write NZCV in the state
        var method = helper.Method;
        Label? done = null;
        if (method.IsGenericMethod && M.VectorFirst.TryGetValue(method.GetGenericMethodDefinition(), out var vectorForm))
        {
            // The vector form first: inlined with these constants it is the op itself, or folds to false.
            done = _il.DefineLabel();
            PushStateArgs(a, b, c, d);
            _il.Emit(OpCodes.Call, vectorForm.MakeGenericMethod(method.GetGenericArguments()));
            _il.Emit(OpCodes.Brtrue, done.Value);
        }
        PushStateArgs(a, b, c, d);
        _il.Emit(OpCodes.Call, method);
        if (done is { } l) _il.MarkLabel(l);
        ForgetX();
    }

    private void PushStateArgs(int a, int b, int c, int d)
    {
        LdState();
        _il.Emit(OpCodes.Ldc_I4, a);
        _il.Emit(OpCodes.Ldc_I4, b);
        _il.Emit(OpCodes.Ldc_I4, c);
        _il.Emit(OpCodes.Ldc_I4, d);
    }

    // ---- loads and stores with the fast TLB inline ----

    /// <summary>The slow half of an inline memory access: NZCV and PC made exact for the CPU (which may take an
    /// exception), then the CPU and the address pushed for the call of its method.</summary>
    private void SlowPath(Label slow, IlVal address)
    {
        SlowPathBegin(slow);
        LdCpu();
        Push(address);
    }

    /// <summary>The slow half of a plain access, whose CPU method takes <see cref="PushAccess"/>'s constant: as
    /// <see cref="SlowPath"/> but without the PC store (the constant carries the PC).</summary>
    private void SlowAccess(Label slow, IlVal address)
    {
        _il.MarkLabel(slow);
        EmitMaterialize();
        LdCpu();
        Push(address);
    }

    /// <summary>Size, MemOp and PC of the current instruction's access in one constant (<see cref="Cpu.PackAccess"/>).</summary>
    private void PushAccess(int size, MemOp op) => _il.Emit(OpCodes.Ldc_I4, Cpu.PackAccess(size, op, InsnPc));

    private void SlowPathBegin(Label slow)
    {
        _il.MarkLabel(slow);
        EmitMaterialize();
        EmitPcStore();
    }

    /// <summary>Pushes the address of the fast TLB entry for <paramref name="address"/> into the entry local.</summary>
    private LocalBuilder TlbEntry(IlVal address, LocalBuilder? into = null)
    {
        var entry = into ?? (_entry ??= _il.DeclareLocal(typeof(nint)));
        LdState();
        _il.Emit(OpCodes.Ldc_I4, _tlbOffset);
        _il.Emit(OpCodes.Add);
        Push(address);
        _il.Emit(OpCodes.Ldc_I4, 12 - 5);   // (va >> 12) * sizeof(entry) = (va >> 7) & (mask << 5)
        _il.Emit(OpCodes.Shr_Un);
        _il.Emit(OpCodes.Ldc_I8, (long)((ulong)(FastTlb.Entries - 1) << 5));
        _il.Emit(OpCodes.And);
        _il.Emit(OpCodes.Conv_I);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Stloc, entry);
        return entry;
    }

    private void HostAddress(IlVal address, LocalBuilder entry)
    {
        Push(address);
        _il.Emit(OpCodes.Ldloc, entry);
        _il.Emit(OpCodes.Ldc_I4, FastTlbEntry.AddendOffset);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Ldind_I8);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Conv_U);
    }

    /// <summary>The fast TLB hit test, as <see cref="Cpu.FastTlbCompare"/> computes it.</summary>
    private void TagCompare(IlVal address, LocalBuilder entry, int tagOffset, int size, MemOp op, Label slow)
    {
        Push(address);
        if ((op & MemOp.AlignedOnly) != 0)
        {
            _il.Emit(OpCodes.Ldc_I8, (long)(FastTlb.PageMask | (ulong)(size - 1)));
            _il.Emit(OpCodes.And);
        }
        else
        {
            if (size > 1)
            {
                _il.Emit(OpCodes.Ldc_I4, size - 1);
                _il.Emit(OpCodes.Conv_I8);
                _il.Emit(OpCodes.Add);
            }
            _il.Emit(OpCodes.Ldc_I8, unchecked((long)FastTlb.PageMask));
            _il.Emit(OpCodes.And);
        }
        _il.Emit(OpCodes.Ldloc, entry);
        if (tagOffset != 0) { _il.Emit(OpCodes.Ldc_I4, tagOffset); _il.Emit(OpCodes.Add); }
        _il.Emit(OpCodes.Ldind_I8);
        _il.Emit(OpCodes.Bne_Un, slow);
    }

    public IlVal Load(IlVal address, int size, MemOp op)
    {
        var r = Temp();
        var slow = _il.DefineLabel();
        var done = _il.DefineLabel();
        if ((op & MemOp.Unprivileged) == 0)
        {
            var entry = TlbEntry(address);
            TagCompare(address, entry, FastTlbEntry.ReadTagOffset, size, op, slow);
            HostAddress(address, entry);
            LoadSized(size, aligned: false);
            _il.Emit(OpCodes.Stloc, r);
            _il.Emit(OpCodes.Br, done);
        }
        SlowAccess(slow, address);
        PushAccess(size, op);
        _il.Emit(OpCodes.Call, M.LoadOp);
        _il.Emit(OpCodes.Stloc, r);
        BranchIfExceptionTaken();
        _il.MarkLabel(done);
        return new IlVal(r);
    }

    // A store pair (STP) probes both locations, then stores both (semantics: LoadStore.Pair), so that a fault on the
    // second leaves memory untouched. Emitted as they come that is four fast TLB tests; the probes are held back
    // instead and, when the two stores they announced follow, the pair is emitted as one: both tests, both stores,
    // and one slow path (Cpu.StorePairOp) that does the probes and stores in full.
    private readonly List<(IlVal Address, IlVal Value, int Size, MemOp Op)> _probes = [];
    private int _probedStores;

    private static bool Same(IlVal a, IlVal b) => a.Local == b.Local && a.Value == b.Value;

    public void Store(IlVal address, IlVal value, int size, MemOp op)
    {
        if ((op & MemOp.Probe) != 0 && (op & MemOp.Unprivileged) == 0 && _probes.Count < 2 && _probedStores == 0)
        {
            _probes.Add((address, value, size, op & ~MemOp.Probe));
            return;
        }
        if (_probes.Count == 2 && (op & MemOp.Probe) == 0)
        {
            var announced = _probes[_probedStores];
            if (Same(announced.Address, address) && Same(announced.Value, value) && announced.Size == size && announced.Op == op)
            {
                if (++_probedStores == 2) EmitStorePair();
                return;
            }
        }
        FlushProbes();
        EmitStore(address, value, size, op);
    }

    /// <summary>What was held back, emitted as it came (a sequence that is not a plain store pair).</summary>
    private void FlushProbes()
    {
        if (_probes.Count == 0) return;
        var held = _probes.ToArray();
        int stored = _probedStores;
        _probes.Clear();
        _probedStores = 0;
        foreach (var p in held) EmitStore(p.Address, p.Value, p.Size, p.Op | MemOp.Probe);
        for (int i = 0; i < stored; i++) EmitStore(held[i].Address, held[i].Value, held[i].Size, held[i].Op);
    }

    private LocalBuilder? _entry2;

    private void EmitStorePair()
    {
        var (a1, v1, size, op) = _probes[0];
        var (a2, v2, _, _) = _probes[1];
        _probes.Clear();
        _probedStores = 0;
        var slow = _il.DefineLabel();
        var done = _il.DefineLabel();
        var e1 = TlbEntry(a1);
        TagCompare(a1, e1, FastTlbEntry.WriteTagOffset, size, op, slow);
        _entry2 ??= _il.DeclareLocal(typeof(nint));
        var e2 = TlbEntry(a2, _entry2);
        TagCompare(a2, e2, FastTlbEntry.WriteTagOffset, size, op, slow);
        StoreHit(a1, v1, e1, size);
        StoreHit(a2, v2, e2, size);
        _il.Emit(OpCodes.Br, done);
        SlowAccess(slow, a1);
        Push(v1);
        Push(a2);
        Push(v2);
        PushAccess(size, op);
        _il.Emit(OpCodes.Call, M.StorePairOp);
        BranchIfExceptionTaken();
        _il.MarkLabel(done);
        _storesSlowly = true;
    }

    /// <summary>The store itself after a fast TLB hit.</summary>
    private void StoreHit(IlVal address, IlVal value, LocalBuilder entry, int size)
    {
        HostAddress(address, entry);
        Push(value);
        StoreSized(size, aligned: false);
    }

    private void EmitStore(IlVal address, IlVal value, int size, MemOp op)
    {
        var slow = _il.DefineLabel();
        var done = _il.DefineLabel();
        if ((op & MemOp.Unprivileged) == 0)
        {
            var entry = TlbEntry(address);
            TagCompare(address, entry, FastTlbEntry.WriteTagOffset, size, op, slow);
            // A probe that hits: the store would not fault, and there is nothing to write.
            if ((op & MemOp.Probe) == 0) StoreHit(address, value, entry, size);
            _il.Emit(OpCodes.Br, done);
        }
        SlowAccess(slow, address);
        Push(value);
        PushAccess(size, op);
        _il.Emit(OpCodes.Call, M.StoreOp);
        _il.Emit(OpCodes.Pop);
        BranchIfExceptionTaken();
        _il.MarkLabel(done);
        if ((op & MemOp.Probe) == 0) _storesSlowly = true;
    }

    /// <summary>Pushes the host address of byte <paramref name="offset"/> of a fast-TLB hit.</summary>
    private void HostAddress(IlVal address, LocalBuilder entry, int offset)
    {
        HostAddress(address, entry);
        if (offset != 0)
        {
            _il.Emit(OpCodes.Ldc_I4, offset);
            _il.Emit(OpCodes.Add);
        }
    }

    /// <summary>A 16-byte load (LDR Q, LDP Q, LDXP...): the fast TLB inline (two 8-byte reads), the CPU on a miss.</summary>
    public void Load128(IlVal address, MemOp op, out IlVal lo, out IlVal hi)
    {
        var l = Temp();
        var h = Temp();
        var slow = _il.DefineLabel();
        var done = _il.DefineLabel();
        if ((op & (MemOp.Unprivileged | MemOp.Exclusive)) == 0)
        {
            var entry = TlbEntry(address);
            TagCompare(address, entry, FastTlbEntry.ReadTagOffset, 16, op, slow);
            foreach (var (half, offset) in new[] { (l, 0), (h, 8) })
            {
                HostAddress(address, entry, offset);
                _il.Emit(OpCodes.Unaligned, (byte)1);
                _il.Emit(OpCodes.Ldind_I8);
                _il.Emit(OpCodes.Stloc, half);
            }
            _il.Emit(OpCodes.Br, done);
        }
        SlowAccess(slow, address);
        PushAccess(16, op);
        _il.Emit(OpCodes.Ldloca, l);
        _il.Emit(OpCodes.Ldloca, h);
        _il.Emit(OpCodes.Call, M.Load128Slow);
        BranchIfExceptionTaken();
        _il.MarkLabel(done);
        lo = new IlVal(l);
        hi = new IlVal(h);
    }

    /// <summary>A 16-byte store (STR Q, STP Q and its probes): the fast TLB inline, the CPU on a miss.</summary>
    public void Store128(IlVal address, IlVal lo, IlVal hi, MemOp op)
    {
        FlushProbes();
        var slow = _il.DefineLabel();
        var done = _il.DefineLabel();
        if ((op & (MemOp.Unprivileged | MemOp.Exclusive)) == 0)
        {
            var entry = TlbEntry(address);
            TagCompare(address, entry, FastTlbEntry.WriteTagOffset, 16, op, slow);
            if ((op & MemOp.Probe) == 0)
                foreach (var (half, offset) in new[] { (lo, 0), (hi, 8) })
                {
                    HostAddress(address, entry, offset);
                    Push(half);
                    _il.Emit(OpCodes.Unaligned, (byte)1);
                    _il.Emit(OpCodes.Stind_I8);
                }
            _il.Emit(OpCodes.Br, done);
        }
        SlowAccess(slow, address);
        Push(lo);
        Push(hi);
        PushAccess(16, op);
        _il.Emit(OpCodes.Call, M.Store128Slow);
        BranchIfExceptionTaken();
        _il.MarkLabel(done);
        if ((op & MemOp.Probe) == 0) _storesSlowly = true;
    }

    // Atomics (LSE): with a fast TLB write hit (an aligned RAM location the context may write, hence read, that holds no
    // translated code and is not watched) the read-modify-write is done inline; anything else is the CPU's (which
    // faults, or goes through MMIO). Guest CPUs take turns on one host thread: a plain read and write is atomic here.

    /// <summary>LDADD, LDCLR, LDEOR, LDSET and SWP inline (the signed and unsigned min/max forms through the CPU).</summary>
    public IlVal AtomicRmw(AtomicOp kind, IlVal address, IlVal operand, int size, MemOp op)
    {
        if (kind is not (AtomicOp.Add or AtomicOp.Clr or AtomicOp.Eor or AtomicOp.Set or AtomicOp.Swp) || (op & MemOp.Unprivileged) != 0)
            return CpuCall(M.AtomicRmwOp, true, I4((int)kind), address, operand, I4(size), I4(op));
        var entry = AtomicHit(address, size, op, out var old, out var slow, out var done);
        HostAddress(address, entry);
        if (kind != AtomicOp.Swp) Push(new IlVal(old));
        Push(operand);
        switch (kind)
        {
            case AtomicOp.Add: _il.Emit(OpCodes.Add); break;
            case AtomicOp.Clr: _il.Emit(OpCodes.Not); _il.Emit(OpCodes.And); break;
            case AtomicOp.Eor: _il.Emit(OpCodes.Xor); break;
            case AtomicOp.Set: _il.Emit(OpCodes.Or); break;
        }
        StoreSized(size, aligned: true);
        _il.Emit(OpCodes.Br, done);
        SlowPathBegin(slow);
        LdCpu();
        _il.Emit(OpCodes.Ldc_I4, (int)kind);
        Push(address);
        Push(operand);
        return AtomicSlowCall(M.AtomicRmwOp, size, op, old, done);
    }

    /// <summary>CAS of 1 to 8 bytes inline: the location is written only when it holds the expected value.</summary>
    public IlVal CompareAndSwap(IlVal address, IlVal expected, IlVal desired, int size, MemOp op)
    {
        if ((op & MemOp.Unprivileged) != 0)
            return CpuCall(M.CompareAndSwapOp, true, address, expected, desired, I4(size), I4(op));
        var entry = AtomicHit(address, size, op, out var old, out var slow, out var done);
        Push(new IlVal(old));
        Push(expected);
        if (size < 8)
        {
            _il.Emit(OpCodes.Ldc_I8, (long)((1UL << (size * 8)) - 1));
            _il.Emit(OpCodes.And);
        }
        _il.Emit(OpCodes.Bne_Un, done);
        HostAddress(address, entry);
        Push(desired);
        StoreSized(size, aligned: true);
        _il.Emit(OpCodes.Br, done);
        SlowPath(slow, address);
        Push(expected);
        Push(desired);
        return AtomicSlowCall(M.CompareAndSwapOp, size, op, old, done);
    }

    /// <summary>Ends an atomic's slow path (its operands pushed): the CPU's method with the size and MemOp, its old value
    /// into <paramref name="old"/>, the fault exit, and the join with the fast path.</summary>
    private IlVal AtomicSlowCall(MethodInfo method, int size, MemOp op, LocalBuilder old, Label done)
    {
        _il.Emit(OpCodes.Ldc_I4, size);
        _il.Emit(OpCodes.Ldc_I4, (int)op);
        _il.Emit(OpCodes.Call, method);
        _il.Emit(OpCodes.Stloc, old);
        BranchIfExceptionTaken();
        _il.MarkLabel(done);
        _storesSlowly = true;
        return new IlVal(old);
    }

    /// <summary>The fast TLB write test of an atomic (aligned only) and the old value read on a hit, into
    /// <paramref name="old"/>; returns the entry for the write.</summary>
    private LocalBuilder AtomicHit(IlVal address, int size, MemOp op, out LocalBuilder old, out Label slow, out Label done)
    {
        old = Temp();
        slow = _il.DefineLabel();
        done = _il.DefineLabel();
        var entry = TlbEntry(address);
        TagCompare(address, entry, FastTlbEntry.WriteTagOffset, size, op | MemOp.AlignedOnly, slow);
        HostAddress(address, entry);
        LoadSized(size, aligned: true);
        _il.Emit(OpCodes.Stloc, old);
        return entry;
    }

    /// <summary>Loads <paramref name="size"/> bytes from the host address on the stack, zero-extended to a ulong.</summary>
    private void LoadSized(int size, bool aligned)
    {
        if (!aligned && size > 1) _il.Emit(OpCodes.Unaligned, (byte)1);
        _il.Emit(size switch { 1 => OpCodes.Ldind_U1, 2 => OpCodes.Ldind_U2, 4 => OpCodes.Ldind_U4, _ => OpCodes.Ldind_I8 });
        if (size < 8) _il.Emit(OpCodes.Conv_U8);
    }

    /// <summary>Stores the ulong on the stack at the host address below it, truncated to <paramref name="size"/>.</summary>
    private void StoreSized(int size, bool aligned)
    {
        if (size < 8) _il.Emit(OpCodes.Conv_U4);
        if (!aligned && size > 1) _il.Emit(OpCodes.Unaligned, (byte)1);
        _il.Emit(size switch { 1 => OpCodes.Stind_I1, 2 => OpCodes.Stind_I2, 4 => OpCodes.Stind_I4, _ => OpCodes.Stind_I8 });
    }

    public void CompareAndSwapPair(IlVal address, IlVal e0, IlVal e1, IlVal d0, IlVal d1, int size, MemOp op, out IlVal old0, out IlVal old1)
    {
        var o0 = Temp();
        var o1 = Temp();
        Materialize();
        SyncPc();
        LdCpu();
        Push(address);
        Push(e0);
        Push(e1);
        Push(d0);
        Push(d1);
        _il.Emit(OpCodes.Ldc_I4, size);
        _il.Emit(OpCodes.Ldc_I4, (int)op);
        _il.Emit(OpCodes.Ldloca, o0);
        _il.Emit(OpCodes.Ldloca, o1);
        _il.Emit(OpCodes.Call, M.CompareAndSwapPairOp);
        BranchIfExceptionTaken();
        _storesSlowly = true;
        old0 = new IlVal(o0);
        old1 = new IlVal(o1);
    }

    // ---- branches ----

    public void Branch(ulong target) => _branchTarget = new IlVal(target);

    public void BranchIf(IlVal cond, ulong target)
    {
        if (cond.IsConst) { if (cond.Value != 0) _branchTarget = new IlVal(target); return; }
        _condBranch = (cond, target);
    }

    public void BranchIndirect(IlVal target, BranchKind kind)
    {
        // BranchTo drops the tag of a TBI address: the CPU knows the regime's TBI bits. A target whose bits 63:55
        // agree (all of them, at EL0/EL1, where both ranges exist; zeros elsewhere) keeps them whatever TCR says.
        var r = Temp();
        var done = _il.DefineLabel();
        Push(target);
        _il.Emit(OpCodes.Stloc, r);
        Push(target);
        _il.Emit(OpCodes.Ldc_I4, 55);
        _il.Emit(OpCodes.Shr);
        if (_el <= 1)
        {
            _il.Emit(OpCodes.Ldc_I4_1);
            _il.Emit(OpCodes.Conv_I8);
            _il.Emit(OpCodes.Add);
            _il.Emit(OpCodes.Ldc_I4_1);
            _il.Emit(OpCodes.Conv_I8);
            _il.Emit(OpCodes.Ble_Un, done);   // top + 1 is 0 or 1: top is -1 or 0
        }
        else _il.Emit(OpCodes.Brfalse, done);
        LdCpu();
        Push(target);
        _il.Emit(OpCodes.Ldc_I4, _el);
        _il.Emit(OpCodes.Call, M.BranchAddr);
        _il.Emit(OpCodes.Stloc, r);
        _il.MarkLabel(done);
        _branchTarget = new IlVal(r);
        _isReturn = kind == BranchKind.Return;
    }
}
