namespace FastArm.Tests.Unicorn;

/// <summary>
/// SplitMix64: a tiny, fast generator whose whole state is one ulong, so that case <c>i</c> of seed <c>s</c> can be
/// regenerated on its own (the fuzzer seeds each case with <see cref="ForCase"/>).
/// </summary>
public struct FuzzRandom(ulong state)
{
    private ulong _s = state;

    public static FuzzRandom ForCase(ulong seed, long index) => new(Mix(seed ^ Mix((ulong)index + 0x9E3779B97F4A7C15UL)));

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong Next64() => Mix(_s += 0x9E3779B97F4A7C15UL);
    public uint Next32() => (uint)(Next64() >> 32);
    /// <summary>Uniform in [0, n).</summary>
    public int Next(int n) => (int)((Next64() >> 33) % (ulong)n);
    public int Next(int lo, int hiExclusive) => lo + Next(hiExclusive - lo);
    public bool Chance(int percent) => Next(100) < percent;
    public T Pick<T>(T[] items) => items[Next(items.Length)];
}
