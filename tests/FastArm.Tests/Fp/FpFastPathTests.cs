using FastArm.Jit.Fp;
using NUnit.Framework;

namespace FastArm.Tests.Fp;

/// <summary>
/// The host fast paths (FPFast) against the pseudocode path (FPCore with FPFast off), on many random operands
/// biased to exponent and rounding edges: results and FPSR must be identical.
/// </summary>
public class FpFastPathTests
{
    private delegate ulong Op(ulong a, ulong b, ulong c, int n, uint fpcr, ref uint fpsr);

    private static readonly (string Name, Op Fn)[] Ops =
    [
        ("FPAdd", (ulong a, ulong b, ulong c, int n, uint fpcr, ref uint fpsr) => FPCore.Add(a, b, n, fpcr, ref fpsr)),
        ("FPSub", (ulong a, ulong b, ulong c, int n, uint fpcr, ref uint fpsr) => FPCore.Sub(a, b, n, fpcr, ref fpsr)),
        ("FPMul", (ulong a, ulong b, ulong c, int n, uint fpcr, ref uint fpsr) => FPCore.Mul(a, b, n, fpcr, ref fpsr)),
        ("FPDiv", (ulong a, ulong b, ulong c, int n, uint fpcr, ref uint fpsr) => FPCore.Div(a, b, n, fpcr, ref fpsr)),
        ("FPSqrt", (ulong a, ulong b, ulong c, int n, uint fpcr, ref uint fpsr) => FPCore.Sqrt(a, n, fpcr, ref fpsr)),
        ("FPMulAdd", (ulong a, ulong b, ulong c, int n, uint fpcr, ref uint fpsr) => FPCore.MulAdd(c, a, b, n, fpcr, ref fpsr)),
    ];

    [Test]
    public void FastPathsGiveThePseudocodeResultsAndFlags([Values(32, 64)] int n)
    {
        var gen = new FpCaseGenerator(n * 7919);
        var rng = new Random(n);
        var failures = new List<string>();
        int fastTaken = 0;
        const int count = 200_000;
        try
        {
            for (int i = 0; i < count && failures.Count < 20; i++)
            {
                ulong a = Operand(gen, rng, n), b = Operand(gen, rng, n), c = Operand(gen, rng, n);
                if (rng.Next(4) == 0) b = Near(a, rng, n);
                if (rng.Next(4) == 0) c = Near(a ^ (1UL << (n - 1)), rng, n);
                uint fpcr = rng.Next(5) == 0 ? (uint)rng.Next(4) << 22 | (uint)rng.Next(8) << 24 : 0;
                foreach (var (name, fn) in Ops)
                {
                    FPFast.Enabled = false;
                    uint slowFlags = 0;
                    ulong slow = fn(a, b, c, n, fpcr, ref slowFlags);
                    FPFast.Enabled = true;
                    uint fastFlags = 0;
                    ulong fast = fn(a, b, c, n, fpcr, ref fastFlags);
                    uint probe = 0;
                    if (name == "FPMulAdd" ? FPFast.TryMulAdd(c, a, b, n, fpcr, ref probe, out _) : false) fastTaken++;
                    if (slow != fast || slowFlags != fastFlags)
                        failures.Add($"{name}/{n} a={a:x} b={b:x} c={c:x} fpcr={fpcr:x}: pseudocode {slow:x} flags {slowFlags:x}, fast {fast:x} flags {fastFlags:x}");
                }
            }
        }
        finally { FPFast.Enabled = true; }
        Assert.That(failures, Is.Empty);
        Assert.That(fastTaken, Is.GreaterThan(count / 20), "the fused multiply-add fast path is taken");
    }

    private static ulong Operand(FpCaseGenerator gen, Random rng, int n)
    {
        if (rng.Next(3) > 0) return gen.FpValue(n);
        // Ordinary values, where the fast paths apply.
        return n == 64 ? BitConverter.DoubleToUInt64Bits((rng.NextDouble() - 0.5) * Math.Pow(2, rng.Next(-60, 60)))
            : BitConverter.SingleToUInt32Bits((float)((rng.NextDouble() - 0.5) * Math.Pow(2, rng.Next(-30, 30))));
    }

    private static ulong Near(ulong v, Random rng, int n) => (v + (ulong)rng.Next(-3, 4)) & (n == 64 ? ulong.MaxValue : 0xFFFF_FFFF);
}
