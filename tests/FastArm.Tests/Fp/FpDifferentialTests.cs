using System.Text;
using FastArm.Jit.Decode;
using NUnit.Framework;

namespace FastArm.Tests.Fp;

/// <summary>
/// Random FP/SIMD/crypto instructions run on QEMU (<c>qemu-system-aarch64 -M virt -cpu max</c>) and on FastArm
/// from the same state; V0..V31, X0..X15, NZCV, FPSR, memory and exceptions must agree bit for bit.
/// FASTARM_FP_CASES sets the number of cases per test (default 4000); FASTARM_FP_SEED the seed.
/// </summary>
[Category("Qemu")]
public class FpDifferentialTests
{
    private static int CaseCount => int.TryParse(Environment.GetEnvironmentVariable("FASTARM_FP_CASES"), out int n) ? n : 4000;
    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("FASTARM_FP_SEED"), out int s) ? s : 12345;

    private static A64Row[] RowsWith(Feature feature, Func<A64Row, bool>? filter = null) =>
        A64Table.All.Where(r => r.Feature == feature && (filter == null || filter(r))).ToArray();

    [Test]
    public void ScalarFloatingPointAgreesWithQemu() => Compare(RowsWith(Feature.FP), Seed);

    [Test]
    public void AdvancedSimdArithmeticAgreesWithQemu() =>
        Compare(RowsWith(Feature.AdvSIMD, r => !FpCaseGenerator.IsLoadStore(r)), Seed + 1);

    [Test]
    public void AdvancedSimdStructureLoadsAndStoresAgreeWithQemu() =>
        Compare(RowsWith(Feature.AdvSIMD, FpCaseGenerator.IsLoadStore), Seed + 2);

    private static A64Row[] CryptoRows =>
        A64Table.All.Where(r => r.Feature is Feature.AES or Feature.SHA1 or Feature.SHA256 or Feature.PMULL).ToArray();

    [Test]
    public void CryptoExtensionAgreesWithQemu() => Compare(CryptoRows, Seed + 3);

    [Test]
    public void CryptoExtensionPortableCodeAgreesWithQemu()
    {
        FastArm.Jit.Fp.CryptoOps.UseHostIntrinsics = false;
        try { Compare(CryptoRows, Seed + 4); }
        finally { FastArm.Jit.Fp.CryptoOps.UseHostIntrinsics = true; }
    }

    private static void Compare(A64Row[] rows, int seed)
    {
        if (!FpRig.QemuAvailable) Assert.Ignore("qemu-system-aarch64 or aarch64-linux-gnu-gcc is not installed");
        if (rows.Length == 0) Assert.Ignore("no rows in this group yet");
        var gen = new FpCaseGenerator(seed);
        var rng = new Random(seed);
        var cases = new List<FpCase>();
        var caseRows = new List<A64Row>();
        for (int i = 0; i < CaseCount; i++)
        {
            var row = rows[rng.Next(rows.Length)];
            cases.Add(gen.Generate(row));
            caseRows.Add(row);
        }
        var qemu = FpRig.RunQemu(cases);
        var fast = FpRig.RunFastArm(cases);
        var failures = new List<(int Index, List<string> Diff)>();
        for (int i = 0; i < cases.Count; i++)
        {
            var d = FpRig.Diff(qemu[i], fast[i]);
            if (d.Count > 0) failures.Add((i, d));
        }
        TestContext.Out.WriteLine($"{cases.Count} random instructions from {rows.Length} rows compared with QEMU; {failures.Count} disagree.");
        if (failures.Count == 0) return;

        var shown = failures.GroupBy(f => caseRows[f.Index].Name).SelectMany(g => g.Take(3)).Take(60).ToList();
        var dis = FpRig.Disassemble(shown.Select(f => (uint)cases[f.Index].Word).ToList());
        var sb = new StringBuilder();
        sb.AppendLine($"{failures.Count} of {cases.Count} cases disagree with QEMU; by row: " +
            string.Join(", ", failures.GroupBy(f => caseRows[f.Index].Name).Select(g => $"{g.Key} {g.Count()}")));
        for (int k = 0; k < shown.Count; k++)
        {
            var (i, d) = shown[k];
            var c = cases[i];
            sb.AppendLine($"#{i} {caseRows[i].Name} {(uint)c.Word:x8} {dis[k]}  FPCR {c.Fpcr:x8} FPSR in {FpRig.FpsrText(c.Fpsr)} NZCV {c.Nzcv >> 28:x}");
            uint w = (uint)c.Word;
            foreach (int r in new[] { (int)(w & 31), (int)((w >> 5) & 31), (int)((w >> 16) & 31), (int)((w >> 10) & 31) }.Distinct())
                sb.AppendLine($"    in V{r} = {c.V(r, 1):x16}:{c.V(r, 0):x16}   X{r & 15} = {c.X(r & 15):x16}");
            foreach (var line in d) sb.AppendLine("    " + line);
        }
        Assert.Fail(sb.ToString());
    }
}
