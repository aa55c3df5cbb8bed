using System.Diagnostics;
using System.Globalization;
using System.Text;
using FastArm.Tests.Guests;
using NUnit.Framework;

namespace FastArm.Tests.Differential;

/// <summary>
/// The seeded randomized differential test: random instruction sequences (<see cref="Generator"/>) run under
/// FastArm and QEMU from the same state; every register, NZCV, SP and a checksum of the scratch buffer must agree
/// after each sequence. Environment:
/// <list type="bullet">
/// <item>FASTARM_DIFF_SCALE=N: N batches of <see cref="SequencesPerBatch"/> sequences (default 1, about 25,000
/// instructions; 5 gives 100,000+).</item>
/// <item>FASTARM_DIFF_SEED=S: the first batch's seed (default 1; batch k uses S + k); "random" picks one.</item>
/// </list>
/// A disagreement is narrowed to one instruction (the sequence's prefixes run again, in a verbose build) and
/// reported with the seed, the sequence index, the instruction and both dumps.
/// </summary>
[TestFixture]
[Category("Differential")]
public class RandomDifferentialTests
{
    public const int SequencesPerBatch = 400;
    public const int ItemsPerSequence = 40;
    private const int MaxNarrowed = 6;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private static int Scale =>
        int.TryParse(Environment.GetEnvironmentVariable("FASTARM_DIFF_SCALE"), out int n) && n > 0 ? n : 1;

    private static int BaseSeed
    {
        get
        {
            string? s = Environment.GetEnvironmentVariable("FASTARM_DIFF_SEED");
            if (s == "random") return Environment.TickCount & 0x7FFFFFFF;
            return int.TryParse(s, out int v) ? v : 1;
        }
    }

    [Test]
    public void RandomSequencesMatchQemu()
    {
        Qemu.Require();
        int scale = Scale, seed0 = BaseSeed;
        var session = new Session();
        for (int batch = 0; batch < scale; batch++) session.RunBatch(seed0 + batch, SequencesPerBatch, ItemsPerSequence);

        string summary = $"differential: seed {seed0}{(scale > 1 ? $"..{seed0 + scale - 1}" : "")}, {session.Summary}";
        TestContext.Out.WriteLine(summary);
        TestContext.Out.WriteLine(session.Coverage);
        if (session.Culprits.Count > 0) TestContext.Out.WriteLine("culprits: " + session.CulpritList);
        if (session.Disagreements > 0)
            Assert.Fail(summary + "\n" +
                        (session.Culprits.Count > 0 ? "culprits (narrowed): " + session.CulpritList + "\n" : "") +
                        (session.Disagreements > session.Narrowed ? $"(the first {session.Narrowed} disagreements are narrowed down below)\n" : "") +
                        "\n" + session.Report);
    }

    /// <summary>
    /// Random words from the data-processing encoding groups, UNDEFINED ones stepped over and noted: FastArm must
    /// agree with QEMU on which words are UNDEFINED (every reserved field combination) and on the results of the
    /// others. 200 sequences of 48 words, times FASTARM_DIFF_SCALE.
    /// </summary>
    [Test]
    public void RandomDataProcessingEncodingsMatchQemu()
    {
        Qemu.Require();
        int scale = Scale, seed0 = BaseSeed + 5000;
        var session = new Session { Encodings = true };
        for (int batch = 0; batch < scale; batch++) session.RunBatch(seed0 + batch, 200, 48);
        string summary = $"encodings: seed {seed0}{(scale > 1 ? $"..{seed0 + scale - 1}" : "")}, {session.Summary}";
        TestContext.Out.WriteLine(summary);
        TestContext.Out.WriteLine(session.Coverage);
        if (session.Disagreements > 0)
            Assert.Fail(summary + "\n" +
                        (session.Culprits.Count > 0 ? "culprits (narrowed): " + session.CulpritList + "\n" : "") +
                        (session.Disagreements > session.Narrowed ? $"(the first {session.Narrowed} disagreements are narrowed down below)\n" : "") +
                        "\n" + session.Report);
    }

