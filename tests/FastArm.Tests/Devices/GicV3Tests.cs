using FastArm.Devices.Gic;
using FastArm.Jit;
using FastArm.SoftMmu.Bus;
using NUnit.Framework;
using static FastArm.Devices.Gic.GicV3CpuInterface;

namespace FastArm.Tests.Devices;

/// <summary>A GICv3 on a bus with N bare CPUs at EL1; registers reached directly (MMIO and ICC_* calls).</summary>
internal sealed class GicV3Rig : IDisposable
{
    public const ulong Dist = GicV3.DistributorBase, Redist = GicV3.RedistributorBase;
    public readonly PhysicalBus Bus = new();
    public readonly GicV3 Gic;
    public readonly Cpu[] Cpus;
    public readonly List<string> Trace = [];
    public readonly List<ExceptionEvent> Exceptions = [];

    public GicV3Rig(int cpus = 1)
    {
        Gic = new GicV3(cpus) { Trace = Trace.Add };
        Gic.Map(Bus, redistRegionSize: GicV3.VirtRedistributorRegionSize);
        Cpus = new Cpu[cpus];
        for (int i = 0; i < cpus; i++)
        {
            Cpus[i] = new Cpu(Bus, new CpuConfig { CpuIndex = i });
            Cpus[i].ExceptionHook = Exceptions.Add;
            Gic.ConnectCpu(i, Cpus[i]);
        }
    }

    public uint D(ulong off) => (uint)Read(Dist + off, 4);
    public void D(ulong off, uint v) => Write(Dist + off, v, 4);
    public uint R(int cpu, ulong off) => (uint)Read(Redist + (ulong)cpu * 0x20000 + off, 4);
    public void R(int cpu, ulong off, uint v) => Write(Redist + (ulong)cpu * 0x20000 + off, v, 4);
    /// <summary>A register of PE <paramref name="cpu"/>'s SGI_base frame.</summary>
    public uint S(int cpu, ulong off) => R(cpu, 0x10000 + off);
    public void S(int cpu, ulong off, uint v) => R(cpu, 0x10000 + off, v);

    public ulong Read(ulong pa, int size) { Assert.That(Bus.TryRead(pa, size, out ulong v), Is.True); return v; }
    public void Write(ulong pa, ulong v, int size) => Assert.That(Bus.TryWrite(pa, size, v), Is.True);

    public ulong Icc(int cpu, uint enc) => Gic.CpuInterfaces[cpu].Read(Cpus[cpu], enc);
    public void Icc(int cpu, uint enc, ulong v) => Gic.CpuInterfaces[cpu].Write(Cpus[cpu], enc, v);

    /// <summary>What Linux does: redistributors awake, distributor Group 1 on, PMR 0xF0, Group 1 enabled.</summary>
    public void EnableGroup1()
    {
        D(0x0, 0x12);
        for (int i = 0; i < Cpus.Length; i++)
        {
            R(i, 0x14, 0);
            Icc(i, ICC_PMR_EL1, 0xF0);
            Icc(i, ICC_IGRPEN1_EL1, 1);
        }
    }

    /// <summary>Configures SPI <paramref name="intid"/>: group, priority, enable, level or edge.</summary>
    public void ConfigureSpi(int intid, int group = 1, byte priority = 0x80, bool edge = false)
    {
        int w = intid / 32, b = intid % 32;
        D(0x80 + (ulong)w * 4, (uint)((D(0x80 + (ulong)w * 4) & ~(1u << b)) | (uint)group << b));
        Write(Dist + 0x400 + (ulong)intid, priority, 1);
        if (edge) D(0xC00 + (ulong)(intid / 16) * 4, D(0xC00 + (ulong)(intid / 16) * 4) | 2u << (2 * (intid % 16)));
        D(0x100 + (ulong)w * 4, 1u << b);
    }

    public void ConfigurePrivate(int cpu, int intid, int group = 1, byte priority = 0x80)
    {
        S(cpu, 0x80, (uint)((S(cpu, 0x80) & ~(1u << intid)) | (uint)group << intid));
        Write(Redist + (ulong)cpu * 0x20000 + 0x10400 + (ulong)intid, priority, 1);
        S(cpu, 0x100, 1u << intid);
    }

