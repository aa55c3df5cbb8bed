using System.Globalization;
using System.Text;

namespace FastArm.Tests.Differential;

/// <summary>
/// One unit of a generated sequence: the instruction under test, preceded by the setup it needs (a base
/// register pointed into the scratch buffer, an index register, an operand forced to an edge value). Every line
/// is exactly one A64 instruction, so an offset into the sequence maps back to a line. Lines may refer to
/// <c>{L:n}</c> (the label in front of item n; n = item count is the end) and <c>{P:j}</c> (literal j of this
/// item, placed after the sequence).
/// </summary>
public sealed class Item
{
    public required string Kind { get; init; }
    public List<string> Lines { get; } = [];
    public List<(ulong Value, int Size)> Literals { get; } = [];
    /// <summary>SP, as an offset into the scratch buffer, after this item.</summary>
    public int SpAfter { get; set; }

    /// <summary>The main instruction's mnemonic (the last line's first word, or for a raw <c>.inst</c> word the
    /// disassembly's in its comment), for statistics.</summary>
    public string Mnemonic => Lines.Count == 0 ? "" : MnemonicOf(Lines[^1]);

    public static string MnemonicOf(string line)
    {
        int c = line.IndexOf("// ", StringComparison.Ordinal);
        if (line.StartsWith(".inst", StringComparison.Ordinal))
            return c < 0 ? ".inst" : line[(c + 3)..].Trim().Split(' ', 2)[0];
        return line.Split(' ', 2)[0];
    }

    public override string ToString() => string.Join("; ", Lines);
}

/// <summary>
/// A generated sequence: the register state it starts from (X0..X30, NZCV, SP as an offset into the scratch
/// buffer, the seed of the buffer's initial fill) and its items. See tests/guests/differential for how it runs.
/// </summary>
public sealed class Sequence
{
    /// <summary>Instructions every sequence starts with: 15 LDPs and an LDR loading X0..X30 from [X30].</summary>
    public const int LoaderInstructions = 16;
    /// <summary>Words of the per-sequence init record (driver.c INIT_WORDS).</summary>
    public const int InitWords = 34;

    public required int Index { get; init; }
    public ulong[] X { get; } = new ulong[31];
    public ulong Nzcv { get; set; }
    public int SpStart { get; set; }
    public ulong FillSeed { get; set; }
    public List<Item> Items { get; } = [];

    public int InstructionCount => Items.Sum(i => i.Lines.Count);

    public int SpAt(int prefix) => prefix == 0 ? SpStart : Items[prefix - 1].SpAfter;

    public IEnumerable<ulong> InitRecord()
    {
        foreach (var x in X) yield return x;
        yield return Nzcv;
        yield return (ulong)SpStart;
        yield return FillSeed;
    }

    /// <summary>
    /// The assembly of items [0, <paramref name="prefix"/>) as symbol <paramref name="symbol"/>, labels private to
    /// <paramref name="id"/>. Labels of items at or past the prefix all sit at its end, so branches out of a
    /// prefix land on the epilogue.
    /// </summary>
    public void Render(StringBuilder sb, string symbol, string id, int prefix)
    {
        sb.Append("    .balign 16\n").Append(symbol).Append(":\n");
        for (int r = 0; r < 30; r += 2) sb.Append($"    ldp x{r}, x{r + 1}, [x30, #{r * 8}]\n");
        sb.Append("    ldr x30, [x30, #240]\n");
        for (int i = 0; i < prefix; i++)
        {
            sb.Append($".L{id}_{i}:\n");
            foreach (var line in Items[i].Lines)
                sb.Append("    ").Append(Substitute(line, id, i)).Append('\n');
        }
        for (int i = prefix; i <= Items.Count; i++) sb.Append($".L{id}_{i}:\n");
        // X0 is stored through SP (whose value the generator tracked) so that no register is needed to find
        // diff_save, which directly follows the 4 KiB scratch buffer.
        sb.Append($"    str x0, [sp, #{Generator.ScratchSize - SpAt(prefix)}]\n");
        sb.Append("    b diff_epilogue\n");
        sb.Append("    .ltorg\n    .balign 8\n");
        for (int i = 0; i < prefix; i++)
            for (int j = 0; j < Items[i].Literals.Count; j++)
            {
                var (value, size) = Items[i].Literals[j];
                sb.Append($".L{id}_{i}_p{j}: ").Append(size == 8 ? ".quad" : ".word").Append($" 0x{value:x}\n");
            }
    }

    private static string Substitute(string line, string id, int item)
    {
        if (!line.Contains('{')) return line;
        var sb = new StringBuilder();
        for (int k = 0; k < line.Length; k++)
        {
            int end = line.IndexOf('}', k);
            if (line[k] != '{' || k + 2 >= line.Length || line[k + 2] != ':' || line[k + 1] is not ('L' or 'P') || end < 0)
            {
                sb.Append(line[k]);
                continue;
            }
            string tok = line[(k + 1)..end];
            int n = int.Parse(tok[2..], CultureInfo.InvariantCulture);
            sb.Append(tok[0] == 'L' ? $".L{id}_{n}" : $".L{id}_{item}_p{n}");
            k = end;
        }
        return sb.ToString();
    }

    /// <summary>The item and line at byte offset <paramref name="offset"/> from the sequence's start, if any.</summary>
    public (int Item, int Line)? Locate(long offset, int prefix)
    {
        long index = offset / 4 - LoaderInstructions;
        if (offset < 0 || offset % 4 != 0 || index < 0) return null;
        for (int i = 0; i < prefix; i++)
        {
            if (index < Items[i].Lines.Count) return (i, (int)index);
            index -= Items[i].Lines.Count;
        }
        return null;
    }

    /// <summary>A listing of the sequence for reports, with an arrow at <paramref name="mark"/>.</summary>
    public string Listing(int prefix, int? mark = null)
    {
        var sb = new StringBuilder();
        sb.Append($"    initial state: NZCV={Nzcv >> 28:X1} SP=scratch+0x{SpStart:x} fill seed=0x{FillSeed:x}\n");
        for (int r = 0; r < 31; r += 4)
        {
            sb.Append("     ");
            for (int k = r; k < Math.Min(r + 4, 31); k++) sb.Append($" x{k,-2}={X[k],16:x}");
            sb.Append('\n');
        }
        for (int i = 0; i < prefix; i++)
            for (int l = 0; l < Items[i].Lines.Count; l++)
            {
                string arrow = mark == i ? (l == Items[i].Lines.Count - 1 ? "==>" : " > ") : "   ";
                sb.Append($"  {arrow} {(l == 0 ? $"[{i}]" : ""),-5} {Substitute(Items[i].Lines[l], "", i).Replace(".L_", "L")}\n");
            }
        return sb.ToString();
    }
}
