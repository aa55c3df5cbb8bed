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
/// new one is one more entry there. With no arguments fastarm boots the default guest (Debian's kernel and the
/// busybox initramfs) to an interactive shell.
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

        `fastarm` with no command boots Debian 12's arm64 Linux with a busybox initramfs to a shell on this
        terminal (fetching the images first when they are missing; Ctrl-A x quits, Ctrl-A h helps).
        `fastarm COMMAND --help` describes a command.

        """;

    public static int Run(string[] args) => Run(args, new CliContext());

    /// <summary>The default command line of the kernel: the PL011 as the console.</summary>
    public const string DefaultAppend = "console=ttyAMA0";

    /// <summary><c>fastarm</c> alone: fetch the images when missing, then boot them with the console on this terminal.</summary>
    private static int BootDefault(CliContext ctx)
    {
        var images = ImagesCommand.Locate();
        if (!images.Present)
        {
            ctx.Error.WriteLine($"fastarm: fetching the guest images into {images.CacheDir}");
            string? error;
            try { error = images.Fetch(ctx.Error); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException) { error = e.Message; }
            if (error != null) return ctx.Fail("images fetch", error);
        }
        return RunCommand.Run(["--kernel", images.KernelPath, "--initrd", images.InitramfsPath, "--append", DefaultAppend], ctx);
    }

    public static int Run(string[] args, CliContext ctx)
    {
        try
        {
            if (args.Length == 0) return BootDefault(ctx);
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