    public void Dispose()
    {
        foreach (var c in Cpus) c.Dispose();
    }
}

public class GicV3Tests
{
    [Test]
    public void DistributorIdentifiesAsQemuVirtGicV3WithOneSecurityState()
    {
        using var r = new GicV3Rig();
        Assert.That(r.D(0x0), Is.EqualTo(0x50u), "GICD_CTLR: ARE and DS set, groups disabled");
        Assert.That(r.D(0x4), Is.EqualTo(0x0378_0008u), "GICD_TYPER: 288 INTIDs, IDbits 15, A3V, No1N, no LPIs");
        Assert.That(r.D(0x8), Is.EqualTo(0x43Bu));
        Assert.That(r.D(0xFFE8) >> 4 & 0xF, Is.EqualTo(3u), "PIDR2.ArchRev");
        Assert.That(r.R(0, 0xFFE8) >> 4 & 0xF, Is.EqualTo(3u));
    }

    [Test]
    public void ArAndDsCannotBeClearedAndOnlyTheGroupEnablesAreWritable()
    {
        using var r = new GicV3Rig();
        r.D(0x0, 0xFFFF_FFFF);
        Assert.That(r.D(0x0), Is.EqualTo(0x53u));
        r.D(0x0, 0);
        Assert.That(r.D(0x0), Is.EqualTo(0x50u));
    }

    [Test]
    public void RedistributorTyperGivesAffinityProcessorNumberAndLast()
    {
        using var r = new GicV3Rig(2);
        ulong t0 = r.Read(GicV3Rig.Redist + 8, 8), t1 = r.Read(GicV3Rig.Redist + 0x20000 + 8, 8);
        Assert.That(t0, Is.EqualTo(0UL));
        Assert.That(t1, Is.EqualTo(1UL << 32 | 1 << 8 | 1 << 4));
        Assert.That(r.R(1, 0xC), Is.EqualTo(1u), "upper half of GICR_TYPER read as a word");
        Assert.That(GicV3.VirtAffinity(17), Is.EqualTo(0x101u));
    }

    [Test]
    public void WakerHandshakeClearsChildrenAsleepWithProcessorSleep()
    {
        using var r = new GicV3Rig();
        Assert.That(r.R(0, 0x14), Is.EqualTo(6u), "reset: ProcessorSleep and ChildrenAsleep");
        r.R(0, 0x14, 0);
        Assert.That(r.R(0, 0x14), Is.EqualTo(0u));
        r.R(0, 0x14, 2);
        Assert.That(r.R(0, 0x14), Is.EqualTo(6u));
    }

    [Test]
    public void ReservedOffsetsAreRazWiAndReportedOnce()
    {
        using var r = new GicV3Rig();
        Assert.That(r.D(0x5000), Is.EqualTo(0u));
        Assert.That(r.D(0x5000), Is.EqualTo(0u));
        r.D(0x5000, 0xFFFF_FFFF);
        Assert.That(r.D(0x5000), Is.EqualTo(0u));
        Assert.That(r.Trace, Has.Count.EqualTo(2), string.Join("\n", r.Trace));
        Assert.That(r.R(0, 0x2_0000 + 0x14), Is.EqualTo(0u), "beyond the only redistributor");
    }

    [Test]
    public void PrivateInterruptWordsOfTheDistributorAreRazWiUnderAffinityRouting()
    {
        using var r = new GicV3Rig();
        r.D(0x100, 0xFFFF_FFFF);
        Assert.That(r.D(0x100), Is.EqualTo(0u));
        Assert.That(r.S(0, 0x100), Is.EqualTo(0u));
        r.S(0, 0x100, 0x8000_0001);
        Assert.That(r.S(0, 0x100), Is.EqualTo(0x8000_0001u));
        r.S(0, 0x180, 1);
        Assert.That(r.S(0, 0x100), Is.EqualTo(0x8000_0000u));
    }

