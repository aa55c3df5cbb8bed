using System.Numerics;
using FastArm.Jit;

namespace FastArm.Devices.Gic;

/// <summary>What devices see of an interrupt controller: input lines, driven level-style.</summary>
public interface IInterruptController
{
    /// <summary>Drives shared peripheral interrupt <paramref name="intid"/> (32 + SPI number).</summary>
    void SetLevel(int intid, bool level);
    /// <summary>Drives private peripheral interrupt <paramref name="intid"/> (16..31) of PE <paramref name="cpu"/>.</summary>
    void SetPrivateLevel(int cpu, int intid, bool level);
}

/// <summary>
/// What one PE's CPU interface holds, whichever GIC version presents it: the priority mask, binary points,
/// group enables, active priorities, and the PE's banked interrupts (SGIs and PPIs, INTIDs 0..31).
/// </summary>
internal sealed class GicCpuState(int index)
{
    public readonly int Index = index;
    public readonly IrqBank Private = new(32);

    public int Pmr;
    public int Bpr0, Bpr1;
    /// <summary>ICC_CTLR_EL1.CBPR / GICC_CTLR.CBPR: BPR0 controls Group 1 preemption too.</summary>
    public bool Cbpr;
    /// <summary>ICC_CTLR_EL1.EOImode / GICC_CTLR.EOImode: EOIR only drops priority; DIR deactivates.</summary>
    public bool EoiMode;
    public bool GrpEn0, GrpEn1;
    /// <summary>Active priorities, one bit per preemption level (ICC_AP0Rn/AP1Rn, GICC_APRn/NSAPRn).</summary>
    public readonly uint[] Apr0 = new uint[4], Apr1 = new uint[4];

    // The highest-priority pending interrupt, kept up to date by GicBase.Update.
    public int HppiId = GicBase.Spurious, HppiPrio = 0x100, HppiGroup;

    public bool IrqOut, FiqOut;
    public Cpu? Cpu;
    public Action? Wake;

    // GICv2 only: pending SGIs by source PE (GICD_SPENDSGIR), AckCtl and FIQEn, the raw GICC_CTLR.
    public readonly byte[] SgiSources = new byte[16];
    public bool AckCtl, FiqEn;
    public uint Ctlr;

    // GICv3 only.
    public bool ProcessorSleep = true;
    /// <summary>Aff3.Aff2.Aff1.Aff0 packed as GICR_TYPER[63:32].</summary>
    public uint Affinity;
    public uint CtlrEl3;
    public bool Grp1SEn;
}

/// <summary>
/// What GICv2 and GICv3 share: the distributor's per-INTID state, SPI routing as a per-PE bit mask, and the
/// CPU interface's priority logic (IHI 0069 4.8 "Interrupt prioritization": priority masking, binary point,
/// running priority, preemption, activation and priority drop). One lock guards everything; callers from the
/// bus, the system-register interface and devices all enter through it.
/// </summary>
public abstract class GicBase : IInterruptController
{
    public const int Spurious = 1023;

    public int NumCpus { get; }
    /// <summary>Total INTIDs including SGIs and PPIs (QEMU virt: 288, i.e. 256 SPIs).</summary>
    public int NumIrqs { get; }
    /// <summary>Implemented priority bits in the CPU interface (ICC_CTLR_EL1.PRIbits + 1).</summary>
    public int PriorityBits { get; }
    /// <summary>Preemption bits: the priority bits, but at most 7 (IHI 0069 4.8.3).</summary>
    public int PreemptionBits => Math.Min(PriorityBits, 7);
    /// <summary>Mask of the implemented priority bits (0xF8 for five bits).</summary>
    public int PriorityMask { get; }
    internal int MinBpr0 => 7 - PreemptionBits;
    internal int MinBpr1 => MinBpr0 + 1;
    /// <summary>Number of 32-bit active-priority registers per group.</summary>
    internal int AprCount => Math.Max(1, (1 << PreemptionBits) / 32);