    /// <summary>
    /// The comparison itself is tested: FastArm is made to get every EOR (shifted register) of the generated code
    /// wrong (bit 0 of its result flipped, by a code hook at the next instruction); the test must see
    /// disagreements and narrow each one down to an EOR.
    /// </summary>
    [Test]
    public void ADeliberatelyWrongInstructionIsFoundAndNamed()
    {
        Qemu.Require();
        var session = new Session
        {
            Configure = (m, elf) =>
            {
                // The generated code lies between the first sequence and the harness (link order).
                ulong lo = DiffProgram.SymbolAddress(elf, "diff_seq_0"), hi = DiffProgram.SymbolAddress(elf, "diff_run");
                int pending = -1;
                m.CodeHook = (pc, word) =>
                {
                    if (pending >= 0) { m.SetX(pending, m.X(pending) ^ 1); pending = -1; }
                    if (pc >= lo && pc < hi && (word & 0x7F200000) == 0x4A000000 && (word & 31) != 31) pending = (int)(word & 31);
                };
            },
        };
        session.RunBatch(77, 24, ItemsPerSequence);
        TestContext.Out.WriteLine(session.Summary + "\n" + session.Report);
        Assert.That(session.Disagreements, Is.GreaterThan(0), "the corrupted EORs are noticed");
        // An EOR inside an exclusive pair is narrowed down to its item (whose last line is the store-exclusive).
        Assert.That(session.CulpritItems, Is.Not.Empty);
        Assert.That(session.CulpritItems, Has.All.Matches<Item>(i => i.Lines.Any(l => l.StartsWith("eor "))),
                    "each disagreement is narrowed down to an item with an EOR");
        Assert.That(session.Report.ToString(), Does.Contain("seed 77, sequence ").And.Contain("==> ").And.Contain("QEMU=").And.Contain("FastArm="));
    }

    /// <summary>Runs batches and collects what disagreed.</summary>
    private sealed class Session
    {
        /// <summary>Adjusts FastArm's machine before a run (machine, ELF path): for testing the test.</summary>
        public Action<Machine, string>? Configure { get; init; }
        /// <summary>Random data-processing words (<see cref="Generator.NextEncodings"/>) instead of sequences.</summary>
        public bool Encodings { get; init; }
        public StringBuilder Report { get; } = new();
        public Dictionary<string, int> Culprits { get; } = [];
        /// <summary>The items disagreements were narrowed down to.</summary>
        public List<Item> CulpritItems { get; } = [];
        public long Compared, Agreed;
        public int Sequences, Disagreements, Narrowed;
        public TimeSpan QemuTime, FastArmTime;
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public string Summary =>
            $"{Sequences} sequences, {Compared} instructions compared, {Agreed} in agreeing sequences, " +
            $"{Disagreements} disagreeing sequences; {_clock.Elapsed.TotalSeconds:F1}s " +
            $"(QEMU {QemuTime.TotalSeconds:F1}s, FastArm {FastArmTime.TotalSeconds:F1}s)";

        /// <summary>Main instructions compared, by mnemonic (the last line of each item).</summary>
        public Dictionary<string, int> Mnemonics { get; } = [];

        public string Coverage =>
            $"{Mnemonics.Count} distinct mnemonics compared; by count: " +
            string.Join(" ", Mnemonics.OrderByDescending(m => m.Value).ThenBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}:{m.Value}"));

        public string CulpritList => string.Join(", ", Culprits.OrderByDescending(c => c.Value).Select(c => $"{c.Key} x{c.Value}"));

