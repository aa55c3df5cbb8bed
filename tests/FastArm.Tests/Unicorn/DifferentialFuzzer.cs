using FastArm.Jit;
using FastArm.Jit.Decode;
using FastArm.Jit.Exceptions;
using FastArm.SoftMmu.Bus;
using FastArm.SoftMmu.Ram;
using static FastArm.Tests.Unicorn.UnicornNative;

namespace FastArm.Tests.Unicorn;

/// <summary>How one side ended a case.</summary>
public readonly record struct Ending(bool Faulted, string Description, ulong FaultPc)
{
    public static Ending Done => new(false, "completed", 0);
}

/// <summary>One case where FastArm and Unicorn disagree.</summary>
public sealed class Disagreement
{
    public required ulong Seed { get; init; }
    public required long Case { get; init; }
    public required ulong CodeAddress { get; init; }
    public required uint[] Words { get; init; }
    /// <summary>The row of each word (FastArm's decode).</summary>
    public required string[] Rows { get; init; }
    /// <summary>The row blamed: the last instruction of the shortest disagreeing prefix.</summary>
    public string Row => Rows[^1];
    public uint Word => Words[^1];
    public required ArchState Before { get; init; }
    public required ArchState FastArm { get; init; }
    public required ArchState Unicorn { get; init; }
    public required Ending FastArmEnding { get; init; }
    public required Ending UnicornEnding { get; init; }
    /// <summary>Unicorn's QEMU EXCP_* number and uc_err when it faulted.</summary>
    public uint UnicornInterrupt { get; init; }
    public int UnicornError { get; init; }
    /// <summary>FastArm's ESR when it faulted.</summary>
    public ulong FastArmEsr { get; init; }
    public required List<string> Differences { get; init; }
    /// <summary>RAM words (8-byte aligned addresses) that differ: FastArm's and Unicorn's values.</summary>
    public List<(ulong Addr, ulong FastArm, ulong Unicorn)> MemoryDiffs { get; init; } = [];
    /// <summary>Filled in by the reporter: one line per word.</summary>
    public string[]? Disassembly { get; set; }
    /// <summary>Filled in when QEMU 7.2 was asked: which side it agrees with.</summary>
    public string? QemuVerdict { get; set; }
}

/// <summary>Counts for one row.</summary>
public sealed class RowStats
{
    public long Cases, BothFaulted, Disagreements;
}

/// <summary>
/// The differential fuzzer: the same words and the same state run on FastArm's interpreter and on Unicorn (QEMU
/// 5.0's TCG underneath, `max` CPU), then X0-X30, SP, PC, NZCV, V0-V31, FPSR and all of RAM are compared.
///
/// Memory: 128 KiB of RAM at 0x40000000 in both. The first page holds the code, placed at a random address each
/// case (so PC-relative encodings see many PCs), in a sea of UDF words; the rest of the low half is random data for
/// literal loads, the high half is the scratch buffer registers point into, also random. Only the code page is
/// executable in Unicorn: QEMU 5.0 translates ahead of the instruction count (to the end of a translation block,
/// and the block at a branch target), and aborts the whole process on some unallocated encodings
/// (g_assert_not_reached in its decoder), so it must never translate random bytes. UDF ends a translation block;
/// a fetch from a non-executable page is an error Unicorn reports without translating.
///
/// Both run at EL1 with the MMU off. FastArm's Device-memory alignment check stays off, because neither QEMU 5.0
/// nor QEMU 7.2 faults an unaligned access with the MMU off; SCTLR_EL1.SA is 0 in FastArm and QEMU never checks SP
/// alignment, so they agree there too.
///
/// An exception stops either side at once (FastArm's exception hook, Unicorn's interrupt hook), so a case that
/// faults is compared by exception class and by the state at the fault, not by what a handler would do.
/// </summary>
public sealed unsafe class DifferentialFuzzer : IDisposable
{
    public const ulong RamBase = 0x4000_0000, RamSize = 0x2_0000;
    public const ulong CodeRegion = RamBase, CodeRegionSize = 0x1000;
    public const ulong LiteralBase = RamBase + 0x1000;
    public const ulong ScratchBase = RamBase + 0x1_0000, ScratchSize = 0x1_0000;
    /// <summary>VBAR_EL1 in FastArm: unmapped, so that nothing past an exception entry could run by accident.</summary>
    public const ulong VectorBase = 0x3000_0000;
    public const uint ClrexWord = 0xD503305F;

