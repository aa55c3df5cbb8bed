using FastArm.Devices.Gic;
using FastArm.Devices.HostIo;
using FastArm.Devices.Psci;
using FastArm.Devices.Rtc;
using FastArm.Devices.Timer;
using FastArm.Devices.Uart;
using FastArm.Jit;
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

    public VirtBoardOptions Options { get; }
    public Machine Machine { get; }
    public Pl011 Uart0 { get; }
    public Pl031 Rtc { get; }
    public GicBase Gic { get; }
    public GenericTimer Timer { get; }
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
        if (options.GicVersion is not (2 or 3))
            throw new ArgumentOutOfRangeException(nameof(options), $"GIC version {options.GicVersion} is not 2 or 3");
        Machine = new Machine(options.Cpu, options.Console);
        try
        {
            var bus = Machine.Bus;
            var cpu = Machine.Cpu;
            var trace = options.Trace;
            Machine.MapRam(RamBase, options.RamSize);

            // Interrupt controller, then the timer whose PPIs it takes.
            if (options.GicVersion == 3)
            {
                var gic = new GicV3(1) { Trace = trace };
                gic.Map(bus, GicDistBase, GicRedistBase, GicV3.VirtRedistributorRegionSize);
                Gic = gic;
            }
            else
            {
                var gic = new GicV2(1) { Trace = trace };
                gic.Map(bus, GicDistBase, GicCpuBase);
                Gic = gic;
            }
            Counter = options.Counter ?? new SystemCounter();
            Timer = new GenericTimer(cpu, Counter, Gic);
            Timer.Attach();
            if (Gic is GicV3 g3)
            {
                g3.ConnectCpu(0, cpu, Timer.Wake);
                if (options.Cpu.HasEl2) cpu.SystemRegisterDevices.Add(new GicV3HypRegisters());
            }
            else ((GicV2)Gic).ConnectCpu(0, cpu, Timer.Wake);

            _ownsSerial = options.Serial == null;
            Serial = options.Serial ?? new ConsoleSerial(Machine.Console);
            Serial.InputArrived = Timer.Wake;
            Uart0 = new Pl011(Serial, Gic.Line(32 + Uart0Spi)) { Trace = trace };
            Machine.MapDevice(Uart0Base, Pl011.Size, Uart0, "pl011");
            Rtc = new Pl031 { Irq = Gic.Line(32 + RtcSpi), Trace = trace };
            Machine.MapDevice(RtcBase, Pl031.Size, Rtc, "pl031");

            Psci = new PsciFirmware(this, options.PsciUsesHvc ?? !options.Cpu.HasEl2);
            cpu.FirmwareCalls = Psci;

            if (trace != null)
            {
                cpu.Trace = trace;
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
        Timer.Poll();
        Uart0.Poll();
        Rtc.Poll();
    }

    // ---- IPowerController (PSCI) ----

    private ulong BootMpidr => Machine.Cpu.TryReadSysReg("MPIDR_EL1", out ulong m) ? m & 0xFF_00FF_FFFFUL : 0;

    public int CpuOn(Cpu caller, ulong mpidr, ulong entry, ulong contextId) =>
        (mpidr & 0xFF_00FF_FFFFUL) == BootMpidr ? PsciFirmware.AlreadyOn : PsciFirmware.InvalidParameters;

    public void CpuOff(Cpu caller)
    {
        // The only PE going off leaves nothing running: the machine stops as if powered off.
        PoweredOff = true;
        caller.RequestExit(0);
    }

    public int AffinityInfo(ulong mpidr) => (mpidr & 0xFF_00FF_FFFFUL) == BootMpidr ? 0 : PsciFirmware.InvalidParameters;

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