        public void RunBatch(int seed, int count, int items)
        {
            var gen = new Generator(seed);
            var program = new DiffProgram { SkipUndefined = Encodings };
            for (int i = 0; i < count; i++)
                program.Entries.Add(new(Encodings ? gen.NextEncodings(i, items) : gen.Next(i, items), items));
            if (Encodings) Disassembly.Annotate(program.Entries.Select(e => e.Sequence));
            string elf = program.Build($"diff-{(Encodings ? "enc-" : "")}{seed}");

            var (qemu, fast) = RunBoth(elf, Configure);
            QemuTime += qemu.Elapsed;
            FastArmTime += fast.Elapsed;
            var q = DiffOutput.Parse(qemu.Output);
            var f = DiffOutput.Parse(fast.Output);
            AssertQemuRanCleanly(seed, program, qemu, q);

            int lastFast = f.Dumps.Keys.DefaultIfEmpty(-1).Max();
            var toExplain = new List<(Sequence, string?, string?)>();
            for (int i = 0; i < program.Entries.Count; i++)
            {
                var seq = program.Entries[i].Sequence;
                Sequences++;
                q.Dumps.TryGetValue(i, out var qd);
                f.Dumps.TryGetValue(i, out var fd);
                if (fd == null && !f.Done && i > lastFast)
                {
                    // FastArm stopped (exception loop, timeout): the rest cannot be compared.
                    Disagreements++;
                    Report.Append($"seed {seed}: FastArm stopped before sequence {i} ({fast.Describe()}; {fast.Diagnostics}); " +
                                  $"{program.Entries.Count - i} sequences not compared\n");
                    break;
                }
                Compared += seq.InstructionCount;
                foreach (var item in seq.Items) Mnemonics[item.Mnemonic] = Mnemonics.GetValueOrDefault(item.Mnemonic) + 1;
                if (qd == fd) { Agreed += seq.InstructionCount; continue; }
                Disagreements++;
                if (Narrowed >= MaxNarrowed) continue;
                Narrowed++;
                toExplain.Add((seq, qd, fd));
            }
            Explain(seed, toExplain);
        }

        /// <summary>
        /// Explains disagreements: an exception under FastArm names its instruction directly; otherwise the
        /// sequence's prefixes run again under both (one program for all of them, printing the scratch words each
        /// changed) and the first prefix whose results differ names the instruction.
        /// </summary>
        private void Explain(int seed, List<(Sequence Seq, string? Qemu, string? Fast)> list)
        {
            if (list.Count == 0) return;
            var program = new DiffProgram { Verbose = true, SkipUndefined = Encodings };
            var firstEntry = new Dictionary<Sequence, int>();
            foreach (var (seq, _, fd) in list)
            {
                if (DiffOutput.IsException(fd)) continue;
                firstEntry[seq] = program.Entries.Count;
                for (int k = 1; k <= seq.Items.Count; k++) program.Entries.Add(new(seq, k));
            }
            DiffOutput? q = null, f = null;
            if (program.Entries.Count > 0)
            {
                var (qemu, fast) = RunBoth(program.Build($"diff-narrow-{seed}"), Configure);
                q = DiffOutput.Parse(qemu.Output);
                f = DiffOutput.Parse(fast.Output);
            }
            foreach (var (seq, qd, fd) in list)
            {
                Report.Append(firstEntry.TryGetValue(seq, out int e0)
                    ? ExplainByPrefixes(seed, seq, qd, fd, q!, f!, e0, Culprits, CulpritItems)
                    : ExplainException(seed, seq, qd, fd!, Culprits, CulpritItems));
                Report.Append('\n');
            }
        }
    }

    /// <summary>
    /// The generator's own check, independent of FastArm: every generated sequence must run under QEMU without an
    /// exception (no unaligned access, nothing outside the buffer, no UNDEFINED encoding) and deterministically.
    /// </summary>
    [Test]
    public void GeneratedSequencesRunCleanlyUnderQemu()
    {
        Qemu.Require();
        int seed = BaseSeed + 1000;
        var gen = new Generator(seed);
        var program = new DiffProgram();
        for (int i = 0; i < 50; i++) program.Entries.Add(new(gen.Next(i, ItemsPerSequence), ItemsPerSequence));
        string elf = program.Build($"diff-selfcheck-{seed}");
        var a = Qemu.Run(elf, Timeout);
        AssertQemuRanCleanly(seed, program, a, DiffOutput.Parse(a.Output));
        var b = Qemu.Run(elf, Timeout);
        Assert.That(b.Output, Is.EqualTo(a.Output), "QEMU gives the same dumps on a second run (the test is deterministic)");
    }

