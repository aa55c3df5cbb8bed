using FastArm.Devices.Gic;
using FastArm.Devices.HostIo;
using FastArm.Devices.Psci;
using FastArm.Devices.Rtc;
using FastArm.Devices.Timer;
using FastArm.Devices.Uart;
using FastArm.Jit;
using FastArm.Jit.State;
using PsciFirmware = FastArm.Devices.Psci.Psci;

namespace FastArm.Devices.Board;

/// <summary>What <see cref="VirtBoard"/> builds.</summary>
public sealed record VirtBoardOptions
{
    /// <summary>RAM at <see cref="VirtBoard.RamBase"/>: 128 MiB by default, as QEMU's -M virt.</summary>
    public ulong RamSize { get; init; } = 128UL << 20;
    public CpuConfig Cpu { get; init; } = new();
    /// <summary>Guest console; null = the process's stdin/stdout.</summary>
    public HostConsole? Console { get; init; }
    /// <summary>The host side of the PL011; null = <see cref="Console"/>.</summary>
    public SerialBackend? Serial { get; init; }
    /// <summary>Number of CPUs (1 to 8); the secondaries start powered off and are started with PSCI CPU_ON.</summary>
    public int Cpus { get; init; } = 1;
    /// <summary>Interrupt controller: 3 (GICv3, the default, as QEMU's virt with gic-version=3) or 2.</summary>
    public int GicVersion { get; init; } = 3;
    /// <summary>
    /// The PSCI conduit: HVC when the guest runs at EL1 on a CPU without EL2 (QEMU's virt default), SMC when the
    /// CPU has EL2 (the guest owns EL2, so firmware answers from "EL3"). Null = chosen that way from the CPU.
    /// </summary>
    public bool? PsciUsesHvc { get; init; }
    /// <summary>The system counter; null = host monotonic time at 62.5 MHz.</summary>
    public SystemCounter? Counter { get; init; }
    /// <summary>Board diagnostics (accesses to unknown device registers, unassigned addresses), one line each.</summary>
    public Action<string>? Trace { get; init; }
}

/// <summary>
/// QEMU's <c>-M virt</c> memory map (hw/arm/virt.c, base_memmap) with the devices FastArm has of it: RAM from
/// 0x40000000, a GICv3 (distributor 0x08000000, redistributors 0x080A0000) or GICv2 (distributor 0x08000000,
/// CPU interface 0x08010000), the generic timer (PPIs 30 physical, 27 virtual, 26 hypervisor, 28 hypervisor
/// virtual, 29 secure), the PL011 UART at 0x09000000 (SPI 1 = INTID 33), the PL031 RTC at 0x09010000 (SPI 2 =
/// INTID 34) and PSCI 1.1 as firmware calls. <see cref="BuildDeviceTree"/> describes exactly this.
/// Accesses to addresses no device answers read as zero and ignore writes, with a trace line (once per page).
/// </summary>
public sealed class VirtBoard : IDisposable, IPowerController
{
    public const ulong FlashBase = 0x0000_0000, GicDistBase = 0x0800_0000, GicCpuBase = 0x0801_0000, GicRedistBase = 0x080A_0000,
        Uart0Base = 0x0900_0000, RtcBase = 0x0901_0000, FwCfgBase = 0x0902_0000, GpioBase = 0x0903_0000,
        VirtioMmioBase = 0x0A00_0000, RamBase = 0x4000_0000;

    /// <summary>SPI numbers (INTID - 32) as QEMU's virt assigns them (a15irqmap).</summary>
    public const int Uart0Spi = 1, RtcSpi = 2;

    /// <summary>The most RAM the low RAM window of the virt map holds (0x40000000 up to 256 GiB).</summary>
    public const ulong MaxRamSize = 255UL << 30;

    /// <summary>CPUs the board supports (a GICv2 serves at most 8; MPIDR_EL1 Aff1 stays 0 up to 8).</summary>
    public const int MaxCpus = 8;

    public VirtBoardOptions Options { get; }
    public Machine Machine { get; }
    public Pl011 Uart0 { get; }
    public Pl031 Rtc { get; }
    public GicBase Gic { get; }
    /// <summary>The boot CPU's generic timer (<see cref="Timers"/> has every CPU's).</summary>
    public GenericTimer Timer { get; }
    public IReadOnlyList<GenericTimer> Timers { get; }
    public SystemCounter Counter { get; }
    public PsciFirmware Psci { get; }
    public SerialBackend Serial { get; }
    public ulong RamSize => Options.RamSize;

