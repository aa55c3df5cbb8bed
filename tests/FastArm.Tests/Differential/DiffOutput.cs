using System.Globalization;

namespace FastArm.Tests.Differential;

/// <summary>The console output of a differential guest (driver.c), by sequence.</summary>
public sealed class DiffOutput
{
    /// <summary>Sequence index → its dump ("x0=... mem=...") or "exception ..." line, without the "S&lt;i&gt; " prefix.</summary>
    public Dictionary<int, string> Dumps { get; } = [];
    /// <summary>Sequence index → the scratch words it changed (verbose builds only).</summary>
    public Dictionary<int, string> Memory { get; } = [];
    public bool Done { get; private set; }

    public static DiffOutput Parse(string text)
    {
        var o = new DiffOutput();
        foreach (var raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.StartsWith("done ", StringComparison.Ordinal)) { o.Done = true; continue; }
            if (line.Length < 2 || (line[0] != 'S' && line[0] != 'M')) continue;
            int sp = line.IndexOf(' ');
            if (sp < 0 || !int.TryParse(line.AsSpan(1, sp - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int i)) continue;
            (line[0] == 'S' ? o.Dumps : o.Memory)[i] = line[(sp + 1)..];
        }
        return o;
    }

    public static bool IsException(string? dump) => dump != null && dump.StartsWith("exception", StringComparison.Ordinal);

    /// <summary>"key=value" fields of a dump or exception line.</summary>
    public static Dictionary<string, string> Fields(string? dump)
    {
        var d = new Dictionary<string, string>();
        if (dump == null) return d;
        foreach (var tok in dump.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = tok.IndexOf('=');
            if (eq > 0) d[tok[..eq]] = tok[(eq + 1)..];
        }
        return d;
    }

    /// <summary>The fields that differ, as "name: QEMU=a FastArm=b" lines.</summary>
    public static string FieldDiff(string? reference, string? actual)
    {
        if (reference == null || actual == null) return $"    QEMU:    {reference ?? "<missing>"}\n    FastArm: {actual ?? "<missing>"}\n";
        var q = Fields(reference);
        var f = Fields(actual);
        var lines = new List<string>();
        foreach (var k in q.Keys.Union(f.Keys))
        {
            q.TryGetValue(k, out var a);
            f.TryGetValue(k, out var b);
            if (a != b) lines.Add($"    {k,-6} QEMU={a ?? "-",-18} FastArm={b ?? "-"}");
        }
        return lines.Count == 0 ? "" : string.Join('\n', lines) + "\n";
    }

    public static ulong Hex(string s) => ulong.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
