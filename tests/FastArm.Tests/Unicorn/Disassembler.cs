using FastArm.Tests.Support;

namespace FastArm.Tests.Unicorn;

/// <summary>Disassembles instruction words with the cross objdump, all at once (one process per report).</summary>
public static class Disassembler
{
    /// <summary>Word → "mnemonic operands" (or "?" when objdump is missing or does not know it).</summary>
    public static Dictionary<uint, string> Disassemble(IEnumerable<uint> words)
    {
        var list = words.Distinct().ToList();
        var result = list.ToDictionary(w => w, _ => "?");
        if (list.Count == 0 || !CrossTools.Available("objdump")) return result;
        string file = Path.Combine(Path.GetTempPath(), $"fastarm-uc-{Environment.ProcessId}-{Guid.NewGuid():N}.bin");
        try
        {
            File.WriteAllBytes(file, list.SelectMany(BitConverter.GetBytes).ToArray());
            string output = CrossTools.Run(CrossTools.Prefix + "objdump", $"-D -b binary -m aarch64 {file}");
            // Lines look like "   4:\t8b000001 \tadd\tx1, x0, x0".
            foreach (var line in output.Split('\n'))
            {
                var parts = line.Split('\t');
                if (parts.Length < 3 || !parts[0].TrimEnd().EndsWith(':')) continue;
                if (!int.TryParse(parts[0].Trim().TrimEnd(':'), System.Globalization.NumberStyles.HexNumber, null, out int off)) continue;
                if (off % 4 != 0 || off / 4 >= list.Count) continue;
                result[list[off / 4]] = string.Join(' ', parts.Skip(2)).Trim();
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or TimeoutException)
        {
        }
        finally { File.Delete(file); }
        return result;
    }
}
