using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using FastArm.Jit;
using FastArm.Jit.Decode;
using FastArm.Tests.Differential;
using FastArm.Tests.Fp;
using FastArm.Tests.Support;

namespace FastArm.Tests.Translator;

/// <summary>
/// One random program for the engine differential: its code (a symbol in a batch image) and the state it starts
/// from. Three families: integer sequences (<see cref="Generator.Next"/>), random data-processing words with
/// UNDEFINED ones stepped over (<see cref="Generator.NextEncodings"/>), and FP/SIMD/crypto sequences built from
/// <see cref="FpCaseGenerator"/> cases (with FPCR changes between them).
/// </summary>
public sealed class DiffCase
{
    public required string Family { get; init; }
    public required int Index { get; init; }
    public required string Symbol { get; init; }
    /// <summary>The generator's sequence (integer and encoding families), for its listing.</summary>
    public Sequence? Sequence { get; init; }
    public ulong[] X { get; } = new ulong[31];
    public ulong[] V { get; } = new ulong[64];
    public ulong Nzcv, Fpcr, Fpsr, Sp;
    /// <summary>Memory the case starts with: (physical address, bytes).</summary>
    public List<(ulong Address, byte[] Data)> Memory { get; } = [];
}

/// <summary>
/// Builds batches of <see cref="DiffCase"/>s into one image each and runs them on CPUs of different engines from
/// identical states, comparing every architectural register and the data memory after each run.
/// </summary>
public sealed unsafe class EngineDifferential
{
    public const ulong ImageBase = CpuHarness.RamBase;
    public const ulong Scratch = CpuHarness.DataBase;                 // diff_scratch: 4 KiB, then diff_save
    public const ulong InitRecord = CpuHarness.DataBase + 0x1_0000;   // X0..X30 for the sequences' loader
    public const ulong ExceptionCount = CpuHarness.DataBase + 0x1_0800;
    public const ulong FpBuffer = FpRig.Buf;                          // the FP cases' memory window
    public const int CompareBytes = 4096 + 8;

    /// <summary>Every 16 vector entries: step over the instruction (ELR += 4) and count the exception in memory,
    /// keeping every general register and NZCV.</summary>
    private static string Vectors()
    {
        var sb = new StringBuilder("    .balign 0x800\ndiff_vectors:\n");
        for (int off = 0; off < 0x800; off += 0x80)
            sb.Append($"""
                    .org diff_vectors + 0x{off:x}
                    msr tpidr_el1, x0
                    msr tpidrro_el0, x1
                    mrs x0, elr_el1
                    add x0, x0, #4
                    msr elr_el1, x0
                    movz x0, #0x{ExceptionCount >> 16:x}, lsl #16
                    movk x0, #0x{ExceptionCount & 0xFFFF:x}
                    ldr x1, [x0]
                    add x1, x1, #1
                    str x1, [x0]
                    mrs x0, tpidr_el1
                    mrs x1, tpidrro_el0
                    eret

                """);
        sb.Append("    .org diff_vectors + 0x800\n");
        return sb.ToString();
    }

    public sealed class Batch
    {
        public List<DiffCase> Cases { get; } = [];
        public StringBuilder Source { get; } = new();
        public GuestImage.Image Image { get; set; } = null!;
    }

    public static Batch NewBatch()
    {
        var b = new Batch();
        // diff_scratch is a label in a section linked at Scratch (adrp needs a relocatable symbol).
        b.Source.Append($"    b .\n    .section .diffscratch, \"aw\", %nobits\ndiff_scratch:\n    .space {CompareBytes}\n    .text\n")
            .Append(Vectors());
        b.Source.Append("diff_epilogue:\n    b diff_epilogue\n");
        return b;
    }

    public static void Build(Batch b) =>
        b.Image = GuestImage.Build(b.Source.ToString(), ImageBase, $"--section-start=.diffscratch=0x{Scratch:x}");

    // ---- the families ----

    private static ulong RandomFill(Random r) => r.Next(4) switch
    {
        0 => 0,
        1 => ulong.MaxValue,
        _ => (ulong)r.NextInt64() ^ ((ulong)r.Next(2) << 63),
    };

