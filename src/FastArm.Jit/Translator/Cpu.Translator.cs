using System.Diagnostics;
using System.Runtime.InteropServices;
using FastArm.Jit.Decode;
using FastArm.Jit.Interpreter;
using FastArm.Jit.Translator;
using FastArm.SoftMmu.Tlb;

namespace FastArm.Jit;

/// <summary>
/// One decoded instruction word: the interpreter's handler, the fields and what kind of instruction it is. A word
/// decodes the same wherever it is, so the decode cache holds these and units are arrays of them.
/// </summary>
internal unsafe struct DecodedInsn
{
    public delegate*<ref Eval, in Fields, void> Handler;
    public Fields Fields;
    public InsnInfo Info;
    /// <summary>A direct branch's target minus its address (<see cref="InsnInfo.DirectBranch"/>).</summary>
    public long BranchOffset;

    public readonly A64Row? Row => Fields.RowIndex < 0 ? null : A64Table.All[Fields.RowIndex];
}

/// <summary>
/// A translation unit: the instructions from one VA to the first that ends a unit (a branch, an exception, a
/// state change) or the page end, decoded once. Tier 0 runs the decoded instructions through the interpreter's
/// handlers; once it has run <see cref="CpuConfig.JitThreshold"/> times it is compiled to IL (tier 1).
/// Keyed by VA, PA and the state that changes what the code means (<see cref="Cpu.UnitKey"/>).
/// </summary>
internal sealed class Unit
{
    public required ulong Va, Pa;
    public required int Key;
    public required long Id;
    /// <summary>Instructions in the unit (<see cref="Insns"/>' length, kept here for the dispatch loop).</summary>
    public required int Length;
    /// <summary>Where the unit's page is in host memory (what the fast TLB maps the VA page to while the unit is valid).</summary>
    public required nint HostPage;
    /// <summary>The <see cref="FastArm.SoftMmu.Tlb.FastTlb.Generation"/> at which the VA was last seen to map here.</summary>
    public ulong CheckedGeneration = ulong.MaxValue;
    public required DecodedInsn[] Insns;
    public int Runs;
    /// <summary>The method that runs this unit: its own region's, or that of a region it is a block of (entered at
    /// <see cref="EntryIndex"/>).</summary>
    public volatile UnitFn? Compiled;
    /// <summary>Where the method compiled for this unit's own region starts (set before <see cref="Compiled"/>); a block
    /// of another region is entered through its <see cref="Host"/>'s.</summary>
    public nint Code;
    public int EntryIndex;
    /// <summary>The entry of the region whose method will run this unit too (set when that region is requested).</summary>
    public Unit? Host;
    public bool Invalid;
    public bool CompileRequested;
    /// <summary>The blocks compiled into this unit's method, this one first (set when it is compiled).</summary>
    public Unit[]? Region;

    private bool Covers(ulong pa, ulong end) => pa < Pa + (ulong)Length * 4 && end > Pa;

    /// <summary>Whether <paramref name="va"/> is an instruction of one of the blocks compiled with this unit.</summary>
    public bool RegionHolds(ulong va)
    {
        if (((va ^ Va) & ~0xFFFUL) != 0) return false;   // a region never leaves its page
        foreach (var b in Region ?? [this])
            if (va >= b.Va && va < b.Va + (ulong)b.Length * 4) return true;
        return false;
    }

    /// <summary>
    /// Where the unit goes next by a target fixed at decode time: a direct branch's target and, when it is conditional,
    /// the fall-through; the fall-through of a unit cut at the page end or its length bound. With
    /// <paramref name="returnPoint"/>, also the instruction after a call (BL, BLR), where its RET comes back to.
    /// Indirect branches and changes of state have no successors here: anything may follow them.
    /// </summary>
    public int Successors(Span<ulong> into, bool returnPoint)
    {
        var info = Insns[^1].Info;
        ulong next = Va + (ulong)Length * 4;
        int n = 0;
        if ((info & InsnInfo.DirectBranch) != 0) into[n++] = next - 4 + (ulong)Insns[^1].BranchOffset;
        bool fallsThrough = (info & InsnInfo.EndsUnit) == 0 || (info & InsnInfo.ConditionalBranch) != 0
            || (returnPoint && (info & InsnInfo.Call) != 0);
        if (fallsThrough) into[n++] = next;
        return n;
    }

    /// <summary>Whether a write of [<paramref name="pa"/>, <paramref name="end"/>) changes code this unit runs.</summary>
    public bool Overlaps(ulong pa, ulong end)
    {
        if (Covers(pa, end)) return true;
        if (Region is { } blocks)
            foreach (var b in blocks)
                if (b.Covers(pa, end)) return true;
        return false;
    }
}

