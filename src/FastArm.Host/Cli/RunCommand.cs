using FastArm.Devices.Board;
using FastArm.Devices.Boot;
using FastArm.Devices.Fdt;
using FastArm.Devices.HostIo;
using FastArm.Devices.Uart;
using FastArm.Jit;

namespace FastArm.Host.Cli;

/// <summary>
/// <c>fastarm run</c>: runs a program on the virt board — an arm64 Linux Image by the Linux boot protocol, an ELF
/// at its physical addresses, or a raw binary. Exit code: the guest's (semihosting SYS_EXIT; 0 for PSCI
/// SYSTEM_OFF); 2 for a usage error or a file that cannot be read or loaded; 3 when the run ends without the
/// guest exiting (--timeout, --max-insns, an unsupported semihosting call); 130 when interrupted (Ctrl-C).
/// </summary>
public static class RunCommand
{
    public const int ExitUsage = 2, ExitNoGuestExit = 3, ExitInterrupted = 130;

    public const string Usage = """
        usage: fastarm run --kernel FILE [options]

        Runs a program on the virt board: RAM from 0x40000000, GICv3 (or GICv2), the generic timer, a PL011 UART
        at 0x09000000, a PL031 RTC at 0x09010000, PSCI. A file with the arm64 Linux Image header (optionally
        gzip-compressed) is booted as Linux: the kernel, the initrd and a generated device tree go into RAM and the
        CPU enters the kernel with x0 = the DTB, MMU off, at EL1 (or EL2 with --el2). An ELF file loads at its
        physical addresses and starts at its entry; any other file is a raw binary loaded at --load-addr. Guest
        output (UART, semihosting console) goes to stdout; the emulator's own messages go to stderr.

          --kernel FILE        the program to run (Linux Image, ELF or raw binary)
          --initrd FILE        Linux: the initial ramdisk (e.g. a cpio.gz initramfs)
          --append TEXT        Linux: the kernel command line; bare metal: SYS_GET_CMDLINE arguments
          --dtb FILE           Linux: use this device tree instead of the board's (its /chosen gets the initrd,
                               bootargs and seeds merged in)
          --gic 2|3            interrupt controller (default 3)
          --el2                Linux: enter the kernel at EL2 (the CPU gets EL2; PSCI is then called with SMC)
          --serial SPEC        the UART's host side: stdio (default), file:PATH, tcp:127.0.0.1:PORT, none
          --no-reboot          Linux: exit (code 0) when the guest resets instead of booting it again
          --smp N              number of CPUs, 1 to 8 (secondaries start through PSCI CPU_ON)
          --semihosting        enable Arm semihosting (HLT #0xF000): console I/O and SYS_EXIT
          --engine interp|jit  execution engine (default jit: hot code is translated to IL, cold code interpreted)
          --el 1|2|3           bare metal: start at this EL (default 1); 2 gives the CPU EL2, 3 gives it EL2 and EL3
          --load-addr ADDR     where a raw binary goes (default 0x40000000)
          --memory SIZE        RAM size, e.g. 128M, 1G (default: 1G for Linux, 128M otherwise)
          --max-insns N        stop after N instructions (K, M, G suffixes: thousands, millions...)
          --timeout SECONDS    stop after this much host time
          --trace              print each executed instruction and exception to stderr
          --stats              at the end, print what the engine did (instructions, TLB, translator) to stderr
          --trace-exceptions   print each exception entry and each access to an unknown device register

        Interactive console (stdio on a terminal): raw mode, every key goes to the guest; Ctrl-A x quits,
        Ctrl-A h shows help. With stdin not a terminal the guest reads only what it is given, never blocking.

        Exit code: the guest's semihosting exit code, or 0 when Linux powers off; 2 = bad arguments or an
        unreadable/unloadable file; 3 = stopped by --timeout or --max-insns, or an unsupported semihosting
        call; 130 = interrupted.
        """;