    [Test]
    public void TheGeneratorIsDeterministicForASeed()
    {
        string A() { var p = new DiffProgram(); var g = new Generator(42); for (int i = 0; i < 20; i++) p.Entries.Add(new(g.Next(i, 30), 30)); return p.Assembly(); }
        Assert.That(A(), Is.EqualTo(A()));
    }

    private static (GuestRun Qemu, GuestRun Fast) RunBoth(string elf, Action<Machine, string>? configure = null)
    {
        var qemuTask = Task.Run(() => Qemu.Run(elf, Timeout));
        var fast = FastArmGuest.Run(elf, Timeout, configure == null ? null : m => configure(m, elf));
        return (qemuTask.Result, fast);
    }

    private static void AssertQemuRanCleanly(int seed, DiffProgram program, GuestRun qemu, DiffOutput q)
    {
        Assert.That(qemu.TimedOut, Is.False, $"seed {seed}: QEMU timed out: {qemu.Diagnostics}");
        Assert.That(q.Done && qemu.ExitCode == 0, Is.True, $"seed {seed}: QEMU did not finish the batch ({qemu.Describe()}): {qemu.Diagnostics}\n{Tail(qemu.Output)}");
        foreach (var (i, d) in q.Dumps)
            if (DiffOutput.IsException(d))
            {
                var e = program.Entries[i];
                Assert.Fail($"seed {seed}: sequence {i} takes an exception under QEMU ({d}): a generator bug " +
                            $"({Where(e.Sequence, e.Prefix, d)})\n{e.Sequence.Listing(e.Prefix, LocateItem(e.Sequence, e.Prefix, d))}");
            }
    }

    private static string Tail(string s) => s.Length <= 2000 ? s : "..." + s[^2000..];

    private static int? LocateItem(Sequence s, int prefix, string exceptionLine)
    {
        var fields = DiffOutput.Fields(exceptionLine);
        if (!fields.TryGetValue("at", out var at)) return null;
        return s.Locate((long)DiffOutput.Hex(at), prefix)?.Item;
    }

    private static string Where(Sequence s, int prefix, string exceptionLine)
    {
        var fields = DiffOutput.Fields(exceptionLine);
        if (!fields.TryGetValue("at", out var at)) return "no address";
        long off = (long)DiffOutput.Hex(at);
        if (s.Locate(off, prefix) is { } loc)
            return $"at item {loc.Item}: {s.Items[loc.Item].Lines[loc.Line]}";
        return off < Sequence.LoaderInstructions * 4 && off >= 0 ? $"in the register loader (+0x{off:x})" : $"outside the sequence (offset 0x{off:x}: harness or epilogue)";
    }

    private static string DescribeException(string line)
    {
        var f = DiffOutput.Fields(line);
        if (!f.TryGetValue("esr", out var esrText)) return line;
        ulong esr = DiffOutput.Hex(esrText);
        uint ec = (uint)(esr >> 26);
        string what = ec switch
        {
            0x00 => "UNDEFINED (EC 0x00)",
            0x25 => $"data abort (EC 0x25, DFSC 0x{esr & 0x3F:x})",
            0x21 => $"instruction abort (EC 0x21, IFSC 0x{esr & 0x3F:x})",
            0x26 => "SP alignment fault (EC 0x26)",
            0x22 => "PC alignment fault (EC 0x22)",
            _ => $"EC 0x{ec:x}",
        };
        return $"{what}, ESR 0x{esr:x}";
    }

