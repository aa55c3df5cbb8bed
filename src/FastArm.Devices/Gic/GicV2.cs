using System.Numerics;
using FastArm.Devices.Registers;
using FastArm.Jit;
using FastArm.SoftMmu.Bus;

namespace FastArm.Devices.Gic;

/// <summary>
/// A GICv2 (IHI 0048B) as QEMU's <c>virt</c> has it with <c>gic-version=2</c> and no Security Extensions:
/// a distributor and a memory-mapped CPU interface, both banked per PE for the private registers. The bus
/// does not say which PE made an access, so the board sets <see cref="CurrentCpu"/> (the PE being run).
/// </summary>
public sealed class GicV2 : GicBase
{
    public const ulong DistributorBase = 0x0800_0000, DistributorSize = 0x1_0000;
    public const ulong CpuInterfaceBase = 0x0801_0000, CpuInterfaceSize = 0x1_0000;

    /// <summary>ID_AA64PFR0_EL1.GIC for a PE wired to a GICv2: 0, no System register interface.</summary>
    public const int IdAa64Pfr0Gic = 0;

    public GicV2Distributor Distributor { get; }
    public GicV2CpuInterface CpuInterface { get; }

    /// <summary>Which PE is accessing the memory-mapped registers now (default: PE 0).</summary>
    public Func<int> CurrentCpu { get; set; } = static () => 0;

    /// <summary>GICD_ITARGETSR byte per INTID (SPIs only): a bit mask of target PEs.</summary>
    internal readonly byte[] Targets;

    public GicV2(int numCpus, int numIrqs = 288, int priorityBits = 8) : base(numCpus, numIrqs, priorityBits)
    {
        if (numCpus > 8) throw new ArgumentOutOfRangeException(nameof(numCpus), "a GICv2 serves at most 8 PEs");
        Targets = new byte[numIrqs];
        Distributor = new GicV2Distributor(this);
        CpuInterface = new GicV2CpuInterface(this);
        Reset();
    }

    public void Map(PhysicalBus bus, ulong distBase = DistributorBase, ulong cpuBase = CpuInterfaceBase)
    {
        bus.MapMmio(distBase, DistributorSize, Distributor, "gicv2-dist");
        bus.MapMmio(cpuBase, CpuInterfaceSize, CpuInterface, "gicv2-cpu");
    }

    public void ConnectCpu(int index, Cpu cpu, Action? wake = null) => AttachCpu(index, cpu, wake);

    internal GicCpuState Current
    {
        get
        {
            int i = CurrentCpu();
            return Cpus[(uint)i < (uint)NumCpus ? i : 0];
        }
    }

    private protected override void ResetVersion() => Array.Clear(Targets);

    /// <summary>Group 0 goes out as FIQ only when GICC_CTLR.FIQEn is set; otherwise everything is IRQ.</summary>
    private protected override bool SignalsFiq(GicCpuState c, int group) => group == 0 && c.FiqEn;

    private protected override void RecomputeTargets()
    {
        for (int n = 32; n < NumIrqs; n++) RouteSpi(n);
    }

    internal void RouteSpi(int n)
    {
        for (int i = 0; i < NumCpus; i++) IrqBank.SetBit(SpiTarget[i], n, (Targets[n] & (1 << i)) != 0);
    }

    /// <summary>Makes SGI <paramref name="sgi"/> pending on <paramref name="target"/> from <paramref name="source"/>.</summary>
    internal void SetSgiSources(GicCpuState target, int sgi, byte sources, bool set)
    {
        if (set) target.SgiSources[sgi] |= sources;
        else target.SgiSources[sgi] &= (byte)~sources;
        IrqBank.SetBit(target.Private.Latch, sgi, target.SgiSources[sgi] != 0);
    }

    /// <summary>Acknowledges the HPPI: an SGI takes its lowest pending source, which IAR reports in [12:10].</summary>
    internal int AcknowledgeHppi(GicCpuState c)
    {
        int intid = c.HppiId;
        int source = 0;
        if (intid < 16)
        {
            source = BitOperations.TrailingZeroCount((uint)c.SgiSources[intid]) & 7;
            c.SgiSources[intid] &= (byte)~(1 << source);
        }
        Activate(c, intid);
        if (intid < 16 && c.SgiSources[intid] != 0) IrqBank.SetBit(c.Private.Latch, intid, true);
        UpdateFor(c, intid);
        return intid | source << 10;
    }

