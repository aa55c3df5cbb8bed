using FastArm.Devices.Registers;
using FastArm.Jit;
using FastArm.SoftMmu.Bus;

namespace FastArm.Devices.Gic;

/// <summary>
/// A GICv3 as QEMU's <c>virt</c> board has it without <c>secure=on</c>: one Security state (GICD_CTLR.DS = 1),
/// affinity routing always on (ARE RAO/WI), no LPIs or ITS, 288 INTIDs by default, a distributor, one
/// redistributor per PE (RD_base and SGI_base frames), and the CPU interface as system registers
/// (<see cref="GicV3CpuInterface"/>). Group 0 is signalled as FIQ, Group 1 as IRQ.
/// </summary>
public sealed class GicV3 : GicBase
{
    public const ulong DistributorBase = 0x0800_0000, DistributorSize = 0x1_0000;
    public const ulong RedistributorBase = 0x080A_0000;
    /// <summary>Each redistributor is two 64 KiB frames: RD_base then SGI_base.</summary>
    public const ulong RedistributorStride = 0x2_0000;
    /// <summary>The redistributor region QEMU's virt reserves (room for 123 PEs).</summary>
    public const ulong VirtRedistributorRegionSize = 0x00F6_0000;

    /// <summary>ID_AA64PFR0_EL1.GIC for a PE wired to this GIC: 1, the System register interface is implemented.</summary>
    public const int IdAa64Pfr0Gic = 1;

    /// <summary>GICD_IIDR / GICR_IIDR: Arm as implementer, product 0, r0p0 (as QEMU reports).</summary>
    public const uint Iidr = 0x43B;

    public GicV3Distributor Distributor { get; }
    public GicV3RedistributorRegion Redistributors { get; }
    public IReadOnlyList<GicV3CpuInterface> CpuInterfaces { get; }

    /// <summary>GICD_IROUTER per INTID (only SPIs used).</summary>
    internal readonly ulong[] Router;
    private readonly bool _fixedAffinity;

    /// <param name="numCpus">PEs, each with a redistributor and a CPU interface.</param>
    /// <param name="numIrqs">INTIDs including the 32 private ones (QEMU virt: 288).</param>
    /// <param name="priorityBits">Implemented priority bits (QEMU today and a GIC-500: 5).</param>
    /// <param name="affinity">Affinity of PE i as Aff3.Aff2.Aff1.Aff0 packed in 32 bits. Default: taken from
    /// the MPIDR_EL1 of the CPU given to <see cref="ConnectCpu"/> (<see cref="VirtAffinity"/> until then).</param>
    public GicV3(int numCpus, int numIrqs = 288, int priorityBits = 5, Func<int, uint>? affinity = null)
        : base(numCpus, numIrqs, priorityBits)
    {
        Router = new ulong[numIrqs];
        _fixedAffinity = affinity != null;
        for (int i = 0; i < numCpus; i++) Cpus[i].Affinity = (affinity ?? VirtAffinity)(i);
        Distributor = new GicV3Distributor(this);
        Redistributors = new GicV3RedistributorRegion(this);
        var ifs = new GicV3CpuInterface[numCpus];
        for (int i = 0; i < numCpus; i++) ifs[i] = new GicV3CpuInterface(this, Cpus[i]);
        CpuInterfaces = ifs;
        Reset();
    }

    /// <summary>
    /// QEMU virt's CPU affinity with a GICv3: Aff0 = index mod 16, Aff1 = index / 16 (16 PEs per cluster, the
    /// reach of an SGI target list). Used until a CPU is connected, whose MPIDR_EL1 then rules.
    /// </summary>
    public static uint VirtAffinity(int index) => (uint)(index / 16) << 8 | (uint)(index % 16);

    /// <summary>The affinity the GIC uses for PE <paramref name="index"/> (Aff3 in bits [31:24]).</summary>
    public uint AffinityOf(int index) => Cpus[index].Affinity;

    /// <summary>Maps the distributor and the redistributors of all PEs on <paramref name="bus"/>.</summary>
    public void Map(PhysicalBus bus, ulong distBase = DistributorBase, ulong redistBase = RedistributorBase, ulong? redistRegionSize = null)
    {
        bus.MapMmio(distBase, DistributorSize, Distributor, "gicv3-dist");
        ulong size = redistRegionSize ?? (ulong)NumCpus * RedistributorStride;
        if (size < (ulong)NumCpus * RedistributorStride) throw new ArgumentException("redistributor region too small for the PEs");
        bus.MapMmio(redistBase, size, Redistributors, "gicv3-redist");
    }

