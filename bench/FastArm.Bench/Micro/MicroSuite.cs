using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace FastArm.Bench.Micro;

/// <summary>One micro benchmark's result: nanoseconds per operation (BenchmarkDotNet's mean, already divided by
/// OperationsPerInvoke) and its standard error; for the translate benchmarks, what one operation translated.</summary>
public sealed record MicroResult(string Category, string Method, string Parameters, double NsPerOp, double StdErrNs,
    TranslateCounts? Translate = null);

/// <summary>
/// Runs every BenchmarkDotNet class in this assembly (any public class with [Benchmark] methods is picked up, so a
/// new one needs no registration) in this process, and returns the means for the report.
/// The translate benchmarks' operation is a pass over a whole guest image, whose size is known only once the image
/// is built: their rows carry <see cref="TranslateBenchmarks.Counts"/>, which the report turns into µs per unit and
/// per guest instruction.
/// </summary>
public static class MicroSuite
{
    public static List<MicroResult> Run(BenchOptions o, string artifacts)
    {
        GuestLoopBenchmarks.SelectedEngines = [.. o.Engines];
        // In-process: no generated project to build (the machine has two cores shared with other builds). A fixed,
        // short schedule keeps the suite to a few minutes; more runs give BenchmarkDotNet more iterations.
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(3)
            .WithIterationCount(Math.Clamp(o.Runs * 3, 3, 15))
            .WithId("fastarm");
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(ConsoleLogger.Default)
            .WithArtifactsPath(artifacts)
            .WithOptions(ConfigOptions.JoinSummary);
        var types = typeof(MicroSuite).Assembly.GetTypes()
            .Where(t => t.IsPublic && !t.IsAbstract && t.GetMethods().Any(m => m.IsDefined(typeof(BenchmarkDotNet.Attributes.BenchmarkAttribute), false)))
            .OrderBy(t => t.Name)
            .ToArray();
        var results = new List<MicroResult>();
        foreach (var summary in BenchmarkRunner.Run(types, config))
            foreach (var report in summary.Reports)
            {
                var bc = report.BenchmarkCase;
                var stats = report.ResultStatistics;
                if (stats == null) continue;
                string category = bc.Descriptor.Categories.FirstOrDefault() ?? bc.Descriptor.Type.Name;
                string method = bc.Descriptor.WorkloadMethod.Name;
                var translate = bc.Descriptor.Type == typeof(TranslateBenchmarks) && TranslateBenchmarks.Counts.TryGetValue(method, out var c) ? c : null;
                results.Add(new MicroResult(category, method,
                    bc.HasParameters ? bc.Parameters.DisplayInfo.Trim('[', ']') : "", stats.Mean, stats.StandardError, translate));
            }
        return results;
    }
}
