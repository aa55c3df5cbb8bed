using FastArm.Jit.Decode;
using NUnit.Framework;

namespace FastArm.Tests.Fp;

public class FpTableTests
{
    private static readonly Feature Mine = Feature.FP | Feature.AdvSIMD | Feature.AES | Feature.PMULL | Feature.SHA1 | Feature.SHA256;

    [Test]
    public void FpAndSimdRowsOfEqualSpecificityNeverOverlapAnyRow()
    {
        var rows = A64Table.All;
        var clashes = new List<string>();
        foreach (var a in rows.Where(r => (r.Feature & Mine) != 0))
            foreach (var b in rows)
            {
                if (ReferenceEquals(a, b) || a.Specificity != b.Specificity) continue;
                if (((a.Value ^ b.Value) & a.Mask & b.Mask) == 0) clashes.Add($"{a.Name} / {b.Name}");
            }
        Assert.That(clashes, Is.Empty);
    }

    [Test]
    public void EveryFpAndSimdRowBindsToASemanticsMethod()
    {
        var handlers = FastArm.Jit.Interpreter.SemanticsBinder<FastArm.Jit.Interpreter.Eval, ulong>.Handlers;
        Assert.That(handlers, Has.Length.EqualTo(A64Table.All.Length));
    }
}
