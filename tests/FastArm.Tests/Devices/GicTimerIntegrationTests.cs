using FastArm.Devices.Gic;
using FastArm.Devices.Timer;
using FastArm.Jit;
using FastArm.Jit.Exceptions;
using FastArm.Tests.Support;
using NUnit.Framework;
using static FastArm.Devices.Gic.GicV3CpuInterface;

namespace FastArm.Tests.Devices;

/// <summary>Timer → GIC → CPU wiring, as the board does it, with a CPU running guest code.</summary>
public class GicTimerIntegrationTests
{
    [Test]
    public void VirtualTimerInterruptIsTakenAtTheIrqVectorOfEl1()
    {
        using var h = new CpuHarness();
        var cpu = h.Cpu;
        var gic = new GicV3(1);
        gic.Map(h.Bus);
        var counter = new SystemCounter(() => cpu.InstructionsExecuted);
        var timer = new GenericTimer(cpu, counter, gic);
        gic.ConnectCpu(0, cpu, timer.Wake);
        timer.Attach();

        // What Linux's GICv3 driver does, through MMIO and the CPU interface.
        h.Bus.TryWrite(GicV3.DistributorBase, 4, 0x12);                             // GICD_CTLR: EnableGrp1
        h.Bus.TryWrite(GicV3.RedistributorBase + 0x14, 4, 0);                       // GICR_WAKER: awake
        h.Bus.TryWrite(GicV3.RedistributorBase + 0x10080, 4, 0xFFFF_FFFF);          // GICR_IGROUPR0: Group 1
        h.Bus.TryWrite(GicV3.RedistributorBase + 0x10400 + 27, 1, 0xA0);            // priority of PPI 27
        h.Bus.TryWrite(GicV3.RedistributorBase + 0x10100, 4, 1u << 27);             // GICR_ISENABLER0
        var ci = gic.CpuInterfaces[0];
        ci.Write(cpu, ICC_PMR_EL1, 0xF0);
        ci.Write(cpu, ICC_IGRPEN1_EL1, 1);

        timer.Write(cpu, GenericTimer.CNTV_TVAL_EL0, 100);
        timer.Write(cpu, GenericTimer.CNTV_CTL_EL0, 1);
        var events = new List<ExceptionEvent>();
        ulong takenAt = 0;
        cpu.ExceptionHook = e => { events.Add(e); takenAt = cpu.InstructionsExecuted; };
        cpu.S.Daif = 0;                                                             // unmask IRQ
        h.Bus.Load(CpuHarness.CodeBase, BitConverter.GetBytes(0x14000000u));         // b .
        cpu.Pc = CpuHarness.CodeBase;

        // The board's run loop: slices of guest code with a timer poll between them.
        for (int slice = 0; slice < 100 && events.Count == 0; slice++)
        {
            cpu.Run(new RunLimits(MaxInstructions: 16));
            timer.Poll();
        }

        Assert.That(events, Has.Count.EqualTo(1));
        Assert.That(events[0].Kind, Is.EqualTo(ExceptionKind.Irq));
        Assert.That(events[0].Vector, Is.EqualTo(CpuHarness.VectorBase + 0x280), "current EL with SP_ELx, IRQ");
        Assert.That(takenAt, Is.InRange(100UL, 116UL), "taken at the first poll after the deadline");
        Assert.That(ci.Read(cpu, ICC_IAR1_EL1), Is.EqualTo(27UL));
        timer.Write(cpu, GenericTimer.CNTV_CTL_EL0, 0);
        ci.Write(cpu, ICC_EOIR1_EL1, 27);
        Assert.That(cpu.IrqLine, Is.False);
    }
}
