using System.Globalization;

namespace FastArm.Bench.Harness;

/// <summary>
/// The two whole-system suites. Each run boots a fresh emulator process; the emulators take turns run by run
/// (QEMU, FastArm interp, FastArm jit, QEMU, ...) so that a slow spell of the shared machine hits all of them.
/// </summary>
public sealed class GuestSuites(BenchOptions o, BenchImages images, string logDir, TextWriter progress, CancellationToken cancel)
{
    private readonly List<Variant> _variants = Variant.All(o);

    /// <summary>Boot to shell: process start to the "ready" marker, and peak RSS.</summary>
    public SuiteResult RunBoot()
    {
        var suite = new SuiteResult("Boot to shell", _variants) { Runs = o.Runs };
        var boot = suite.AddRow("boot", "boot to shell", "s");
        var rss = suite.AddRow("boot-rss", "peak RSS (boot)", "MiB");
        var timeout = TimeSpan.FromSeconds(o.Timeout ?? 300);
        for (int run = 1; run <= o.Runs && !cancel.IsCancellationRequested; run++)
            foreach (var v in _variants)
            {
                var r = RunOne(v, "boot", run, timeout, suite);
                if (r == null) continue;
                boot.Add(v, r.Marker("ready")!.Value);
                if (r.PeakRssKiB > 0) rss.Add(v, r.PeakRssKiB / 1024.0);
                progress.WriteLine($"  boot      run {run}/{o.Runs}  {v.Name,-15} {F(r.Marker("ready")!.Value)} s to shell, peak RSS {r.PeakRssKiB / 1024} MiB");
            }
        return suite;
    }

    /// <summary>Guest workloads: host time between each workload's begin and end markers; results checked against QEMU's.</summary>
    public SuiteResult RunWorkloads()
    {
        var suite = new SuiteResult("Guest workloads", _variants) { Runs = o.Runs };
        var rows = images.Workloads.Select(w => suite.AddRow(w.Name, w.Label, "s")).ToList();
        var rss = suite.AddRow("workloads-rss", "peak RSS (workloads)", "MiB");
        var reference = new Dictionary<string, string>(StringComparer.Ordinal);
        var timeout = TimeSpan.FromSeconds(o.Timeout ?? 1800);
        for (int run = 1; run <= o.Runs && !cancel.IsCancellationRequested; run++)
            foreach (var v in _variants)
            {
                var r = RunOne(v, "workloads", run, timeout, suite);
                if (r == null) continue;
                var parts = new List<string>();
                for (int i = 0; i < rows.Count; i++)
                {
                    string name = images.Workloads[i].Name;
                    if (r.Between($"begin {name}", $"end {name}") is not double t) continue;
                    rows[i].Add(v, t);
                    parts.Add($"{name} {F(t)}");
                    // QEMU's result is the reference; FastArm must compute the same (sizes, hashes, counts).
                    string got = r.Results.GetValueOrDefault(name, "(none)");
                    if (v.IsQemu) reference.TryAdd(name, got);
                    else if (reference.TryGetValue(name, out var want) && want != got)
                    {
                        rows[i].Mismatches.Add(v.Name);
                        suite.Notes.Add($"{v.Name}, run {run}: {name} printed '{got}', QEMU '{want}'");
                    }
                }
                if (r.PeakRssKiB > 0) rss.Add(v, r.PeakRssKiB / 1024.0);
                progress.WriteLine($"  workloads run {run}/{o.Runs}  {v.Name,-15} {string.Join(", ", parts)} s; peak RSS {r.PeakRssKiB / 1024} MiB");
            }
        return suite;
    }

    private GuestRunResult? RunOne(Variant v, string mode, int run, TimeSpan timeout, SuiteResult suite)
    {
        var (file, args) = v.Command(o, images, mode);
        if (cancel.IsCancellationRequested) return null;
        var r = GuestProcess.Run(file, args, "done", timeout, o.Verbose ? Console.Error : null, cancel);
        string logName = $"{mode}-{v.Name.Replace(' ', '-').ToLowerInvariant()}-{run}.log";
        Directory.CreateDirectory(logDir);
        File.WriteAllText(Path.Combine(logDir, logName),
            $"$ {file} {string.Join(' ', args.Select(Quote))}\n{r.Log}");
        if (r.Failure == null && r.Marker("ready") != null) return r;
        if (r.Interrupted)
        {
            suite.Notes.Add($"interrupted during {mode} run {run} ({v.Name}): the table has the runs before it");
            return null;
        }
        suite.Fail(v);
        string tail = string.Join('\n', r.Log.Split('\n').TakeLast(15));
        progress.WriteLine($"  {mode,-9} run {run}/{o.Runs}  {v.Name,-15} FAILED: {r.Failure ?? "no ready marker"} (log: {Path.Combine(logDir, logName)})");
        progress.WriteLine("    " + tail.Replace("\n", "\n    "));
        suite.Notes.Add($"{v.Name}, {mode} run {run} failed: {r.Failure}");
        return null;
    }

    private static string Quote(string a) => a.Contains(' ') ? $"\"{a}\"" : a;

    private static string F(double s) => s.ToString("0.00", CultureInfo.InvariantCulture);
}