    [Test]
    public void SgiConfigurationIsEdgeAndFixedWhilePpisAreProgrammable()
    {
        using var r = new GicV3Rig();
        Assert.That(r.S(0, 0xC00), Is.EqualTo(0xAAAA_AAAAu));
        r.S(0, 0xC00, 0);
        Assert.That(r.S(0, 0xC00), Is.EqualTo(0xAAAA_AAAAu));
        Assert.That(r.S(0, 0xC04), Is.EqualTo(0u));
        r.S(0, 0xC04, 0x8000_0000);
        Assert.That(r.S(0, 0xC04), Is.EqualTo(0x8000_0000u));
    }

    [Test]
    public void PrioritiesAreByteAccessibleAndIroutersSixtyFourBit()
    {
        using var r = new GicV3Rig(2);
        r.Write(GicV3Rig.Dist + 0x400 + 33, 0xA0, 1);
        Assert.That(r.D(0x420), Is.EqualTo(0xA000u));
        r.Write(GicV3Rig.Dist + 0x6000 + 8 * 40, 0xFF_8000_0001UL, 8);
        Assert.That(r.Read(GicV3Rig.Dist + 0x6000 + 8 * 40, 8), Is.EqualTo(0xFF_0000_0001UL), "IRM is RAZ/WI (No1N)");
    }

    [Test]
    public void CpuInterfaceIdentificationAndBinaryPointMinimums()
    {
        using var r = new GicV3Rig();
        Assert.That(r.Icc(0, ICC_SRE_EL1), Is.EqualTo(7UL));
        Assert.That(r.Icc(0, ICC_CTLR_EL1), Is.EqualTo(4UL << 8 | 1 << 15), "PRIbits 4 (five bits), A3V");
        Assert.That(r.Icc(0, ICC_BPR0_EL1), Is.EqualTo(2UL));
        Assert.That(r.Icc(0, ICC_BPR1_EL1), Is.EqualTo(3UL));
        r.Icc(0, ICC_BPR1_EL1, 0);
        Assert.That(r.Icc(0, ICC_BPR1_EL1), Is.EqualTo(3UL), "below the minimum sets the minimum");
        r.Icc(0, ICC_PMR_EL1, 0xFF);
        Assert.That(r.Icc(0, ICC_PMR_EL1), Is.EqualTo(0xF8UL), "unimplemented priority bits read as zero");
        Assert.That(r.Icc(0, ICC_RPR_EL1), Is.EqualTo(0xFFUL), "idle priority");
    }

    [Test]
    public void LevelSpiIsSignalledAckedAndPendingAgainWhileTheLineStaysHigh()
    {
        using var r = new GicV3Rig();
        r.EnableGroup1();
        r.ConfigureSpi(33);
        Assert.That(r.Cpus[0].IrqLine, Is.False);
        r.Gic.SetLevel(33, true);
        Assert.That(r.Cpus[0].IrqLine, Is.True);
        Assert.That(r.Icc(0, ICC_HPPIR1_EL1), Is.EqualTo(33UL));
        Assert.That(r.Icc(0, ICC_IAR1_EL1), Is.EqualTo(33UL));
        Assert.That(r.Cpus[0].IrqLine, Is.False, "active: no longer signalled");
        Assert.That(r.Icc(0, ICC_RPR_EL1), Is.EqualTo(0x80UL));
        Assert.That(r.Gic.IsActive(0, 33) && r.Gic.IsPending(0, 33), Is.True, "active and pending while the input is high");
        r.Icc(0, ICC_EOIR1_EL1, 33);
        Assert.That(r.Icc(0, ICC_RPR_EL1), Is.EqualTo(0xFFUL));
        Assert.That(r.Cpus[0].IrqLine, Is.True, "still high after EOI: pending again");
        r.Gic.SetLevel(33, false);
        Assert.That(r.Cpus[0].IrqLine, Is.False);
        Assert.That(r.Icc(0, ICC_IAR1_EL1), Is.EqualTo(1023UL));
    }

