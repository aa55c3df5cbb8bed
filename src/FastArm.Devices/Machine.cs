using System.Diagnostics;
using FastArm.Devices.Boot;
using FastArm.Devices.HostIo;
using FastArm.Devices.Semihosting;
using FastArm.Jit;
using FastArm.Jit.State;
using FastArm.SoftMmu.Bus;
using FastArm.SoftMmu.Ram;

namespace FastArm;

/// <summary>
/// One emulated machine: a CPU, its physical bus, and what a harness or the command line needs around them:
/// mapping RAM and MMIO, loading programs, registers by name, running with limits, hooks and semihosting.
/// This is the library's public entry point; boards (FastArm.Devices.Board) build on it.
/// </summary>
public sealed unsafe class Machine : IDisposable
{
    private readonly List<GuestRam> _ownedRam = [];
    private ulong _imageEnd;
    private bool _semihostingEnabled;

    /// <summary>The boot CPU (index 0); registers by name, hooks and loaders act on it.</summary>
    public Cpu Cpu { get; }

    private readonly List<Cpu> _cpus = [];
    private readonly List<bool> _powered = [];

    /// <summary>Every CPU, the boot CPU first. More are added with <see cref="AddCpu"/>.</summary>
    public IReadOnlyList<Cpu> Cpus => _cpus;
    public PhysicalBus Bus { get; }

    /// <summary>Guest console I/O shared by semihosting and the UARTs.</summary>
    public HostConsole Console { get; }

    /// <summary>The semihosting implementation; attached to the CPU while <see cref="SemihostingEnabled"/> is true.</summary>
    public ArmSemihosting Semihosting { get; }

    /// <summary>
    /// Builds a machine with one CPU (EL1 only unless <paramref name="config"/> asks for EL2/EL3) and an empty bus.
    /// The CPU starts in reset at its highest EL with PC 0. <paramref name="console"/> defaults to the process's
    /// stdin/stdout/stderr.
    /// </summary>
    public Machine(CpuConfig? config = null, HostConsole? console = null)
    {
        Bus = new PhysicalBus();
        Cpu = new Cpu(Bus, config ?? new CpuConfig());
        _cpus.Add(Cpu);
        _powered.Add(true);
        Console = console ?? HostConsole.Standard();
        Semihosting = new ArmSemihosting(Console) { HeapInfo = ComputeHeapInfo };
    }

    // ---- memory map ----

    /// <summary>Maps <paramref name="size"/> bytes of zeroed RAM (a multiple of 4 KiB) at physical <paramref name="physBase"/>.</summary>
    public GuestRam MapRam(ulong physBase, ulong size, bool readOnly = false)
    {
        var r = Bus.MapRam(physBase, size, readOnly);
        _ownedRam.Add(r);
        return r;
    }

    /// <summary>
    /// Maps an MMIO region answered by two callbacks: <paramref name="read"/>(offset, size) returns the value and
    /// <paramref name="write"/>(offset, value, size) takes one; offsets are relative to <paramref name="physBase"/>.
    /// </summary>
    public void MapMmio(ulong physBase, ulong size, Func<ulong, int, ulong> read, Action<ulong, ulong, int> write, string name = "mmio") =>
        Bus.MapMmio(physBase, size, new CallbackDevice(read, write), name);

    /// <summary>Maps a device object.</summary>
    public void MapDevice(ulong physBase, ulong size, IMmioDevice device, string name) => Bus.MapMmio(physBase, size, device, name);

    // ---- loading ----

    /// <summary>Loads an ELF file's PT_LOAD segments at their physical addresses; returns the (physical) entry point.</summary>
    public ulong LoadElf(string path) => LoadElf(File.ReadAllBytes(path));

    /// <summary>Loads an ELF image's PT_LOAD segments at their physical addresses; returns the (physical) entry point.</summary>
    public ulong LoadElf(byte[] elf)
    {
        var image = ElfLoader.Parse(elf);
        ElfLoader.Load(image, Bus);
        _imageEnd = Math.Max(_imageEnd, image.PhysicalExtent.End);
        return image.Entry;
    }

