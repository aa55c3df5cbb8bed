namespace FastArm.Jit.Decode;

/// <summary>One named field of a pattern: where it sits in the word.</summary>
public readonly record struct FieldPos(FieldId Id, byte Shift, byte Width);

/// <summary>
/// One encoding of the A64 table: a name as the Arm ARM gives it, the bit pattern with named fields, the feature
/// that enables it and the name of its semantics method (a generic method in <c>FastArm.Jit.Semantics</c>).
/// </summary>
public sealed class A64Row
{
    public string Name { get; }
    public string Pattern { get; }
    public Feature Feature { get; }
    public string Semantics { get; }
    public uint Mask { get; }
    public uint Value { get; }
    public FieldPos[] Fields { get; }
    public int Index { get; internal set; } = -1;

    /// <summary>Bits the pattern fixes; the more, the more specific the row.</summary>
    public int Specificity => System.Numerics.BitOperations.PopCount(Mask);

    public A64Row(string name, string pattern, string semantics, Feature feature = Feature.None)
    {
        Name = name;
        Pattern = pattern;
        Semantics = semantics;
        Feature = feature;
        (Mask, Value, Fields) = Parse(name, pattern);
        _layoutTable = GC.AllocateArray<ulong>((int)FieldId.Count, pinned: true);
        foreach (var p in Fields) _layoutTable[(int)p.Id] = p.Shift | (((1UL << p.Width) - 1) << 32);
        unsafe { _layout = (ulong*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref _layoutTable[0]); }
    }

    public bool Matches(uint word) => (word & Mask) == Value;

    /// <summary>The fields of <paramref name="word"/> as this row names them.</summary>
    public unsafe Fields Extract(uint word) => new(word, Index, _layout);

    /// <summary>Where each field sits (see <see cref="Decode.Fields"/>), on the pinned object heap so that decoded
    /// instructions can point at it; it lives as long as the row.</summary>
    private readonly ulong[] _layoutTable;
    private readonly unsafe ulong* _layout;

    /// <summary>The fields of a word that no row decodes: all read as 0.</summary>
    public static unsafe Fields NoFields(uint word) => new(word, -1, s_noLayout);
    private static readonly ulong[] s_noLayoutTable = GC.AllocateArray<ulong>((int)FieldId.Count, pinned: true);
    private static readonly unsafe ulong* s_noLayout = (ulong*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref s_noLayoutTable[0]);

    /// <summary>
    /// Parses "sf 0 0 100010 sh imm12:12 Rn:5 Rd:5": tokens from bit 31 down; a run of 0/1 fixes bits, 'x' leaves
    /// a bit free, <c>name</c> is a one-bit field and <c>name:N</c> an N-bit field.
    /// </summary>
    private static (uint, uint, FieldPos[]) Parse(string name, string pattern)
    {
        uint mask = 0, value = 0;
        var fields = new List<FieldPos>();
        int bit = 32;
        foreach (var tok in pattern.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (tok.All(c => c is '0' or '1' or 'x'))
            {
                foreach (char c in tok)
                {
                    bit--;
                    if (c == 'x') continue;
                    mask |= 1u << bit;
                    if (c == '1') value |= 1u << bit;
                }
                continue;
            }
            string fname = tok;
            int width = 1;
            int colon = tok.IndexOf(':');
            if (colon >= 0)
            {
                fname = tok[..colon];
                width = int.Parse(tok[(colon + 1)..]);
            }
            if (!Enum.TryParse<FieldId>(fname, out var id) || id == FieldId.Count)
                throw new InvalidOperationException($"A64 row {name}: unknown field '{fname}' (add it to FieldId)");
            bit -= width;
            fields.Add(new FieldPos(id, (byte)bit, (byte)width));
        }
        if (bit != 0) throw new InvalidOperationException($"A64 row {name}: pattern covers {32 - bit} bits, not 32");
        return (mask, value, fields.ToArray());
    }

    public override string ToString() => Name;
}
