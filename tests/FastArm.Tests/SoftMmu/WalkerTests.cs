using FastArm.SoftMmu.Bus;
using FastArm.SoftMmu.Mmu;
using NUnit.Framework;
using static FastArm.Tests.SoftMmu.PageTableBuilder;

namespace FastArm.Tests.SoftMmu;

public class WalkerTests
{
    private const ulong RamBase = 0x4000_0000, TablesBase = 0x4010_0000;
    private PhysicalBus _bus = null!;
    private static readonly MmuFeatures Feat48 = new(48, Lpa2: false, Lva: false, Lpa: false);
    private static readonly MmuFeatures Feat52 = new(52, Lpa2: true, Lva: true, Lpa: true);
    private const ulong Mair = 0x00_00_00_00_00_00_FF_00;   // AttrIndx 0 = Device-nGnRnE, 1 = Normal WB

    [SetUp]
    public void SetUp()
    {
        _bus = new PhysicalBus();
        _bus.MapRam(RamBase, 64 << 20);
    }

    [TearDown]
    public void TearDown()
    {
        foreach (var r in _bus.RamBlocks) r.Dispose();
    }

    private static ulong Tcr(int t0sz, int tg0, int t1sz = 16, int tg1 = 2, int ips = 5, bool ds = false) =>
        (uint)t0sz | ((ulong)(uint)tg0 << 14) | ((ulong)(uint)t1sz << 16) | ((ulong)(uint)tg1 << 30) | ((ulong)(uint)ips << 32) | (ds ? 1UL << 59 : 0);

    private bool Walk(RegimeRegisters regs, ulong va, out WalkResult r, out WalkFault f, Access access = Access.Read,
        bool privileged = true, bool pan = false, MmuFeatures? feat = null) =>
        Walker.TryWalk(_bus, regs, feat ?? Feat48, new AccessRequest(va, access, privileged, pan), out r, out f);

    [TestCase(12, 16, 0, 3, TestName = "4K granule, 48-bit VA, page at level 3")]
    [TestCase(12, 16, 0, 2, TestName = "4K granule, 48-bit VA, 2 MiB block at level 2")]
    [TestCase(12, 25, 0, 1, TestName = "4K granule, 39-bit VA, 1 GiB block at level 1")]
    [TestCase(14, 17, 2, 3, TestName = "16K granule, 47-bit VA, page at level 3")]
    [TestCase(14, 17, 2, 2, TestName = "16K granule, 47-bit VA, 32 MiB block at level 2")]
    [TestCase(16, 22, 1, 3, TestName = "64K granule, 42-bit VA, page at level 3")]
    [TestCase(16, 22, 1, 2, TestName = "64K granule, 42-bit VA, 512 MiB block at level 2")]
    public void WalkTranslatesPagesAndBlocks(int grainShift, int t0sz, int tg0, int leafLevel)
    {
        var b = new PageTableBuilder(_bus, TablesBase, grainShift, 64 - t0sz);
        int stride = grainShift - 3;
        int leafShift = grainShift + (3 - leafLevel) * stride;
        ulong va = (0x1234_5678_9ABCUL & ((1UL << (64 - t0sz)) - 1)) & ~((1UL << leafShift) - 1);
        ulong pa = 0x0000_8000_0000_0000UL >> 4 & ~((1UL << leafShift) - 1);
        b.Map(va, pa, leafLevel, AF | (1 << 2));
        var regs = new RegimeRegisters(Regime.EL10, 1, Tcr(t0sz, tg0), b.Ttbr(), 0, Mair);
        ulong offset = 0x7F8 & ((1UL << leafShift) - 1);
        Assert.That(Walk(regs, va + offset, out var r, out var f), Is.True, $"fault {f}");
        Assert.That(r.Pa, Is.EqualTo(pa + offset));
        Assert.That(r.Level, Is.EqualTo(leafLevel));
        Assert.That(r.MemoryType, Is.EqualTo(MemoryType.Normal));
    }