    /// <summary>Copies a flat binary into RAM at <paramref name="address"/>.</summary>
    public void LoadRaw(ReadOnlySpan<byte> data, ulong address)
    {
        RawLoader.Load(Bus, data, address);
        _imageEnd = Math.Max(_imageEnd, address + (ulong)data.Length);
    }

    /// <summary>Writes bytes to physical memory (RAM or ROM); throws when the range is not all memory.</summary>
    public void WriteMemory(ulong physAddress, ReadOnlySpan<byte> data)
    {
        if (!RawLoader.IsRam(Bus, physAddress, (ulong)data.Length))
            throw new ArgumentException($"0x{physAddress:X}+0x{data.Length:X} is not all RAM");
        Bus.Load(physAddress, data);
    }

    /// <summary>Reads bytes from physical memory; throws when the range is not all memory.</summary>
    public byte[] ReadMemory(ulong physAddress, int length)
    {
        var b = new byte[length];
        if (!Bus.TryReadBytes(physAddress, b)) throw new ArgumentException($"0x{physAddress:X}+0x{length:X} is not all RAM");
        return b;
    }

    public ulong ReadUInt64(ulong physAddress) => BitConverter.ToUInt64(ReadMemory(physAddress, 8));
    public uint ReadUInt32(ulong physAddress) => BitConverter.ToUInt32(ReadMemory(physAddress, 4));

    /// <summary>The end of the highest image loaded so far (SYS_HEAPINFO puts the heap after it).</summary>
    public ulong LoadedImageEnd => _imageEnd;

    // ---- registers ----

    public ulong Pc { get => Cpu.Pc; set => Cpu.Pc = value; }
    public ulong Sp { get => Cpu.Sp; set => Cpu.Sp = value; }
    public ulong X(int n) => Cpu.GetX(n);
    public void SetX(int n, ulong value) => Cpu.SetX(n, value);

    /// <summary>A register by name (<see cref="ReadRegister"/>, <see cref="WriteRegister"/>).</summary>
    public ulong this[string name] { get => ReadRegister(name); set => WriteRegister(name, value); }

    /// <summary>
    /// Reads a register by name, case-insensitive: X0..X30, W0..W30, XZR/WZR, LR, FP, SP (the current one),
    /// SP_EL0..SP_EL3, PC, NZCV, the flags N Z C V, DAIF, CurrentEL, EL, SPSel, PSTATE (packed as SPSR_ELx would hold
    /// it), FPCR, FPSR, the low parts of the SIMD&amp;FP registers D0..D31, S0..S31, H0..H31, B0..B31 (Q0..Q31 and
    /// V0..V31 are 128-bit: <see cref="ReadVector"/>), and system registers by their Arm ARM name (SCTLR_EL1, VBAR_EL2...).
    /// Unknown names throw <see cref="ArgumentException"/>.
    /// </summary>
    public ulong ReadRegister(string name)
    {
        if (TryReadRegister(name, out ulong v)) return v;
        throw new ArgumentException($"unknown register '{name}'", nameof(name));
    }

    public void WriteRegister(string name, ulong value)
    {
        if (!TryWriteRegister(name, value)) throw new ArgumentException($"unknown or read-only register '{name}'", nameof(name));
    }

    public UInt128 ReadVector(int n)
    {
        if ((uint)n > 31) throw new ArgumentOutOfRangeException(nameof(n));
        return new UInt128(Cpu.S.V[n * 2 + 1], Cpu.S.V[n * 2]);
    }

    public void WriteVector(int n, UInt128 value)
    {
        if ((uint)n > 31) throw new ArgumentOutOfRangeException(nameof(n));
        Cpu.S.V[n * 2] = (ulong)value;
        Cpu.S.V[n * 2 + 1] = (ulong)(value >> 64);
    }

    /// <summary>A register as 128 bits: Q0..Q31 / V0..V31 in full, every other name zero-extended.</summary>
    public UInt128 ReadRegister128(string name)
    {
        if (ParseIndexed(name, out char p, out int n) && (p == 'Q' || p == 'V')) return ReadVector(n);
        return ReadRegister(name);
    }

