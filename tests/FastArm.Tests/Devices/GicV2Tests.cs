using FastArm.Devices.Gic;
using FastArm.Jit;
using FastArm.SoftMmu.Bus;
using NUnit.Framework;

namespace FastArm.Tests.Devices;

public class GicV2Tests
{
    private sealed class Rig : IDisposable
    {
        public readonly PhysicalBus Bus = new();
        public readonly GicV2 Gic;
        public readonly Cpu[] Cpus;
        public int Current;

        public Rig(int cpus = 1)
        {
            Gic = new GicV2(cpus);
            Gic.CurrentCpu = () => Current;
            Gic.Map(Bus);
            Cpus = new Cpu[cpus];
            for (int i = 0; i < cpus; i++)
            {
                Cpus[i] = new Cpu(Bus, new CpuConfig { CpuIndex = i });
                Gic.ConnectCpu(i, Cpus[i]);
            }
        }

        public uint D(ulong off) { Bus.TryRead(GicV2.DistributorBase + off, 4, out ulong v); return (uint)v; }
        public void D(ulong off, uint v) => Bus.TryWrite(GicV2.DistributorBase + off, 4, v);
        public void DB(ulong off, byte v) => Bus.TryWrite(GicV2.DistributorBase + off, 1, v);
        public uint C(ulong off) { Bus.TryRead(GicV2.CpuInterfaceBase + off, 4, out ulong v); return (uint)v; }
        public void C(ulong off, uint v) => Bus.TryWrite(GicV2.CpuInterfaceBase + off, 4, v);

        /// <summary>As Linux's GICv2 driver: distributor and CPU interface on (Group 0), PMR 0xF0.</summary>
        public void Enable()
        {
            D(0x000, 1);
            for (Current = 0; Current < Cpus.Length; Current++)
            {
                C(0x00, 1);
                C(0x04, 0xF0);
            }
            Current = 0;
        }

        public void Dispose()
        {
            foreach (var c in Cpus) c.Dispose();
        }
    }

    [Test]
    public void TyperReportsLinesAndPes()
    {
        using var r = new Rig(2);
        Assert.That(r.D(0x004), Is.EqualTo(8u | 1u << 5));
        Assert.That(r.D(0xFE8) >> 4 & 0xF, Is.EqualTo(2u), "PIDR2.ArchRev");
        Assert.That(r.C(0xFC), Is.EqualTo(0x0002_043Bu));
    }

    [Test]
    public void SpiIsDeliveredToItsTargetsAndEndsWithEoir()
    {
        using var r = new Rig(2);
        r.Enable();
        r.DB(0x400 + 40, 0xA0);
        r.DB(0x800 + 40, 2);                  // ITARGETSR: PE 1
        r.D(0x100 + 4, 1u << 8);
        r.Gic.SetLevel(40, true);
        Assert.That((r.Cpus[0].IrqLine, r.Cpus[1].IrqLine), Is.EqualTo((false, true)), "Group 0 is IRQ while FIQEn is clear");
        r.Current = 1;
        Assert.That(r.C(0x18), Is.EqualTo(40u));
        Assert.That(r.C(0x0C), Is.EqualTo(40u));
        Assert.That(r.C(0x14), Is.EqualTo(0xA0u), "GICC_RPR");
        r.Gic.SetLevel(40, false);
        r.C(0x10, 40);
        Assert.That(r.C(0x14), Is.EqualTo(0xFFu));
        Assert.That(r.Gic.IsActive(1, 40), Is.False);
        Assert.That(r.C(0x0C), Is.EqualTo(1023u));
    }

    [Test]
    public void FiqEnableSendsGroupZeroToFiq()
    {
        using var r = new Rig();
        r.Enable();
        r.C(0x00, 1 | 8);
        r.DB(0x800 + 33, 1);
        r.D(0x100 + 4, 1u << 1);
        r.Gic.SetLevel(33, true);
        Assert.That((r.Cpus[0].IrqLine, r.Cpus[0].FiqLine), Is.EqualTo((false, true)));
    }

    [Test]
    public void BankedRegistersFollowTheAccessingPe()
    {
        using var r = new Rig(2);
        r.Current = 1;
        r.D(0x100, 1u << 27);
        Assert.That(r.D(0x800 + 24) & 0xFF, Is.EqualTo(2u), "ITARGETSR of a PPI reads the PE's own bit");
        r.Current = 0;
        Assert.That(r.D(0x100), Is.EqualTo(0u));
        r.Current = 1;
        Assert.That(r.D(0x100), Is.EqualTo(1u << 27));
    }