    [Test]
    public void UnmappedAddressGivesTranslationFaultAtTheLevelOfTheInvalidDescriptor()
    {
        var b = new PageTableBuilder(_bus, TablesBase, 12, 48);
        b.Map(0x4000_0000, 0x4000_0000, 3);
        var regs = new RegimeRegisters(Regime.EL10, 1, Tcr(16, 0), b.Ttbr(), 0, Mair);
        Assert.That(Walk(regs, 0x4000_1000, out _, out var f3), Is.False);
        Assert.That(f3, Is.EqualTo(new WalkFault(FaultKind.Translation, 3)));
        Assert.That(f3.Status, Is.EqualTo(0x07u));
        Assert.That(Walk(regs, 0x8000_0000, out _, out var f1), Is.False);
        Assert.That(f1, Is.EqualTo(new WalkFault(FaultKind.Translation, 1)));
        Assert.That(Walk(regs, 0x7F00_0000_0000, out _, out var f0), Is.False);
        Assert.That(f0.Level, Is.EqualTo(0));
    }

    [Test]
    public void AddressOutsideTheTtbr0RangeFaultsAtLevel0UnlessTbiIgnoresTheTopByte()
    {
        var b = new PageTableBuilder(_bus, TablesBase, 12, 48);
        b.Map(0x4000_0000, 0x4000_0000, 3);
        var regs = new RegimeRegisters(Regime.EL10, 1, Tcr(16, 0), b.Ttbr(), 0, Mair);
        Assert.That(Walk(regs, 0x0001_0000_4000_0000, out _, out var f), Is.False);
        Assert.That(f, Is.EqualTo(new WalkFault(FaultKind.Translation, 0)));
        Assert.That(Walk(regs, 0x5A00_0000_4000_0000, out _, out _), Is.False, "tagged pointer without TBI");
        var tbi = regs with { Tcr = regs.Tcr | (1UL << 37) };
        Assert.That(Walk(tbi, 0x5A00_0000_4000_0010, out var r, out _), Is.True);
        Assert.That(r.Pa, Is.EqualTo(0x4000_0010UL));
    }

    [Test]
    public void Bit55SelectsTtbr1AndEpd1DisablesItsWalks()
    {
        var low = new PageTableBuilder(_bus, TablesBase, 12, 48);
        var high = new PageTableBuilder(_bus, TablesBase + 0x10_0000, 12, 48);
        high.Map(0xFFFF_8000_0000_0000, 0x4020_0000, 3);
        var regs = new RegimeRegisters(Regime.EL10, 1, Tcr(16, 0, 16, 2), low.Ttbr(), high.Ttbr(), Mair);
        Assert.That(Walk(regs, 0xFFFF_8000_0000_0123, out var r, out _), Is.True);
        Assert.That(r.Pa, Is.EqualTo(0x4020_0123UL));
        var epd1 = regs with { Tcr = regs.Tcr | (1UL << 23) };
        Assert.That(Walk(epd1, 0xFFFF_8000_0000_0123, out _, out var f), Is.False);
        Assert.That(f.Kind, Is.EqualTo(FaultKind.Translation));
    }

    [Test]
    public void ClearAccessFlagGivesAccessFlagFault()
    {
        var b = new PageTableBuilder(_bus, TablesBase, 12, 48);
        b.Map(0x4000_0000, 0x4000_0000, 3, attrs: 0);
        var regs = new RegimeRegisters(Regime.EL10, 1, Tcr(16, 0), b.Ttbr(), 0, Mair);
        Assert.That(Walk(regs, 0x4000_0000, out _, out var f), Is.False);
        Assert.That(f.Status, Is.EqualTo(0x0Bu));
    }