    public void WriteRegister128(string name, UInt128 value)
    {
        if (ParseIndexed(name, out char p, out int n) && (p == 'Q' || p == 'V')) { WriteVector(n, value); return; }
        WriteRegister(name, (ulong)value);
    }

    private static bool ParseIndexed(string name, out char prefix, out int n)
    {
        prefix = name.Length > 0 ? char.ToUpperInvariant(name[0]) : '\0';
        n = -1;
        return name.Length is 2 or 3 && int.TryParse(name.AsSpan(1), System.Globalization.NumberStyles.None, null, out n) && n <= 31
            && !(name.Length == 3 && name[1] == '0');
    }

    public bool TryReadRegister(string name, out ulong value)
    {
        ref CpuState s = ref Cpu.S;
        if (ParseIndexed(name, out char p, out int n))
        {
            switch (p)
            {
                case 'X' when n < 31: value = s.X[n]; return true;
                case 'W' when n < 31: value = (uint)s.X[n]; return true;
                case 'D': value = s.V[n * 2]; return true;
                case 'S': value = (uint)s.V[n * 2]; return true;
                case 'H': value = (ushort)s.V[n * 2]; return true;
                case 'B': value = (byte)s.V[n * 2]; return true;
                case 'Q' or 'V': value = s.V[n * 2]; return true;   // the low half; ReadVector gives all 128 bits
            }
        }
        switch (name.ToUpperInvariant())
        {
            case "XZR": case "WZR": value = 0; return true;
            case "LR": value = s.X[30]; return true;
            case "FP": value = s.X[29]; return true;
            case "SP": value = Cpu.Sp; return true;
            case "PC": value = s.PC; return true;
            case "NZCV": value = s.Nzcv; return true;
            case "N": value = (s.Nzcv >> 31) & 1; return true;
            case "Z": value = (s.Nzcv >> 30) & 1; return true;
            case "C": value = (s.Nzcv >> 29) & 1; return true;
            case "V": value = (s.Nzcv >> 28) & 1; return true;
            case "DAIF": value = s.Daif; return true;
            case "CURRENTEL": value = (ulong)s.EL << 2; return true;
            case "EL": value = (ulong)s.EL; return true;
            case "SPSEL": value = (ulong)s.SpSel; return true;
            case "PSTATE": value = s.PStateAsSpsr; return true;
            case "FPCR": value = s.Fpcr; return true;
            case "FPSR": value = s.Fpsr; return true;
        }
        return Cpu.TryReadSysReg(name, out value);
    }

    public bool TryWriteRegister(string name, ulong value)
    {
        ref CpuState s = ref Cpu.S;
        if (ParseIndexed(name, out char p, out int n))
        {
            // Scalar SIMD&FP writes clear the rest of the 128-bit register, as A64 instructions writing Dn/Sn/Hn/Bn do.
            switch (p)
            {
                case 'X' when n < 31: s.X[n] = value; return true;
                case 'W' when n < 31: s.X[n] = (uint)value; return true;
                case 'D': s.V[n * 2] = value; s.V[n * 2 + 1] = 0; return true;
                case 'S': s.V[n * 2] = (uint)value; s.V[n * 2 + 1] = 0; return true;
                case 'H': s.V[n * 2] = (ushort)value; s.V[n * 2 + 1] = 0; return true;
                case 'B': s.V[n * 2] = (byte)value; s.V[n * 2 + 1] = 0; return true;
                case 'Q' or 'V': s.V[n * 2] = value; s.V[n * 2 + 1] = 0; return true;
            }
        }
        switch (name.ToUpperInvariant())
        {
            case "XZR": case "WZR": return true;
            case "LR": s.X[30] = value; return true;
            case "FP": s.X[29] = value; return true;
            case "SP": Cpu.Sp = value; return true;
            case "PC": Cpu.Pc = value; return true;
            case "NZCV": s.Nzcv = (uint)value & 0xF000_0000; return true;
            case "N": SetFlag(ref s, 31, value); return true;
            case "Z": SetFlag(ref s, 30, value); return true;
            case "C": SetFlag(ref s, 29, value); return true;
            case "V": SetFlag(ref s, 28, value); return true;
            case "DAIF": s.Daif = (uint)value & 0x3C0; return true;
            case "SPSEL": s.SpSel = (int)(value & 1); return true;
            case "FPCR": s.Fpcr = (uint)value; return true;
            case "FPSR": s.Fpsr = (uint)value; return true;
            case "CURRENTEL": case "EL":
            {
                int el = name.Equals("EL", StringComparison.OrdinalIgnoreCase) ? (int)value : (int)(value >> 2) & 3;
                if (!ElImplemented(el)) throw new ArgumentOutOfRangeException(nameof(value), $"EL{el} is not implemented by this CPU");
                s.EL = el;
                return true;
            }
            case "PSTATE":
            {
                int el = (int)((value >> 2) & 3);
                if ((value & 0x10) != 0 || !ElImplemented(el)) throw new ArgumentOutOfRangeException(nameof(value), $"PSTATE 0x{value:X} names a mode this CPU does not have");
                s.SetPStateFromSpsr(value);
                return true;
            }
        }
        return Cpu.TryWriteSysReg(name, value);
    }

