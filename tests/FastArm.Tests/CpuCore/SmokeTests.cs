using FastArm.Jit;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.CpuCore;

public unsafe class SmokeTests
{
    [Test]
    public void AddImmediateAndBranchRunToTheEnd()
    {
        using var h = new CpuHarness();
        var reason = h.Run("""
            add x0, x0, #5
            add x0, x0, #1, lsl #12
            b 1f
            add x0, x0, #100
            1:  adds w1, w0, #0
            """);
        Assert.That(reason, Is.EqualTo(StopReason.Address));
        Assert.That(h.X(0), Is.EqualTo(0x1005UL));
        Assert.That(h.X(1), Is.EqualTo(0x1005UL));
    }

    [Test]
    public void UndefinedEncodingTakesTheUndefinedException()
    {
        using var h = new CpuHarness();
        h.Bus.Load(CpuHarness.CodeBase, BitConverter.GetBytes(0x00000000u));   // UDF #0
        h.Cpu.Pc = CpuHarness.CodeBase;
        h.Cpu.Step();
        Assert.That(h.Cpu.Pc, Is.EqualTo(CpuHarness.VectorBase + 0x200));
        Assert.That(h.Cpu.S.ESR[1] >> 26, Is.EqualTo(0UL));
        Assert.That(h.Cpu.S.ELR[1], Is.EqualTo(CpuHarness.CodeBase));
    }
}