    internal readonly object Sync = new();
    internal readonly IrqBank Spi;
    internal readonly GicCpuState[] Cpus;
    /// <summary>Per PE, one bit per SPI: the SPI is routed to that PE (from IROUTER or ITARGETSR).</summary>
    internal readonly uint[][] SpiTarget;
    internal bool DistEnableGrp0, DistEnableGrp1;

    /// <summary>Diagnostics: guest accesses to reserved locations, one line each the first time.</summary>
    public Action<string>? Trace { get; set; }

    protected GicBase(int numCpus, int numIrqs, int priorityBits)
    {
        if (numCpus < 1) throw new ArgumentOutOfRangeException(nameof(numCpus));
        if (numIrqs < 64 || numIrqs > 1020 || numIrqs % 32 != 0) throw new ArgumentOutOfRangeException(nameof(numIrqs), "a multiple of 32 between 64 and 1020 (GICD_TYPER.ITLinesNumber)");
        if (priorityBits < 4 || priorityBits > 8) throw new ArgumentOutOfRangeException(nameof(priorityBits));
        NumCpus = numCpus;
        NumIrqs = numIrqs;
        PriorityBits = priorityBits;
        PriorityMask = (0xFF << (8 - priorityBits)) & 0xFF;
        Spi = new IrqBank(numIrqs);
        Cpus = new GicCpuState[numCpus];
        SpiTarget = new uint[numCpus][];
        for (int i = 0; i < numCpus; i++)
        {
            Cpus[i] = new GicCpuState(i);
            SpiTarget[i] = new uint[numIrqs / 32];
        }
    }

    /// <summary>Connects PE <paramref name="index"/>'s IRQ and FIQ outputs to <paramref name="cpu"/>;
    /// <paramref name="wake"/> runs whenever an output rises (to end a WFI sleep early).</summary>
    public virtual void AttachCpu(int index, Cpu cpu, Action? wake = null)
    {
        lock (Sync)
        {
            var c = Cpus[index];
            c.Cpu = cpu;
            c.Wake = wake;
            cpu.SetIrq(c.IrqOut);
            cpu.SetFiq(c.FiqOut);
        }
    }

    /// <summary>Machine reset: every register to its reset value. Input lines stay as the devices drive them.</summary>
    public void Reset()
    {
        lock (Sync)
        {
            Spi.Reset();
            DistEnableGrp0 = DistEnableGrp1 = false;
            foreach (var c in Cpus)
            {
                c.Private.Reset();
                c.Private.Edge[0] = 0x0000_FFFF;   // SGIs are always edge-triggered; PPIs reset to level
                c.Pmr = 0;
                c.Bpr0 = MinBpr0;
                c.Bpr1 = MinBpr1;
                c.Cbpr = c.EoiMode = c.GrpEn0 = c.GrpEn1 = false;
                Array.Clear(c.Apr0);
                Array.Clear(c.Apr1);
                Array.Clear(c.SgiSources);
                c.AckCtl = c.FiqEn = false;
                c.Ctlr = 0;
                c.ProcessorSleep = true;
                c.CtlrEl3 = 0;
                c.Grp1SEn = false;
            }
            ResetVersion();
            RecomputeTargets();
            UpdateAll();
        }
    }

    /// <summary>Version-specific reset (routing registers, GICD_CTLR extras).</summary>
    private protected abstract void ResetVersion();

    /// <summary>Fills <see cref="SpiTarget"/> from the routing registers.</summary>
    private protected abstract void RecomputeTargets();

    /// <summary>Whether a Group <paramref name="group"/> interrupt is signalled as FIQ (else IRQ).</summary>
    private protected abstract bool SignalsFiq(GicCpuState c, int group);

    // ---- inputs ----

    public void SetLevel(int intid, bool level)
    {
        if (intid < 32 || intid >= NumIrqs) throw new ArgumentOutOfRangeException(nameof(intid), $"SPIs are INTIDs 32..{NumIrqs - 1}");
        lock (Sync)
        {
            if (IrqBank.Bit(Spi.Level, intid) == level) return;
            Spi.Drive(intid, level);
            UpdateAll();
        }
    }