    internal int HppiSource(GicCpuState c) =>
        c.HppiId < 16 ? BitOperations.TrailingZeroCount((uint)c.SgiSources[c.HppiId]) & 7 : 0;
}

/// <summary>The GICv2 distributor (GICD_*), 4 KiB of registers in a 64 KiB region.</summary>
public sealed class GicV2Distributor : GicFrame<GicV2Distributor>
{
    private readonly GicV2 _gic;

    internal GicV2Distributor(GicV2 gic) : base(gic, Map, "gicv2-dist") => _gic = gic;

    /// <summary>Word <paramref name="w"/> of a per-INTID array: word 0 is the current PE's bank.</summary>
    private IrqBank? Bank(int w) => w == 0 ? _gic.Current.Private : w < _gic.NumIrqs / 32 ? _gic.Spi : null;

    private void Changed(int w)
    {
        if (w == 0) _gic.Update(_gic.Current);
        else _gic.UpdateAll();
    }

    private uint Typer => (uint)(_gic.NumIrqs / 32 - 1) | (uint)(_gic.NumCpus - 1) << 5;

    /// <summary>GICD_ITARGETSR word w: for INTIDs 0..31 the reading PE's own bit (read-only).</summary>
    private uint ReadTargets(int w)
    {
        if (w < 8)
        {
            uint self = 1u << _gic.Current.Index;
            return self | self << 8 | self << 16 | self << 24;
        }
        if (w >= _gic.NumIrqs / 4) return 0;
        var t = _gic.Targets;
        return (uint)(t[4 * w] | t[4 * w + 1] << 8 | t[4 * w + 2] << 16 | t[4 * w + 3] << 24);
    }

    private void WriteTargets(int w, uint value, uint mask)
    {
        if (w < 8 || w >= _gic.NumIrqs / 4) return;
        byte cpus = (byte)((1 << _gic.NumCpus) - 1);
        for (int i = 0; i < 4; i++)
        {
            if ((mask & (0xFFu << (8 * i))) == 0) continue;
            int n = 4 * w + i;
            _gic.Targets[n] = (byte)((value >> (8 * i)) & cpus);
            _gic.RouteSpi(n);
        }
        _gic.UpdateAll();
    }

    /// <summary>GICD_SGIR: TargetListFilter [25:24], CPUTargetList [23:16], SGIINTID [3:0] (NSATT ignored).</summary>
    private void WriteSgir(uint v)
    {
        int sgi = (int)(v & 0xF);
        var self = _gic.Current;
        uint list = (v >> 16) & 0xFF;
        list = ((v >> 24) & 3) switch
        {
            0 => list,
            1 => 0xFFu & ~(1u << self.Index),
            2 => 1u << self.Index,
            _ => 0,
        };
        foreach (var t in _gic.Cpus)
        {
            if ((list & (1u << t.Index)) == 0) continue;
            _gic.SetSgiSources(t, sgi, (byte)(1 << self.Index), true);
            _gic.Update(t);
        }
    }

    private uint ReadSgiPending(int w)
    {
        var s = _gic.Current.SgiSources;
        return (uint)(s[4 * w] | s[4 * w + 1] << 8 | s[4 * w + 2] << 16 | s[4 * w + 3] << 24);
    }

    private void WriteSgiPending(int w, uint value, uint mask, bool set)
    {
        var c = _gic.Current;
        for (int i = 0; i < 4; i++)
        {
            if ((mask & (0xFFu << (8 * i))) == 0) continue;
            byte bits = (byte)(value >> (8 * i));
            if (bits != 0) _gic.SetSgiSources(c, 4 * w + i, bits, set);
        }
        _gic.Update(c);
    }