    /// <summary>
    /// Wires PE <paramref name="index"/>: its IRQ/FIQ inputs and its CPU interface system registers. Call once
    /// per CPU after creating it; <paramref name="wake"/> (e.g. <c>GenericTimer.Wake</c>) ends a WFI sleep.
    /// </summary>
    public void ConnectCpu(int index, Cpu cpu, Action? wake = null)
    {
        // The redistributor's affinity (GICR_TYPER, IROUTER and SGI targets) must be the PE's MPIDR_EL1.
        if (!_fixedAffinity && cpu.TryReadSysReg("MPIDR_EL1", out ulong mpidr))
        {
            lock (Sync)
            {
                Cpus[index].Affinity = (uint)((mpidr >> 32) & 0xFF) << 24 | (uint)(mpidr & 0xFF_FFFF);
                RecomputeTargets();
                UpdateAll();
            }
        }
        AttachCpu(index, cpu, wake);
        if (!cpu.SystemRegisterDevices.Contains(CpuInterfaces[index]))
            cpu.SystemRegisterDevices.Add(CpuInterfaces[index]);
    }

    private protected override void ResetVersion() => Array.Clear(Router);

    private protected override bool SignalsFiq(GicCpuState c, int group) => group == 0;

    /// <summary>IROUTER to PE mask: the PE whose affinity equals Aff3.Aff2.Aff1.Aff0 (IRM is RAZ/WI: No1N).</summary>
    private protected override void RecomputeTargets()
    {
        foreach (var t in SpiTarget) Array.Clear(t);
        for (int n = 32; n < NumIrqs; n++) RouteSpi(n);
    }

    internal void RouteSpi(int n)
    {
        ulong r = Router[n];
        uint aff = (uint)((r >> 32) & 0xFF) << 24 | (uint)(r & 0xFF_FFFF);
        for (int i = 0; i < NumCpus; i++)
            IrqBank.SetBit(SpiTarget[i], n, Cpus[i].Affinity == aff);
    }

    /// <summary>
    /// Sends SGI <paramref name="sgi"/> to PE <paramref name="target"/> (IHI 0069 12.1.x, DS = 1 forwarding):
    /// ICC_SGI1R forwards whatever the SGI's group; ICC_SGI0R and ICC_ASGI1R only a Group 0 SGI.
    /// </summary>
    internal void SendSgi(GicCpuState target, int sgi, bool group0Only)
    {
        var b = target.Private;
        if (group0Only && IrqBank.Bit(b.Group, sgi)) return;
        IrqBank.SetBit(b.Latch, sgi, true);
        Update(target);
    }
}

/// <summary>The GICv3 distributor frame (GICD_*), 64 KiB.</summary>
public sealed class GicV3Distributor : GicFrame<GicV3Distributor>
{
    private readonly GicV3 _gic;

    internal GicV3Distributor(GicV3 gic) : base(gic, Map, "gicv3-dist") => _gic = gic;

    private const uint CTLR_ARE = 1 << 4, CTLR_DS = 1 << 6;

    /// <summary>GICD_CTLR: EnableGrp0/1, with ARE and DS fixed at 1 (RAO/WI).</summary>
    private uint Ctlr => _gic.DistributorEnables | CTLR_ARE | CTLR_DS;

    /// <summary>
    /// GICD_TYPER as QEMU reports it: ITLinesNumber, IDbits 0xF, A3V (Aff3 routing), No1N (no 1-of-N SPIs),
    /// SecurityExtn 0 (DS = 1), LPIS 0, MBIS 0.
    /// </summary>
    private uint Typer => (uint)(_gic.NumIrqs / 32 - 1) | 0xFu << 19 | 1u << 24 | 1u << 25;

    /// <summary>Word <paramref name="w"/> of a bit array: word 0 (SGIs/PPIs) lives in the redistributors when ARE = 1.</summary>
    private bool SpiWord(int w) => w > 0 && w < _gic.NumIrqs / 32;

