using FastArm.Jit.Decode;
using FastArm.Jit.Interpreter;
using NUnit.Framework;

namespace FastArm.Tests.CpuCore;

/// <summary>
/// Checks the whole A64 table (every group's rows) and the decode tree built from it: patterns are well formed,
/// every row is reachable, the tree picks the most specific matching row, and rows of equal specificity never
/// overlap (the table's one rule for resolving overlaps would not decide between them).
/// </summary>
public class DecodeTableTests
{
    private static readonly Feature AllFeatures = (Feature)ulong.MaxValue;

    private static IEnumerable<A64Row> Rows => A64Table.All;

    [Test]
    public void EveryRowPatternParsesIntoFixedBitsAndFieldsThatTileTheWord()
    {
        Assert.That(A64Table.All, Is.Not.Empty);
        var failures = new List<string>();
        foreach (var r in Rows)
        {
            if ((r.Value & ~r.Mask) != 0) failures.Add($"{r.Name}: value has bits outside the mask");
            uint fields = 0;
            foreach (var p in r.Fields)
            {
                uint m = (uint)(((1UL << p.Width) - 1) << p.Shift);
                if ((fields & m) != 0) failures.Add($"{r.Name}: field {p.Id} overlaps another field");
                if ((r.Mask & m) != 0) failures.Add($"{r.Name}: field {p.Id} overlaps fixed bits");
                fields |= m;
            }
        }
        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void RowNamesAreUnique()
    {
        var dup = Rows.GroupBy(r => r.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.That(dup, Is.Empty);
    }

    [Test]
    public void EveryRowBindsToItsSemanticsMethod() =>
        Assert.That(() => SemanticsBinder<Eval, ulong>.Bind(A64Table.All), Throws.Nothing);

    [Test]
    public void RandomWordsOfEachRowDecodeToThatRowOrAMoreSpecificOne()
    {
        var rng = new Random(0x5EED);
        var failures = new List<string>();
        foreach (var r in Rows)
        {
            foreach (uint word in Samples(r, rng, 64))
            {
                var got = DecodeTree.Default.Decode(word, AllFeatures);
                if (got == null) { failures.Add($"{r.Name}: {word:X8} decodes to nothing"); continue; }
                if (!got.Matches(word)) failures.Add($"{r.Name}: {word:X8} decodes to {got.Name}, which does not match it");
                else if (got != r && got.Specificity <= r.Specificity)
                    failures.Add($"{r.Name}: {word:X8} decodes to {got.Name}, which is not more specific");
                if (failures.Count > 50) break;
            }
        }
        Assert.That(failures, Is.Empty);
    }

    [TestCase(true)]
    [TestCase(false)]
    public void TheTreeAgreesWithAScanForTheMostSpecificRowTheFeaturesAllow(bool defaultFeatures)
    {
        Feature features = defaultFeatures ? Feature.Default : Feature.None;
        var rows = Rows.ToArray();
        var rng = new Random(0xDEC0DE);
        var failures = new List<string>();
        foreach (var r in rows)
        {
            foreach (uint word in Samples(r, rng, 16))
            {
                A64Row? best = null;
                foreach (var c in rows)
                    if (c.Matches(word) && (c.Feature & features) == c.Feature && (best == null || c.Specificity > best.Specificity))
                        best = c;
                var got = DecodeTree.Default.Decode(word, features);
                if (got != best) failures.Add($"{word:X8} ({features}): tree {got?.Name ?? "none"}, scan {best?.Name ?? "none"}");
                if (failures.Count > 50) break;
            }
        }
        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void RowsOfEqualSpecificityNeverOverlap()
    {
        var failures = new List<string>();
        foreach (var group in Rows.GroupBy(r => r.Specificity))
        {
            var g = group.ToArray();
            for (int i = 0; i < g.Length; i++)
                for (int j = i + 1; j < g.Length; j++)
                {
                    // Two patterns share a word exactly when they agree on every bit both fix.
                    if (((g[i].Value ^ g[j].Value) & g[i].Mask & g[j].Mask) == 0)
                        failures.Add($"{g[i].Name} and {g[j].Name} ({group.Key} fixed bits) both match {(g[i].Value | g[j].Value):X8}");
                }
        }
        Assert.That(failures, Is.Empty);
    }

    /// <summary>Words the row matches: its free bits all clear, all set, then random.</summary>
    private static IEnumerable<uint> Samples(A64Row r, Random rng, int count)
    {
        yield return r.Value;
        yield return r.Value | ~r.Mask;
        for (int i = 0; i < count; i++)
            yield return (r.Value & r.Mask) | ((uint)rng.NextInt64(0, 1L << 32) & ~r.Mask);
    }
}