    [Test]
    public void OutputAddressBeyondThePhysicalSizeGivesAddressSizeFault()
    {
        var b = new PageTableBuilder(_bus, TablesBase, 12, 48);
        b.Map(0x4000_0000, 0x0000_1000_0000_0000, 3);
        var regs = new RegimeRegisters(Regime.EL10, 1, Tcr(16, 0, ips: 2), b.Ttbr(), 0, Mair);   // IPS = 40 bits
        Assert.That(Walk(regs, 0x4000_0000, out _, out var f), Is.False);
        Assert.That(f, Is.EqualTo(new WalkFault(FaultKind.AddressSize, 3)));
    }

    [Test]
    public void Lpa2With52BitVaWalksFromLevelMinus1AndReaches52BitPhysicalAddresses()
    {
        var b = new PageTableBuilder(_bus, TablesBase, 12, 52, ds: true);
        Assert.That(b.StartLevel, Is.EqualTo(-1));
        ulong va = 0x000F_1234_5678_9000, pa = 0x000C_0000_1234_5000;
        b.Map(va, pa, 3);
        var regs = new RegimeRegisters(Regime.EL10, 1, Tcr(12, 0, ips: 6, ds: true), b.Ttbr(), 0, Mair);
        Assert.That(Walk(regs, va + 0x10, out var r, out var f, feat: Feat52), Is.True, $"fault {f}");
        Assert.That(r.Pa, Is.EqualTo(pa + 0x10));
        // The same tables read without DS: bits [9:8] are SH, the VA range is 48 bits, and this VA is out of range.
        var noDs = regs with { Tcr = Tcr(16, 0, ips: 5) };
        Assert.That(Walk(noDs, va, out _, out _, feat: Feat52), Is.False);
    }

    [Test]
    public void Lpa2UnmappedLevelMinus1EntryReportsTheLevelMinus1Code()
    {
        var b = new PageTableBuilder(_bus, TablesBase, 12, 52, ds: true);
        var regs = new RegimeRegisters(Regime.EL10, 1, Tcr(12, 0, ips: 6, ds: true), b.Ttbr(), 0, Mair);
        Assert.That(Walk(regs, 0x0008_0000_0000_0000, out _, out var f, feat: Feat52), Is.False);
        Assert.That(f.Level, Is.EqualTo(-1));
        Assert.That(f.Status, Is.EqualTo(0x2Bu));
    }

    [TestCase(0UL, Access.Read, true, false, true, TestName = "EL1 reads a kernel page")]
    [TestCase(0UL, Access.Read, false, false, false, TestName = "EL0 cannot read a kernel page")]
    [TestCase(ApUser, Access.Write, false, false, true, TestName = "EL0 writes a user RW page")]
    [TestCase(ApUser, Access.Read, true, true, false, TestName = "PAN stops EL1 reading a user page")]
    [TestCase(ApUser, Access.Fetch, true, true, false, TestName = "EL1 never executes a user-writable page")]
    [TestCase(ApUser | ApReadOnly, Access.Fetch, true, false, true, TestName = "EL1 executes a user read-only page without PXN")]
    [TestCase(ApReadOnly, Access.Write, true, false, false, TestName = "EL1 cannot write a read-only page")]
    [TestCase(PXN, Access.Fetch, true, false, false, TestName = "PXN stops EL1 execution")]
    [TestCase(ApUser | ApReadOnly | UXN, Access.Fetch, false, false, false, TestName = "UXN stops EL0 execution")]
    [TestCase(ApUser | ApReadOnly | PXN, Access.Fetch, false, false, true, TestName = "PXN does not stop EL0 execution")]
    public void PermissionsFollowApXnAndPan(ulong ap, Access access, bool privileged, bool pan, bool allowed)
    {
        var b = new PageTableBuilder(_bus, TablesBase, 12, 48);
        b.Map(0x4000_0000, 0x4000_0000, 3, AF | ap);
        var regs = new RegimeRegisters(Regime.EL10, 1, Tcr(16, 0), b.Ttbr(), 0, Mair);
        bool ok = Walk(regs, 0x4000_0000, out _, out var f, access, privileged, pan);
        Assert.That(ok, Is.EqualTo(allowed));
        if (!ok) Assert.That(f, Is.EqualTo(new WalkFault(FaultKind.Permission, 3)));
    }