/// <summary>
/// An entry of the chain cache (<see cref="Cpu.ChainCached"/>): all that a compiled exit needs to go on into the unit at
/// <see cref="Va"/> (its method's entry point and entry index, its length for the budget, its id), in one cache line,
/// where going through the jump cache's reference and the unit object cost two or three dependent cache misses per
/// transition. Valid while the fast TLB's generation it was made in lasts; dropping units moves that generation too.
/// </summary>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential, Size = 64)]
internal struct ChainEntry
{
    public ulong Va;
    public ulong Generation;
    public nint Code;
    public long Id;
    public int Entry;
    public int Length;
    public int Key;

    public static readonly int CodeOffset = 16, EntryOffset = 32;
}

/// <summary>What the translator did: for the bench and the note.</summary>
public readonly record struct TranslatorStatistics(
    long UnitsBuilt, long UnitsCompiled, long InstructionsCompiled, double CompileSeconds, long UnitsInvalidated,
    long CompileFailures, ulong InstructionsInterpreted, ulong InstructionsCompiledRun, long JumpCacheFlushes,
    ulong InterpretedRuns, ulong CompiledRuns, ulong SingleSteps, ulong JumpCacheMisses, ulong ChainedRuns);

public sealed unsafe partial class Cpu
{
    private const int JumpCacheWindowBits = 4;
    private const int MaxUnitInstructions = 128;
    private const int MaxUnitRun = 1 << 16;
    private readonly Unit?[] _jumpCache = new Unit?[1024 << JumpCacheWindowBits];
    private readonly Dictionary<(ulong Va, ulong Pa, int Key), Unit> _units = [];
    private readonly Dictionary<ulong, CodePage> _codePages = [];
    /// <summary>The running unit's <see cref="Unit.Id"/> (an id rather than a reference: no GC write barrier per
    /// dispatch), 0 between units.</summary>
    private long _currentUnitId;
    private long _nextUnitId;
    /// <summary>Set when the running unit's code page was written: the unit stops after the current instruction.</summary>
    internal bool UnitInvalidated;
    /// <summary>How many instructions the running compiled unit may execute (its blocks check before each one);
    /// negative once the run loop must look at a stop request or the interrupt lines (<see cref="SignalStop"/>).</summary>
    internal volatile int UnitBudget;
    /// <summary>Instructions run by the compiled units that passed control on by chaining (<see cref="ChainTo"/>) in the
    /// current dispatch: the last one's return value counts only its own.</summary>
    private int _chainedInstructions;
    /// <summary>The page of the run's stop address: units there are not chained to, the dispatcher stops at it
    /// (a region never leaves its page, so units elsewhere cannot reach the address without leaving).</summary>
    private ulong _untilPage;
    private bool _translatorHooked;
    /// <summary>The chain cache, indexed as the jump cache (<see cref="ChainEntry"/>); allocated when the translator is
    /// first used.</summary>
    private ChainEntry* _chainCache;
    private static nuint ChainCacheBytes => (nuint)(1024 << JumpCacheWindowBits) * (nuint)sizeof(ChainEntry);

    private long _emitTicks, _ilBytes, _cacheEvictions;
    /// <summary>How often the translation cache reached its bound and was emptied.</summary>
    public long TranslationCacheEvictions => _cacheEvictions;
    public long IlBytes => Interlocked.Read(ref _ilBytes);
    /// <summary>Seconds spent generating IL (the rest of the compile time is RyuJIT's).</summary>
    public double EmitSeconds => (double)Interlocked.Read(ref _emitTicks) / Stopwatch.Frequency;
    private long _unitsBuilt, _unitsCompiled, _insnsCompiled, _compileTicks, _unitsInvalidated, _compileFailures, _jumpCacheFlushes;
    private ulong _insnsInterpreted, _insnsCompiledRun, _interpretedRuns, _compiledRuns, _singleSteps, _jumpCacheMisses, _chainedRuns;

    public TranslatorStatistics TranslatorStatistics => new(_unitsBuilt, Interlocked.Read(ref _unitsCompiled), Interlocked.Read(ref _insnsCompiled),
        (double)Interlocked.Read(ref _compileTicks) / Stopwatch.Frequency, _unitsInvalidated, Interlocked.Read(ref _compileFailures),
        _insnsInterpreted, _insnsCompiledRun, _jumpCacheFlushes, _interpretedRuns, _compiledRuns, _singleSteps, _jumpCacheMisses, _chainedRuns);

