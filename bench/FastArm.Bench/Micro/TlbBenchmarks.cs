using BenchmarkDotNet.Attributes;
using FastArm.SoftMmu.Mmu;
using FastArm.SoftMmu.Tlb;

namespace FastArm.Bench.Micro;

/// <summary>
/// The soft TLB's hit path (<see cref="Tlb.TryLookup"/>), the cost every guest memory access pays with the MMU on:
/// a full table of global 4 KiB pages, looked up in a shuffled order so that the branch predictor cannot learn it.
/// </summary>
[BenchmarkCategory("Tlb")]
public class TlbBenchmarks
{
    private const int Lookups = 4096;
    private const ulong Base = 0xFFFF_0000_0000_0000;
    private readonly Tlb _tlb = new();
    private ulong[] _vas = [];

    [GlobalSetup]
    public void Setup()
    {
        for (int i = 0; i < Tlb.Size; i++)
        {
            ulong va = Base + ((ulong)i << 12);
            _tlb.Fill(va, new WalkResult(0x4000_0000UL + ((ulong)i << 12), 3, 12, false, 0, 0, MemoryType.Normal,
                Permissions.PrivRead | Permissions.PrivWrite));
        }
        var rng = new Random(1);
        _vas = new ulong[Lookups];
        for (int i = 0; i < Lookups; i++)
            _vas[i] = Base + ((ulong)rng.Next(Tlb.Size) << 12) + (ulong)rng.Next(4096);
        if (Hit() != Lookups) throw new InvalidOperationException("the TLB benchmark's lookups must all hit");
    }

    [Benchmark(OperationsPerInvoke = Lookups)]
    public int Hit()
    {
        int hits = 0;
        foreach (ulong va in _vas)
            if (_tlb.TryLookup(va, 1, out var e)) hits += (int)(e.PaPage >> 12) & 1 | 1;
        return hits;
    }
}