    private bool ElImplemented(int el) => el is 0 or 1 || (el == 2 && Cpu.Config.HasEl2) || (el == 3 && Cpu.Config.HasEl3);

    private static void SetFlag(ref CpuState s, int bit, ulong v) => s.Nzcv = (s.Nzcv & ~(1u << bit)) | ((uint)(v & 1) << bit);

    /// <summary>Resets the CPU to <paramref name="el"/> (default: its highest) with PC = <paramref name="pc"/>; memory is kept.</summary>
    public void Reset(ulong pc = 0, int? el = null)
    {
        Cpu.Reset(el ?? (Cpu.Config.HasEl3 ? 3 : Cpu.Config.HasEl2 ? 2 : 1), pc);
        for (int i = 1; i < _cpus.Count; i++) _powered[i] = false;   // secondaries wait for a CPU_ON
        Semihosting.Reset();
    }

    // ---- more than one CPU ----

    /// <summary>
    /// Adds a CPU like the boot CPU, with the next <see cref="CpuConfig.CpuIndex"/> (so the next MPIDR_EL1). It
    /// starts powered off: <see cref="PowerOn"/> (PSCI CPU_ON) sets it going. The CPUs share the bus and take
    /// turns on the calling thread, <see cref="PollInterval"/> instructions at a time.
    /// </summary>
    public Cpu AddCpu()
    {
        var cpu = new Cpu(Bus, Cpu.Config with { CpuIndex = _cpus.Count });
        _cpus.Add(cpu);
        _powered.Add(false);
        return cpu;
    }

    public bool IsPowered(int index) => _powered[index];

    /// <summary>Resets CPU <paramref name="index"/> at <paramref name="el"/> with PC = <paramref name="pc"/> and X0 =
    /// <paramref name="x0"/> (MMU off, interrupts masked), and lets it run.</summary>
    public void PowerOn(int index, int el, ulong pc, ulong x0)
    {
        var cpu = _cpus[index];
        cpu.Reset(el, pc);
        cpu.SetX(0, x0);
        _powered[index] = true;
    }

    /// <summary>Stops CPU <paramref name="index"/> at its next instruction boundary until a later <see cref="PowerOn"/>.</summary>
    public void PowerOff(int index)
    {
        _powered[index] = false;
        _cpus[index].RequestStop();
    }

    /// <summary>The index of the CPU executing now (devices without a CPU port, such as a GICv2, ask).</summary>
    public int CurrentCpuIndex { get; private set; }

    // ---- running ----

    /// <summary>
    /// Runs until PC reaches <paramref name="until"/>, <paramref name="maxInstructions"/> have executed,
    /// <paramref name="timeout"/> of host time has passed, <see cref="Stop"/> is called, the guest exits
    /// (semihosting SYS_EXIT) or semihosting fails. Null limits do not limit. Returns why it stopped.
    /// </summary>
    public StopReason Run(ulong? until = null, ulong? maxInstructions = null, TimeSpan? timeout = null)
    {
        _userStop = false;
        StopReason reason = _pollers.Count == 0 && _cpus.Count == 1
            ? Cpu.Run(new RunLimits(maxInstructions, until, timeout))
            : RunPolled(until, maxInstructions, timeout);
        Console.Flush();
        if (reason == StopReason.StopRequested && Semihosting.FatalError != null) return StopReason.Fatal;
        return reason;
    }