    /// <summary>The state bits a unit's code depends on: EL (the fast TLB context, SP bank), PSTATE.SP and PSTATE.PAN.</summary>
    internal int UnitKey => S.EL | (S.SpSel << 2) | (int)((S.PStateOther >> 22) & 1) << 3;

    private void HookTranslator()
    {
        if (_translatorHooked) return;
        _translatorHooked = true;
        if (_chainCache == null)
        {
            _chainCache = (ChainEntry*)NativeMemory.AlignedAlloc(ChainCacheBytes, 64);
            NativeMemory.Clear(_chainCache, ChainCacheBytes);   // generation 0: no entry is valid (the fast TLB's starts at 1)
        }
        Bus.CodePages.CodeWritten += OnCodeWritten;
    }

    /// <summary>The CPU goes away: the pages it made code from are no longer code pages on its account.</summary>
    private void UnhookTranslator()
    {
        FlushTranslations();
        if (!_translatorHooked) return;
        _translatorHooked = false;
        Bus.CodePages.CodeWritten -= OnCodeWritten;
    }

    private void FreeChainCache()
    {
        if (_chainCache == null) return;
        NativeMemory.AlignedFree(_chainCache);
        _chainCache = null;
    }

    /// <summary>
    /// The fast way out of a compiled unit: when the chain cache holds <paramref name="target"/> in this state and
    /// generation, and the unit fits in the budget and nothing asks for attention, it is chained to as
    /// <see cref="ChainTo"/> would, and the caller calls the entry's method directly; null: ask ChainTo.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal ChainEntry* ChainCached(ulong target, int executed, int key)
    {
        var e = _chainCache + JumpCacheSlot(target);
        if (e->Va != target || e->Key != key || e->Generation != FastTlb.Generation || executed + e->Length > UnitBudget
            || _interruptLinesChanged | _stopRequested)
            return null;
        S.PC = target;
        UnitBudget -= executed;
        _chainedInstructions += executed;
        _currentUnitId = e->Id;
        _chainedRuns++;
        return e;
    }

    /// <summary>Records in the chain cache the unit <see cref="ChainTo"/> just chained to (which it checked as the jump
    /// cache's entry would be, stop address included).</summary>
    private void CacheChain(Unit u)
    {
        nint code = (u.Host ?? u).Code;
        if (code == 0) return;
        var e = _chainCache + JumpCacheSlot(u.Va);
        e->Va = u.Va;
        e->Key = u.Key;
        e->Code = code;
        e->Entry = u.EntryIndex;
        e->Length = u.Length;
        e->Id = u.Id;
        e->Generation = FastTlb.Generation;
    }

    /// <summary>Where a delegate's method starts: for one bound to its first argument, as a unit's is, the code its
    /// Invoke calls with the target first (a DynamicMethod cannot be named by ldftn).</summary>
    [System.Runtime.CompilerServices.UnsafeAccessor(System.Runtime.CompilerServices.UnsafeAccessorKind.Field, Name = "_methodPtr")]
    private static extern ref nint MethodPointer(Delegate d);

    /// <summary>
    /// The jump cache slot of <paramref name="va"/>: a page's instructions take a window of 1024 slots chosen by a hash
    /// of the page number, so hot pages at the same offset in nearby 16 KiB spans do not evict each other.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static int JumpCacheSlot(ulong va)
    {
        ulong page = va >> 12;
        int window = (int)((page ^ (page >> JumpCacheWindowBits) ^ (page >> 2 * JumpCacheWindowBits)) & ((1 << JumpCacheWindowBits) - 1));
        return (window << 10) | (int)((va >> 2) & 1023);
    }

    private void FlushJumpCache()
    {
        Array.Clear(_jumpCache);
        _jumpCacheFlushes++;
    }

    /// <summary>The units made from one physical page, and which of its instruction words they cover.</summary>
    private sealed class CodePage
    {
        public readonly List<Unit> Units = [];
        private readonly ulong[] _words = new ulong[1024 / 64];

        public void Cover(Unit u)
        {
            for (int w = (int)(u.Pa & 0xFFF) >> 2, end = w + u.Length; w < end; w++) _words[w >> 6] |= 1UL << w;
        }

        public bool AnyCovered(int firstWord, int lastWord)
        {
            for (int w = firstWord; w <= lastWord; w++)
                if ((_words[w >> 6] & (1UL << w)) != 0) return true;
            return false;
        }

        public void Recover()
        {
            Array.Clear(_words);
            foreach (var u in Units) Cover(u);
        }
    }

