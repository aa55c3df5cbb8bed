using FastArm.Host.Images;

namespace FastArm.Host.Cli;

/// <summary>
/// <c>fastarm images fetch</c>: obtains the default guest images (Debian 12's arm64 kernel, busybox, bc, EDK2) into
/// firmware/cache/ and builds the initramfs; <c>fastarm images path</c> prints where they are. Exit code 0 on
/// success, 2 on any failure (one line on stderr).
/// </summary>
public static class ImagesCommand
{
    public const string Usage = """
        usage: fastarm images fetch [--force]
               fastarm images path

        fetch   downloads what is missing of the default guest images with `apt-get download` (Debian 12's
                linux-image-arm64 kernel, busybox-static:arm64, bc:arm64 with the libraries it needs,
                qemu-efi-aarch64), unpacks them into firmware/cache/ and builds firmware/cache/initramfs.gz
                from firmware/initramfs/init.
                --force rebuilds the initramfs and copies even when the files are present.
        path    prints the kernel, initramfs and firmware paths (exit 2 when they are not all present).
        """;

    /// <summary>Where the images live; tests point it elsewhere.</summary>
    public static Func<GuestImages> Locate { get; set; } = GuestImages.Default;

    public static int Run(string[] args, CliContext ctx)
    {
        if (args.Length == 0 || args.Contains("--help") || args.Contains("-h"))
        {
            if (args.Length == 0) { ctx.Error.Write(Usage); return RunCommand.ExitUsage; }
            ctx.Out.Write(Usage);
            return 0;
        }
        var images = Locate();
        switch (args[0])
        {
            case "fetch":
            {
                bool force = false;
                foreach (var a in args[1..])
                {
                    if (a == "--force") force = true;
                    else return ctx.Fail("images fetch", $"unknown option '{a}'");
                }
                if (images.Present && !force)
                {
                    ctx.Out.WriteLine($"fastarm: images are present in {images.CacheDir}");
                    return 0;
                }
                string? error;
                try { error = images.Fetch(ctx.Error); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    error = e.Message;
                }
                return error == null ? 0 : ctx.Fail("images fetch", error);
            }
            case "path":
                if (args.Length > 1) return ctx.Fail("images path", $"unexpected argument '{args[1]}'");
                ctx.Out.WriteLine($"kernel    {images.KernelPath}");
                ctx.Out.WriteLine($"initramfs {images.InitramfsPath}");
                ctx.Out.WriteLine($"firmware  {images.FirmwarePath}");
                return images.Present ? 0 : ctx.Fail("images path", "the images are not all present (run: fastarm images fetch)");
            default:
                return ctx.Fail("images", $"unknown subcommand '{args[0]}' (fetch or path)");
        }
    }
}