    // ---- devices polled from the run loop ----

    private readonly List<Action> _pollers = [];
    private volatile bool _userStop;
    private long _deadlineTicks = long.MaxValue;
    private bool _timedOut;

    /// <summary>
    /// Instructions between two rounds of device polling (timers, UART input, RTC): the latency of a timer
    /// interrupt in instructions. Polling also happens after every idle period of WFI.
    /// </summary>
    public ulong PollInterval { get; set; } = 4096;

    /// <summary>
    /// Adds a device poll to the run loop: called on the CPU's thread every <see cref="PollInterval"/>
    /// instructions and each time the CPU wakes from an idle wait in WFI. With no pollers <see cref="Run"/> is
    /// the plain interpreter loop.
    /// </summary>
    public void AddPoller(Action poll) => _pollers.Add(poll);

    private void RunPollers()
    {
        foreach (var p in _pollers) p();
    }

    /// <summary>
    /// Run in slices of <see cref="PollInterval"/> instructions with the pollers between them. With several CPUs
    /// each powered CPU runs one slice in turn; a CPU waiting in WFI/WFE gives its turn to the others, and only
    /// when none has work does the machine sleep (the CPU's <see cref="Cpu.Idle"/>, the board's timer wait).
    /// </summary>
    private StopReason RunPolled(ulong? until, ulong? maxInstructions, TimeSpan? timeout)
    {
        ulong remaining = maxInstructions ?? ulong.MaxValue;
        _deadlineTicks = timeout is { } t ? Stopwatch.GetTimestamp() + (long)(t.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        _timedOut = false;
        bool multi = _cpus.Count > 1;
        var innerIdle = new Action<Cpu>?[_cpus.Count];
        for (int i = 0; i < _cpus.Count; i++)
        {
            innerIdle[i] = _cpus[i].Idle;
            _cpus[i].Idle = IdleAndPoll;
        }
        try
        {
            while (true)
            {
                bool ranAny = false;
                for (int i = 0; i < _cpus.Count; i++)
                {
                    if (_userStop) return StopReason.StopRequested;
                    if (remaining == 0) return StopReason.InstructionLimit;
                    if (Stopwatch.GetTimestamp() >= _deadlineTicks) return StopReason.Timeout;
                    if (!_powered[i]) continue;
                    ranAny = true;
                    var cpu = _cpus[i];
                    CurrentCpuIndex = i;
                    ulong slice = Math.Min(PollInterval, remaining);
                    ulong before = cpu.InstructionsExecuted;
                    var reason = cpu.Run(new RunLimits(slice, until, null));
                    if (!multi) RunPollers();
                    switch (reason)
                    {
                        case StopReason.InstructionLimit:
                            remaining -= slice;
                            continue;
                        case StopReason.StopRequested:
                            remaining -= Math.Min(remaining, cpu.InstructionsExecuted - before);
                            if (_userStop || Semihosting.FatalError != null) return StopReason.StopRequested;
                            if (_timedOut) return StopReason.Timeout;
                            continue;   // the idle hook, or a CPU powering off, ended the slice
                        default:
                            return reason;
                    }
                }
                if (multi) RunPollers();
                if (!ranAny)
                {
                    // Every CPU is off (CPU_OFF of the last one): nothing will ever run again.
                    if (_userStop) return StopReason.StopRequested;
                    Thread.Sleep(1);
                    RunPollers();
                    if (Stopwatch.GetTimestamp() >= _deadlineTicks) return StopReason.Timeout;
                }
            }
        }
        finally
        {
            for (int i = 0; i < _cpus.Count; i++) _cpus[i].Idle = innerIdle[i];
            CurrentCpuIndex = 0;
        }

        void IdleAndPoll(Cpu cpu)
        {
            if (multi)
            {
                // Another CPU has work: give it the turn instead of sleeping.
                if (AnyOtherRunnable(cpu)) { cpu.RequestStop(); return; }
                var inner = innerIdle[cpu.Config.CpuIndex];
                if (inner != null) inner(cpu); else Thread.Sleep(1);
                RunPollers();
                if (Stopwatch.GetTimestamp() >= _deadlineTicks) _timedOut = true;
                cpu.RequestStop();   // let the others look at what woke the machine
                return;
            }
            if (innerIdle[0] != null) innerIdle[0]!(cpu); else Thread.Sleep(1);
            RunPollers();
            if (Stopwatch.GetTimestamp() >= _deadlineTicks) { _timedOut = true; cpu.RequestStop(); }
            else if (_userStop) cpu.RequestStop();
        }
    }

    /// <summary>A powered CPU other than <paramref name="self"/> that is not waiting, or whose wait is over.</summary>
    private bool AnyOtherRunnable(Cpu self)
    {
        for (int i = 0; i < _cpus.Count; i++)
        {
            var c = _cpus[i];
            if (c == self || !_powered[i]) continue;
            if (!c.IsWaitingForInterrupt || c.IrqLine || c.FiqLine) return true;
        }
        return false;
    }

    /// <summary>Executes one instruction (or takes one exception).</summary>
    public StopReason Step() => Run(maxInstructions: 1);

    /// <summary>Makes a <see cref="Run"/> in progress on another thread return at the next instruction boundary.</summary>
    public void Stop()
    {
        _userStop = true;
        foreach (var c in _cpus) c.RequestStop();
    }

    /// <summary>The guest's exit code once it has exited (semihosting SYS_EXIT), else null.</summary>
    public int? ExitCode
    {
        get
        {
            foreach (var c in _cpus) if (c.ExitCode != null) return c.ExitCode;
            return null;
        }
    }

    /// <summary>Instructions executed by all CPUs.</summary>
    public ulong InstructionsExecuted
    {
        get
        {
            ulong n = 0;
            foreach (var c in _cpus) n += c.InstructionsExecuted;
            return n;
        }
    }

    // ---- hooks (see Cpu for when each fires) ----

    /// <summary>Before each instruction: its address and encoding.</summary>
    public Action<ulong, uint>? CodeHook { get => Cpu.CodeHook; set => Cpu.CodeHook = value; }
    /// <summary>At the start of each basic block: its address.</summary>
    public Action<ulong>? BlockHook { get => Cpu.BlockHook; set => Cpu.BlockHook = value; }
    /// <summary>After each data access by guest instructions.</summary>
    public Action<MemoryAccess>? MemoryHook { get => Cpu.MemoryHook; set => Cpu.MemoryHook = value; }
    /// <summary>On each exception entry.</summary>
    public Action<ExceptionEvent>? ExceptionHook { get => Cpu.ExceptionHook; set => Cpu.ExceptionHook = value; }

    // ---- semihosting ----

    /// <summary>When true, <c>HLT #0xF000</c> is a semihosting call; when false it is UNDEFINED.</summary>
    public bool SemihostingEnabled
    {
        get => _semihostingEnabled;
        set { _semihostingEnabled = value; Cpu.Semihosting = value ? Semihosting : null; }
    }

    /// <summary>
    /// SYS_HEAPINFO as QEMU computes it for a bare-metal program: the heap runs from the end of the loaded image to
    /// the end of the RAM block holding it, the stack base is that RAM end and the stack limit the heap base.
    /// </summary>
    private HeapInfo ComputeHeapInfo()
    {
        GuestRam? ram = _imageEnd != 0 ? Bus.FindRam(_imageEnd - 1) : null;
        ram ??= Bus.RamBlocks.Count > 0 ? Bus.RamBlocks[0] : null;
        if (ram == null) return default;
        ulong heapBase = _imageEnd >= ram.PhysBase && _imageEnd <= ram.PhysBase + ram.Size ? _imageEnd : ram.PhysBase;
        ulong end = ram.PhysBase + ram.Size;
        return new HeapInfo(heapBase, end, end, heapBase);
    }

    public void Dispose()
    {
        Console.Flush();
        foreach (var c in _cpus) c.Dispose();
        foreach (var r in _ownedRam) r.Dispose();
    }
}