    /// <summary>
    /// Bytes of a code page were written: the units made from them are dropped (the next fetch decodes the new bytes),
    /// and so is every unit whose compiled region includes them. Data next to code drops nothing.
    /// </summary>
    private void OnCodeWritten(ulong pa, int size)
    {
        ulong page = pa & ~0xFFFUL;
        if (!_codePages.TryGetValue(page, out var cp)) return;
        ulong end = pa + (ulong)size;
        if (!cp.AnyCovered((int)(pa & 0xFFF) >> 2, (int)((end - 1) & 0xFFF) >> 2)) return;
        bool emptied = DropUnits(cp, u =>
        {
            if (!u.Overlaps(pa, end)) return false;
            if (u.Id == _currentUnitId) UnitInvalidated = true;
            _unitsInvalidated++;
            return true;
        });
        if (emptied) ReleaseCodePage(page);
    }

    /// <summary>Drops the units of a page's list that <paramref name="drop"/> selects (never found again); true when
    /// the page is left without units.</summary>
    private bool DropUnits(CodePage cp, Func<Unit, bool> drop)
    {
        var list = cp.Units;
        int kept = 0;
        for (int i = 0; i < list.Count; i++)
        {
            var u = list[i];
            if (!drop(u)) { list[kept++] = u; continue; }
            u.Invalid = true;
            _units.Remove((u.Va, u.Pa, u.Key));
        }
        if (kept == list.Count) return false;
        FastTlb.Generation++;   // the chain cache's entries of the dropped units go
        list.RemoveRange(kept, list.Count - kept);
        if (kept > 0) cp.Recover();
        return kept == 0;
    }

    /// <summary>A page none of whose units is left is a code page no more (on this CPU's account).</summary>
    private void ReleaseCodePage(ulong page)
    {
        _codePages.Remove(page);
        Bus.CodePages.Release(page);
    }

    /// <summary>Drops every unit (tests, and a bound on the cache).</summary>
    public void FlushTranslations()
    {
        foreach (var (page, cp) in _codePages)
        {
            foreach (var u in cp.Units) u.Invalid = true;
            Bus.CodePages.Release(page);
        }
        _units.Clear();
        _codePages.Clear();
        FlushJumpCache();
        FastTlb.Generation++;   // and the chain cache
    }

    /// <summary>The unit that starts at <paramref name="pc"/> in the current state, built if needed; null when the fetch
    /// faulted (the abort is taken) or the code is not in RAM (the caller steps one instruction instead).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private Unit? FindUnit(ulong pc, int key)
    {
        var u = _jumpCache[JumpCacheSlot(pc)];
        if (u != null && u.Va == pc && u.Key == key && !u.Invalid && u.CheckedGeneration == FastTlb.Generation) return u;
        return FindUnitSlow(pc, key);
    }

