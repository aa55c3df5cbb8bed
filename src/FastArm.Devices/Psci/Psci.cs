using FastArm.Jit;
using FastArm.Jit.Platform;

namespace FastArm.Devices.Psci;

/// <summary>What PSCI needs from the board: power for CPUs and the system.</summary>
public interface IPowerController
{
    /// <summary>Starts the CPU with affinity <paramref name="mpidr"/> at <paramref name="entry"/> with x0 =
    /// <paramref name="contextId"/>, MMU off, at the caller's non-secure EL. Returns a PSCI status.</summary>
    int CpuOn(Cpu caller, ulong mpidr, ulong entry, ulong contextId);
    /// <summary>Powers off the calling CPU (it stops running until a later CPU_ON).</summary>
    void CpuOff(Cpu caller);
    /// <summary>0 = ON, 1 = OFF, 2 = ON_PENDING; or INVALID_PARAMETERS for an unknown MPIDR.</summary>
    int AffinityInfo(ulong mpidr);
    void SystemOff(Cpu caller);
    void SystemReset(Cpu caller);
}

/// <summary>
/// PSCI 1.1 (Arm DEN 0022) answered by the emulator, as QEMU does for `virt` when no guest firmware runs at EL2/EL3:
/// the conduit (HVC or SMC) is what the DTB's /psci node says. Function ID in W0, arguments in X1..X3, result in X0.
/// IDs outside the PSCI ranges are not ours (the instruction stays UNDEFINED, as on QEMU).
/// </summary>
public sealed class Psci : IFirmwareCallHandler
{
    public const int Success = 0, NotSupported = -1, InvalidParameters = -2, Denied = -3, AlreadyOn = -4,
        OnPending = -5, InternalFailure = -6, NotPresent = -7, Disabled = -8, InvalidAddress = -9;

    public const uint Version = 0x8400_0000, CpuSuspend = 0x8400_0001, CpuOff = 0x8400_0002, CpuOn = 0x8400_0003,
        AffinityInfo = 0x8400_0004, Migrate = 0x8400_0005, MigrateInfoType = 0x8400_0006, MigrateInfoUpCpu = 0x8400_0007,
        SystemOff = 0x8400_0008, SystemReset = 0x8400_0009, Features = 0x8400_000A;
    private const uint Smc64 = 0x4000_0000;

    private readonly IPowerController _power;

    /// <summary>Which instruction the guest uses to call PSCI; the other one is not answered.</summary>
    public bool UseHvc { get; }

    public Psci(IPowerController power, bool useHvc)
    {
        _power = power;
        UseHvc = useHvc;
    }

    public bool HandleHvc(Cpu cpu, uint imm16) => UseHvc && Handle(cpu);
    public bool HandleSmc(Cpu cpu, uint imm16) => !UseHvc && Handle(cpu);

    private static bool IsPsciId(uint id) => (id & ~Smc64 & 0xFFFF_FFE0u) == 0x8400_0000u;

    private bool Handle(Cpu cpu)
    {
        uint id = (uint)cpu.GetX(0);
        if (!IsPsciId(id)) return false;
        bool is64 = (id & Smc64) != 0;
        ulong Arg(int n) => is64 ? cpu.GetX(n) : (uint)cpu.GetX(n);
        long result = (id & ~Smc64) switch
        {
            Version when !is64 => 0x0001_0001,   // 1.1
            CpuSuspend => Suspend(cpu),
            CpuOff when !is64 => Off(cpu),
            CpuOn => _power.CpuOn(cpu, Arg(1), Arg(2), Arg(3)),
            AffinityInfo => Arg(2) != 0 ? InvalidParameters : _power.AffinityInfo(Arg(1)),
            MigrateInfoType when !is64 => 2,      // no Trusted OS: migration not required
            SystemOff when !is64 => Off(cpu, system: true),
            SystemReset when !is64 => Reset(cpu),
            Features when !is64 => FeatureOf((uint)Arg(1)),
            _ => NotSupported,
        };
        cpu.SetX(0, (ulong)result);
        return true;
    }

    // Standby-type suspend: a WFI-like wait that any interrupt ends; power-down states are not offered, so
    // treating every request as standby is allowed (PSCI 5.4.2: the implementation may choose a shallower state).
    private static long Suspend(Cpu cpu)
    {
        cpu.WaitForInterrupt();
        return Success;
    }

    private long Off(Cpu cpu, bool system = false)
    {
        if (system) _power.SystemOff(cpu); else _power.CpuOff(cpu);
        return Success;   // not seen by the guest: the CPU or the system is off
    }

    private long Reset(Cpu cpu)
    {
        _power.SystemReset(cpu);
        return Success;
    }

    private static long FeatureOf(uint id)
    {
        if (!IsPsciId(id)) return NotSupported;
        bool is64 = (id & Smc64) != 0;
        return (id & ~Smc64) switch
        {
            Version or CpuOff or MigrateInfoType or SystemOff or SystemReset or Features when !is64 => Success,
            CpuSuspend => 0,   // bit 1 = 0: original power-state format; bit 0 = 0: no OS-initiated mode
            CpuOn or AffinityInfo => Success,
            _ => NotSupported,
        };
    }
}