    private static string Header(int seed, Sequence seq) =>
        $"=== seed {seed}, sequence {seq.Index} ({seq.InstructionCount} instructions)\n";

    private static string ExplainException(int seed, Sequence seq, string? qd, string fd, Dictionary<string, int> culprits, List<Item> items)
    {
        var sb = new StringBuilder(Header(seed, seq));
        int n = seq.Items.Count;
        var loc = seq.Locate((long)DiffOutput.Hex(DiffOutput.Fields(fd)["at"]), n);
        string insn = loc is { } l ? seq.Items[l.Item].Lines[l.Line] : "(not in the sequence)";
        sb.Append($"FastArm takes {DescribeException(fd)} at: {insn}   ({Where(seq, n, fd)})\n");
        Count(culprits, Item.MnemonicOf(insn));
        if (loc is { } li) items.Add(seq.Items[li.Item]);
        sb.Append(seq.Listing(n, loc?.Item));
        sb.Append($"  QEMU:    S{seq.Index} {qd}\n  FastArm: S{seq.Index} {fd}\n");
        return sb.ToString();
    }

    /// <summary>Entries e0.. of the narrowing run are prefixes 1..n of <paramref name="seq"/>.</summary>
    private static string ExplainByPrefixes(int seed, Sequence seq, string? qd, string? fd, DiffOutput q, DiffOutput f, int e0,
                                            Dictionary<string, int> culprits, List<Item> items)
    {
        var sb = new StringBuilder(Header(seed, seq));
        int n = seq.Items.Count;
        int first = -1;
        for (int k = 0; k < n; k++)
        {
            q.Dumps.TryGetValue(e0 + k, out var a);
            f.Dumps.TryGetValue(e0 + k, out var b);
            q.Memory.TryGetValue(e0 + k, out var am);
            f.Memory.TryGetValue(e0 + k, out var bm);
            if (a != b || am != bm) { first = k; break; }
        }
        if (first < 0)
        {
            sb.Append("the disagreement does not reproduce when the sequence's prefixes run on their own\n");
            sb.Append(seq.Listing(n));
            sb.Append(DiffOutput.FieldDiff(qd, fd));
            sb.Append($"  QEMU:    S{seq.Index} {qd}\n  FastArm: S{seq.Index} {fd}\n");
            return sb.ToString();
        }
        int item = first;   // prefix first + 1 ends with item `first`
        q.Dumps.TryGetValue(e0 + first, out var qa);
        f.Dumps.TryGetValue(e0 + first, out var fa);
        string main = seq.Items[item].Lines[^1];
        if (DiffOutput.IsException(fa))
        {
            var loc = seq.Locate((long)DiffOutput.Hex(DiffOutput.Fields(fa!)["at"]), first + 1);
            if (loc is { } l) { item = l.Item; main = seq.Items[l.Item].Lines[l.Line]; }
            sb.Append($"FastArm takes {DescribeException(fa!)} at: {main}\n");
        }
        else
            sb.Append($"first wrong result after item {item}: {string.Join("; ", seq.Items[item].Lines)}\n");
        Count(culprits, Item.MnemonicOf(main));
        items.Add(seq.Items[item]);
        sb.Append(seq.Listing(first + 1, item));
        sb.Append($"  after item {item}:\n");
        sb.Append(DiffOutput.FieldDiff(qa, fa));
        q.Memory.TryGetValue(e0 + first, out var qm);
        f.Memory.TryGetValue(e0 + first, out var fm);
        if (qm != fm) sb.Append($"    scratch words changed (word=value):\n      QEMU:    {qm ?? "-"}\n      FastArm: {fm ?? "-"}\n");
        sb.Append($"  full sequence: QEMU:    S{seq.Index} {qd}\n                 FastArm: S{seq.Index} {fd}\n");
        return sb.ToString();
    }

    private static void Count(Dictionary<string, int> d, string key) => d[key] = d.GetValueOrDefault(key) + 1;
}