    [Test]
    public void WxnMakesWritableMemoryExecuteNever()
    {
        var b = new PageTableBuilder(_bus, TablesBase, 12, 48);
        b.Map(0x4000_0000, 0x4000_0000, 3);
        var regs = new RegimeRegisters(Regime.EL10, 1 | (1UL << 19), Tcr(16, 0), b.Ttbr(), 0, Mair);
        Assert.That(Walk(regs, 0x4000_0000, out _, out _, Access.Fetch), Is.False);
        Assert.That(Walk(regs with { Sctlr = 1 }, 0x4000_0000, out _, out _, Access.Fetch), Is.True);
    }

    [Test]
    public void HierarchicalApTableRestrictsEveryPageBelowIt()
    {
        var b = new PageTableBuilder(_bus, TablesBase, 12, 48);
        b.Map(0x4000_0000, 0x4000_0000, 3, AF | ApUser, tableAttrs: 1UL << 61);   // APTable[0]: no EL0 access
        var regs = new RegimeRegisters(Regime.EL10, 1, Tcr(16, 0), b.Ttbr(), 0, Mair);
        Assert.That(Walk(regs, 0x4000_0000, out _, out _, Access.Read, privileged: false), Is.False);
        Assert.That(Walk(regs, 0x4000_0000, out _, out _, Access.Read, privileged: true), Is.True);
    }

    [Test]
    public void AttrIndxSelectsDeviceOrNormalFromMair()
    {
        var b = new PageTableBuilder(_bus, TablesBase, 12, 48);
        b.Map(0x0900_0000, 0x0900_0000, 3, AF | (0 << 2));
        var regs = new RegimeRegisters(Regime.EL10, 1, Tcr(16, 0), b.Ttbr(), 0, Mair);
        Assert.That(Walk(regs, 0x0900_0000, out var r, out _), Is.True);
        Assert.That(r.MemoryType, Is.EqualTo(MemoryType.Device));
    }

    [Test]
    public void Ttbr0AsidIsReportedEightBitsUnlessTcrAsSaysSixteen()
    {
        var b = new PageTableBuilder(_bus, TablesBase, 12, 48);
        b.Map(0x4000_0000, 0x4000_0000, 3, AF | NotGlobal);
        var regs = new RegimeRegisters(Regime.EL10, 1, Tcr(16, 0), b.Ttbr(0x1234), 0, Mair);
        Assert.That(Walk(regs, 0x4000_0000, out var r8, out _), Is.True);
        Assert.That(r8.Asid, Is.EqualTo((ushort)0x34));
        Assert.That(r8.NotGlobal, Is.True);
        Assert.That(Walk(regs with { Tcr = regs.Tcr | (1UL << 36) }, 0x4000_0000, out var r16, out _), Is.True);
        Assert.That(r16.Asid, Is.EqualTo((ushort)0x1234));
    }

    [Test]
    public void El2RegimeUsesItsOneRangeTcrLayout()
    {
        var b = new PageTableBuilder(_bus, TablesBase, 12, 48);
        b.Map(0x4000_0000, 0x4000_0000, 2);
        ulong tcrEl2 = 16 | (0UL << 14) | (5UL << 16);   // T0SZ=16, TG0=4K, PS=48 bits
        var regs = new RegimeRegisters(Regime.EL2, 1, tcrEl2, b.Ttbr(), 0, Mair);
        Assert.That(Walk(regs, 0x4012_3456, out var r, out _), Is.True);
        Assert.That(r.Pa, Is.EqualTo(0x4012_3456UL));
    }
}
