using BenchmarkDotNet.Attributes;
using FastArm.Jit.Decode;

namespace FastArm.Bench.Micro;

/// <summary>Decode throughput: the decode tree on a mix of words drawn from the table's own rows.</summary>
[BenchmarkCategory("Decode")]
public class DecodeBenchmarks
{
    private const int Words = 4096;
    private uint[] _words = [];
    private DecodeTree _tree = null!;

    [GlobalSetup]
    public void Setup()
    {
        _tree = DecodeTree.Default;
        var rng = new Random(1);
        var rows = A64Table.All;
        _words = new uint[Words];
        for (int i = 0; i < Words; i++)
        {
            var r = rows[rng.Next(rows.Length)];
            _words[i] = (r.Value & r.Mask) | ((uint)rng.Next() & ~r.Mask);
        }
    }

    [Benchmark(OperationsPerInvoke = Words)]
    public int DecodeTreeLookup()
    {
        int found = 0;
        foreach (uint w in _words)
            if (_tree.Decode(w, Feature.Default) != null) found++;
        return found;
    }
}