    private sealed class Options
    {
        public string? Kernel, Initrd, Dtb;
        public bool Semihosting, Trace, TraceExceptions, El2, NoReboot, Stats;
        public ExecutionEngine Engine = ExecutionEngines.Default;
        public string? Append;
        public int El = 1;
        public int Gic = 3;
        public int Smp = 1;
        public string Serial = "stdio";
        public ulong? LoadAddr;
        public ulong? Memory;
        public ulong? MaxInsns;
        public double? Timeout;
    }

    private static Options ParseArgs(string[] args)
    {
        var o = new Options();
        var r = new ArgReader(args);
        while (r.Next(out string name, out string? inline))
        {
            switch (name)
            {
                case "--kernel": o.Kernel = r.Value(name, inline); break;
                case "--initrd": o.Initrd = r.Value(name, inline); break;
                case "--dtb": o.Dtb = r.Value(name, inline); break;
                case "--semihosting": ArgReader.NoValue(name, inline); o.Semihosting = true; break;
                case "--stats": ArgReader.NoValue(name, inline); o.Stats = true; break;
                case "--append": o.Append = r.Value(name, inline); break;
                case "--engine":
                {
                    string e = r.Value(name, inline);
                    if (!ExecutionEngines.TryParse(e, out var engine)) throw new UsageException($"--engine: '{e}' is not 'interp' or 'jit'");
                    o.Engine = engine;
                    break;
                }
                case "--el":
                {
                    string v = r.Value(name, inline);
                    if (v is not ("1" or "2" or "3")) throw new UsageException($"--el: '{v}' is not 1, 2 or 3");
                    o.El = v[0] - '0';
                    break;
                }
                case "--el2": ArgReader.NoValue(name, inline); o.El2 = true; break;
                case "--gic":
                {
                    string v = r.Value(name, inline);
                    if (v is not ("2" or "3")) throw new UsageException($"--gic: '{v}' is not 2 or 3");
                    o.Gic = v[0] - '0';
                    break;
                }
                case "--smp":
                {
                    ulong n = Parse.Number(name, r.Value(name, inline));
                    if (n is < 1 or > VirtBoard.MaxCpus) throw new UsageException($"--smp: {n} CPUs: the board has 1 to {VirtBoard.MaxCpus}");
                    o.Smp = (int)n;
                    break;
                }
                case "--serial": o.Serial = r.Value(name, inline); break;
                case "--no-reboot": ArgReader.NoValue(name, inline); o.NoReboot = true; break;
                case "--load-addr": o.LoadAddr = Parse.Number(name, r.Value(name, inline)); break;
                case "--memory": o.Memory = Parse.Size(name, r.Value(name, inline)); break;
                case "--max-insns": o.MaxInsns = Parse.Count(name, r.Value(name, inline)); break;
                case "--timeout": o.Timeout = Parse.Seconds(name, r.Value(name, inline)); break;
                case "--trace": ArgReader.NoValue(name, inline); o.Trace = true; break;
                case "--trace-exceptions": ArgReader.NoValue(name, inline); o.TraceExceptions = true; break;
                default: throw new UsageException($"unknown option '{name}'");
            }
        }
        if (o.Kernel == null) throw new UsageException("--kernel PROGRAM is required");
        if (o.Memory is ulong mem && (mem == 0 || (mem & 0xFFF) != 0 || mem > VirtBoard.MaxRamSize))
            throw new UsageException($"--memory: {mem} bytes is not a multiple of 4 KiB between 4 KiB and 255 GiB");
        return o;
    }