    /// <summary>Set when the guest asked for SYSTEM_RESET (the run then ends with exit code 0).</summary>
    public bool ResetRequested { get; private set; }
    /// <summary>Set when the guest asked for SYSTEM_OFF.</summary>
    public bool PoweredOff { get; private set; }

    private readonly HashSet<ulong> _unassignedTraced = [];
    private readonly bool _ownsSerial;

    public VirtBoard(VirtBoardOptions? options = null)
    {
        options ??= new VirtBoardOptions();
        Options = options;
        if (options.RamSize == 0 || (options.RamSize & 0xFFF) != 0 || options.RamSize > MaxRamSize)
            throw new ArgumentOutOfRangeException(nameof(options), $"RAM size 0x{options.RamSize:X} must be a non-zero multiple of 4 KiB up to 255 GiB");
        if (options.Cpus is < 1 or > MaxCpus)
            throw new ArgumentOutOfRangeException(nameof(options), $"{options.Cpus} CPUs: the board has 1 to {MaxCpus}");
        if (options.GicVersion is not (2 or 3))
            throw new ArgumentOutOfRangeException(nameof(options), $"GIC version {options.GicVersion} is not 2 or 3");
        Machine = new Machine(options.Cpu, options.Console);
        try
        {
            var bus = Machine.Bus;
            var trace = options.Trace;
            Machine.MapRam(RamBase, options.RamSize);

            int n = options.Cpus;
            for (int i = 1; i < n; i++) Machine.AddCpu();

            // Interrupt controller, then the timers whose PPIs it takes.
            if (options.GicVersion == 3)
            {
                var gic = new GicV3(n) { Trace = trace };
                gic.Map(bus, GicDistBase, GicRedistBase, GicV3.VirtRedistributorRegionSize);
                Gic = gic;
            }
            else
            {
                var gic = new GicV2(n) { Trace = trace, CurrentCpu = () => Machine.CurrentCpuIndex };
                gic.Map(bus, GicDistBase, GicCpuBase);
                Gic = gic;
            }
            Counter = options.Counter ?? new SystemCounter();
            var timers = new GenericTimer[n];
            for (int i = 0; i < n; i++)
            {
                var c = Machine.Cpus[i];
                var timer = timers[i] = new GenericTimer(c, Counter, Gic);
                timer.Attach();
                Action wake = n == 1 ? timer.Wake : WakeAll;
                if (Gic is GicV3 g3)
                {
                    g3.ConnectCpu(i, c, wake);
                    if (options.Cpu.HasEl2) c.SystemRegisterDevices.Add(new GicV3HypRegisters());
                }
                else ((GicV2)Gic).ConnectCpu(i, c, wake);
                if (n > 1)
                {
                    c.Idle = AllCpusIdle;
                    c.TlbiBroadcast = BroadcastTlbi;
                    c.EventSent = BroadcastEvent;
                }
            }
            Timers = timers;
            Timer = timers[0];

            _ownsSerial = options.Serial == null;
            Serial = options.Serial ?? new ConsoleSerial(Machine.Console);
            Serial.InputArrived = n == 1 ? Timer.Wake : WakeAll;
            Uart0 = new Pl011(Serial, Gic.Line(32 + Uart0Spi)) { Trace = trace };
            Machine.MapDevice(Uart0Base, Pl011.Size, Uart0, "pl011");
            Rtc = new Pl031 { Irq = Gic.Line(32 + RtcSpi), Trace = trace };
            Machine.MapDevice(RtcBase, Pl031.Size, Rtc, "pl031");

            Psci = new PsciFirmware(this, options.PsciUsesHvc ?? !options.Cpu.HasEl2);
            foreach (var c in Machine.Cpus) c.FirmwareCalls = Psci;

            if (trace != null)
            {
                foreach (var c in Machine.Cpus) c.Trace = trace;
                bus.Unassigned += (pa, write) =>
                {
                    if (_unassignedTraced.Add(pa >> 12))
                        trace($"bus: {(write ? "write to" : "read of")} unassigned address 0x{pa:x} (RAZ/WI)");
                };
            }

            Machine.AddPoller(Poll);
        }
        catch
        {
            Machine.Dispose();
            throw;
        }
    }

    /// <summary>The run loop's device poll: timer deadlines, UART input, RTC match.</summary>
    private void Poll()
    {
        if (Timers.Count == 1) Timer.Poll();
        else
        {
            ulong now = Counter.Now;
            foreach (var t in Timers) t.Poll(now);
        }
        Uart0.Poll();
        Rtc.Poll();
    }

