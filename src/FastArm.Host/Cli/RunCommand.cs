using FastArm.Devices.Board;
using FastArm.Devices.Boot;
using FastArm.Jit;

namespace FastArm.Host.Cli;

/// <summary>
/// <c>fastarm run</c>: runs a bare-metal program on the virt board. Exit code: the guest's semihosting exit code;
/// 2 for a usage error or a file that cannot be read or loaded; 3 when the run ends without the guest exiting
/// (--timeout, --max-insns, an unsupported semihosting call); 130 when interrupted (Ctrl-C).
/// </summary>
public static class RunCommand
{
    public const int ExitUsage = 2, ExitNoGuestExit = 3, ExitInterrupted = 130;

    public const string Usage = """
        usage: fastarm run --kernel PROGRAM [options]

        Runs a bare-metal AArch64 program on the virt board (RAM from 0x40000000, PL011 UART at 0x09000000).
        An ELF file loads at its physical addresses and starts at its entry; any other file is a raw binary
        loaded at --load-addr and started there. Guest output (semihosting console, UART) goes to stdout; the
        emulator's own messages go to stderr.

          --kernel PROGRAM     the program to run (ELF or raw binary)
          --semihosting        enable Arm semihosting (HLT #0xF000): console I/O and SYS_EXIT
          --append TEXT        arguments after the program name in SYS_GET_CMDLINE
          --engine interp      execution engine (only the interpreter exists yet)
          --el 1|2|3           start at this EL (default 1); 2 gives the CPU EL2, 3 gives it EL2 and EL3
          --load-addr ADDR     where a raw binary goes (default 0x40000000)
          --memory SIZE        RAM size, e.g. 128M (default), 1G
          --max-insns N        stop after N instructions (K, M, G suffixes: thousands, millions...)
          --timeout SECONDS    stop after this much host time
          --trace              print each executed instruction and exception to stderr

        Exit code: the guest's semihosting exit code; 2 = bad arguments or an unreadable/unloadable file;
        3 = stopped by --timeout or --max-insns, or an unsupported semihosting call; 130 = interrupted.
        """;

    private sealed class Options
    {
        public string? Kernel;
        public bool Semihosting, Trace;
        public string? Append;
        public int El = 1;
        public ulong? LoadAddr;
        public ulong Memory = 128UL << 20;
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
                case "--semihosting": ArgReader.NoValue(name, inline); o.Semihosting = true; break;
                case "--append": o.Append = r.Value(name, inline); break;
                case "--engine":
                {
                    string e = r.Value(name, inline);
                    if (e != "interp") throw new UsageException($"--engine: '{e}' is not available (only 'interp' exists yet)");
                    break;
                }
                case "--el":
                {
                    string v = r.Value(name, inline);
                    if (v is not ("1" or "2" or "3")) throw new UsageException($"--el: '{v}' is not 1, 2 or 3");
                    o.El = v[0] - '0';
                    break;
                }
                case "--load-addr": o.LoadAddr = Parse.Number(name, r.Value(name, inline)); break;
                case "--memory": o.Memory = Parse.Size(name, r.Value(name, inline)); break;
                case "--max-insns": o.MaxInsns = Parse.Count(name, r.Value(name, inline)); break;
                case "--timeout": o.Timeout = Parse.Seconds(name, r.Value(name, inline)); break;
                case "--trace": ArgReader.NoValue(name, inline); o.Trace = true; break;
                default: throw new UsageException($"unknown option '{name}'");
            }
        }
        if (o.Kernel == null) throw new UsageException("--kernel PROGRAM is required");
        if (o.Memory == 0 || (o.Memory & 0xFFF) != 0 || o.Memory > VirtBoard.MaxRamSize)
            throw new UsageException($"--memory: {o.Memory} bytes is not a multiple of 4 KiB between 4 KiB and 255 GiB");
        return o;
    }

    public static int Run(string[] args, CliContext ctx)
    {
        if (args.Contains("--help") || args.Contains("-h")) { ctx.Out.Write(Usage); return 0; }
        Options o;
        byte[] file;
        try
        {
            o = ParseArgs(args);
            file = ReadFile(o.Kernel!);
        }
        catch (UsageException e) { return ctx.Fail("run", e.Message); }

        var config = new CpuConfig { HasEl2 = o.El >= 2, HasEl3 = o.El == 3 };
        VirtBoard board;
        try { board = new VirtBoard(new VirtBoardOptions { RamSize = o.Memory, Cpu = config, Console = ctx.Console }); }
        catch (OutOfMemoryException) { return ctx.Fail("run", $"cannot allocate {o.Memory >> 20} MiB of guest RAM"); }

        using (board)
        {
            var m = board.Machine;
            ulong entry;
            try
            {
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
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException)
            {
                return ctx.Fail("run", $"{o.Kernel}: {e.Message}");
            }

            m.SemihostingEnabled = o.Semihosting;
            m.Semihosting.CommandLine = string.IsNullOrEmpty(o.Append) ? o.Kernel! : $"{o.Kernel} {o.Append}";
            m.Reset(entry, o.El);

            using var tracer = o.Trace ? new Tracer(m, ctx.Error) : null;
            tracer?.Attach();

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
                ctx.Error.Flush();
            }

            string where = $"at PC 0x{m.Pc:x} (EL{m.Cpu.S.EL}) after {m.InstructionsExecuted} instructions";
            switch (reason)
            {
                case StopReason.Exit:
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

    private static byte[] ReadFile(string path)
    {
        try { return File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new UsageException($"cannot read '{path}': {e.Message}");
        }
    }
}