    private static readonly RegisterMap<GicV3Distributor> Map = new("gicv3-dist", 0x1_0000,
    [
        Reg.Live<GicV3Distributor>(0x0000, "GICD_CTLR", (d, _) => d.Ctlr, (d, _, v, m) => d._gic.WriteDistributorEnables(v, m)),
        Reg.Live<GicV3Distributor>(0x0004, "GICD_TYPER", (d, _) => d.Typer, null),
        Reg.Const<GicV3Distributor>(0x0008, "GICD_IIDR", GicV3.Iidr),
        Reg.Raz<GicV3Distributor>(0x000C, "GICD_TYPER2"),
        Reg.Raz<GicV3Distributor>(0x0010, "GICD_STATUSR"),
        // Words 0 (SGIs and PPIs) live in the redistributors when ARE = 1: RAZ/WI here.
        .. GicRegisters.InterruptArrays<GicV3Distributor>("GICD_", 32, static (d, w) => d.SpiWord(w) ? d._gic.Spi : null,
            static (d, _) => d._gic.UpdateAll()),
        // With affinity routing GICD_ITARGETSR, GICD_SGIR and the SGI pending registers are RES0.
        Reg.Raz<GicV3Distributor>(0x0800, "GICD_ITARGETSR", count: 255),
        // DS = 1: group modifiers and non-secure access control do not exist.
        Reg.Raz<GicV3Distributor>(0x0D00, "GICD_IGRPMODR", count: 32),
        Reg.Raz<GicV3Distributor>(0x0E00, "GICD_NSACR", count: 64),
        Reg.Raz<GicV3Distributor>(0x0F00, "GICD_SGIR"),
        Reg.Raz<GicV3Distributor>(0x0F10, "GICD_CPENDSGIR", count: 4),
        Reg.Raz<GicV3Distributor>(0x0F20, "GICD_SPENDSGIR", count: 4),
        Reg.Live<GicV3Distributor>(0x6100, "GICD_IROUTER",
            (d, i) => i + 32 < d._gic.NumIrqs ? d._gic.Router[i + 32] : 0,
            (d, i, v, m) =>
            {
                int n = i + 32;
                if (n >= d._gic.NumIrqs) return;
                // Aff3 [39:32] and Aff2..Aff0 [23:0] are writable; IRM [31] is RAZ/WI as GICD_TYPER.No1N = 1.
                const ulong writable = 0xFF_00FF_FFFFUL;
                d._gic.Router[n] = (d._gic.Router[n] & ~(m & writable)) | (v & m & writable);
                d._gic.RouteSpi(n);
                d._gic.UpdateAll();
            }, count: 988, width: 8),
        .. Reg.IdRegisters<GicV3Distributor>(0xFFD0, [0x44, 0x00, 0x00, 0x00, 0x92, 0xB4, 0x3B, 0x00, 0x0D, 0xF0, 0x05, 0xB1]),
    ]);
}

/// <summary>One PE's redistributor: RD_base (control, identification, WAKER) and SGI_base (SGIs and PPIs).</summary>
public sealed class GicV3Redistributor
{
    private readonly GicV3 _gic;
    internal readonly GicCpuState Cpu;
    internal readonly RegisterBlock<GicV3Redistributor> RdBase, SgiBase;

    internal GicV3Redistributor(GicV3 gic, GicCpuState cpu)
    {
        _gic = gic;
        Cpu = cpu;
        RdBase = new RegisterBlock<GicV3Redistributor>(RdMap, this, m => gic.Trace?.Invoke(m), $"gicv3-redist{cpu.Index}");
        SgiBase = new RegisterBlock<GicV3Redistributor>(SgiMap, this, m => gic.Trace?.Invoke(m), $"gicv3-redist{cpu.Index}-sgi");
    }

    /// <summary>
    /// GICR_TYPER: Affinity_Value [63:32], Processor_Number [23:8], Last [4] on the last redistributor of the
    /// region; PLPIS = VLPIS = DirectLPI = 0 (no LPIs).
    /// </summary>
    private ulong Typer => (ulong)Cpu.Affinity << 32 | (ulong)(uint)Cpu.Index << 8 | (Cpu.Index == _gic.NumCpus - 1 ? 1UL << 4 : 0);

    private const uint WAKER_ProcessorSleep = 1 << 1, WAKER_ChildrenAsleep = 1 << 2;

    /// <summary>
    /// GICR_WAKER: software clears ProcessorSleep to bring the redistributor's interface up and then polls
    /// ChildrenAsleep until it reads 0; the handshake completes at once here.
    /// </summary>
    private uint Waker => Cpu.ProcessorSleep ? WAKER_ProcessorSleep | WAKER_ChildrenAsleep : 0;

