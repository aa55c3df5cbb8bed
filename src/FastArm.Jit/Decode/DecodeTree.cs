using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace FastArm.Jit.Decode;

/// <summary>
/// The table compiled into a tree: each inner node indexes its children by a few bits that the rows below it fix,
/// until a node holds few rows, which are then tried in order of specificity. Built once at start-up.
/// </summary>
public sealed class DecodeTree
{
    private sealed class Node
    {
        public uint SelectMask;          // bits that index Children (pext order)
        public Node[]? Children;
        public A64Row[] Candidates = []; // leaf: most specific first
    }

    private const int LeafSize = 3;
    private const int MaxBitsPerLevel = 6;

    private readonly Node _root;
    private readonly Dictionary<A64Row, int> _ids = new(ReferenceEqualityComparer.Instance);
    public IReadOnlyList<A64Row> Rows { get; }

    public static DecodeTree Default { get; } = new(A64Table.All);

    public DecodeTree(IReadOnlyList<A64Row> rows)
    {
        Rows = rows;
        for (int i = 0; i < rows.Count; i++) _ids[rows[i]] = i;
        _root = Build(rows.ToArray(), 0);
    }

    /// <summary>The row that encodes <paramref name="word"/> for a CPU with <paramref name="features"/>, or null (UNDEFINED).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public A64Row? Decode(uint word, Feature features)
    {
        Node n = _root;
        while (n.Children != null)
            n = n.Children[Pext(word, n.SelectMask)];
        foreach (var r in n.Candidates)
            if ((word & r.Mask) == r.Value && (r.Feature & features) == r.Feature)
                return r;
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Pext(uint word, uint mask)
    {
        if (Bmi2.IsSupported) return Bmi2.ParallelBitExtract(word, mask);
        uint result = 0;
        int k = 0;
        while (mask != 0)
        {
            int b = BitOperations.TrailingZeroCount(mask);
            result |= ((word >> b) & 1) << k++;
            mask &= mask - 1;
        }
        return result;
    }

    private Node Build(A64Row[] rows, uint used)
    {
        if (rows.Length <= LeafSize) return Leaf(rows);

        // Prefer bits every row fixes (no row is duplicated); else bits most rows fix.
        uint common = ~used;
        foreach (var r in rows) common &= r.Mask;
        uint select;
        if (common != 0)
            select = TakeHighBits(common, MaxBitsPerLevel);
        else
        {
            int bestCount = 0; int bestBit = -1;
            for (int b = 31; b >= 0; b--)
            {
                if ((used & (1u << b)) != 0) continue;
                int c = rows.Count(r => (r.Mask & (1u << b)) != 0);
                if (c > bestCount) { bestCount = c; bestBit = b; }
            }
            if (bestBit < 0 || bestCount < 2) return Leaf(rows);
            select = 1u << bestBit;
        }

        int k = BitOperations.PopCount(select);
        var node = new Node { SelectMask = select, Children = new Node[1 << k] };
        bool progress = false;
        var memo = new Dictionary<string, Node>();
        for (uint v = 0; v < (1u << k); v++)
        {
            uint bits = Pdep(v, select);
            var sub = rows.Where(r => (r.Value & r.Mask & select) == (bits & r.Mask)).ToArray();
            if (sub.Length < rows.Length) progress = true;
            string key = string.Join(',', sub.Select(r => _ids[r]));
            if (!memo.TryGetValue(key, out var child))
                memo[key] = child = Build(sub, used | select);
            node.Children[v] = child;
        }
        return progress || common != 0 ? node : Leaf(rows);
    }

    private Node Leaf(A64Row[] rows) => new()
    {
        Candidates = rows.OrderByDescending(r => r.Specificity).ThenBy(r => _ids[r]).ToArray(),
    };

    private static uint TakeHighBits(uint mask, int n)
    {
        uint result = 0;
        for (int b = 31; b >= 0 && n > 0; b--)
            if ((mask & (1u << b)) != 0) { result |= 1u << b; n--; }
        return result;
    }

    private static uint Pdep(uint v, uint mask)
    {
        uint result = 0;
        int k = 0;
        for (int b = 0; b < 32; b++)
            if ((mask & (1u << b)) != 0) { if (((v >> k++) & 1) != 0) result |= 1u << b; }
        return result;
    }
}