    [Test]
    public void EdgeSpiLatchesAPulseAndAcknowledgeClearsIt()
    {
        using var r = new GicV3Rig();
        r.EnableGroup1();
        r.ConfigureSpi(40, edge: true);
        r.Gic.SetLevel(40, true);
        r.Gic.SetLevel(40, false);
        Assert.That(r.Cpus[0].IrqLine, Is.True, "the edge stays latched after the pulse");
        Assert.That(r.Icc(0, ICC_IAR1_EL1), Is.EqualTo(40UL));
        r.Icc(0, ICC_EOIR1_EL1, 40);
        Assert.That(r.Gic.IsPending(0, 40), Is.False);
        Assert.That(r.Cpus[0].IrqLine, Is.False);
    }

    [Test]
    public void SoftwarePendingAndClearPendingWork()
    {
        using var r = new GicV3Rig();
        r.EnableGroup1();
        r.ConfigureSpi(35);
        r.D(0x200 + 4, 1u << 3);
        Assert.That(r.D(0x204) & 1u << 3, Is.Not.Zero);
        Assert.That(r.Cpus[0].IrqLine, Is.True);
        r.D(0x280 + 4, 1u << 3);
        Assert.That(r.Cpus[0].IrqLine, Is.False);
    }

    [Test]
    public void PriorityMaskBlocksEqualOrLowerPriority()
    {
        using var r = new GicV3Rig();
        r.EnableGroup1();
        r.ConfigureSpi(33, priority: 0xF0);
        r.Gic.SetLevel(33, true);
        Assert.That(r.Cpus[0].IrqLine, Is.False, "priority 0xF0 is not above PMR 0xF0");
        Assert.That(r.Icc(0, ICC_IAR1_EL1), Is.EqualTo(1023UL));
        r.Icc(0, ICC_PMR_EL1, 0xF8);
        Assert.That(r.Cpus[0].IrqLine, Is.True);
    }

    [Test]
    public void HigherPriorityPreemptsAndTheHighestWinsTheAcknowledge()
    {
        using var r = new GicV3Rig();
        r.EnableGroup1();
        r.ConfigureSpi(33, priority: 0x80);
        r.ConfigureSpi(34, priority: 0x40);
        r.ConfigureSpi(35, priority: 0x80);
        r.Gic.SetLevel(33, true);
        Assert.That(r.Icc(0, ICC_IAR1_EL1), Is.EqualTo(33UL));
        r.Gic.SetLevel(35, true);
        Assert.That(r.Cpus[0].IrqLine, Is.False, "same priority does not preempt");
        r.Gic.SetLevel(34, true);
        Assert.That(r.Cpus[0].IrqLine, Is.True);
        Assert.That(r.Icc(0, ICC_IAR1_EL1), Is.EqualTo(34UL));
        Assert.That(r.Icc(0, ICC_RPR_EL1), Is.EqualTo(0x40UL));
        r.Gic.SetLevel(34, false);
        r.Icc(0, ICC_EOIR1_EL1, 34);
        Assert.That(r.Icc(0, ICC_RPR_EL1), Is.EqualTo(0x80UL), "back to the preempted interrupt's priority");
        r.Gic.SetLevel(33, false);
        r.Icc(0, ICC_EOIR1_EL1, 33);
        Assert.That(r.Icc(0, ICC_IAR1_EL1), Is.EqualTo(35UL));
    }

    [Test]
    public void SubpriorityDoesNotPreemptUnderALargeBinaryPoint()
    {
        using var r = new GicV3Rig();
        r.EnableGroup1();
        r.Icc(0, ICC_BPR1_EL1, 7);   // group priority is bit 7 alone
        r.ConfigureSpi(33, priority: 0x40);
        r.ConfigureSpi(34, priority: 0x20);
        r.Gic.SetLevel(33, true);
        Assert.That(r.Icc(0, ICC_IAR1_EL1), Is.EqualTo(33UL));
        Assert.That(r.Icc(0, ICC_RPR_EL1), Is.EqualTo(0UL));
        r.Gic.SetLevel(34, true);
        Assert.That(r.Cpus[0].IrqLine, Is.False, "0x20 and 0x40 share group priority 0");
        r.Icc(0, ICC_EOIR1_EL1, 33);
        Assert.That(r.Cpus[0].IrqLine, Is.True);
    }