    /// <summary>
    /// Chaining: a compiled unit that leaves for <paramref name="target"/> (a direct branch's, or an indirect one's once
    /// computed) calls the next unit itself, as a tail call, instead of returning to the dispatcher, when the jump cache
    /// holds a unit for the target that <see cref="FindUnit"/> would trust without a lookup, it is compiled, it fits in
    /// the instruction budget and no interrupt line changed and no stop was asked for: what the dispatcher would do
    /// between them, it does here. Nothing is linked, so nothing needs unlinking: a TLBI, a context switch or a code
    /// write that changes what the target means fails these checks. Null: return to the dispatcher (PC is set).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal Unit? ChainTo(ulong target, int executed, int key)
    {
        S.PC = target;
        var u = _jumpCache[JumpCacheSlot(target)];
        if (u == null || u.Va != target || u.Key != key || u.Invalid || u.CheckedGeneration != FastTlb.Generation
            || u.Compiled == null || executed + u.Length > UnitBudget || ((target ^ _untilPage) & ~0xFFFUL) == 0
            || _interruptLinesChanged | _stopRequested)
            return null;
        UnitBudget -= executed;
        _chainedInstructions += executed;
        _currentUnitId = u.Id;
        _chainedRuns++;
        CacheChain(u);
        return u;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private Unit? FindUnitSlow(ulong pc, int key)
    {
        int index = JumpCacheSlot(pc);
        ref Unit? slot = ref _jumpCache[index];
        var u = slot;
        ulong page = pc & FastTlb.PageMask;
        bool candidate = u != null && u.Va == pc && u.Key == key && !u.Invalid;
        if (candidate)
        {
            // The jump cache outlives translation changes (context switches, TLBIs, SCTLR writes): the fast TLB, which
            // every one of them flushes, says whether the VA still maps to the unit's page; until the fast TLB drops
            // anything, the answer stands (FindUnit trusts it without coming here).
            ref FastTlbEntry fe = ref FastTlb.Table(FastContext)[FastTlb.IndexOf(pc)];
            if (page == fe.FetchTag && page + (ulong)fe.Addend == (ulong)u!.HostPage)
            {
                u.CheckedGeneration = FastTlb.Generation;
                return u;
            }
        }
        if (!Translate(pc, AccessType.Fetch, false, out ulong pa, out var fault))
        {
            InstructionAbort(pc, fault.Status, fault.S1ptw);
            return null;
        }
        byte* host = Bus.RamPointer(pa & ~0xFFFUL, 0x1000, false);
        if (host == null) return null;
        FastTlb.Fill(FastContext, pc, host, FastAccess.Fetch, _lastBlockShift);
        _jumpCacheMisses++;
        if (!(candidate && u!.Pa == pa) && !_units.TryGetValue((pc, pa, key), out u))
        {
            u = BuildUnit(pc, pa, key);
            if (u == null) return null;
        }
        slot = u;
        u!.CheckedGeneration = FastTlb.Generation;
        return u;
    }

    /// <summary>The bound of the translation cache. Past it the units that never got hot are dropped (a boot runs
    /// a hundred thousand blocks of init code once or a few times); only if that leaves it more than half full is
    /// everything dropped and rebuilt as it runs, as QEMU does when its code buffer fills. Compiled methods are
    /// collectible, so their memory goes with them.</summary>
    private const int MaxUnits = 65_536;

    private void EvictColdUnits()
    {
        _cacheEvictions++;
        List<ulong>? emptied = null;
        foreach (var (page, cp) in _codePages)
            if (DropUnits(cp, u => u.Compiled == null && !u.CompileRequested && u.Id != _currentUnitId)) (emptied ??= []).Add(page);
        foreach (var page in emptied ?? []) ReleaseCodePage(page);
        if (_units.Count >= MaxUnits / 2) FlushTranslations();
    }

    private Unit? BuildUnit(ulong pc, ulong pa, int key)
    {
        if (_units.Count >= MaxUnits) EvictColdUnits();
        ulong page = pa & ~0xFFFUL;
        byte* host = Bus.RamPointer(page, 0x1000, false);
        if (host == null) return null;
        int max = (int)Math.Min((ulong)MaxUnitInstructions, (0x1000 - (pc & 0xFFF)) / 4);
        var insns = new List<DecodedInsn>(16);
        for (int i = 0; i < max; i++)
        {
            ref DecodedInsn d = ref Lookup(*(uint*)(host + (pa & 0xFFF) + (ulong)i * 4));
            insns.Add(d);
            if ((d.Info & InsnInfo.EndsUnit) != 0) break;
        }
        var u = new Unit { Va = pc, Pa = pa, Key = key, Insns = [.. insns], Length = insns.Count, HostPage = (nint)host, Id = ++_nextUnitId };
        _units[(pc, pa, key)] = u;
        if (!_codePages.TryGetValue(page, out var cp))
        {
            _codePages[page] = cp = new CodePage();
            Bus.CodePages.Add(page);
        }
        cp.Units.Add(u);
        cp.Cover(u);
        _unitsBuilt++;
        return u;
    }

    /// <summary>Tier 0: runs up to <paramref name="count"/> of the unit's instructions through the interpreter's handlers.</summary>
    private int Interpret(Unit u, int count, ref Eval e)
    {
        var insns = u.Insns;
        ulong pc = u.Va;
        for (int i = 0; i < count; i++, pc += 4)
        {
            S.PC = pc;   // the CPU reads it as the address of an instruction that faults or traps
            e.Begin(pc);
            insns[i].Handler(ref e, in insns[i].Fields);
            if (e.Ended) return i + 1;
            if (UnitInvalidated) { S.PC = pc + 4; return i + 1; }
        }
        S.PC = pc;
        return count;
    }

    // ---- tier 1 ----

    private const int MaxRegionBlocks = 32, MaxRegionInstructions = 512;

    /// <summary>
    /// The blocks compiled together with <paramref name="entry"/>: those its direct branches and fall-throughs reach
    /// within the same page (so one translation covers them all and a write to the page drops them all), so that hot
    /// loops run inside one method. Blocks that end by a state change (system register write, ISB, exception) have
    /// no successors here: what follows them must be looked up again in the new state.
    /// </summary>
    private Unit[] FormRegion(Unit entry, bool ranOnly)
    {
        var region = new List<Unit> { entry };
        var seen = new HashSet<ulong> { entry.Va };
        int instructions = entry.Insns.Length;
        ulong vaPage = entry.Va & ~0xFFFUL, paPage = entry.Pa & ~0xFFFUL;
        Span<ulong> successors = stackalloc ulong[2];
        // ranOnly: only blocks that have run (in tier 0, before the entry got hot). The paths a function never took
        // (error handling, rare cases) would make the method several times larger, slower to compile and to fetch,
        // and take the region's room from blocks that run; one that runs later is a unit of its own, chained to.
        for (int k = 0; k < region.Count && region.Count < MaxRegionBlocks; k++)
        {
            // With the block after each call: compiled code predicts returns into the region.
            int ns = region[k].Successors(successors, returnPoint: true);
            for (int j = 0; j < ns; j++)
            {
                ulong va = successors[j];
                if ((va & ~0xFFFUL) != vaPage || (va & 3) != 0 || !seen.Add(va)) continue;
                ulong pa = paPage | (va & 0xFFF);
                if (!_units.TryGetValue((va, pa, entry.Key), out var s) || s.Invalid)
                {
                    if (ranOnly) continue;
                    s = BuildUnit(va, pa, entry.Key);
                }
                else if (ranOnly && s.Runs == 0) continue;
                if (s == null || instructions + s.Insns.Length > MaxRegionInstructions) continue;
                instructions += s.Insns.Length;
                region.Add(s);
            }
        }
        return [.. region];
    }

    /// <summary>
    /// One background translator for the process (the machine has few cores, and the guest's CPUs take turns on one
    /// thread): it holds a CPU only while one of its units waits, so CPUs that are dropped are collected.
    /// </summary>
    private static class BackgroundTranslator
    {
        private static readonly List<(Cpu Cpu, Unit Unit)> s_queue = [];
        private static Thread? s_thread;
        private static readonly object s_lock = new();

        public static void Enqueue(Cpu cpu, Unit u)
        {
            lock (s_lock)
            {
                s_queue.Add((cpu, u));
                if (s_thread == null)
                {
                    s_thread = new Thread(Work) { IsBackground = true, Name = "FastArm translator" };
                    s_thread.Start();
                }
                else Monitor.Pulse(s_lock);
            }
        }

        /// <summary>
        /// Hottest first: a queued unit keeps running in tier 0 and counting its runs, so when code becomes hot faster
        /// than it can be compiled (a boot, a new program), the loops that matter are compiled before the lukewarm
        /// code queued ahead of them.
        /// </summary>
        private static void Work()
        {
            while (true)
            {
                (Cpu Cpu, Unit Unit) next;
                lock (s_lock)
                {
                    while (s_queue.Count == 0) Monitor.Wait(s_lock);
                    int best = 0;
                    for (int i = 1; i < s_queue.Count; i++)
                        if (s_queue[i].Unit.Runs > s_queue[best].Unit.Runs) best = i;
                    next = s_queue[best];
                    s_queue[best] = s_queue[^1];
                    s_queue.RemoveAt(s_queue.Count - 1);
                }
                if (!next.Unit.Invalid) next.Cpu.Compile(next.Unit);
            }
        }
    }

    private void RequestCompile(Unit u)
    {
        u.CompileRequested = true;
        // When everything is compiled at its first run, nothing has run yet: the region takes all it reaches.
        var region = u.Region = FormRegion(u, ranOnly: Config.JitThreshold > 0);
        // Every block of the region can enter its method: one translation serves them all, so when they get hot
        // themselves they need none of their own.
        for (int i = 1; i < region.Length; i++)
        {
            var b = region[i];
            if (b.CompileRequested || b.Compiled != null) continue;
            b.CompileRequested = true;
            b.Host = u;
            b.EntryIndex = i;
            b.Region = region;
        }
        if (!Config.JitBackground) { Compile(u); return; }
        BackgroundTranslator.Enqueue(this, u);
    }

    /// <summary>Translates a unit to IL and publishes it. Safe on any thread: it reads only the unit's decoded instructions.</summary>
    private void Compile(Unit u)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            int el = u.Key & 3, spSel = (u.Key >> 2) & 1, pan = (u.Key >> 3) & 1;
            var b = new IlUnitBuilder($"unit_{u.Va:X}", Features, el, spSel,
                (int)((byte*)FastTlb.Table((el << 1) | pan) - (byte*)StatePointer), Config.JitChaining ? u.Key : -1)
            {
                StaticMrs = StaticMrs,
                El1ControlsAlone = !Config.HasEl2 && !Config.HasEl3 && el <= 1,
            };
            var em = new IlEmitter { B = b };
            var handlers = SemanticsBinder<IlEmitter, IlVal>.Handlers;
            var region = u.Region ?? [u];
            var labels = new Dictionary<ulong, (System.Reflection.Emit.Label Label, int Length)>();
            foreach (var block in region) labels[block.Va] = (b.DefineLabel(), block.Insns.Length);
            b.EnterAt([.. region.Select(block => labels[block.Va].Label)]);
            Func<ulong, (System.Reflection.Emit.Label, int)?> internalTarget = va => labels.TryGetValue(va, out var l) ? l : null;
            // Blocks that follow a call in the region: a RET that comes back to one of them goes there directly.
            b.ReturnPoints = [.. region.Where(block => (block.Insns[^1].Info & InsnInfo.Call) != 0)
                .Select(block => block.Va + (ulong)block.Length * 4).Where(labels.ContainsKey).Distinct().Take(8)];
            int compiled = 0;
            var liveOut = FlagsLiveOut(region);
            for (int k = 0; k < region.Length; k++)
            {
                var block = region[k];
                b.BeginBlock(labels[block.Va].Label, internalTarget, liveOut[k]);
                var insns = block.Insns;
                for (int i = 0; i < insns.Length; i++)
                {
                    b.BeginInstruction(i, block.Va + (ulong)i * 4, FlagsDead(insns, i));
                    if (insns[i].Fields.RowIndex is int row and >= 0) handlers[row](ref em, in insns[i].Fields);
                    else em.Undefined();
                    var info = insns[i].Info;
                    bool stateChanged = (info & InsnInfo.EndsUnit) != 0 && (info & InsnInfo.DirectBranch) == 0;
                    if (b.EndInstruction(i == insns.Length - 1, stateChanged)) break;
                }
                compiled += insns.Length;
            }
            Interlocked.Add(ref _ilBytes, b.IlSize);
            var fn = b.Finish(this);
            long emitted = Stopwatch.GetTimestamp();
            Interlocked.Add(ref _emitTicks, emitted - start);
            fn(null, 0);   // compiles the method now, on this thread (with no state it returns at once)
            u.Code = MethodPointer(fn);
            u.Compiled = fn;
            // The other blocks enter the same method: published now, they can be chained to before the dispatcher runs them.
            foreach (var block in region)
                if (block.Host == u) block.Compiled = fn;
            Interlocked.Increment(ref _unitsCompiled);
            Interlocked.Add(ref _insnsCompiled, compiled);
        }
        catch (Exception ex)
        {
            // A translator bug must not stop the guest: the unit stays in tier 0, which is always right.
            Interlocked.Increment(ref _compileFailures);
            Trace?.Invoke($"translator: unit at 0x{u.Va:X} not compiled: {ex.GetType().Name}: {ex.Message}");
        }
        Interlocked.Add(ref _compileTicks, Stopwatch.GetTimestamp() - start);
    }

    /// <summary>
    /// NZCV computed "only where read", within a block: the flags that instruction <paramref name="i"/> writes are dead
    /// when a later instruction of the block writes all of NZCV before any instruction reads them, may fault (an
    /// exception saves NZCV in SPSR) or ends the block (the next block, an interrupt or the dispatcher may read them).
    /// Every flag writer rewrites all four flags, and what Probe cannot see through (state helpers) counts as a read.
    /// </summary>
    private static bool FlagsDead(DecodedInsn[] insns, int i)
    {
        if ((insns[i].Info & InsnInfo.WritesFlags) == 0) return false;
        for (int k = i + 1; k < insns.Length; k++)
        {
            var info = insns[k].Info;
            if ((info & (InsnInfo.ReadsFlags | InsnInfo.MayFault | InsnInfo.EndsUnit)) != 0) return false;
            if ((info & InsnInfo.WritesFlags) != 0) return true;
        }
        return false;
    }

    /// <summary>
    /// For each block of a region: whether NZCV as the block leaves it may be read after it. A block's flags are live on
    /// entry when one of its instructions reads them or may fault (an exception saves NZCV) before one writes them,
    /// or when none writes them and they are live on its exit; they are live on exit when they are live on entry to a
    /// successor in the region, and always on a way out of the region (the dispatcher, the next unit or an interrupt
    /// may read them). Solved by iterating to the fixed point from "dead everywhere".
    /// </summary>
    private static bool[] FlagsLiveOut(Unit[] region)
    {
        int n = region.Length;
        var liveIn = new bool[n];
        var liveOut = new bool[n];
        if (n == 1) { liveOut[0] = true; return liveOut; }
        var index = new Dictionary<ulong, int>(n);
        for (int i = 0; i < n; i++) index[region[i].Va] = i;
        Span<ulong> successors = stackalloc ulong[2];
        for (bool changed = true; changed;)
        {
            changed = false;
            for (int i = n - 1; i >= 0; i--)
            {
                var insns = region[i].Insns;
                // After an indirect branch or a change of state anything may run; a successor outside the region too.
                bool outLive = (insns[^1].Info & (InsnInfo.EndsUnit | InsnInfo.DirectBranch)) == InsnInfo.EndsUnit;
                int ns = region[i].Successors(successors, returnPoint: false);
                for (int j = 0; j < ns; j++)
                    outLive |= !index.TryGetValue(successors[j], out int k) || liveIn[k];
                bool inLive = outLive;
                for (int k = insns.Length - 1; k >= 0; k--)
                {
                    var info = insns[k].Info;
                    if ((info & InsnInfo.WritesFlags) != 0) inLive = false;
                    if ((info & (InsnInfo.ReadsFlags | InsnInfo.MayFault)) != 0) inLive = true;
                }
                if (inLive != liveIn[i] || outLive != liveOut[i]) changed = true;
                liveIn[i] = inLive;
                liveOut[i] = outLive;
            }
        }
        return liveOut;
    }

    // ---- the dispatch loop ----

    /// <summary>The translating engine's run loop: same contract as the interpreter's.</summary>
    private StopReason RunUnits(RunLimits limits)
    {
        HookTranslator();
        // Units are longer than instructions: the host timeout is looked at more often than by the reference loop.
        var r = StartRun(limits, timeoutCheckEvery: 256);
        var e = new Eval(this);
        int threshold = Config.JitThreshold;
        _untilPage = r.Until & ~0xFFFUL;
        // The chain cache was filled without regard to this run's stop address: it goes (ChainTo refills it within it).
        if (r.Until != ulong.MaxValue) FastTlb.Generation++;

        while (true)
        {
            switch (AtBoundary(ref r, out var reason))
            {
                case Boundary.Stop: return reason;
                case Boundary.Again: continue;
            }
            ulong pc = S.PC;
            ExceptionTaken = false;
            // An exception that replaces an instruction counts toward the run's budget but is not an instruction
            // executed (as in the reference loop).
            if (TakeStateFault(pc)) { r.Executed++; continue; }

            var u = FindUnit(pc, UnitKey);
            if (u == null)
            {
                r.Executed++;
                if (!ExceptionTaken && StepOne(ref e, pc))
                {
                    _singleSteps++;
                    InstructionsExecuted++;
                }
                continue;
            }

            int len = u.Length;
            ulong left = r.Budget - r.Executed;
            int count = left < (ulong)len ? (int)left : len;
            ulong until = r.Until;
            if (until != ulong.MaxValue && until > pc && until < pc + (ulong)len * 4) count = Math.Min(count, (int)((until - pc) / 4));
            _currentUnitId = u.Id;
            UnitInvalidated = false;
            int n;
            var fn = u.Compiled;
            if (fn == null && u.Host is { } host && (fn = host.Compiled) != null) u.Compiled = fn;
            if (fn != null && count == len)
            {
                // The unit's later blocks run only within the budget. A stop address is checked here, between units:
                // when it lies in one of the region's blocks, only the first block runs. A loop inside a unit also
                // comes back here at least every MaxUnitRun instructions, for the host timeout.
                UnitBudget = until != ulong.MaxValue && u.RegionHolds(until) ? len : left > MaxUnitRun ? MaxUnitRun : (int)left;
                if (_stopRequested | _interruptLinesChanged) UnitBudget = AttentionBudget;   // signalled since the boundary
                n = fn(StatePointer, u.EntryIndex) + _chainedInstructions;
                _chainedInstructions = 0;
                _insnsCompiledRun += (ulong)n;
                _compiledRuns++;
            }
            else
            {
                n = Interpret(u, count, ref e);
                _insnsInterpreted += (ulong)n;
                _interpretedRuns++;
                if (++u.Runs >= threshold && !u.CompileRequested && !u.Invalid) RequestCompile(u);
            }
            _currentUnitId = 0;
            r.Executed += (ulong)n;
            InstructionsExecuted += (ulong)n;
        }
    }

    /// <summary>One instruction fetched and decoded in place (code outside RAM, e.g. flash in MMIO mode); false when the
    /// fetch faulted (the abort is taken).</summary>
    private bool StepOne(ref Eval e, ulong pc)
    {
        if (!TryFetch(pc, out uint word)) return false;
        ref DecodedInsn d = ref Lookup(word);
        e.Begin(pc);
        d.Handler(ref e, in d.Fields);
        if (!e.Ended) S.PC = pc + 4;
        return true;
    }
}