    public void SetPrivateLevel(int cpu, int intid, bool level)
    {
        if (intid < 16 || intid >= 32) throw new ArgumentOutOfRangeException(nameof(intid), "PPIs are INTIDs 16..31");
        lock (Sync)
        {
            var c = Cpus[cpu];
            if (IrqBank.Bit(c.Private.Level, intid) == level) return;
            c.Private.Drive(intid, level);
            Update(c);
        }
    }

    /// <summary>A level-setting callback for SPI <paramref name="intid"/>, for devices that take an Action&lt;bool&gt;.</summary>
    public Action<bool> Line(int intid)
    {
        if (intid < 32 || intid >= NumIrqs) throw new ArgumentOutOfRangeException(nameof(intid));
        return level => SetLevel(intid, level);
    }

    /// <summary>A level-setting callback for PPI <paramref name="intid"/> of PE <paramref name="cpu"/>.</summary>
    public Action<bool> PrivateLine(int cpu, int intid)
    {
        if (intid < 16 || intid >= 32) throw new ArgumentOutOfRangeException(nameof(intid));
        return level => SetPrivateLevel(cpu, intid, level);
    }

    // ---- state queries for tests and debuggers ----

    /// <summary>Whether INTID <paramref name="intid"/> is pending as PE <paramref name="cpu"/> sees it.</summary>
    public bool IsPending(int cpu, int intid) { lock (Sync) { var b = BankOf(Cpus[cpu], intid, out int n); return b != null && (b.PendingWord(n >> 5) & (1u << (n & 31))) != 0; } }
    public bool IsActive(int cpu, int intid) { lock (Sync) { var b = BankOf(Cpus[cpu], intid, out int n); return b != null && IrqBank.Bit(b.Active, n); } }
    public bool IrqOutput(int cpu) => Cpus[cpu].IrqOut;
    public bool FiqOutput(int cpu) => Cpus[cpu].FiqOut;

    // ---- shared priority logic (IHI 0069 4.8) ----

    internal IrqBank? BankOf(GicCpuState c, int intid, out int n)
    {
        n = intid;
        if ((uint)intid < 32) return c.Private;
        if (intid < NumIrqs) return Spi;
        return null;
    }

    /// <summary>
    /// Mask that keeps the group priority field of a priority (pseudocode GroupBits / the binary point):
    /// Group 0, or Group 1 with CBPR, use BPR0 with the group priority in bits [7:BPR0+1]; Group 1 uses BPR1
    /// with the group priority in bits [7:BPR1].
    /// </summary>
    internal static int GroupPriorityMask(GicCpuState c, int group)
    {
        int shift = group == 0 || c.Cbpr ? c.Bpr0 + 1 : c.Bpr1;
        return (0xFF << shift) & 0xFF;
    }

    /// <summary>The running priority: that of the highest active priority bit, or 0x100 when idle.</summary>
    internal int RunningPriority(GicCpuState c)
    {
        for (int i = 0; i < 4; i++)
        {
            uint w = c.Apr0[i] | c.Apr1[i];
            if (w != 0) return (i * 32 + BitOperations.TrailingZeroCount(w)) << (8 - PreemptionBits);
        }
        return 0x100;
    }

    /// <summary>
    /// The highest active priority: its group (or -1 when none is active), the active-priority register
    /// <paramref name="reg"/> and the single bit <paramref name="bit"/> that marks it.
    /// </summary>
    private static int HighestActive(GicCpuState c, out int reg, out uint bit)
    {
        for (reg = 0; reg < 4; reg++)
        {
            uint w = c.Apr0[reg] | c.Apr1[reg];
            if (w == 0) continue;
            bit = w & (uint)-(int)w;
            return (c.Apr0[reg] & bit) != 0 ? 0 : 1;
        }
        bit = 0;
        return -1;
    }

    /// <summary>The group owning the highest active priority, or -1 when none is active.</summary>
    internal static int HighestActiveGroup(GicCpuState c) => HighestActive(c, out _, out _);

