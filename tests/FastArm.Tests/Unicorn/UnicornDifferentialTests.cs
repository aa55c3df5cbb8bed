using System.Diagnostics;
using System.Text;
using FastArm.Jit.Decode;
using NUnit.Framework;

namespace FastArm.Tests.Unicorn;

/// <summary>
/// FastArm's interpreter against Unicorn 2 (libunicorn.so.2), one random instruction at a time and in short
/// straight-line blocks, words drawn from FastArm's own decode table. CI runs a fixed seed; set
/// FASTARM_UNICORN_SCALE=N to run N times as many cases (20 gives a million single instructions) and
/// FASTARM_UNICORN_SEED to choose the seed. See docs/notes/unicorn-fuzzing.md.
/// </summary>
[TestFixture]
[NonParallelizable]
public unsafe class UnicornDifferentialTests
{
    private const ulong DefaultSeed = 0xFA57_A12B_0000_0001;
    private const int SingleCases = 50_000;
    private const int BlockCases = 10_000;
    /// <summary>Examples printed per row.</summary>
    private const int ExamplesPerRow = 3;

    private static int Scale => int.TryParse(Environment.GetEnvironmentVariable("FASTARM_UNICORN_SCALE"), out int s) && s > 0 ? s : 1;

    private static ulong Seed
    {
        get
        {
            string? s = Environment.GetEnvironmentVariable("FASTARM_UNICORN_SEED");
            if (string.IsNullOrEmpty(s)) return DefaultSeed;
            return s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? Convert.ToUInt64(s[2..], 16) : ulong.Parse(s);
        }
    }

    private static void RequireUnicorn()
    {
        if (UnicornCpu.UnavailableReason is { } why) Assert.Ignore(why);
    }

    [Test]
    public void UnicornRunsAnAddLikeFastArm()
    {
        RequireUnicorn();
        using var fz = new DifferentialFuzzer(1);
        var before = new ArchState { Pc = DifferentialFuzzer.CodeRegion + 0x104, Sp = DifferentialFuzzer.ScratchBase + 0x100 };
        before.X[0] = 0x1234;
        uint add = 0x91001401;   // add x1, x0, #5
        var row = A64Table.All.Single(r => r.Name == "ADD_imm");
        Assert.That(fz.Compare([add], [row], DifferentialFuzzer.CodeRegion + 0x100, before), Is.Null);
        var udf = fz.Compare([0x00000000u], [row], DifferentialFuzzer.CodeRegion + 0x100, before);
        Assert.That(udf, Is.Null, "UDF #0 is UNDEFINED in both: same exception class, same state");
    }

    [Test]
    public void APlantedDifferenceIsReportedWithItsRegister()
    {
        RequireUnicorn();
        using var fz = new DifferentialFuzzer(2);
        fz.AfterFastArm = cpu => { cpu.S.X[5] ^= 0x10; cpu.S.V[7] ^= 1UL << 63; cpu.S.Fpsr ^= 0x10; };
        var found = Enumerable.Range(0, 10).Select(i => fz.RunCase(i)).ToList();
        Assert.That(found, Has.All.Not.Null, "every case differs");
        var d = found.First(x => x!.Differences.Any(l => l.StartsWith("X5:")))!;
        Assert.That(d.Differences, Has.Some.StartsWith("V3:").And.Some.StartsWith("FPSR:"));
        string report = Report([d], "self-test");
        Assert.That(report, Does.Contain($"{d.Word:X8}").And.Contain("== " + d.Row));
    }

    [Test]
    public void UnicornStopsOnAnUndefinedInstructionAndOnAnUnmappedLoad()
    {
        RequireUnicorn();
        using var uc = new UnicornCpu();
        {
            byte* mem = uc.Map(0x1000, 0x1000);
            *(uint*)mem = 0x00000000;                         // udf #0
            Assert.That(uc.Run(0x1000, 1), Is.EqualTo(UnicornStop.Exception));
            Assert.That(uc.LastInterrupt, Is.EqualTo(UnicornNative.EXCP_UDEF));
            *(uint*)mem = 0xF9400001;                         // ldr x1, [x0]
            uc.InvalidateCode(0x1000, 0x1004);
            uc.WriteReg(UnicornNative.RegX(0), 0x9000_0000);
            Assert.That(uc.Run(0x1000, 1), Is.EqualTo(UnicornStop.DataUnmapped));
        }
    }