    // ---- several CPUs ----

    private readonly ManualResetEventSlim _wakeAll = new(false);

    /// <summary>Ends an all-CPUs-idle sleep: an interrupt output rose or console input arrived.</summary>
    private void WakeAll() => _wakeAll.Set();

    /// <summary>
    /// WFI/WFE when every CPU waits (the machine only calls it then): sleep until the earliest timer deadline of
    /// any CPU (at most 10 ms, so host input is looked at) or until <see cref="WakeAll"/>.
    /// </summary>
    private void AllCpusIdle(Cpu cpu)
    {
        _wakeAll.Reset();
        ulong now = Counter.Now;
        ulong next = ulong.MaxValue;
        foreach (var t in Timers)
        {
            t.Poll(now);
            next = Math.Min(next, t.NextDeadline);
        }
        foreach (var c in Machine.Cpus)
            if (c.IrqLine || c.FiqLine) return;
        if (Uart0.InputPending) return;
        if (Counter.SkipIdleTime && next != ulong.MaxValue)
        {
            Counter.AdvanceTo(next);
        }
        else
        {
            var wait = TimeSpan.FromMilliseconds(10);
            if (next != ulong.MaxValue)
            {
                var until = Counter.ToHostTime(next > now ? next - now : 0);
                if (until < wait) wait = until;
            }
            if (wait < TimeSpan.FromMilliseconds(1)) wait = TimeSpan.FromMilliseconds(1);
            _wakeAll.Wait(wait);
        }
        now = Counter.Now;
        foreach (var t in Timers) t.Poll(now);
    }

    /// <summary>A TLBI with broadcast (Inner Shareable) scope reaches every other CPU's TLB.</summary>
    private void BroadcastTlbi(Cpu from, TlbiOperation op, ulong operand)
    {
        foreach (var c in Machine.Cpus)
            if (c != from) c.TlbInvalidate(op, operand);
    }

    /// <summary>SEV reaches every other CPU's Event Register.</summary>
    private void BroadcastEvent(Cpu from)
    {
        foreach (var c in Machine.Cpus)
            if (c != from) c.SignalEvent();
    }

    // ---- IPowerController (PSCI) ----

    private static ulong AffinityOf(ulong mpidr) => mpidr & 0xFF_00FF_FFFFUL;

    private int IndexOf(ulong mpidr)
    {
        for (int i = 0; i < Machine.Cpus.Count; i++)
            if (Machine.Cpus[i].TryReadSysReg("MPIDR_EL1", out ulong m) && AffinityOf(m) == AffinityOf(mpidr)) return i;
        return -1;
    }

    /// <summary>PSCI CPU_ON: the target starts at <paramref name="entry"/> at the caller's EL, MMU off, x0 = context id.</summary>
    public int CpuOn(Cpu caller, ulong mpidr, ulong entry, ulong contextId)
    {
        int i = IndexOf(mpidr);
        if (i < 0) return PsciFirmware.InvalidParameters;
        if (Machine.IsPowered(i)) return PsciFirmware.AlreadyOn;
        Machine.PowerOn(i, caller.S.EL, entry, contextId);
        return PsciFirmware.Success;
    }

    public void CpuOff(Cpu caller)
    {
        int i = caller.Config.CpuIndex;
        int on = 0;
        for (int k = 0; k < Machine.Cpus.Count; k++) if (Machine.IsPowered(k)) on++;
        if (on <= 1)
        {
            // The last PE going off leaves nothing running: the machine stops as if powered off.
            PoweredOff = true;
            caller.RequestExit(0);
            return;
        }
        Machine.PowerOff(i);
    }

    public int AffinityInfo(ulong mpidr)
    {
        int i = IndexOf(mpidr);
        return i < 0 ? PsciFirmware.InvalidParameters : Machine.IsPowered(i) ? 0 : 1;
    }

    public void SystemOff(Cpu caller)
    {
        PoweredOff = true;
        Serial.Flush();
        caller.RequestExit(0);
    }

    public void SystemReset(Cpu caller)
    {
        ResetRequested = true;
        Serial.Flush();
        caller.RequestExit(0);
    }

    // ---- device tree ----

    /// <summary>The DTB describing this board, with /chosen filled from <paramref name="chosen"/>.</summary>
    public byte[] BuildDeviceTree(ChosenNode? chosen = null) => VirtDeviceTree.Build(this, chosen ?? new ChosenNode());

    public void Dispose()
    {
        Serial.Flush();
        if (_ownsSerial) Serial.Dispose();
        Machine.Dispose();
    }
}