    [Test]
    public void GroupZeroIsSignalledAsFiqAndAcknowledgedThroughIar0()
    {
        using var r = new GicV3Rig();
        r.EnableGroup1();
        r.D(0x0, 0x13);
        r.Icc(0, ICC_IGRPEN0_EL1, 1);
        r.ConfigureSpi(36, group: 0);
        r.Gic.SetLevel(36, true);
        Assert.That(r.Cpus[0].FiqLine, Is.True);
        Assert.That(r.Cpus[0].IrqLine, Is.False);
        Assert.That(r.Icc(0, ICC_HPPIR1_EL1), Is.EqualTo(1023UL));
        Assert.That(r.Icc(0, ICC_IAR1_EL1), Is.EqualTo(1023UL));
        Assert.That(r.Icc(0, ICC_IAR0_EL1), Is.EqualTo(36UL));
        Assert.That(r.Cpus[0].FiqLine, Is.False);
        r.Icc(0, ICC_EOIR1_EL1, 36);
        Assert.That(r.Gic.IsActive(0, 36), Is.True, "EOIR1 cannot end a Group 0 interrupt");
        r.Icc(0, ICC_EOIR0_EL1, 36);
        Assert.That(r.Gic.IsActive(0, 36), Is.False);
    }

    [Test]
    public void DisabledGroupsAreNotForwarded()
    {
        using var r = new GicV3Rig();
        r.EnableGroup1();
        r.ConfigureSpi(33);
        r.Gic.SetLevel(33, true);
        r.D(0x0, 0);
        Assert.That(r.Cpus[0].IrqLine, Is.False, "distributor group 1 disabled");
        r.D(0x0, 2);
        r.Icc(0, ICC_IGRPEN1_EL1, 0);
        Assert.That(r.Cpus[0].IrqLine, Is.False, "CPU interface group 1 disabled");
        Assert.That(r.Icc(0, ICC_HPPIR1_EL1), Is.EqualTo(33UL), "still the highest pending");
        Assert.That(r.Icc(0, ICC_IAR1_EL1), Is.EqualTo(1023UL));
    }

    [Test]
    public void SplitEoiModeDropsPriorityThenDirDeactivates()
    {
        using var r = new GicV3Rig();
        r.EnableGroup1();
        r.Icc(0, ICC_CTLR_EL1, 2);
        r.ConfigureSpi(33, edge: true);
        r.Gic.SetLevel(33, true);
        Assert.That(r.Icc(0, ICC_IAR1_EL1), Is.EqualTo(33UL));
        r.Icc(0, ICC_EOIR1_EL1, 33);
        Assert.That(r.Icc(0, ICC_RPR_EL1), Is.EqualTo(0xFFUL));
        Assert.That(r.Gic.IsActive(0, 33), Is.True);
        r.Icc(0, ICC_DIR_EL1, 33);
        Assert.That(r.Gic.IsActive(0, 33), Is.False);
    }

    [Test]
    public void SpisGoToThePeTheirRouterNames()
    {
        using var r = new GicV3Rig(2);
        r.EnableGroup1();
        r.ConfigureSpi(50);
        r.Gic.SetLevel(50, true);
        Assert.That((r.Cpus[0].IrqLine, r.Cpus[1].IrqLine), Is.EqualTo((true, false)), "reset routing: affinity 0.0.0.0");
        r.Write(GicV3Rig.Dist + 0x6000 + 8 * 50, 1, 8);
        Assert.That((r.Cpus[0].IrqLine, r.Cpus[1].IrqLine), Is.EqualTo((false, true)));
        Assert.That(r.Icc(1, ICC_IAR1_EL1), Is.EqualTo(50UL));
    }