    public static int Run(string[] args, CliContext ctx)
    {
        if (args.Contains("--help") || args.Contains("-h")) { ctx.Out.Write(Usage); return 0; }
        Options o;
        byte[] file;
        byte[]? initrd = null, dtb = null;
        bool linux;
        try
        {
            o = ParseArgs(args);
            file = ReadFile(o.Kernel!);
            linux = LinuxLoader.IsLinuxImage(file);
            if (!linux)
            {
                foreach (var (opt, set) in new[] { ("--initrd", o.Initrd != null), ("--dtb", o.Dtb != null), ("--el2", o.El2), ("--no-reboot", o.NoReboot) })
                    if (set) throw new UsageException($"{opt} is for Linux kernels; '{o.Kernel}' is not an arm64 Linux Image");
            }
            else if (o.El != 1) throw new UsageException("--el is for bare-metal programs; use --el2 to boot Linux at EL2");
            if (o.Initrd != null) initrd = ReadFile(o.Initrd);
            if (o.Dtb != null)
            {
                dtb = ReadFile(o.Dtb);
                try { FdtReader.Parse(dtb, out _); }
                catch (InvalidDataException e) { throw new UsageException($"{o.Dtb}: {e.Message}"); }
            }
        }
        catch (UsageException e) { return ctx.Fail("run", e.Message); }

        int el = linux ? (o.El2 ? 2 : 1) : o.El;
        var config = new CpuConfig { HasEl2 = el >= 2, HasEl3 = el == 3, Engine = o.Engine };
        ulong memory = o.Memory ?? (linux ? 1UL << 30 : 128UL << 20);
        var console = ctx.Console ?? HostConsole.Standard();

        // The console's host side; on an interactive terminal, raw mode with Ctrl-A escapes.
        SerialBackend serial;
        TerminalInput? terminal = null;
        try { serial = SerialBackend.Create(o.Serial, console); }
        catch (ArgumentException e) { return ctx.Fail("run", $"--serial: {e.Message}"); }
        if (serial is TcpSerial tcp) ctx.Error.WriteLine($"fastarm: serial console on tcp 127.0.0.1:{tcp.Port}");
        using var serialOwner = serial;

        bool quit = false;
        Machine? current = null;
        // Semihosting reads the terminal itself (blocking, line by line), so then the UART gets no input.
        if (serial is ConsoleSerial cs && ctx.Console == null && TerminalInput.StdinIsTerminal() && !o.Semihosting)
        {
            terminal = new TerminalInput
            {
                Quit = () => { quit = true; current?.Stop(); },
                Message = text => { ctx.Error.Write(text); ctx.Error.Flush(); },
            };
            cs.Terminal = terminal;
        }
        using var terminalOwner = terminal;

        Action<string>? traceLine = o.TraceExceptions ? line => ctx.Error.WriteLine($"fastarm: {line}") : null;

        while (true)
        {
            VirtBoard board;
            try
            {
                board = new VirtBoard(new VirtBoardOptions
                {
                    RamSize = memory, Cpu = config, Console = console, Serial = serial, GicVersion = o.Gic, Trace = traceLine,
                    Cpus = o.Smp,
                });
            }
            catch (OutOfMemoryException) { return ctx.Fail("run", $"cannot allocate {memory >> 20} MiB of guest RAM"); }
            if (terminal != null) terminal.InputArrived = board.Timer.Wake;

            using (board)
            {
                var m = board.Machine;
                current = m;
                try
                {
                    if (linux)
                    {
                        LinuxLoader.Boot(board, new LinuxBootOptions
                        {
                            Kernel = file, Initrd = initrd, Dtb = dtb, CommandLine = o.Append, AtEl2 = o.El2,
                        });
                    }
                    else
                    {
                        ulong entry;
                        if (ElfLoader.IsElf(file))
                        {
                            entry = m.LoadElf(file);
                            if (o.LoadAddr != null) ctx.Error.WriteLine("fastarm: run: --load-addr is ignored for an ELF file (it loads at its own addresses)");
                        }
                        else
                        {
                            if (file.Length == 0) throw new InvalidDataException("the file is empty");
                            entry = o.LoadAddr ?? VirtBoard.RamBase;
                            m.LoadRaw(file, entry);
                        }
                        m.Semihosting.CommandLine = string.IsNullOrEmpty(o.Append) ? o.Kernel! : $"{o.Kernel} {o.Append}";
                        m.Reset(entry, el);
                    }
                }
                catch (Exception e) when (e is InvalidDataException or ArgumentException)
                {
                    return ctx.Fail("run", $"{o.Kernel}: {e.Message}");
                }
                m.SemihostingEnabled = o.Semihosting;

                using var tracer = o.Trace ? new Tracer(m, ctx.Error) : null;
                tracer?.Attach();
                if (o.TraceExceptions && !o.Trace)
                {
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    m.ExceptionHook = e => ctx.Error.WriteLine(
                        $"fastarm: [{clock.Elapsed.TotalSeconds,9:F3}s {m.InstructionsExecuted,12}] exception: {e.Kind} EL{e.FromEl} -> EL{e.TargetEl}, ESR 0x{e.Esr:x} (EC 0x{e.Esr >> 26:x2}), FAR 0x{e.Far:x}, return 0x{e.ReturnAddress:x}");
                }

                ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; m.Stop(); };
                if (ctx.HandleCtrlC) System.Console.CancelKeyPress += onCancel;
                StopReason reason;
                try
                {
                    reason = m.Run(maxInstructions: o.MaxInsns, timeout: o.Timeout is double s ? TimeSpan.FromSeconds(s) : null);
                }
                finally
                {
                    if (ctx.HandleCtrlC) System.Console.CancelKeyPress -= onCancel;
                    serial.Flush();
                    ctx.Error.Flush();
                }
                current = null;
                if (o.Stats) PrintStatistics(m, ctx.Error);

                string where = $"at PC 0x{m.Pc:x} (EL{m.Cpu.S.EL}) after {m.InstructionsExecuted} instructions";
                if (quit)
                {
                    terminal?.Dispose();
                    ctx.Error.WriteLine("\r\nfastarm: quit (Ctrl-A x)");
                    return 0;
                }
                switch (reason)
                {
                    case StopReason.Exit:
                        if (board.ResetRequested)
                        {
                            if (o.NoReboot) return 0;
                            ctx.Error.WriteLine("fastarm: the guest reset the machine; booting again");
                            continue;
                        }
                        return m.ExitCode ?? 0;
                    case StopReason.InstructionLimit:
                        ctx.Error.WriteLine($"fastarm: stopped: instruction limit (--max-insns {o.MaxInsns}) reached {where}");
                        return ExitNoGuestExit;
                    case StopReason.Timeout:
                        ctx.Error.WriteLine($"fastarm: stopped: timeout (--timeout {o.Timeout}) reached {where}");
                        return ExitNoGuestExit;
                    case StopReason.Fatal:
                        ctx.Error.WriteLine($"fastarm: stopped: {m.Semihosting.FatalError ?? "fatal error"} {where}");
                        return ExitNoGuestExit;
                    case StopReason.StopRequested:
                        ctx.Error.WriteLine($"fastarm: interrupted {where}");
                        return ExitInterrupted;
                    default:
                        ctx.Error.WriteLine($"fastarm: stopped ({reason}) {where}");
                        return ExitNoGuestExit;
                }
            }
        }
    }

    private static byte[] ReadFile(string path)
    {
        try { return File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new UsageException($"cannot read '{path}': {e.Message}");
        }
    }

    private static void PrintStatistics(Machine m, TextWriter err)
    {
        var cpu = m.Cpu;
        var (hits, misses, flushes) = cpu.TlbStatistics();
        var t = cpu.TranslatorStatistics;
        err.WriteLine($"fastarm: stats: {m.InstructionsExecuted} instructions; regime TLB {hits} hits, {misses} misses, {flushes} flushes; fast TLB {cpu.FastTlb.Flushes} flushes; {cpu.Bus.CodePages.Writes} writes to code pages");
        err.WriteLine($"fastarm: stats: units built {t.UnitsBuilt}, compiled {t.UnitsCompiled} ({t.InstructionsCompiled} instructions, {t.CompileSeconds:F2} s, " +
            $"{(t.UnitsCompiled > 0 ? t.CompileSeconds * 1e6 / t.UnitsCompiled : 0):F0} us/unit, IL emission {cpu.EmitSeconds:F2} s, {cpu.IlBytes} IL bytes), failed {t.CompileFailures}, invalidated {t.UnitsInvalidated}; " +
            $"executed {t.InstructionsInterpreted} interpreted in {t.InterpretedRuns} runs + {t.InstructionsCompiledRun} compiled in {t.CompiledRuns} runs ({t.ChainedRuns} chained on) + {t.SingleSteps} single steps; jump cache {t.JumpCacheMisses} misses, {t.JumpCacheFlushes} flushes");
    }
}