    private static readonly RegisterMap<GicV2Distributor> Map = new("gicv2-dist", 0x1000,
    [
        Reg.Live<GicV2Distributor>(0x000, "GICD_CTLR", (d, _) => d._gic.DistributorEnables, (d, _, v, m) => d._gic.WriteDistributorEnables(v, m)),
        Reg.Live<GicV2Distributor>(0x004, "GICD_TYPER", (d, _) => d.Typer, null),
        Reg.Const<GicV2Distributor>(0x008, "GICD_IIDR", 0x43B),
        .. GicRegisters.InterruptArrays<GicV2Distributor>("GICD_", 32, static (d, w) => d.Bank(w), static (d, w) => d.Changed(w),
            sgiPendingBySource: true),
        Reg.Live<GicV2Distributor>(0x800, "GICD_ITARGETSR", (d, w) => d.ReadTargets(w),
            (d, w, v, m) => d.WriteTargets(w, (uint)v, (uint)m), count: 255, sizes: AccessSizes.ByteOrWord),
        Reg.Raz<GicV2Distributor>(0xE00, "GICD_NSACR", count: 64),
        Reg.WriteOnly<GicV2Distributor>(0xF00, "GICD_SGIR", (d, _, v, _) => d.WriteSgir((uint)v)),
        Reg.Live<GicV2Distributor>(0xF10, "GICD_CPENDSGIR", (d, w) => d.ReadSgiPending(w),
            (d, w, v, m) => d.WriteSgiPending(w, (uint)v, (uint)m, set: false), count: 4, sizes: AccessSizes.ByteOrWord),
        Reg.Live<GicV2Distributor>(0xF20, "GICD_SPENDSGIR", (d, w) => d.ReadSgiPending(w),
            (d, w, v, m) => d.WriteSgiPending(w, (uint)v, (uint)m, set: true), count: 4, sizes: AccessSizes.ByteOrWord),
        .. Reg.IdRegisters<GicV2Distributor>(0xFD0, [0x04, 0x00, 0x00, 0x00, 0x90, 0xB4, 0x2B, 0x00, 0x0D, 0xF0, 0x05, 0xB1]),
    ]);
}

/// <summary>The GICv2 CPU interface (GICC_*), banked per PE: 8 KiB of registers (GICC_DIR at 0x1000).</summary>
public sealed class GicV2CpuInterface : GicFrame<GicV2CpuInterface>
{
    private readonly GicV2 _gic;

    internal GicV2CpuInterface(GicV2 gic) : base(gic, Map, "gicv2-cpu") => _gic = gic;

    // GICC_CTLR without Security Extensions: EnableGrp0 [0], EnableGrp1 [1], AckCtl [2], FIQEn [3], CBPR [4],
    // bypass disables [8:5], EOImodeS [9], EOImodeNS [10]. Bit 9 is the EOImode that applies here.
    private const uint CtlrWritable = 0x7FF;

    private void WriteCtlr(uint v)
    {
        var c = _gic.Current;
        c.Ctlr = v & CtlrWritable;
        c.GrpEn0 = (v & 1) != 0;
        c.GrpEn1 = (v & 2) != 0;
        c.AckCtl = (v & 4) != 0;
        c.FiqEn = (v & 8) != 0;
        c.Cbpr = (v & 16) != 0;
        c.EoiMode = (v & (1 << 9)) != 0;
        _gic.Update(c);
    }

    /// <summary>
    /// GICC_IAR (<paramref name="alias"/> false) and GICC_AIAR (true, Group 1 only). Through GICC_IAR a Group 1
    /// HPPI is acknowledged only with AckCtl set; otherwise the read returns 1022 and leaves it pending.
    /// </summary>
    private uint Acknowledge(bool alias)
    {
        var c = _gic.Current;
        if (!_gic.CanPreempt(c)) return GicBase.Spurious;
        if (alias ? c.HppiGroup != 1 : c.HppiGroup == 1 && !c.AckCtl)
            return alias ? GicBase.Spurious : 1022u;
        return (uint)_gic.AcknowledgeHppi(c);
    }

