using FastArm.Devices.HostIo;

namespace FastArm.Host.Cli;

/// <summary>Where a command writes and how it runs: the real process, or a test capturing everything.</summary>
public sealed class CliContext
{
    /// <summary>Help text and other output the user asked for.</summary>
    public TextWriter Out { get; init; } = System.Console.Out;
    /// <summary>The emulator's own messages (errors, traces).</summary>
    public TextWriter Error { get; init; } = System.Console.Error;
    /// <summary>The guest's console; null = the process's stdin/stdout.</summary>
    public HostConsole? Console { get; init; }
    /// <summary>Ctrl-C stops the guest instead of killing the process (off in tests).</summary>
    public bool HandleCtrlC { get; init; } = true;

    /// <summary>Reports a usage or input error as one line and returns exit code 2.</summary>
    public int Fail(string command, string message)
    {
        Error.WriteLine($"fastarm: {command}: {message}");
        return RunCommand.ExitUsage;
    }
}

/// <summary>
/// The `fastarm` command line: <c>fastarm COMMAND [options]</c>. Commands are listed in <see cref="Commands"/>; a
/// new one (images fetch, the Linux boot options) is one more entry there. With no arguments fastarm will boot the
/// default machine; that is not implemented yet.
/// </summary>
public static class CommandLine
{
    private sealed record Command(string Name, string Summary, Func<string[], CliContext, int> Run);

    private static readonly Command[] Commands =
    [
        new("run", "run a program (Linux Image, ELF or raw) on the virt board", RunCommand.Run),
        new("images", "fetch the default guest images (Debian 12 kernel, busybox initramfs)", ImagesCommand.Run),
    ];

    public static string Usage => $"""
        usage: fastarm [COMMAND [options]]

        FastArm, an AArch64 full-system emulator.

        commands:
        {string.Join(Environment.NewLine, Commands.Select(c => $"  {c.Name,-12}{c.Summary}"))}

        `fastarm` with no command will boot Linux on the default machine (not implemented yet).
        `fastarm COMMAND --help` describes a command.

        """;

    public static int Run(string[] args) => Run(args, new CliContext());

    public static int Run(string[] args, CliContext ctx)
    {
        try
        {
            if (args.Length == 0)
            {
                ctx.Error.Write(Usage);
                ctx.Error.WriteLine("fastarm: booting Linux is not implemented yet; use `fastarm run --kernel PROGRAM` for bare-metal programs");
                return RunCommand.ExitUsage;
            }
            if (args[0] is "--help" or "-h" or "help")
            {
                ctx.Out.Write(Usage);
                return 0;
            }
            var cmd = Commands.FirstOrDefault(c => c.Name == args[0]);
            if (cmd == null)
            {
                string what = args[0].StartsWith('-') ? $"unknown option '{args[0]}'" : $"unknown command '{args[0]}'";
                ctx.Error.WriteLine($"fastarm: {what} (see fastarm --help)");
                return RunCommand.ExitUsage;
            }
            return cmd.Run(args[1..], ctx);
        }
        finally
        {
            ctx.Out.Flush();
            ctx.Error.Flush();
        }
    }
}