    private static byte[] Fill(ulong seed, int size)
    {
        var data = new byte[size];
        ulong s = seed | 1;
        for (int i = 0; i < size; i += 8)
        {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;   // xorshift64
            BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(i), s);
        }
        return data;
    }

    /// <summary>An integer or encoding sequence: the generator's own initial state (X0..X30 through the loader,
    /// NZCV, SP in the scratch buffer, the buffer filled from its seed) plus random V registers.</summary>
    public static void AddSequence(Batch b, Sequence s, string family, Random r)
    {
        int i = b.Cases.Count;
        var c = new DiffCase { Family = family, Index = i, Symbol = $"diff_seq_{i}", Sequence = s };
        s.Render(b.Source, c.Symbol, $"s{i}", s.Items.Count);
        for (int k = 0; k < 31; k++) c.X[k] = 0xDEAD_0000UL + (ulong)k;   // the loader overwrites all but X30
        c.X[30] = InitRecord;
        for (int k = 0; k < 64; k++) c.V[k] = RandomFill(r);
        c.Nzcv = s.Nzcv;
        c.Sp = Scratch + (ulong)s.SpStart;
        var record = new byte[31 * 8];
        for (int k = 0; k < 31; k++) BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(k * 8), s.X[k]);
        c.Memory.Add((InitRecord, record));
        c.Memory.Add((Scratch, Fill(s.FillSeed, CompareBytes)));
        b.Cases.Add(c);
    }

    private static A64Row[]? s_fpRows;

    /// <summary>The FP/SIMD/crypto rows of features the default CPU has.</summary>
    public static A64Row[] FpRows => s_fpRows ??= A64Table.All
        .Where(r => FpDifferentialTests.IsMine(r) && (r.Feature & Feature.Default) == r.Feature).ToArray();

    /// <summary>
    /// An FP sequence of <paramref name="items"/> random FP/SIMD/crypto instructions: the state is the first case's
    /// (V0..V31, X0..X15, NZCV, FPCR, FPSR, its 256 bytes at the FP buffer); a load/store is preceded by LDR
    /// literals that set its base (and post-index) register as its case wants; now and then FPCR changes.
    /// </summary>
    public static void AddFpSequence(Batch b, FpCaseGenerator gen, Random r, int items)
    {
        int i = b.Cases.Count;
        var c = new DiffCase { Family = "fp", Index = i, Symbol = $"diff_seq_{i}" };
        var firstRow = FpRows[r.Next(FpRows.Length)];
        var first = gen.Generate(firstRow);
        for (int k = 0; k < 32; k++) { c.V[2 * k] = first.V(k, 0); c.V[2 * k + 1] = first.V(k, 1); }
        for (int k = 0; k < 31; k++) c.X[k] = k < 16 ? first.X(k) : RandomFill(r);
        c.Nzcv = first.Nzcv & 0xF000_0000UL;
        c.Fpcr = first.Fpcr;
        c.Fpsr = first.Fpsr;
        c.Sp = Scratch + 0x800;
        var mem = new byte[CompareBytes];
        first.Memory.CopyTo(mem);
        c.Memory.Add((FpBuffer, mem));
        c.Memory.Add((Scratch, Fill((ulong)r.NextInt64(), CompareBytes)));

        var sb = b.Source;
        sb.Append($"    .balign 16\n{c.Symbol}:\n");
        for (int n = 0; n < items; n++)
        {
            var row = n == 0 ? firstRow : FpRows[r.Next(FpRows.Length)];
            var fc = n == 0 ? first : gen.Generate(row);
            uint w = (uint)fc.Word;
            if (n > 0 && r.Next(12) == 0)
                sb.Append($"    ldr x16, =0x{fc.Fpcr:x}\n    msr fpcr, x16\n");
            if (FpCaseGenerator.IsLoadStore(row))
            {
                int rn = (int)((w >> 5) & 31);
                sb.Append($"    ldr x{rn}, =0x{fc.X(rn):x}\n");
                int rm = (int)((w >> 16) & 31);
                if (((w >> 23) & 1) != 0 && rm != 31 && rm != rn) sb.Append($"    ldr x{rm}, =0x{fc.X(rm):x}\n");
            }
            sb.Append($"    .inst 0x{w:x8}\n");
        }
        sb.Append("    b diff_epilogue\n    .ltorg\n");
        b.Cases.Add(c);
    }

    // ---- running ----

    /// <summary>The state after one run, in a fixed order of named values.</summary>
    public sealed record Result(ulong[] Values, StopReason Reason, ulong Executed);

    private static string[]? s_names;

    public static string[] Names => s_names ??= BuildNames();

    private static string[] BuildNames()
    {
        var n = new List<string>();
        for (int k = 0; k < 31; k++) n.Add($"X{k}");
        n.AddRange(["SP_EL1", "SP_EL0", "PC", "NZCV", "DAIF", "EL", "SPSel", "PSTATE(other)"]);
        for (int k = 0; k < 32; k++) { n.Add($"V{k}[63:0]"); n.Add($"V{k}[127:64]"); }
        n.AddRange(["FPSR", "FPCR", "ESR_EL1", "ELR_EL1", "FAR_EL1", "SPSR_EL1", "TPIDR_EL1", "TPIDRRO_EL0", "exceptions taken"]);
        for (int k = 0; k < CompareBytes; k += 8) n.Add($"scratch+0x{k:x}");
        for (int k = 0; k < CompareBytes; k += 8) n.Add($"fpbuf+0x{k:x}");
        return n.ToArray();
    }

    /// <summary>Puts the case's initial state into <paramref name="cpu"/> and its memory.</summary>
    public static void Prepare(CpuHarness h, Batch b, DiffCase c)
    {
        var cpu = h.Cpu;
        ref var s = ref cpu.S;
        for (int k = 0; k < 31; k++) s.X[k] = c.X[k];
        for (int k = 0; k < 64; k++) s.V[k] = c.V[k];
        s.Nzcv = (uint)c.Nzcv;
        s.Fpcr = (uint)c.Fpcr;
        s.Fpsr = (uint)c.Fpsr;
        s.Daif = 0x3C0;
        s.SpSel = 1;
        s.SpEl[1] = c.Sp;
        s.SpEl[0] = 0;
        s.ESR[1] = s.ELR[1] = s.FAR[1] = s.SPSR[1] = 0;
        s.TPIDR[1] = 0;
        s.Sys.TPIDRRO_EL0 = 0;
        s.VBAR[1] = b.Image["diff_vectors"];
        s.Sys.CPACR_EL1 = 3UL << 20;
        h.Bus.Load(Scratch, new byte[CompareBytes]);
        h.Bus.Load(FpBuffer, new byte[CompareBytes]);
        h.Bus.Load(ExceptionCount, new byte[8]);
        foreach (var (addr, data) in c.Memory) h.Bus.Load(addr, data);
        cpu.Pc = b.Image[c.Symbol];
    }

    public static Result Run(CpuHarness h, Batch b, DiffCase c)
    {
        Prepare(h, b, c);
        ulong before = h.Cpu.InstructionsExecuted;
        var reason = h.Cpu.Run(new RunLimits(MaxInstructions: 20_000, UntilAddress: b.Image["diff_epilogue"]));
        return Capture(h, reason, h.Cpu.InstructionsExecuted - before);
    }

    public static Result Capture(CpuHarness h, StopReason reason, ulong executed)
    {
        var cpu = h.Cpu;
        ref var s = ref cpu.S;
        var v = new ulong[Names.Length];
        int i = 0;
        for (int k = 0; k < 31; k++) v[i++] = s.X[k];
        v[i++] = s.SpEl[1];
        v[i++] = s.SpEl[0];
        v[i++] = s.PC;
        v[i++] = s.Nzcv;
        v[i++] = s.Daif;
        v[i++] = (ulong)s.EL;
        v[i++] = (ulong)s.SpSel;
        v[i++] = s.PStateOther;
        for (int k = 0; k < 64; k++) v[i++] = s.V[k];
        v[i++] = s.Fpsr;
        v[i++] = s.Fpcr;
        v[i++] = s.ESR[1];
        v[i++] = s.ELR[1];
        v[i++] = s.FAR[1];
        v[i++] = s.SPSR[1];
        v[i++] = s.TPIDR[1];
        v[i++] = s.Sys.TPIDRRO_EL0;
        h.Bus.TryRead(ExceptionCount, 8, out v[i++]);
        var mem = new byte[CompareBytes];
        h.Bus.TryReadBytes(Scratch, mem);
        for (int k = 0; k < CompareBytes; k += 8) v[i++] = BinaryPrimitives.ReadUInt64LittleEndian(mem.AsSpan(k));
        h.Bus.TryReadBytes(FpBuffer, mem);
        for (int k = 0; k < CompareBytes; k += 8) v[i++] = BinaryPrimitives.ReadUInt64LittleEndian(mem.AsSpan(k));
        return new Result(v, reason, executed);
    }

    /// <summary>The indices of the values that differ (empty when the runs agree, stop reason included).</summary>
    public static List<int> Differences(Result a, Result b)
    {
        var d = new List<int>();
        if (a.Reason != b.Reason) d.Add(-1);
        for (int k = 0; k < a.Values.Length; k++) if (a.Values[k] != b.Values[k]) d.Add(k);
        return d;
    }

    /// <summary>The code of a case, disassembled, from its symbol to its branch to the epilogue, with arrows at
    /// <paramref name="marks"/> (address → note).</summary>
    public static string Listing(Batch b, DiffCase c, IReadOnlyDictionary<ulong, string> marks)
    {
        ulong start = b.Image[c.Symbol], epilogue = b.Image["diff_epilogue"];
        var words = new List<uint>();
        for (ulong a = start; a + 4 <= b.Image.End && words.Count < 1000; a += 4)
        {
            uint w = BitConverter.ToUInt32(b.Image.Bytes, (int)(a - b.Image.Base));
            words.Add(w);
            // B diff_epilogue ends the sequence.
            if ((w & 0xFC00_0000) == 0x1400_0000 && a + (ulong)((long)((int)(w << 6) >> 6) * 4) == epilogue) break;
        }
        var text = Disassembly.Disassemble(words);
        var sb = new StringBuilder();
        for (int k = 0; k < words.Count; k++)
        {
            ulong a = start + (ulong)k * 4;
            string mark = marks.TryGetValue(a, out var note) ? $"  <== {note}" : "";
            sb.Append(CultureInfo.InvariantCulture, $"    {a:x8}: {words[k]:x8}  {text[k] ?? "?"}{mark}\n");
        }
        return sb.ToString();
    }
}
