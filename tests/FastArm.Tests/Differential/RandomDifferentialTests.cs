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
        var clock = Stopwatch.StartNew();
        var report = new StringBuilder();
        var culprits = new Dictionary<string, int>();
        long compared = 0, agreed = 0;
        int sequences = 0, disagreements = 0, narrowed = 0;

        for (int batch = 0; batch < scale; batch++)
        {
            int seed = seed0 + batch;
            var gen = new Generator(seed);
            var program = new DiffProgram();
            for (int i = 0; i < SequencesPerBatch; i++) program.Entries.Add(new(gen.Next(i, ItemsPerSequence), ItemsPerSequence));
            string elf = program.Build($"diff-{seed}");

            var (qemu, fast) = RunBoth(elf);
            var q = DiffOutput.Parse(qemu.Output);
            var f = DiffOutput.Parse(fast.Output);
            AssertQemuRanCleanly(seed, program, qemu, q);

            for (int i = 0; i < program.Entries.Count; i++)
            {
                var seq = program.Entries[i].Sequence;
                sequences++;
                q.Dumps.TryGetValue(i, out var qd);
                f.Dumps.TryGetValue(i, out var fd);
                if (fd == null && !f.Done && i > f.Dumps.Keys.DefaultIfEmpty(-1).Max())
                {
                    // FastArm stopped (exception loop, timeout): the rest cannot be compared.
                    disagreements++;
                    report.Append($"seed {seed}: FastArm stopped before sequence {i} ({fast.Describe()}; {fast.Diagnostics}); " +
                                  $"{program.Entries.Count - i} sequences not compared\n");
                    break;
                }
                compared += seq.InstructionCount;
                if (qd == fd) { agreed += seq.InstructionCount; continue; }
                disagreements++;
                if (narrowed >= MaxNarrowed) continue;
                narrowed++;
                report.Append(Explain(seed, seq, elf, qd, fd, culprits)).Append('\n');
            }
        }

        string summary = $"differential: seed {seed0}{(scale > 1 ? $"..{seed0 + scale - 1}" : "")}, {sequences} sequences, " +
                         $"{compared} instructions compared, {agreed} in agreeing sequences, {disagreements} disagreeing sequences, " +
                         $"{clock.Elapsed.TotalSeconds:F1}s";
        TestContext.Out.WriteLine(summary);
        if (culprits.Count > 0)
            TestContext.Out.WriteLine("culprits: " + string.Join(", ", culprits.OrderByDescending(c => c.Value).Select(c => $"{c.Key} x{c.Value}")));
        if (disagreements > 0)
        {
            string text = summary + "\n" +
                          (culprits.Count > 0 ? "culprits (narrowed): " + string.Join(", ", culprits.OrderByDescending(c => c.Value).Select(c => $"{c.Key} x{c.Value}")) + "\n" : "") +
                          (disagreements > narrowed ? $"(the first {narrowed} disagreements are narrowed down below)\n" : "") +
                          "\n" + report;
            Assert.Fail(text);
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
        for (int i = 0; i < 100; i++) program.Entries.Add(new(gen.Next(i, ItemsPerSequence), ItemsPerSequence));
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

    private static (GuestRun Qemu, GuestRun Fast) RunBoth(string elf)
    {
        var qemuTask = Task.Run(() => Qemu.Run(elf, Timeout));
        var fast = FastArmGuest.Run(elf, Timeout);
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

    /// <summary>
    /// Explains one disagreement: an exception under FastArm names its instruction directly; otherwise the
    /// sequence's prefixes run again under both (with the changed scratch words printed) and the first prefix
    /// whose results differ names the instruction.
    /// </summary>
    private static string Explain(int seed, Sequence seq, string elf, string? qd, string? fd, Dictionary<string, int> culprits)
    {
        var sb = new StringBuilder();
        int n = seq.Items.Count;
        sb.Append($"=== seed {seed}, sequence {seq.Index} ({seq.InstructionCount} instructions)\n");
        if (DiffOutput.IsException(fd))
        {
            var loc = seq.Locate((long)DiffOutput.Hex(DiffOutput.Fields(fd)["at"]), n);
            string insn = loc is { } l ? seq.Items[l.Item].Lines[l.Line] : "(not in the sequence)";
            sb.Append($"FastArm takes {DescribeException(fd!)} at: {insn}   ({Where(seq, n, fd!)})\n");
            Count(culprits, insn.Split(' ', 2)[0]);
            sb.Append(seq.Listing(n, loc?.Item));
            sb.Append($"  QEMU:    S{seq.Index} {qd}\n  FastArm: S{seq.Index} {fd}\n");
            return sb.ToString();
        }

        // Narrow down: prefixes 1..n of this sequence, verbose.
        var program = new DiffProgram { Verbose = true };
        for (int k = 1; k <= n; k++) program.Entries.Add(new(seq, k));
        string prefElf = program.Build($"diff-narrow-{seed}-{seq.Index}");
        var (qemu, fast) = RunBoth(prefElf);
        var q = DiffOutput.Parse(qemu.Output);
        var f = DiffOutput.Parse(fast.Output);
        int first = -1;
        for (int k = 0; k < program.Entries.Count; k++)
        {
            q.Dumps.TryGetValue(k, out var a);
            f.Dumps.TryGetValue(k, out var b);
            q.Memory.TryGetValue(k, out var am);
            f.Memory.TryGetValue(k, out var bm);
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
        int item = first;   // prefix first+1 ends with item `first`
        q.Dumps.TryGetValue(first, out var qa);
        f.Dumps.TryGetValue(first, out var fa);
        string main = seq.Items[item].Lines[^1];
        if (DiffOutput.IsException(fa))
        {
            var loc = seq.Locate((long)DiffOutput.Hex(DiffOutput.Fields(fa!)["at"]), first + 1);
            if (loc is { } l) { item = l.Item; main = seq.Items[l.Item].Lines[l.Line]; }
            sb.Append($"FastArm takes {DescribeException(fa!)} at: {main}\n");
        }
        else
            sb.Append($"first wrong result after item {item}: {string.Join("; ", seq.Items[item].Lines)}\n");
        Count(culprits, main.Split(' ', 2)[0]);
        sb.Append(seq.Listing(first + 1, item));
        sb.Append($"  after item {item}:\n");
        sb.Append(DiffOutput.FieldDiff(qa, fa));
        q.Memory.TryGetValue(first, out var qm);
        f.Memory.TryGetValue(first, out var fm);
        if (qm != fm) sb.Append($"    scratch words changed (word=value):\n      QEMU:    {qm ?? "-"}\n      FastArm: {fm ?? "-"}\n");
        sb.Append($"  full sequence: QEMU:    S{seq.Index} {qd}\n                 FastArm: S{seq.Index} {fd}\n");
        return sb.ToString();
    }

    private static void Count(Dictionary<string, int> d, string key) => d[key] = d.GetValueOrDefault(key) + 1;
}