    [Test]
    public void QemuReferenceRunsACaseFromTheSameStateAndMemory()
    {
        RequireUnicorn();
        if (QemuReference.UnavailableReason is { } why) Assert.Ignore(why);
        using var fz = new DifferentialFuzzer(3);
        ulong code = DifferentialFuzzer.CodeRegion + 0x200;
        var before = new ArchState { Pc = code + 4, Sp = DifferentialFuzzer.ScratchBase + 0x100, Nzcv = 0x6000_0000 };
        before.X[0] = 0x1234;
        before.X[2] = DifferentialFuzzer.ScratchBase + 0x41;   // unaligned: QEMU must treat MMU-off memory as the fuzzer does
        before.V[6] = 0x0123_4567_89AB_CDEF;
        // add x1, x0, #5; ldr x3, [x2]; str x0, [x2, #8]
        var q = QemuReference.Run([0x91001401, 0xF9400043, 0xF9000440], code, before, fz.PristineRam);
        Assert.That(q.Esr, Is.Null, q.Describe());
        Assert.That(q.After.X[1], Is.EqualTo(0x1239UL));
        Assert.That(q.After.X[3], Is.EqualTo(BitConverter.ToUInt64(fz.PristineRam, 0x1_0041)));
        Assert.That(BitConverter.ToUInt64(q.Ram, 0x1_0049), Is.EqualTo(0x1234UL));
        Assert.That(q.After.Nzcv, Is.EqualTo(0x6000_0000u));
        Assert.That(q.After.V[6], Is.EqualTo(0x0123_4567_89AB_CDEFUL));
        Assert.That(q.After.Pc, Is.EqualTo(code + 16));
        var udf = QemuReference.Run([0x00000000], code, before, fz.PristineRam);
        Assert.That(udf.Esr >> 26, Is.EqualTo(0UL), udf.Describe());
        Assert.That(udf.Elr, Is.EqualTo(code + 4));
    }

    [Test]
    public void SingleRandomInstructionsAgreeWithUnicorn() => Fuzz(SingleCases * Scale, 1, 1, "single");

    [Test]
    public void ShortRandomBlocksAgreeWithUnicorn() => Fuzz(BlockCases * Scale, 2, 8, "block");

    /// <summary>
    /// Reruns one reported case: FASTARM_UNICORN_CASE=N (the "case" of a report line; blocks have numbers from
    /// 2^40), with FASTARM_UNICORN_SEED as reported. Same build, same table: the case is drawn the same way.
    /// </summary>
    [Test, Explicit("reproduces one case named by FASTARM_UNICORN_CASE")]
    public void ReproduceOneCase()
    {
        RequireUnicorn();
        if (!long.TryParse(Environment.GetEnvironmentVariable("FASTARM_UNICORN_CASE"), out long index)) Assert.Ignore("set FASTARM_UNICORN_CASE");
        using var fz = new DifferentialFuzzer(Seed);
        bool block = index >= 1L << 40;
        var d = fz.RunCase(index, block ? 2 : 1, block ? 8 : 1);
        if (d == null) { Assert.Pass("no disagreement"); return; }
        AskQemu([d], fz.PristineRam);
        TestContext.Out.WriteLine(Report([d], "reproduced"));
        Assert.Fail(Summary([d]));
    }

    [Test]
    public void EveryExclusionNamesARowOfTheTable()
    {
        var names = A64Table.All.Select(r => r.Name).ToArray();
        var stale = FuzzExclusions.List.Where(x => !names.Any(x.MatchesRow)).Select(x => x.Rows).ToList();
        // Rows of branches not merged yet may be missing (the FP rows, say); reported, not enforced.
        if (stale.Count > 0) TestContext.Out.WriteLine("exclusions naming no row of this table: " + string.Join(", ", stale));
        Assert.That(FuzzExclusions.List.All(x => x.Reason.Length > 10), "every exclusion gives its reason");
    }

    private static void Fuzz(int cases, int minLen, int maxLen, string kind)
    {
        RequireUnicorn();
        ulong seed = Seed;
        using var fz = new DifferentialFuzzer(seed);
        var sw = Stopwatch.StartNew();
        var found = new List<Disagreement>();
        // Case indices of blocks live apart from single-instruction ones so the two tests draw different cases.
        long first = minLen == 1 && maxLen == 1 ? 0 : 1L << 40;
        for (long i = 0; i < cases; i++)
        {
            var d = fz.RunCase(first + i, minLen, maxLen);
            if (d != null) found.Add(d);
        }
        sw.Stop();

        var summary = $"{kind}: seed 0x{seed:X}, {fz.CasesRun} cases ({fz.CasesSkipped} skipped) over {fz.Stats.Count} rows " +
                      $"of {(maxLen == 1 ? fz.SingleRowCount : fz.BlockRowCount)} drawable, {sw.Elapsed.TotalSeconds:F1} s, " +
                      $"{found.Count} disagreements in {found.Select(d => d.Row).Distinct().Count()} rows";
        TestContext.Out.WriteLine(summary);
        TestContext.Out.WriteLine(CoverageNote(fz));
        if (fz.RowsNeverRun(maxLen > 1).ToList() is { Count: > 0 } never)
            TestContext.Out.WriteLine("drawable rows never run (shadowed or excluded): " + string.Join(", ", never));
        foreach (var (reason, count) in fz.KnownDifferences)
            TestContext.Out.WriteLine($"known, not reported ({count}): {reason}");
        if (found.Count == 0) return;
        AskQemu(found, fz.PristineRam);
        string report = Report(found, kind);
        string? path = WriteReportFile(report, kind);
        TestContext.Out.WriteLine(report);
        Assert.Fail(summary + (path != null ? $"\nfull report: {path}" : "") + "\n" + Truncate(Summary(found), 20_000));
    }

