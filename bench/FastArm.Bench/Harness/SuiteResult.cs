namespace FastArm.Bench.Harness;

/// <summary>Median, minimum and maximum of a set of samples.</summary>
public readonly record struct Summary(double Median, double Min, double Max, int Count)
{
    public static Summary? Of(IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0) return null;
        var s = samples.Order().ToArray();
        int n = s.Length;
        double median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        return new Summary(median, s[0], s[^1], n);
    }
}

/// <summary>One measured quantity (a workload's time, peak RSS...) with its samples per emulator variant.</summary>
public sealed class Row(string key, string label, string unit)
{
    public string Key { get; } = key;
    public string Label { get; } = label;
    /// <summary>"s" for times, "MiB" for memory.</summary>
    public string Unit { get; } = unit;
    public Dictionary<string, List<double>> Samples { get; } = new(StringComparer.Ordinal);
    /// <summary>Variants whose guest result differed from QEMU's in at least one run (a correctness problem).</summary>
    public HashSet<string> Mismatches { get; } = new(StringComparer.Ordinal);

    public void Add(Variant v, double value)
    {
        if (!Samples.TryGetValue(v.Name, out var list)) Samples[v.Name] = list = [];
        list.Add(value);
    }

    public Summary? Of(Variant v) => Samples.TryGetValue(v.Name, out var l) ? Summary.Of(l) : null;

    /// <summary>Median of <paramref name="v"/> over the median of QEMU (how many times slower or bigger).</summary>
    public double? Ratio(Variant v) =>
        Of(v) is Summary a && Of(Variant.Qemu) is Summary q && q.Median > 0 ? a.Median / q.Median : null;
}

/// <summary>The results of one suite (boot or workloads): rows of samples per variant, and what went wrong.</summary>
public sealed class SuiteResult(string title, IReadOnlyList<Variant> variants)
{
    public string Title { get; } = title;
    public IReadOnlyList<Variant> Variants { get; } = variants;
    public List<Row> Rows { get; } = [];
    public Dictionary<string, int> Failures { get; } = new(StringComparer.Ordinal);
    public List<string> Notes { get; } = [];
    public int Runs { get; set; }

    public Row AddRow(string key, string label, string unit)
    {
        var r = new Row(key, label, unit);
        Rows.Add(r);
        return r;
    }

    public void Fail(Variant v) => Failures[v.Name] = Failures.GetValueOrDefault(v.Name) + 1;
}