    /// <summary>Priority drop: clears the highest active priority bit; returns its group, or -1.</summary>
    internal static int DropPriority(GicCpuState c)
    {
        int group = HighestActive(c, out int reg, out uint bit);
        if (group >= 0) (group == 0 ? c.Apr0 : c.Apr1)[reg] &= ~bit;
        return group;
    }

    /// <summary>Group-enable filter of the distributor (GICD_CTLR.EnableGrp0/1) over a word of IGROUPR bits.</summary>
    private uint GroupEnabled(uint groupBits) =>
        (DistEnableGrp1 ? groupBits : 0) | (DistEnableGrp0 ? ~groupBits : 0);

    /// <summary>The highest-priority pending interrupt forwarded to PE <paramref name="c"/>: pending, enabled,
    /// not active, its group enabled in the distributor, routed here.</summary>
    private void ComputeHppi(GicCpuState c)
    {
        int bestId = Spurious, bestPrio = 0x100;
        var b = c.Private;
        uint cand = b.PendingWord(0) & b.Enabled[0] & ~b.Active[0] & GroupEnabled(b.Group[0]);
        b.Best(0, cand, PriorityMask, ref bestId, ref bestPrio);
        var t = SpiTarget[c.Index];
        var s = Spi;
        for (int w = 1; w < t.Length; w++)
        {
            cand = s.PendingWord(w) & s.Enabled[w] & ~s.Active[w] & t[w];
            if (cand == 0) continue;
            cand &= GroupEnabled(s.Group[w]);
            s.Best(w, cand, PriorityMask, ref bestId, ref bestPrio);
        }
        c.HppiId = bestId;
        c.HppiPrio = bestPrio;
        c.HppiGroup = bestId == Spurious ? 0 : IrqBank.Bit(bestId < 32 ? b.Group : s.Group, bestId) ? 1 : 0;
    }

    /// <summary>
    /// Whether the HPPI may be signalled (and acknowledged): its priority is above the priority mask, its group
    /// is enabled in the CPU interface, and its group priority is above the running priority.
    /// </summary>
    internal bool CanPreempt(GicCpuState c)
    {
        if (c.HppiId == Spurious) return false;
        if (c.HppiPrio >= c.Pmr) return false;
        if (!(c.HppiGroup == 0 ? c.GrpEn0 : c.GrpEn1)) return false;
        return (c.HppiPrio & GroupPriorityMask(c, c.HppiGroup)) < RunningPriority(c);
    }

    /// <summary>Recomputes PE <paramref name="c"/>'s HPPI and drives its IRQ/FIQ outputs.</summary>
    internal void Update(GicCpuState c)
    {
        ComputeHppi(c);
        bool irq = false, fiq = false;
        if (CanPreempt(c))
        {
            if (SignalsFiq(c, c.HppiGroup)) fiq = true;
            else irq = true;
        }
        bool rose = (irq && !c.IrqOut) || (fiq && !c.FiqOut);
        if (irq != c.IrqOut) { c.IrqOut = irq; c.Cpu?.SetIrq(irq); }
        if (fiq != c.FiqOut) { c.FiqOut = fiq; c.Cpu?.SetFiq(fiq); }
        if (rose) c.Wake?.Invoke();
    }

    internal void UpdateAll()
    {
        foreach (var c in Cpus) Update(c);
    }

    /// <summary>After a change to INTID <paramref name="intid"/>: SPIs may concern every PE, private ones only <paramref name="c"/>.</summary>
    internal void UpdateFor(GicCpuState c, int intid)
    {
        if (intid < 32) Update(c);
        else UpdateAll();
    }