    /// <summary>The features FastArm's CPU has while fuzzing: its default set plus the optional ones whose rows it
    /// implements (FEAT_LOR, FEAT_SB); Unicorn's max CPU has all of them.</summary>
    public Feature Features { get; }
    public ulong Seed { get; }

    private readonly PhysicalBus _bus = new();
    private readonly GuestRam _ram;
    private readonly Cpu _cpu;
    private readonly UnicornCpu _uc;
    private readonly byte* _ucRam;
    private readonly byte[] _pristine;
    private readonly A64Row[] _singleRows, _blockRows;

    public Dictionary<string, RowStats> Stats { get; } = [];
    /// <summary>Disagreements dropped because a state-dependent exclusion (a known Unicorn bug) covers them, by reason.</summary>
    public Dictionary<string, long> KnownDifferences { get; } = [];
    /// <summary>Runs after FastArm's part of each case; the fuzzer's own test uses it to plant a difference.</summary>
    public Action<Cpu>? AfterFastArm { get; set; }
    public long CasesRun { get; private set; }
    public long CasesSkipped { get; private set; }

    // Per-case scratch, set by the hooks.
    private ExceptionEvent? _fastException;
    private bool _fastWrote;

    // Unicorn register ids in one batch: X0-X30, SP, PSTATE/NZCV, FPCR, FPSR, Q0-Q31, PC.
    private readonly int[] _writeIds, _readIds;
    private readonly ulong[] _regBuf = new ulong[31 + 4 + 64 + 1];

    public DifferentialFuzzer(ulong seed, Feature? features = null)
    {
        Seed = seed;
        Features = features ?? Feature.Default | Feature.LOR | Feature.SB;
        _ram = _bus.MapRam(RamBase, RamSize);
        _cpu = new Cpu(_bus, new CpuConfig { Features = Features });
        _cpu.DeviceAlignmentWithMmuOff = false;
        _cpu.ExceptionHook = ev => { _fastException ??= ev; _cpu.RequestStop(); };
        _cpu.MemoryHook = a => { if (a.IsWrite) _fastWrote = true; };

        _uc = new UnicornCpu(UC_CPU_ARM64_MAX);
        _ucRam = (byte*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)RamSize, 4096);
        _uc.MapExternal(CodeRegion, CodeRegionSize, _ucRam, UC_PROT_ALL);
        _uc.MapExternal(LiteralBase, RamSize - CodeRegionSize, _ucRam + CodeRegionSize, UC_PROT_READ | UC_PROT_WRITE);

        _pristine = new byte[RamSize];
        var r = new FuzzRandom(seed ^ 0x5EED_0F_5C7A7C4UL);
        for (int i = 0; i < _pristine.Length; i += 8)
        {
            // Mostly random bytes, with runs of zeros and of small numbers so loaded values are not all huge.
            ulong v = (i & 0x3F0) == 0 ? 0 : (i & 0x400) != 0 && (i & 0x200) != 0 ? (ulong)r.Next(0, 256) : r.Next64();
            // The code page: UDF #imm16 words (0x0000xxxx), safe for QEMU to translate, ending a block.
            if ((ulong)i < CodeRegionSize) v &= 0x0000_FFFF_0000_FFFFUL;
            BitConverter.TryWriteBytes(_pristine.AsSpan(i), v);
        }
        RestoreAll();

        _writeIds = new int[31 + 4 + 32];
        _readIds = new int[31 + 4 + 32 + 1];
        for (int i = 0; i < 31; i++) _writeIds[i] = _readIds[i] = RegX(i);
        _writeIds[31] = _readIds[31] = UC_ARM64_REG_SP;
        _writeIds[32] = UC_ARM64_REG_PSTATE; _readIds[32] = UC_ARM64_REG_NZCV;
        _writeIds[33] = _readIds[33] = UC_ARM64_REG_FPCR;
        _writeIds[34] = _readIds[34] = UC_ARM64_REG_FPSR;
        for (int i = 0; i < 32; i++) _writeIds[35 + i] = _readIds[35 + i] = UC_ARM64_REG_Q0 + i;
        _readIds[67] = UC_ARM64_REG_PC;

