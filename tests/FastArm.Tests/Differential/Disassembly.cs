using System.Globalization;
using FastArm.Tests.Support;

namespace FastArm.Tests.Differential;

/// <summary>Names raw instruction words (objdump on a flat binary), for the listings of the encoding test.</summary>
public static class Disassembly
{
    /// <summary>Appends objdump's reading to each ".inst 0x..." line: ".inst 0x8b020020 // add x0, x1, x2".</summary>
    public static void Annotate(IEnumerable<Sequence> sequences)
    {
        var lines = sequences.SelectMany(s => s.Items).SelectMany(i => Enumerable.Range(0, i.Lines.Count).Select(k => (i, k)))
            .Where(p => p.i.Lines[p.k].StartsWith(".inst 0x", StringComparison.Ordinal) && !p.i.Lines[p.k].Contains("//")).ToList();
        if (lines.Count == 0 || !CrossTools.Available("objdump")) return;
        var words = lines.Select(p => uint.Parse(p.i.Lines[p.k].AsSpan(8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToList();
        var text = Disassemble(words);
        for (int n = 0; n < lines.Count; n++)
            if (text[n] is { Length: > 0 } d) lines[n].i.Lines[lines[n].k] += " // " + d;
    }

    public static string[] Disassemble(IReadOnlyList<uint> words)
    {
        var result = new string[words.Count];
        string bin = Path.Combine(CrossTools.BuildDir, $"words-{Environment.ProcessId}-{Guid.NewGuid():N}.bin");
        try
        {
            File.WriteAllBytes(bin, words.SelectMany(BitConverter.GetBytes).ToArray());
            string dump = CrossTools.Run(CrossTools.Prefix + "objdump", $"-D -b binary -m aarch64 {bin}");
            foreach (var line in dump.Split('\n'))
            {
                // "   4:\t8b020020 \tadd\tx0, x1, x2"
                var parts = line.Split('\t');
                if (parts.Length < 3 || !parts[0].TrimEnd().EndsWith(':')) continue;
                if (!long.TryParse(parts[0].Trim().TrimEnd(':'), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out long off)) continue;
                int i = (int)(off / 4);
                if (i >= 0 && i < result.Length)
                    result[i] = string.Join(' ', parts.Skip(2).Select(p => p.Trim())).Split("//")[0].Trim();
            }
        }
        finally { File.Delete(bin); }
        return result;
    }
}