    [Test]
    public void SgirRecordsTheSourceWhichIarReports()
    {
        using var r = new Rig(2);
        r.Enable();
        for (r.Current = 0; r.Current < 2; r.Current++) r.D(0x100, 0xFFFF);
        r.Current = 1;
        r.D(0xF00, 1u << 16 | 7);                 // PE 1 sends SGI 7 to PE 0
        r.Current = 0;
        r.D(0xF00, 2u << 24 | 7);                 // PE 0 sends SGI 7 to itself
        Assert.That(r.D(0xF24) >> 24, Is.EqualTo(3u), "GICD_SPENDSGIR: SGI 7 pending from PEs 0 and 1");
        Assert.That(r.C(0x0C), Is.EqualTo(7u), "lowest source first");
        Assert.That(r.Gic.IsPending(0, 7), Is.True, "still pending from the other source");
        r.C(0x10, 7);
        Assert.That(r.C(0x0C), Is.EqualTo(7u | 1u << 10));
        r.C(0x10, 7 | 1u << 10);
        Assert.That(r.Gic.IsPending(0, 7), Is.False);
    }

    [Test]
    public void SgiPendingCanBeClearedPerSource()
    {
        using var r = new Rig(2);
        r.Enable();
        r.D(0xF00, 1u << 24 | 2);                 // all but self: PE 1
        r.Current = 1;
        Assert.That(r.Gic.IsPending(1, 2), Is.True);
        r.DB(0xF10 + 2, 1);
        Assert.That(r.Gic.IsPending(1, 2), Is.False);
        r.D(0x200, 1u << 2);                      // ISPENDR cannot set an SGI
        Assert.That(r.Gic.IsPending(1, 2), Is.False);
    }

    [Test]
    public void GroupOneNeedsAckCtlThroughIarButNotThroughAiar()
    {
        using var r = new Rig();
        r.D(0x000, 3);
        r.C(0x00, 3);
        r.C(0x04, 0xF0);
        r.D(0x084, 1u << 1);                      // INTID 33 in Group 1
        r.DB(0x800 + 33, 1);
        r.D(0x104, 1u << 1);
        r.Gic.SetLevel(33, true);
        Assert.That(r.Cpus[0].IrqLine, Is.True);
        Assert.That(r.C(0x0C), Is.EqualTo(1022u));
        Assert.That(r.C(0x28), Is.EqualTo(33u), "GICC_AHPPIR");
        Assert.That(r.C(0x20), Is.EqualTo(33u), "GICC_AIAR acknowledges Group 1");
        r.C(0x24, 33);
        Assert.That(r.Gic.IsActive(0, 33), Is.False);
    }

    [Test]
    public void SgiConfigurationIsFixedWhilePpiAndSpiConfigurationIsProgrammable()
    {
        using var r = new Rig();
        Assert.That(r.D(0xC00), Is.EqualTo(0xAAAA_AAAAu), "GICD_ICFGR0: SGIs edge-triggered");
        r.D(0xC00, 0);
        Assert.That(r.D(0xC00), Is.EqualTo(0xAAAA_AAAAu));
        r.D(0xC04, 0x8000_0000);
        r.D(0xC08, 0x0000_0002);
        Assert.That(r.D(0xC04), Is.EqualTo(0x8000_0000u), "PPI 31 edge-triggered");
        Assert.That(r.D(0xC08), Is.EqualTo(2u), "SPI 32 edge-triggered");
        Assert.That(r.D(0xC00 + 4 * 18), Is.Zero, "beyond the 288 INTIDs: RAZ");
    }

    [Test]
    public void ActivePrioritiesAreSavedAndRestoredUpToTheImplementedLevels()
    {
        using var r = new Rig();
        r.C(0xD0, 0x8000_0001);
        r.C(0xE4, 0x10);
        Assert.That(r.C(0xD0), Is.EqualTo(0x8000_0001u), "GICC_APR0");
        Assert.That(r.C(0xE4), Is.EqualTo(0x10u), "GICC_NSAPR1");
        Assert.That(r.C(0x14), Is.Zero, "GICC_RPR: the highest active priority, level 0");
        r.C(0xD0, 0);
        r.C(0xE4, 0);
        Assert.That(r.C(0x14), Is.EqualTo(0xFFu), "idle");
    }

    [Test]
    public void BinaryPointsBelowTheMinimumReadAsTheMinimum()
    {
        using var r = new Rig();
        r.C(0x08, 0);
        r.C(0x1C, 0);
        Assert.That(r.C(0x08), Is.EqualTo(0u), "eight priority bits: GICC_BPR may be 0");
        Assert.That(r.C(0x1C), Is.EqualTo(1u), "GICC_ABPR is at least one more");
        r.C(0x04, 0x1FF);
        Assert.That(r.C(0x04), Is.EqualTo(0xFFu), "GICC_PMR keeps the eight implemented bits");
    }
}