    private uint Hppir(bool alias)
    {
        var c = _gic.Current;
        if (c.HppiId == GicBase.Spurious) return GicBase.Spurious;
        if (alias) return c.HppiGroup == 1 ? (uint)(c.HppiId | _gic.HppiSource(c) << 10) : GicBase.Spurious;
        if (c.HppiGroup == 1 && !c.AckCtl) return 1022;
        return (uint)(c.HppiId | _gic.HppiSource(c) << 10);
    }

    /// <summary>GICC_EOIR/AEOIR: priority drop, then deactivation unless EOImode defers it to GICC_DIR.</summary>
    private void EndOfInterrupt(uint v)
    {
        var c = _gic.Current;
        _gic.EndOfInterrupt(c, (int)(v & 0x3FF), c.EoiMode);
    }

    /// <summary>GICC_APR (<paramref name="group"/> 0) and GICC_NSAPR (1), up to the implemented preemption levels.</summary>
    private static RegisterDef<GicV2CpuInterface> ActivePriorities(ulong offset, string name, int group) =>
        Reg.Live<GicV2CpuInterface>(offset, name,
            (i, n) => n < i._gic.AprCount ? (group == 0 ? i._gic.Current.Apr0 : i._gic.Current.Apr1)[n] : 0,
            (i, n, v, _) => { if (n < i._gic.AprCount) i._gic.WriteActivePriorities(i._gic.Current, group, n, v); }, count: 4);

    private static readonly RegisterMap<GicV2CpuInterface> Map = new("gicv2-cpu", 0x2000,
    [
        Reg.Live<GicV2CpuInterface>(0x00, "GICC_CTLR", (i, _) => i._gic.Current.Ctlr, (i, _, v, _) => i.WriteCtlr((uint)v)),
        Reg.Live<GicV2CpuInterface>(0x04, "GICC_PMR", (i, _) => (uint)i._gic.Current.Pmr, (i, _, v, _) => i._gic.WritePriorityMask(i._gic.Current, v)),
        Reg.Live<GicV2CpuInterface>(0x08, "GICC_BPR", (i, _) => (uint)i._gic.Current.Bpr0, (i, _, v, _) => i._gic.WriteBinaryPoint(i._gic.Current, 0, v)),
        Reg.Live<GicV2CpuInterface>(0x0C, "GICC_IAR", (i, _) => i.Acknowledge(false), null),
        Reg.WriteOnly<GicV2CpuInterface>(0x10, "GICC_EOIR", (i, _, v, _) => i.EndOfInterrupt((uint)v)),
        Reg.Live<GicV2CpuInterface>(0x14, "GICC_RPR", (i, _) => (uint)Math.Min(i._gic.RunningPriority(i._gic.Current), 0xFF), null),
        Reg.Live<GicV2CpuInterface>(0x18, "GICC_HPPIR", (i, _) => i.Hppir(false), null),
        Reg.Live<GicV2CpuInterface>(0x1C, "GICC_ABPR", (i, _) => (uint)i._gic.Current.Bpr1, (i, _, v, _) => i._gic.WriteBinaryPoint(i._gic.Current, 1, v)),
        Reg.Live<GicV2CpuInterface>(0x20, "GICC_AIAR", (i, _) => i.Acknowledge(true), null),
        Reg.WriteOnly<GicV2CpuInterface>(0x24, "GICC_AEOIR", (i, _, v, _) => i.EndOfInterrupt((uint)v)),
        Reg.Live<GicV2CpuInterface>(0x28, "GICC_AHPPIR", (i, _) => i.Hppir(true), null),
        ActivePriorities(0xD0, "GICC_APR", 0),
        ActivePriorities(0xE0, "GICC_NSAPR", 1),
        // GICC_IIDR: ArchitectureVersion 2, Arm as implementer.
        Reg.Const<GicV2CpuInterface>(0xFC, "GICC_IIDR", 0x0002_043B),
        Reg.WriteOnly<GicV2CpuInterface>(0x1000, "GICC_DIR", (i, _, v, _) => i._gic.DeactivateDirect(i._gic.Current, (int)(v & 0x3FF), i._gic.Current.EoiMode)),
    ]);
}