    [Test]
    public void SgisReachTheTargetListAndIrmReachesEveryOtherPe()
    {
        using var r = new GicV3Rig(2);
        r.EnableGroup1();
        for (int i = 0; i < 2; i++) r.ConfigurePrivate(i, 5);
        r.Icc(0, ICC_SGI1R_EL1, 5UL << 24 | 1UL << 1);   // SGI 5 to Aff0 = 1
        Assert.That((r.Cpus[0].IrqLine, r.Cpus[1].IrqLine), Is.EqualTo((false, true)));
        Assert.That(r.Icc(1, ICC_IAR1_EL1), Is.EqualTo(5UL));
        r.Icc(1, ICC_EOIR1_EL1, 5);
        r.Icc(1, ICC_SGI1R_EL1, 5UL << 24 | 1UL << 40);  // IRM: all but self
        Assert.That((r.Cpus[0].IrqLine, r.Cpus[1].IrqLine), Is.EqualTo((true, false)));
        Assert.That(r.Icc(0, ICC_IAR1_EL1), Is.EqualTo(5UL));
        r.Icc(0, ICC_SGI1R_EL1, 5UL << 24 | 1UL << 1 | 1UL << 16);   // Aff1 = 1: nobody
        Assert.That(r.Cpus[1].IrqLine, Is.False);
    }

    [Test]
    public void Sgi0rOnlyForwardsGroupZeroSgis()
    {
        using var r = new GicV3Rig(2);
        r.EnableGroup1();
        r.ConfigurePrivate(1, 3, group: 1);
        r.Icc(0, ICC_SGI0R_EL1, 3UL << 24 | 1UL << 1);
        Assert.That(r.Gic.IsPending(1, 3), Is.False);
        r.ConfigurePrivate(1, 3, group: 0);
        r.Icc(0, ICC_SGI0R_EL1, 3UL << 24 | 1UL << 1);
        Assert.That(r.Gic.IsPending(1, 3), Is.True);
    }

    [Test]
    public void PpisArePerPe()
    {
        using var r = new GicV3Rig(2);
        r.EnableGroup1();
        r.ConfigurePrivate(0, 27);
        r.ConfigurePrivate(1, 27);
        r.Gic.SetPrivateLevel(1, 27, true);
        Assert.That((r.Cpus[0].IrqLine, r.Cpus[1].IrqLine), Is.EqualTo((false, true)));
        Assert.That(r.Icc(1, ICC_IAR1_EL1), Is.EqualTo(27UL));
    }

    [Test]
    public void ActivePriorityRegistersRecordTheGroupPriority()
    {
        using var r = new GicV3Rig();
        r.EnableGroup1();
        r.ConfigureSpi(33, priority: 0x48);
        r.Gic.SetLevel(33, true);
        r.Icc(0, ICC_IAR1_EL1);
        Assert.That(r.Icc(0, ICC_AP1R0_EL1), Is.EqualTo(1UL << (0x48 >> 3)));
        Assert.That(r.Icc(0, ICC_AP0R0_EL1), Is.EqualTo(0UL));
    }

    [Test]
    public void AccessesThatDoNotExistAreUndefined()
    {
        using var r = new GicV3Rig();
        var cpu = r.Cpus[0];
        r.Icc(0, ICC_AP1R0_EL1 + 1);                      // AP1R1: only with six or more preemption bits
        r.Icc(0, ICC_EOIR1_EL1);                          // write-only
        r.Icc(0, ICC_IAR1_EL1, 0);                        // read-only
        r.Icc(0, ICC_SRE_EL2);                            // no EL2
        cpu.S.EL = 0;
        r.Icc(0, ICC_PMR_EL1);                            // EL1 register at EL0
        Assert.That(r.Exceptions, Has.Count.EqualTo(5));
        Assert.That(r.Exceptions.All(e => e.Esr >> 26 == 0), Is.True, "all UNDEFINED (EC 0)");
    }

    [Test]
    public void OwnsExactlyTheIccRegisters()
    {
        using var r = new GicV3Rig();
        var ci = r.Gic.CpuInterfaces[0];
        Assert.That(ci.Owns(ICC_IAR1_EL1) && ci.Owns(ICC_PMR_EL1) && ci.Owns(ICC_SGI1R_EL1) && ci.Owns(ICC_SRE_EL2), Is.True);
        Assert.That(ci.Owns(FastArm.Jit.Semantics.SysRegEncoding.Make(3, 0, 12, 0, 0)), Is.False, "VBAR_EL1");
        Assert.That(ci.Owns(FastArm.Jit.Semantics.SysRegEncoding.Make(3, 4, 12, 11, 0)), Is.False, "ICH_HCR_EL2");
    }
}