    private static readonly RegisterMap<GicV3Redistributor> RdMap = new("gicv3-redist", 0x1_0000,
    [
        // EnableLPIs is RES0 without LPIs; RWP and UWP read 0 as every write takes effect at once.
        Reg.Raz<GicV3Redistributor>(0x0000, "GICR_CTLR"),
        Reg.Const<GicV3Redistributor>(0x0004, "GICR_IIDR", GicV3.Iidr),
        Reg.Live<GicV3Redistributor>(0x0008, "GICR_TYPER", (r, _) => r.Typer, null, width: 8),
        Reg.Raz<GicV3Redistributor>(0x0010, "GICR_STATUSR"),
        Reg.Live<GicV3Redistributor>(0x0014, "GICR_WAKER", (r, _) => r.Waker, (r, _, v, m) =>
        {
            if ((m & WAKER_ProcessorSleep) != 0) r.Cpu.ProcessorSleep = (v & WAKER_ProcessorSleep) != 0;
        }),
        Reg.Raz<GicV3Redistributor>(0x0040, "GICR_SETLPIR", width: 8),
        Reg.Raz<GicV3Redistributor>(0x0048, "GICR_CLRLPIR", width: 8),
        Reg.Raz<GicV3Redistributor>(0x0070, "GICR_PROPBASER", width: 8),
        Reg.Raz<GicV3Redistributor>(0x0078, "GICR_PENDBASER", width: 8),
        Reg.Raz<GicV3Redistributor>(0x00A0, "GICR_INVLPIR", width: 8),
        Reg.Raz<GicV3Redistributor>(0x00B0, "GICR_INVALLR", width: 8),
        Reg.Raz<GicV3Redistributor>(0x00C0, "GICR_SYNCR"),
        .. Reg.IdRegisters<GicV3Redistributor>(0xFFD0, [0x44, 0x00, 0x00, 0x00, 0x93, 0xB4, 0x3B, 0x00, 0x0D, 0xF0, 0x05, 0xB1]),
    ]);

    private static readonly RegisterMap<GicV3Redistributor> SgiMap = new("gicv3-redist-sgi", 0x1_0000,
    [
        .. GicRegisters.InterruptArrays<GicV3Redistributor>("GICR_", 1, static (r, w) => w == 0 ? r.Cpu.Private : null,
            static (r, _) => r._gic.Update(r.Cpu)),
        Reg.Raz<GicV3Redistributor>(0x0D00, "GICR_IGRPMODR0"),
        Reg.Raz<GicV3Redistributor>(0x0E00, "GICR_NSACR"),
    ]);
}

/// <summary>The redistributor region: PE i's frames at i × 128 KiB (RD_base, then SGI_base 64 KiB above).</summary>
public sealed class GicV3RedistributorRegion : IMmioDevice
{
    private readonly GicV3 _gic;
    private readonly GicV3Redistributor[] _redists;

    internal GicV3RedistributorRegion(GicV3 gic)
    {
        _gic = gic;
        _redists = new GicV3Redistributor[gic.NumCpus];
        for (int i = 0; i < gic.NumCpus; i++) _redists[i] = new GicV3Redistributor(gic, gic.Cpus[i]);
    }

    public GicV3Redistributor this[int cpu] => _redists[cpu];

    private RegisterBlock<GicV3Redistributor>? Frame(ulong offset)
    {
        ulong cpu = offset / GicV3.RedistributorStride;
        if (cpu >= (ulong)_redists.Length) return null;
        return (offset & 0x1_0000) == 0 ? _redists[cpu].RdBase : _redists[cpu].SgiBase;
    }

    private bool _reportedBeyond;

    public ulong Read(ulong offset, int size)
    {
        lock (_gic.Sync)
        {
            var f = Frame(offset);
            if (f == null) { ReportBeyond(offset); return 0; }
            return f.Read(offset & 0xFFFF, size);
        }
    }

    public void Write(ulong offset, ulong value, int size)
    {
        lock (_gic.Sync)
        {
            var f = Frame(offset);
            if (f == null) { ReportBeyond(offset); return; }
            f.Write(offset & 0xFFFF, value, size);
        }
    }

    private void ReportBeyond(ulong offset)
    {
        if (_reportedBeyond) return;
        _reportedBeyond = true;
        _gic.Trace?.Invoke($"gicv3-redist: access at 0x{offset:X} beyond the last redistributor (RAZ/WI)");
    }
}
