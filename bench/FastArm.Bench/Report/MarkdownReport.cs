using System.Globalization;
using System.Text;
using FastArm.Bench.Harness;
using FastArm.Bench.Micro;

namespace FastArm.Bench.Report;

/// <summary>Where and when the numbers were taken: printed above the tables.</summary>
public sealed record RunInfo(DateTime StartedUtc, string Machine, string Commit, string QemuVersion, string CommandLine,
    int Runs, double Scale, IReadOnlyList<string> Engines);

/// <summary>The results as markdown: one table per suite (median with min–max, ratio to QEMU), then the micro benchmarks.</summary>
public static class MarkdownReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(RunInfo info, IReadOnlyList<SuiteResult> suites, IReadOnlyList<MicroResult>? micro, string? svgName)
    {
        var sb = new StringBuilder();
        sb.Append($"# FastArm benchmarks, {info.StartedUtc.ToString("yyyy-MM-dd HH:mm", Inv)} UTC\n\n");
        sb.Append($"- machine: {info.Machine}\n");
        sb.Append($"- FastArm: {info.Commit}; engines: {string.Join(", ", info.Engines)}\n");
        if (suites.Count > 0) sb.Append($"- QEMU: {info.QemuVersion}\n");
        if (suites.Count > 0)
            sb.Append($"- runs: {info.Runs} of each emulator, alternating; workload scale {info.Scale.ToString(Inv)}\n");
        sb.Append($"- command: `{info.CommandLine}`\n\n");
        if (suites.Count > 0)
            sb.Append("Times are host wall-clock seconds: boot from process start to the guest's \"ready\" line on the serial console, " +
                      "workloads between the begin and end lines the guest prints around each (stamped by the host when they arrive). " +
                      "Each cell is the median, with min–max in brackets; the ratio is FastArm's median over QEMU's (lower is better).\n\n");
        if (svgName != null && suites.Count > 0) sb.Append($"![FastArm vs QEMU]({svgName})\n\n");
        foreach (var s in suites) Suite(sb, s);
        if (micro != null) Micro(sb, micro);
        return sb.ToString();
    }

    private static void Suite(StringBuilder sb, SuiteResult s)
    {
        sb.Append($"## {s.Title}\n\n");
        var others = s.Variants.Where(v => !v.IsQemu).ToList();
        sb.Append("| benchmark | QEMU |");
        foreach (var v in others) sb.Append($" {v.Name} | {v.Name.Replace("FastArm ", "")} / QEMU |");
        sb.Append("\n|---|--:|");
        foreach (var _ in others) sb.Append("--:|--:|");
        sb.Append('\n');
        foreach (var r in s.Rows)
        {
            sb.Append($"| {r.Label} | {Cell(r, Variant.Qemu)} |");
            foreach (var v in others)
            {
                string cell = Cell(r, v);
                if (r.Mismatches.Contains(v.Name)) cell += " **result differs from QEMU**";
                sb.Append($" {cell} | {RatioText(r.Ratio(v))} |");
            }
            sb.Append('\n');
        }
        sb.Append('\n');
        foreach (var (variant, n) in s.Failures) sb.Append($"- {variant}: {n} of {s.Runs} runs failed\n");
        foreach (var note in s.Notes.Distinct()) sb.Append($"- {note}\n");
        if (s.Failures.Count > 0 || s.Notes.Count > 0) sb.Append('\n');
    }

    private static void Micro(StringBuilder sb, IReadOnlyList<MicroResult> micro)
    {
        sb.Append("## Micro benchmarks (BenchmarkDotNet, in-process)\n\n");
        var plain = micro.Where(m => m.Translate == null).ToList();
        if (plain.Count > 0)
        {
            sb.Append("One operation: a decoded word (Decode), a TLB lookup that hits (Tlb), a guest instruction (GuestLoop: " +
                      "M ops/s is guest MIPS).\n\n");
            sb.Append("| benchmark | parameters | ns/op | M ops/s |\n|---|---|--:|--:|\n");
            foreach (var m in plain)
                sb.Append($"| {m.Category}.{m.Method} | {m.Parameters} | {m.NsPerOp.ToString(m.NsPerOp < 10 ? "0.000" : "0.0", Inv)} ± {m.StdErrNs.ToString("0.000", Inv)} | {(1000 / m.NsPerOp).ToString("0.0", Inv)} |\n");
            sb.Append('\n');
        }
        Translate(sb, micro);
    }

    /// <summary>The translate benchmarks: one operation is a pass over every block of a guest image, so the table
    /// divides by what the pass did. The compile row is the difference of the two passes (build + compile, build).</summary>
    private static void Translate(StringBuilder sb, IReadOnlyList<MicroResult> micro)
    {
        var build = micro.FirstOrDefault(m => m.Translate != null && m.Method == nameof(TranslateBenchmarks.Build));
        var both = micro.FirstOrDefault(m => m.Translate != null && m.Method == nameof(TranslateBenchmarks.BuildAndCompile));
        if (build == null && both == null) return;
        sb.Append("### Translate\n\n");
        sb.Append("The IL translator on bench/guests/translate/funcs.c (gcc -O2), every block start of its .text afresh " +
                  "(translation and decode caches emptied). Build: decode and analysis of each unit. Compile: each unit as the entry " +
                  "of its own region (FormRegion, IL, RyuJIT); its instructions are the regions' (a block is compiled again in each " +
                  "region that holds it), and its time is build + compile minus build. Mean ± standard error.\n\n");
        sb.Append("| pass | units | guest insns | µs/unit | µs/insn | IL bytes/insn |\n|---|--:|--:|--:|--:|--:|\n");
        void Row(string label, int units, int insns, double ns, double errNs, string ilPerInsn) =>
            sb.Append($"| {label} | {units} | {insns} | {Us(ns / units)} ± {Us(errNs / units)} | {Us(ns / insns)} | {ilPerInsn} |\n");
        if (build?.Translate is { } b)
            Row("build (decode + analysis)", b.Units, b.Instructions, build.NsPerOp, build.StdErrNs, "–");
        if (both?.Translate is { } c)
        {
            string il = c.RegionInstructions > 0 ? ((double)c.IlBytes / c.RegionInstructions).ToString("0.0", Inv) : "–";
            if (build != null)
                Row("compile (regions: IL + RyuJIT)", c.Units, c.RegionInstructions, both.NsPerOp - build.NsPerOp,
                    Math.Sqrt(both.StdErrNs * both.StdErrNs + build.StdErrNs * build.StdErrNs), il);
            Row("build + compile", c.Units, c.Instructions, both.NsPerOp, both.StdErrNs, "–");
        }
        sb.Append('\n');
        if (both?.Translate is { IlShare: > 0 } s)
            sb.Append($"Of the compile time, {(100 * s.IlShare).ToString("0", Inv)}% is IL generation and the rest RyuJIT " +
                      "(Cpu.EmitSeconds over the translator's compile time, one untimed pass).\n\n");
    }

    private static string Us(double ns)
    {
        double us = ns / 1000;
        return us.ToString(us < 1 ? "0.000" : us < 100 ? "0.00" : "0.0", Inv);
    }

    public static string Cell(Row r, Variant v)
    {
        if (r.Of(v) is not Summary s) return "–";
        string text = $"{Num(s.Median, r.Unit)} {r.Unit}";
        if (s.Count > 1) text += $" ({Num(s.Min, r.Unit)}–{Num(s.Max, r.Unit)})";
        return text;
    }

    public static string Num(double x, string unit) =>
        unit == "MiB" ? x.ToString("0", Inv) : x.ToString(x < 10 ? "0.00" : x < 100 ? "0.0" : "0", Inv);

    public static string RatioText(double? ratio) =>
        ratio is double q ? "**" + q.ToString(q < 10 ? "0.00" : "0.0", Inv) + "×**" : "–";
}