    /// <summary>
    /// Runs the first example of each disagreeing row (at most <see cref="QemuRows"/> rows) on QEMU 7.2, the
    /// reference, to tell FastArm bugs from Unicorn bugs. FASTARM_UNICORN_QEMU=0 turns this off.
    /// </summary>
    private static void AskQemu(List<Disagreement> found, byte[] ram)
    {
        if (Environment.GetEnvironmentVariable("FASTARM_UNICORN_QEMU") == "0" || QemuReference.UnavailableReason != null) return;
        foreach (var g in found.GroupBy(d => d.Row).OrderByDescending(g => g.Count()).Take(QemuRows))
            foreach (var d in g.Take(QemuExamplesPerRow))
                d.QemuVerdict = QemuReference.Verdict(d, ram);
    }

    private const int QemuRows = 40, QemuExamplesPerRow = 2;

    /// <summary>Rows that mostly faulted in both (so their results were rarely compared): a hint to widen the
    /// state generator.</summary>
    private static string CoverageNote(DifferentialFuzzer fz)
    {
        var weak = fz.Stats.Where(kv => kv.Value.Cases >= 20 && kv.Value.BothFaulted * 10 > kv.Value.Cases * 9)
            .Select(kv => $"{kv.Key} ({kv.Value.BothFaulted}/{kv.Value.Cases})").ToList();
        return weak.Count == 0 ? "no row faulted in more than 90% of its cases" : "rows faulting in >90% of cases: " + string.Join(", ", weak);
    }

    /// <summary>One line per row: count, QEMU's verdict, the first example's word and first difference.</summary>
    public static string Summary(List<Disagreement> found)
    {
        var dis = Disassembler.Disassemble(found.Select(d => d.Word));
        var sb = new StringBuilder();
        foreach (var g in found.GroupBy(d => d.Row).OrderByDescending(g => g.Count()))
        {
            var d = g.First();
            string verdict = g.Select(x => x.QemuVerdict).FirstOrDefault(v => v != null) is { } v ? v.Split(';')[0] : "qemu not asked";
            sb.AppendLine($"{g.Key}: {g.Count()} ({verdict}); e.g. {d.Word:X8} {dis[d.Word]}: {d.Differences[0]}");
        }
        return sb.ToString();
    }

    public static string Report(List<Disagreement> found, string kind)
    {
        var dis = Disassembler.Disassemble(found.SelectMany(d => d.Words));
        var sb = new StringBuilder();
        foreach (var g in found.GroupBy(d => d.Row).OrderByDescending(g => g.Count()))
        {
            sb.AppendLine($"== {g.Key}: {g.Count()} disagreements ({kind})");
            foreach (var d in g.Take(ExamplesPerRow))
            {
                sb.AppendLine($"  seed 0x{d.Seed:X} case {d.Case} at 0x{d.CodeAddress + 4:X}:");
                for (int i = 0; i < d.Words.Length; i++)
                    sb.AppendLine($"    {d.Words[i]:X8}  {dis[d.Words[i]],-40} {d.Rows[i]}");
                sb.AppendLine($"    fastarm: {d.FastArmEnding.Description}; unicorn: {d.UnicornEnding.Description}");
                foreach (var line in d.Differences) sb.AppendLine("    " + line);
                if (d.QemuVerdict != null) sb.AppendLine("    qemu 7.2: " + d.QemuVerdict);
                sb.AppendLine("    before: " + d.Before.Describe());
            }
        }
        return sb.ToString();
    }

    private static string? WriteReportFile(string report, string kind)
    {
        try
        {
            string dir = Path.Combine(Support.CrossTools.BuildDir, "unicorn");
            Directory.CreateDirectory(dir);
            string path = Path.Combine(dir, $"disagreements-{kind}.txt");
            File.WriteAllText(path, report);
            return path;
        }
        catch (IOException) { return null; }
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "\n...";
}
