using FastArm.Jit;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.SoftMmu;

/// <summary>
/// tests/guests/mmu/selfmap.S: a guest that builds its own page tables with the MMU off, turns the MMU on, and
/// takes and repairs faults with TLBI — nothing prepared by the host but its code and the data pattern.
/// </summary>
[TestFixture(ExecutionEngine.Interpreter)]
[TestFixture(ExecutionEngine.Jit)]
public class GuestMmuSelfMappedTests(ExecutionEngine engine)
{
    private const ulong Data = 0x4080_0000, Res = 0x4070_0000, TestVa = 0x8000_0000;

    [Test]
    public void AGuestThatBuildsItsOwnTablesTranslatesFaultsAndRepairs()
    {
        using var h = new CpuHarness(new CpuConfig { Engine = engine, JitThreshold = 0, JitBackground = false });
        var pattern = new byte[0x10_0000];
        for (int i = 0; i < pattern.Length; i += 8) BitConverter.TryWriteBytes(pattern.AsSpan(i, 8), Data + (ulong)i);
        h.Bus.Load(Data, pattern);

        string source = File.ReadAllText(Path.Combine(CrossTools.GuestsDir, "mmu", "selfmap.S"));
        var reason = h.Run(source, maxInstructions: 1_000_000);
        Assert.That(reason, Is.EqualTo(StopReason.Address), $"PC=0x{h.Cpu.Pc:X}");

        ulong Page(int i) => Data + (ulong)(15 - i) * 0x1000;   // test page i maps data page 15 - i
        ulong sum = 0;
        for (int i = 0; i < 5; i++) sum += Page(i);
        Assert.That(h.X(20), Is.EqualTo(sum), "pages 0-4");
        Assert.That((h.X(21), h.X(22)), Is.EqualTo((0UL, 0UL)), "the faulting loads left their registers");
        Assert.That(h.X(23), Is.EqualTo(Page(7) + 8), "read of the read-only page");
        Assert.That(h.X(24), Is.EqualTo(Data + 0x18), "through TTBR1");
        Assert.That(h.X(25), Is.EqualTo(Page(5)), "page 5 after its access flag was set");
        Assert.That(h.X(26), Is.EqualTo(Data + 0x2_0020), "page 0 after the remap");

        Assert.That(h.Bus.TryRead(Res, 8, out ulong count), Is.True);
        var faults = new List<(ulong, ulong)>();
        for (ulong n = 1; n <= count; n++)
        {
            h.Bus.TryRead(Res + 16 * n, 8, out ulong esr);
            h.Bus.TryRead(Res + 16 * n + 8, 8, out ulong far);
            faults.Add((esr, far));
        }
        Assert.That(faults, Is.EqualTo(new[]
        {
            (0x9600_000BUL, TestVa + 0x5000),   // access flag, level 3
            (0x9600_0007UL, TestVa + 0x6000),   // translation, level 3
            (0x9600_004FUL, TestVa + 0x7010),   // permission, level 3, write
        }));
        Assert.That(h.Bus.TryRead(Page(7) + 0x10, 8, out ulong kept) && kept == Page(7) + 0x10, Is.True, "the read-only page is unchanged");
    }
}
