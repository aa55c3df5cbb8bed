using System.Diagnostics;
using FastArm.Jit;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.Fp;

public unsafe class TmpBench
{
    [TestCase("add x0, x0, #1")]
    [TestCase("fadd d0, d0, d1")]
    [TestCase("fmul s0, s0, s1")]
    [TestCase("fmadd d0, d1, d2, d0")]
    [TestCase("fdiv d0, d1, d2")]
    [TestCase("fmla v0.4s, v1.4s, v2.4s")]
    [TestCase("add v0.4s, v1.4s, v2.4s")]
    [TestCase("fcvtzs x0, d1")]
    [TestCase("ld1 {v0.16b}, [x5]")]
    public void Speed(string insn)
    {
        using var h = new CpuHarness();
        var src = string.Join("\n", Enumerable.Repeat(insn, 1000));
        h.Bus.Load(CpuHarness.CodeBase, CrossTools.Assemble(src));
        h.Cpu.S.V[2] = BitConverter.DoubleToUInt64Bits(1.0000001);
        h.Cpu.S.V[4] = BitConverter.DoubleToUInt64Bits(0.999);
        h.Cpu.S.V[0] = BitConverter.DoubleToUInt64Bits(1.5);
        h.Cpu.SetX(5, CpuHarness.DataBase);
        for (int i = 0; i < 300; i++)
        {
            h.Cpu.Pc = CpuHarness.CodeBase;
            h.Cpu.Run(new RunLimits(UntilAddress: CpuHarness.CodeBase + 4000));
        }
        Thread.Sleep(200);
        var p = Process.GetCurrentProcess();
        var t0 = p.TotalProcessorTime;
        for (int i = 0; i < 1000; i++)
        {
            h.Cpu.Pc = CpuHarness.CodeBase;
            h.Cpu.Run(new RunLimits(UntilAddress: CpuHarness.CodeBase + 4000));
        }
        p.Refresh();
        double ns = (p.TotalProcessorTime - t0).TotalNanoseconds / 1_000_000;
        TestContext.Out.WriteLine($"{insn}: {ns:F1} ns/insn");
    }
}
