using FastArm.Devices.Psci;
using FastArm.Jit;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.DevicesCore;

public unsafe class PsciTests
{
    private sealed class FakePower : IPowerController
    {
        public List<string> Calls { get; } = [];
        public int CpuOn(Cpu caller, ulong mpidr, ulong entry, ulong contextId) { Calls.Add($"on {mpidr:X} {entry:X} {contextId:X}"); return mpidr == 1 ? Psci.Success : Psci.InvalidParameters; }
        public void CpuOff(Cpu caller) => Calls.Add("off");
        public int AffinityInfo(ulong mpidr) => mpidr == 0 ? 0 : 1;
        public void SystemOff(Cpu caller) { Calls.Add("system-off"); caller.RequestExit(0); }
        public void SystemReset(Cpu caller) => Calls.Add("system-reset");
    }

    private static (CpuHarness, FakePower) Machine(bool hvc = true)
    {
        var h = new CpuHarness();
        var power = new FakePower();
        h.Cpu.FirmwareCalls = new Psci(power, useHvc: hvc);
        return (h, power);
    }

    [Test]
    public void VersionReportsPsci11()
    {
        var (h, _) = Machine();
        using var _h = h;
        h.Run("movz w0, #0x8400, lsl #16\n hvc #0");
        Assert.That(h.X(0), Is.EqualTo(0x10001UL));
    }

    [Test]
    public void CpuOn64PassesTargetEntryAndContextToTheBoard()
    {
        var (h, power) = Machine();
        using var _h = h;
        h.Run("""
            movz x0, #0xC400, lsl #16
            add x0, x0, #3
            mov x1, #1
            movz x2, #0x4008, lsl #16
            mov x3, #0x55
            hvc #0
            """);
        Assert.That(power.Calls, Is.EqualTo(new[] { "on 1 40080000 55" }));
        Assert.That(h.X(0), Is.EqualTo(0UL));
    }

    [Test]
    public void FeaturesAnswersForImplementedFunctionsAndNotSupportedOtherwise()
    {
        var (h, _) = Machine();
        using var _h = h;
        h.Run("""
            movz w0, #0x8400, lsl #16
            add w0, w0, #0xA
            movz w1, #0xC400, lsl #16
            add w1, w1, #3
            hvc #0
            mov x5, x0
            movz w0, #0x8400, lsl #16
            add w0, w0, #0xA
            movz w1, #0x8000, lsl #16
            hvc #0
            """);
        Assert.That(h.X(5), Is.EqualTo(0UL));
        Assert.That((long)h.X(0), Is.EqualTo(-1L));
    }

    [Test]
    public void SystemOffEndsTheRunWithExitCodeZero()
    {
        var (h, power) = Machine();
        using var _h = h;
        var reason = h.Run("movz w0, #0x8400, lsl #16\n add w0, w0, #8\n hvc #0\n b .");
        Assert.That(reason, Is.EqualTo(StopReason.Exit));
        Assert.That(h.Cpu.ExitCode, Is.EqualTo(0));
        Assert.That(power.Calls, Is.EqualTo(new[] { "system-off" }));
    }

    [Test]
    public void NonPsciFunctionIdIsUndefinedAsOnQemu()
    {
        var (h, _) = Machine();
        using var _h = h;
        h.Run("movz w0, #0x8000, lsl #16\n hvc #0", maxInstructions: 3);
        Assert.That(h.Cpu.S.ESR[1] >> 26, Is.EqualTo(0UL));
        Assert.That(h.Cpu.Pc, Is.EqualTo(CpuHarness.VectorBase + 0x200));
    }

    [Test]
    public void SmcIsUndefinedWhenTheConduitIsHvc()
    {
        var (h, _) = Machine(hvc: true);
        using var _h = h;
        h.Run("movz w0, #0x8400, lsl #16\n smc #0", maxInstructions: 3);
        Assert.That(h.Cpu.Pc, Is.EqualTo(CpuHarness.VectorBase + 0x200));
    }
}
