using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Running;
using FastArm.Bench.Harness;
using FastArm.Bench.Micro;
using FastArm.Bench.Report;

namespace FastArm.Bench;

/// <summary>
/// The benchmark harness (./bench/run): boot-to-shell and guest workloads in FastArm and QEMU, run alternately on
/// this machine, plus BenchmarkDotNet micro benchmarks in-process; writes bench/results/&lt;timestamp&gt;.md and .svg
/// and prints the table. `bdn ...` hands the rest of the command line to BenchmarkDotNet's own switcher.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "bdn")
        {
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args[1..]);
            return 0;
        }

        BenchOptions o;
        try { o = BenchOptions.Parse(args); }
        catch (BenchSetupException e)
        {
            Console.Error.WriteLine($"bench: {e.Message}");
            return 2;
        }
        if (o.Help)
        {
            Console.WriteLine(BenchOptions.Usage);
            return 0;
        }

        // Ctrl-C (SIGINT) or SIGTERM ends the current emulator run and writes the report with what was measured so far;
        // a second signal quits at once.
        using var interrupt = new CancellationTokenSource();
        void OnSignal(PosixSignalContext ctx)
        {
            if (interrupt.IsCancellationRequested) return;
            ctx.Cancel = true;
            interrupt.Cancel();
            Console.Error.WriteLine($"bench: {ctx.Signal}: writing the results measured so far (again to quit at once)");
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        var started = DateTime.UtcNow;
        string stamp = started.ToString("yyyy-MM-dd_HHmmss", CultureInfo.InvariantCulture);
        string logDir = Path.Combine(o.ResultsDir, stamp + ".logs");
        var suites = new List<SuiteResult>();
        List<MicroResult>? micro = null;
        RunInfo info;
        try
        {
            if (o.Boot || o.Workloads) Variant.CheckPrerequisites(o);
            info = new RunInfo(started, DescribeMachine(), DescribeCommit(o.Root),
                o.Boot || o.Workloads ? FirstLine(o.Qemu, "--version") : "(not run)",
                "./bench/run" + string.Concat(args.Select(a => " " + (a.Contains(' ') ? $"\"{a}\"" : a))),
                o.Runs, o.Scale, [.. o.Engines.Select(BenchOptions.EngineName)]);
            if (o.Boot || o.Workloads)
            {
                var images = BenchImages.Prepare(o, logDir);
                var guests = new GuestSuites(o, images, logDir, Console.Error, interrupt.Token);
                Console.Error.WriteLine($"bench: {info.Machine}; {o.Runs} run(s) each of {string.Join(", ", Variant.All(o).Select(v => v.Name))}; logs in {logDir}");
                if (o.Boot)
                {
                    Console.Error.WriteLine("bench: boot to shell");
                    suites.Add(guests.RunBoot());
                }
                if (o.Workloads && !interrupt.IsCancellationRequested)
                {
                    Console.Error.WriteLine("bench: guest workloads");
                    suites.Add(guests.RunWorkloads());
                }
            }
            if (o.Micro && !interrupt.IsCancellationRequested)
            {
                Console.Error.WriteLine("bench: micro benchmarks (BenchmarkDotNet)");
                micro = MicroSuite.Run(o, Path.Combine(o.ResultsDir, stamp + ".bdn"));
            }
        }
        catch (BenchSetupException e)
        {
            Console.Error.WriteLine($"bench: {e.Message}");
            return 2;
        }

        Directory.CreateDirectory(o.ResultsDir);
        string mdPath = Path.Combine(o.ResultsDir, stamp + ".md");
        string? svgName = suites.Count > 0 ? stamp + ".svg" : null;
        string markdown = MarkdownReport.Render(info, suites, micro, svgName);
        File.WriteAllText(mdPath, markdown);
        if (svgName != null) File.WriteAllText(Path.Combine(o.ResultsDir, svgName), SvgPlot.Render(info, suites));
        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.Error.WriteLine($"bench: wrote {mdPath}" + (svgName != null ? $" and {Path.Combine(o.ResultsDir, svgName)}" : ""));
        int failed = suites.Sum(s => s.Failures.Values.Sum()) + suites.Sum(s => s.Rows.Sum(r => r.Mismatches.Count));
        if (failed > 0) Console.Error.WriteLine("bench: some runs failed or computed a different result than QEMU (see the notes under the tables)");
        if (interrupt.IsCancellationRequested) return 130;
        return failed > 0 ? 1 : 0;
    }

    private static string DescribeMachine()
    {
        string cpu = "unknown CPU";
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line != null) cpu = line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        string load = "";
        try { load = ", load average " + string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) + " at start"; }
        catch (IOException) { }
        return $"{cpu}, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}{load}";
    }

    private static string DescribeCommit(string root)
    {
        string c = FirstLine("git", $"-C \"{root}\" describe --always --dirty --abbrev=10");
        string subject = FirstLine("git", $"-C \"{root}\" log -1 --format=%s");
        return subject.Length > 0 ? $"{c} ({subject})" : c;
    }

    /// <summary>First line of a command's stdout, or "?" when it cannot run.</summary>
    private static string FirstLine(string file, string args)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (p == null) return "?";
            string first = p.StandardOutput.ReadLine() ?? "";
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return first.Trim();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException) { return "?"; }
    }
}