    /// <summary>
    /// Activation on acknowledge: pending to active (a level-sensitive input that is still high keeps it
    /// pending too), and the interrupt's group priority marked in the active priority registers.
    /// </summary>
    internal void Activate(GicCpuState c, int intid)
    {
        var bank = BankOf(c, intid, out int n)!;
        IrqBank.SetBit(bank.Active, n, true);
        IrqBank.SetBit(bank.Latch, n, false);
        int group = IrqBank.Bit(bank.Group, n) ? 1 : 0;
        int prio = bank.Priority[n] & PriorityMask;
        int level = (prio & GroupPriorityMask(c, group)) >> (8 - PreemptionBits);
        (group == 0 ? c.Apr0 : c.Apr1)[level >> 5] |= 1u << (level & 31);
    }

    /// <summary>Deactivation (EOIR with EOImode 0, or DIR): clears the active state of the INTID.</summary>
    internal void Deactivate(GicCpuState c, int intid)
    {
        var bank = BankOf(c, intid, out int n);
        if (bank != null) IrqBank.SetBit(bank.Active, n, false);
    }

    // ---- register behaviour both GIC versions present ----

    /// <summary>GICD_CTLR.EnableGrp0 [0] and EnableGrp1 [1] (GICv2 without Security Extensions; GICv3 with DS = 1).</summary>
    internal uint DistributorEnables => (DistEnableGrp0 ? 1u : 0) | (DistEnableGrp1 ? 2u : 0);

    internal void WriteDistributorEnables(ulong value, ulong mask)
    {
        if ((mask & 3) == 0) return;
        DistEnableGrp0 = (value & 1) != 0;
        DistEnableGrp1 = (value & 2) != 0;
        UpdateAll();
    }

    /// <summary>GICC_PMR / ICC_PMR_EL1: only the implemented priority bits are kept.</summary>
    internal void WritePriorityMask(GicCpuState c, ulong value)
    {
        c.Pmr = (int)value & PriorityMask;
        Update(c);
    }

    /// <summary>
    /// GICC_BPR/ABPR, ICC_BPR0/1_EL1 of <paramref name="group"/>: a binary point below the minimum is set to the
    /// minimum (IHI 0069 ICC_BPR0_EL1, ICC_BPR1_EL1; IHI 0048B 4.4.3).
    /// </summary>
    internal void WriteBinaryPoint(GicCpuState c, int group, ulong value)
    {
        if (group == 0) c.Bpr0 = Math.Max((int)value & 7, MinBpr0);
        else c.Bpr1 = Math.Max((int)value & 7, MinBpr1);
        Update(c);
    }

    /// <summary>GICC_APRn/NSAPRn, ICC_AP0Rn/AP1Rn_EL1: software saves and restores the active priorities.</summary>
    internal void WriteActivePriorities(GicCpuState c, int group, int n, ulong value)
    {
        (group == 0 ? c.Apr0 : c.Apr1)[n] = (uint)value;
        Update(c);
    }

    /// <summary>
    /// End of interrupt (GICC_EOIR/AEOIR, ICC_EOIR0/1_EL1): priority drop of the highest active priority, then
    /// deactivation of <paramref name="intid"/> unless <paramref name="eoiMode"/> leaves that to the DIR register.
    /// Nothing happens for the special INTIDs 1020..1023 (never acknowledged), when no priority is active, or,
    /// with <paramref name="group"/> 0 or 1, when the highest active priority belongs to the other group
    /// (UNPREDICTABLE in GICv3; ignored).
    /// </summary>
    internal void EndOfInterrupt(GicCpuState c, int intid, bool eoiMode, int group = -1)
    {
        if (intid is >= 1020 and <= 1023) return;
        int active = HighestActiveGroup(c);
        if (active < 0 || (group >= 0 && active != group)) return;
        DropPriority(c);
        if (!eoiMode && intid < NumIrqs) Deactivate(c, intid);
        UpdateFor(c, intid < NumIrqs ? intid : 0);
    }

    /// <summary>GICC_DIR / ICC_DIR_EL1: deactivation, with EOImode set (without it, UNPREDICTABLE; ignored).</summary>
    internal void DeactivateDirect(GicCpuState c, int intid, bool eoiMode)
    {
        if (!eoiMode || intid >= NumIrqs) return;
        Deactivate(c, intid);
        UpdateFor(c, intid);
    }
}