        bool Usable(A64Row row) => (row.Feature & Features) == row.Feature;
        _singleRows = A64Table.All.Where(row => Usable(row) && !FuzzExclusions.ExcludesWholeRow(row, inBlock: false)).ToArray();
        _blockRows = A64Table.All.Where(row => Usable(row) && !FuzzExclusions.ExcludesWholeRow(row, inBlock: true)).ToArray();
    }

    /// <summary>The RAM both engines start every case from (before the code is written).</summary>
    public byte[] PristineRam => _pristine;

    /// <summary>Drawable rows no case ran as (each of their words decodes as a more specific row, or is excluded).</summary>
    public IEnumerable<string> RowsNeverRun(bool inBlock) =>
        (inBlock ? _blockRows : _singleRows).Select(r => r.Name).Where(n => !Stats.ContainsKey(n));

    public int SingleRowCount => _singleRows.Length;
    public int BlockRowCount => _blockRows.Length;

    private void RestoreAll()
    {
        _bus.Load(RamBase, _pristine);   // through the bus, so that code translated from it is dropped
        _pristine.CopyTo(new Span<byte>(_ucRam, (int)RamSize));
    }

    /// <summary>A random word of a random row; the row it decodes as (which may be a more specific alias).</summary>
    private (uint Word, A64Row Row)? Draw(ref FuzzRandom r, bool inBlock, uint[]? registerPool = null)
    {
        var rows = inBlock ? _blockRows : _singleRows;
        for (int attempt = 0; attempt < 64; attempt++)
        {
            var row = rows[r.Next(rows.Length)];
            uint word = row.Value | (r.Next32() & ~row.Mask);
            // PC-relative offsets (literal loads, branches): often short, so literal loads reach mapped memory and
            // branches land near their source.
            foreach (var f in row.Fields)
            {
                if (f.Id is not (FieldId.imm19 or FieldId.imm14 or FieldId.imm26) || !r.Chance(40)) continue;
                uint m = (uint)((1UL << f.Width) - 1) << f.Shift;
                uint small = (uint)r.Next(-64, 1024);
                word = (word & ~m) | ((small << f.Shift) & m);
            }
            // In a block, registers from a small pool, so that instructions consume each other's results.
            if (registerPool != null)
            {
                foreach (var f in row.Fields)
                {
                    if (f.Width != 5 || f.Id is not (FieldId.Rd or FieldId.Rn or FieldId.Rm or FieldId.Ra or FieldId.Rt
                        or FieldId.Rt2 or FieldId.Rs) || !r.Chance(80)) continue;
                    word = (word & ~(31u << f.Shift)) | (r.Pick(registerPool) << f.Shift);
                }
            }
            word = FuzzExclusions.Steer(row, word, ref r);
            var actual = _cpu.Decode(word);
            if (actual == null || FuzzExclusions.Find(actual, word, inBlock) != null) continue;
            return (word, actual);
        }
        return null;
    }

    /// <summary>Generates and runs case <paramref name="index"/>: one instruction, or a block of
    /// <paramref name="minLength"/>..<paramref name="maxLength"/>. Returns the disagreement, if any.</summary>
    public Disagreement? RunCase(long index, int minLength = 1, int maxLength = 1)
    {
        var r = FuzzRandom.ForCase(Seed, index);
        int n = minLength == maxLength ? minLength : r.Next(minLength, maxLength + 1);
        bool inBlock = n > 1;
        var words = new uint[n];
        var rows = new A64Row[n];
        // Half of the blocks draw their registers from four (one of which may be 31, SP or ZR).
        uint[]? pool = inBlock && r.Chance(50) ? [(uint)r.Next(32), (uint)r.Next(31), (uint)r.Next(31), (uint)r.Next(31)] : null;
        for (int i = 0; i < n; i++)
        {
            var d = Draw(ref r, inBlock, pool);
            if (d == null) { CasesSkipped++; return null; }
            (words[i], rows[i]) = d.Value;
        }
        ulong code = CodeRegion + 4 * (ulong)r.Next((int)((CodeRegionSize - 4 * 16) / 4));
        var before = StateGenerator.Random(ref r, code + 4, ScratchBase, ScratchSize);
        for (int i = n - 1; i >= 0; i--)
        {
            StateGenerator.FitToInstruction(ref r, before, rows[i], words[i], ScratchBase, ScratchSize);
            FuzzExclusions.FitState(rows[i], words[i], before, ref r);
        }
        CasesRun++;

        var result = Compare(words, rows, code, before, index);
        foreach (var row in rows)
        {
            if (!Stats.TryGetValue(row.Name, out var st)) Stats[row.Name] = st = new RowStats();
            st.Cases++;
        }
        if (result == null) return null;
        // A block: blame the first instruction at which the two diverge (the shortest disagreeing prefix).
        int blamed = n;
        if (n > 1)
        {
            for (int k = 1; k < n; k++)
            {
                var shorter = Compare(words[..k], rows[..k], code, before, index);
                if (shorter != null) { result = shorter; blamed = k; break; }
            }
        }
        // A known Unicorn bug, judged on the state just before the blamed instruction (the two agreed up to there).
        var stateThere = blamed == 1 ? before : FastArmOnly(words[..(blamed - 1)], code, before);
        if (FuzzExclusions.FindKnown(result.Row, result.Word, stateThere) is { } known)
        {
            KnownDifferences.TryGetValue(known.Reason, out long c);
            KnownDifferences[known.Reason] = c + 1;
            return null;
        }
        Stats[result.Row].Disagreements++;
        return result;
    }

    /// <summary>Runs <paramref name="words"/> at <paramref name="code"/> + 4 (after a CLREX) from
    /// <paramref name="before"/> on both and compares. Public for reproducing a reported case.</summary>
    public Disagreement? Compare(uint[] words, A64Row[] rows, ulong code, ArchState before, long index = -1)
    {
        // Code: CLREX first (Unicorn's exclusive monitor survives between runs; FastArm's is cleared by Reset),
        // then the words; the same bytes in both memories.
        int n = words.Length;
        WriteCode(code, ClrexWord);
        for (int i = 0; i < n; i++) WriteCode(code + 4 + 4 * (ulong)i, words[i]);
        _uc.InvalidateCode(code, code + 4 * (ulong)(n + 1));

        var fa = RunFastArm(before, n, out var faEnd);
        var uc = RunUnicorn(before, code, n, out var ucEnd);

        var diffs = new List<string>();
        var memDiffs = new List<(ulong, ulong, ulong)>();
        bool restoreAll = _fastWrote || faEnd.Faulted || ucEnd.Faulted;
        if (faEnd.Faulted != ucEnd.Faulted)
        {
            diffs.Add($"fault: fastarm {faEnd.Description}; unicorn {ucEnd.Description}");
        }
        else if (faEnd.Faulted)
        {
            // Both faulted: the exception classes must match, and so must the state at the faulting instruction.
            if (!SameFaultClass((uint)(_fastException!.Value.Esr >> 26), _uc.LastInterrupt, _uc.LastError))
                diffs.Add($"fault class: fastarm {faEnd.Description}; unicorn {ucEnd.Description}");
            if (faEnd.FaultPc != ucEnd.FaultPc)
                diffs.Add($"fault PC: fastarm ELR=0x{faEnd.FaultPc:X} unicorn PC=0x{ucEnd.FaultPc:X}");
            diffs.AddRange(ArchState.Diff(fa, uc, withPc: false));
            if (n == 1 && diffs.Count == 0) Bump(rows[0].Name).BothFaulted++;
        }
        else
        {
            diffs.AddRange(ArchState.Diff(fa, uc));
            var fm = new ReadOnlySpan<byte>(_ram.Base, (int)RamSize);
            var um = new ReadOnlySpan<byte>(_ucRam, (int)RamSize);
            if (!fm.SequenceEqual(um))
            {
                restoreAll = true;
                int shown = 0;
                for (int off = 0; off < (int)RamSize && shown < 6; off += 8)
                {
                    ulong a = BitConverter.ToUInt64(fm[off..]), b = BitConverter.ToUInt64(um[off..]);
                    if (a == b) continue;
                    ulong p = BitConverter.ToUInt64(_pristine, off);
                    diffs.Add($"mem[0x{RamBase + (ulong)off:X}]: fastarm=0x{a:X16} unicorn=0x{b:X16} (before 0x{p:X16})");
                    memDiffs.Add((RamBase + (ulong)off, a, b));
                    shown++;
                }
            }
        }

        if (restoreAll) RestoreAll();
        else
        {
            var src = _pristine.AsSpan((int)(code - RamBase), 4 * (n + 1));
            _bus.Load(code, src);
            src.CopyTo(new Span<byte>(_ucRam + (code - RamBase), src.Length));
        }

        if (diffs.Count == 0) return null;
        return new Disagreement
        {
            Seed = Seed, Case = index, CodeAddress = code, Words = words, Rows = rows.Select(x => x.Name).ToArray(),
            Before = before, FastArm = fa, Unicorn = uc, FastArmEnding = faEnd, UnicornEnding = ucEnd, Differences = diffs,
            MemoryDiffs = memDiffs,
            UnicornInterrupt = _uc.LastInterrupt, UnicornError = _uc.LastError,
            FastArmEsr = _fastException?.Esr ?? 0,
        };
    }

    /// <summary>FastArm's state after running <paramref name="words"/> (no Unicorn, nothing compared).</summary>
    private ArchState FastArmOnly(uint[] words, ulong code, ArchState before)
    {
        WriteCode(code, ClrexWord);
        for (int i = 0; i < words.Length; i++) WriteCode(code + 4 + 4 * (ulong)i, words[i]);
        var after = RunFastArm(before, words.Length, out _);
        RestoreAll();
        return after;
    }

    private RowStats Bump(string row)
    {
        if (!Stats.TryGetValue(row, out var st)) Stats[row] = st = new RowStats();
        return st;
    }

    private void WriteCode(ulong addr, uint word)
    {
        _bus.Load(addr, BitConverter.GetBytes(word));
        *(uint*)(_ucRam + (addr - RamBase)) = word;
    }

    private ArchState RunFastArm(ArchState before, int n, out Ending ending)
    {
        var cpu = _cpu;
        cpu.Reset(1, before.Pc);
        ref var s = ref cpu.S;
        s.VBAR[1] = VectorBase;
        s.Sys.CPACR_EL1 = 3UL << 20;   // CPACR_EL1.FPEN = 0b11: no FP/SIMD traps (Unicorn does not trap them either)
        for (int i = 0; i < 31; i++) s.X[i] = before.X[i];
        cpu.Sp = before.Sp;
        cpu.Pc = before.Pc;
        s.Nzcv = before.Nzcv;
        for (int i = 0; i < 64; i++) s.V[i] = before.V[i];
        s.Fpcr = before.Fpcr;
        s.Fpsr = before.Fpsr;
        _fastException = null;
        _fastWrote = false;

        cpu.Run(new RunLimits(MaxInstructions: (ulong)n));
        AfterFastArm?.Invoke(cpu);

        var after = new ArchState { Sp = cpu.Sp, Pc = s.PC, Nzcv = s.Nzcv, Fpcr = s.Fpcr, Fpsr = s.Fpsr };
        for (int i = 0; i < 31; i++) after.X[i] = s.X[i];
        for (int i = 0; i < 64; i++) after.V[i] = s.V[i];
        after.ExclusiveArmed = s.ExclusiveArmed != 0;
        after.ExclusiveAddress = s.ExclusiveAddress;
        after.ExclusiveSize = (int)s.ExclusiveSize;
        if (_fastException is { } ev)
        {
            uint ec = (uint)(ev.Esr >> 26);
            ending = new Ending(true, $"EC=0x{ec:X2} ({EcName(ec)}) ESR=0x{ev.Esr:X} FAR=0x{ev.Far:X} ELR=0x{ev.ReturnAddress:X}", ev.ReturnAddress);
        }
        else ending = Ending.Done;
        return after;
    }

    private ArchState RunUnicorn(ArchState before, ulong code, int n, out Ending ending)
    {
        var b = _regBuf;
        for (int i = 0; i < 31; i++) b[i] = before.X[i];
        b[31] = before.Sp;
        b[32] = 0x3C5 | before.Nzcv;   // PSTATE: EL1h, DAIF masked, the flags; clears BTYPE left by a previous case
        b[33] = before.Fpcr;
        b[34] = before.Fpsr;
        for (int i = 0; i < 64; i++) b[35 + i] = before.V[i];

        fixed (ulong* pb = b)
        fixed (int* wid = _writeIds)
        fixed (int* rid = _readIds)
        {
            void** vals = stackalloc void*[68];
            for (int i = 0; i < 35; i++) vals[i] = pb + i;
            for (int i = 0; i < 32; i++) vals[35 + i] = pb + 35 + 2 * i;
            _uc.WriteRegs(wid, vals, 67);

            var stop = _uc.Run(code, (ulong)n + 1);

            for (int i = 0; i < b.Length; i++) b[i] = 0;
            vals[67] = pb + 99;
            _uc.ReadRegs(rid, vals, 68);

            var after = new ArchState { Sp = b[31], Nzcv = (uint)b[32] & 0xF000_0000u, Fpcr = (uint)b[33], Fpsr = (uint)b[34], Pc = b[99] };
            for (int i = 0; i < 31; i++) after.X[i] = b[i];
            for (int i = 0; i < 64; i++) after.V[i] = b[35 + i];
            ending = stop switch
            {
                // The last instruction was a branch out of the code page: it completed, then Unicorn failed to
                // fetch the next block before its instruction count stopped it.
                UnicornStop.Completed or UnicornStop.FetchUnmapped or UnicornStop.FetchProtected => Ending.Done,
                UnicornStop.Exception => new Ending(true, $"exception {ExcpName(_uc.LastInterrupt)} at PC=0x{after.Pc:X}", after.Pc),
                UnicornStop.DataUnmapped => new Ending(true, $"{StrError(_uc.LastError)} at PC=0x{after.Pc:X}", after.Pc),
                _ => new Ending(true, $"{StrError(_uc.LastError)} at PC=0x{after.Pc:X}", after.Pc),
            };
            return after;
        }
    }

    /// <summary>Whether FastArm's exception and Unicorn's report describe the same kind of event. QEMU raises
    /// EXCP_UDEF for every synchronous exception it has no own number for (UNDEFINED, PC alignment, illegal state,
    /// traps), EXCP_DATA_ABORT for alignment faults; Unicorn turns an access to unmapped memory into an error
    /// (FastArm: a synchronous external abort).</summary>
    public static bool SameFaultClass(uint ec, uint intno, int ucError)
    {
        return ec switch
        {
            ExceptionClass.DataAbortSame => intno == EXCP_DATA_ABORT || ucError is UC_ERR_READ_UNMAPPED or UC_ERR_WRITE_UNMAPPED,
            ExceptionClass.InstructionAbortSame => intno == EXCP_PREFETCH_ABORT || ucError == UC_ERR_FETCH_UNMAPPED,
            ExceptionClass.Svc64 => intno == EXCP_SWI,
            ExceptionClass.Hvc64 => intno == EXCP_HVC,
            ExceptionClass.Smc64 => intno == EXCP_SMC,
            ExceptionClass.Brk64 => intno == EXCP_BKPT,
            _ => intno == EXCP_UDEF,
        };
    }

    public static string EcName(uint ec) => ec switch
    {
        ExceptionClass.Unknown => "UNDEFINED",
        ExceptionClass.DataAbortSame => "data abort",
        ExceptionClass.InstructionAbortSame => "instruction abort",
        ExceptionClass.PcAlignment => "PC alignment",
        ExceptionClass.SpAlignment => "SP alignment",
        ExceptionClass.Svc64 => "SVC",
        ExceptionClass.Hvc64 => "HVC",
        ExceptionClass.Smc64 => "SMC",
        ExceptionClass.Brk64 => "BRK",
        ExceptionClass.SysRegTrap => "system register trap",
        ExceptionClass.FpAccessTrap => "FP access trap",
        ExceptionClass.IllegalState => "illegal state",
        _ => "other",
    };

    public static string ExcpName(uint intno) => intno switch
    {
        EXCP_UDEF => "EXCP_UDEF",
        EXCP_SWI => "EXCP_SWI",
        EXCP_PREFETCH_ABORT => "EXCP_PREFETCH_ABORT",
        EXCP_DATA_ABORT => "EXCP_DATA_ABORT",
        EXCP_BKPT => "EXCP_BKPT",
        EXCP_HVC => "EXCP_HVC",
        EXCP_SMC => "EXCP_SMC",
        _ => $"EXCP_{intno}",
    };

    public void Dispose()
    {
        _uc.Dispose();
        System.Runtime.InteropServices.NativeMemory.AlignedFree(_ucRam);
        _cpu.Dispose();
        _ram.Dispose();
    }
}
