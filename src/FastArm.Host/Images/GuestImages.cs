using System.Diagnostics;
using System.Text.RegularExpressions;

namespace FastArm.Host.Images;

/// <summary>
/// The default guest images (firmware/images.md): Debian 12's arm64 kernel, busybox, bc with the loader and
/// libraries it needs, and EDK2 firmware, fetched with `apt-get download` only and unpacked into firmware/cache/.
/// Failures are reported as one line, never an exception.
/// </summary>
public sealed partial class GuestImages
{
    public string Root { get; }
    public string CacheDir => Path.Combine(Root, "firmware", "cache");
    public string KernelPath => Path.Combine(CacheDir, "vmlinuz");
    public string InitramfsPath => Path.Combine(CacheDir, "initramfs.gz");
    public string FirmwarePath => Path.Combine(CacheDir, "QEMU_EFI.fd");
    public string BusyboxPath => Path.Combine(CacheDir, "busybox");
    public string InitScriptPath => Path.Combine(Root, "firmware", "initramfs", "init");
    /// <summary>The userland beyond busybox as it goes into the initramfs (usr/bin/bc, lib/...).</summary>
    public string UserlandDir => Path.Combine(CacheDir, "userland");

    public GuestImages(string root) => Root = root;

    /// <summary>The repo root: $FASTARM_HOME (set by the launcher), else the folder above the binary holding FastArm.sln.</summary>
    public static GuestImages Default()
    {
        string? home = Environment.GetEnvironmentVariable("FASTARM_HOME");
        if (string.IsNullOrEmpty(home))
        {
            var d = new DirectoryInfo(AppContext.BaseDirectory);
            while (d != null && !File.Exists(Path.Combine(d.FullName, "FastArm.sln"))) d = d.Parent;
            home = d?.FullName ?? Directory.GetCurrentDirectory();
        }
        return new GuestImages(home);
    }

    public bool Present => File.Exists(KernelPath) && File.Exists(InitramfsPath) && File.Exists(FirmwarePath) &&
        Userland.Programs.All(p => File.Exists(Path.Combine(UserlandDir, p.Path)));

    /// <summary>The files of <see cref="UserlandDir"/> for <see cref="Initramfs.Build"/>.</summary>
    public IReadOnlyList<GuestFile> UserlandFiles() => Userland.Read(UserlandDir);

    /// <summary>Fetches what is missing. Returns null on success, else a one-line error.</summary>
    public string? Fetch(TextWriter log)
    {
        if (Which("apt-get") == null || Which("dpkg-deb") == null)
            return "apt-get/dpkg-deb not found: FastArm's guest images come from Debian's packages (run on Debian or Ubuntu)";
        Directory.CreateDirectory(CacheDir);
        string debs = Path.Combine(CacheDir, "debs");
        Directory.CreateDirectory(debs);

        if (!IsNativeArm64() && !Run("dpkg", "--print-foreign-architectures", out string archs).Contains("arm64"))
        {
            if (!IsRoot()) return "the arm64 architecture is not enabled in dpkg; run as root: dpkg --add-architecture arm64 && apt-get update";
            log.WriteLine("fastarm: dpkg --add-architecture arm64 && apt-get update");
            if (RunStatus("dpkg", "--add-architecture arm64", out string e1) != 0) return "dpkg --add-architecture arm64 failed: " + FirstLine(e1);
            if (RunStatus("apt-get", "update", out string e2) != 0) return "apt-get update failed: " + FirstLine(e2);
        }

        string? kernelPkg = KernelPackage();
        if (kernelPkg == null && IsRoot())
        {
            log.WriteLine("fastarm: apt-get update");
            RunStatus("apt-get", "update", out _);
            kernelPkg = KernelPackage();
        }
        if (kernelPkg == null) return "apt cannot resolve linux-image-arm64:arm64 (run apt-get update as root, with Debian 12 sources)";

        var packages = new[] { kernelPkg, "busybox-static:arm64", "qemu-efi-aarch64" };
        foreach (var pkg in packages)
            if (Download(pkg, log, out _) is { } error) return error;

        foreach (var deb in Directory.GetFiles(debs, "*.deb"))
            if (Extract(deb, out _) is { } error) return error;

        // bc and the loader and libraries it needs, found from the ELF files themselves.
        var source = new DebianPackages(this, log);
        if (Userland.Collect(source, Userland.Programs, out var userland, log) is { } userlandError)
            return "bc for the initramfs: " + userlandError;
        Userland.Write(userland, UserlandDir);

        string rootDir = Path.Combine(CacheDir, "root");
        string? vmlinuz = Directory.GetFiles(rootDir, "vmlinuz-*", SearchOption.AllDirectories).OrderDescending().FirstOrDefault();
        string? busybox = Directory.GetFiles(rootDir, "busybox", SearchOption.AllDirectories).FirstOrDefault(p => p.Contains("busybox-static"));
        string? efi = Directory.GetFiles(rootDir, "QEMU_EFI.fd", SearchOption.AllDirectories).FirstOrDefault();
        if (vmlinuz == null) return "the kernel package holds no boot/vmlinuz-*";
        if (busybox == null) return "busybox-static holds no bin/busybox";
        if (efi == null) return "qemu-efi-aarch64 holds no QEMU_EFI.fd";
        Install(vmlinuz, KernelPath);
        Install(busybox, BusyboxPath);
        Install(efi, FirmwarePath);
        if (!File.Exists(InitScriptPath)) return $"missing {InitScriptPath}";
        // Written beside and renamed, so that a guest starting meanwhile never reads half an archive.
        File.WriteAllBytes(InitramfsPath + ".new", Initramfs.Build(File.ReadAllBytes(BusyboxPath), File.ReadAllText(InitScriptPath), userland: UserlandFiles()));
        File.Move(InitramfsPath + ".new", InitramfsPath, overwrite: true);
        File.WriteAllText(Path.Combine(CacheDir, "manifest.txt"),
            $"kernel {Path.GetFileName(vmlinuz)}\npackages {string.Join(' ', packages)} {string.Join(' ', source.Fetched)}\n" +
            $"userland {string.Join(' ', userland.Select(f => f.Path))}\n");
        log.WriteLine($"fastarm: images ready in {CacheDir}");
        return null;
    }

    private string DebsDir => Path.Combine(CacheDir, "debs");

    /// <summary>
    /// Copies <paramref name="from"/> to <paramref name="to"/> unless it holds the same bytes already; a new copy
    /// is written beside and renamed, so that a guest starting meanwhile never reads half a file.
    /// </summary>
    private static void Install(string from, string to)
    {
        if (File.Exists(to) && new FileInfo(to).Length == new FileInfo(from).Length && File.ReadAllBytes(to).AsSpan().SequenceEqual(File.ReadAllBytes(from)))
            return;
        File.Copy(from, to + ".new", overwrite: true);
        File.Move(to + ".new", to, overwrite: true);
    }

    /// <summary>The cached .deb of <paramref name="package"/> ("libc6" or "libc6:arm64"), if any.</summary>
    private string? CachedDeb(string package) =>
        Directory.GetFiles(DebsDir, package.Split(':')[0] + "_*.deb").Order(StringComparer.Ordinal).LastOrDefault();

    /// <summary>apt-get download of <paramref name="package"/> into the cache unless a .deb of it is there.</summary>
    private string? Download(string package, TextWriter log, out string? deb)
    {
        deb = CachedDeb(package);
        if (deb != null) return null;
        log.WriteLine($"fastarm: apt-get download {package}");
        if (RunStatus("apt-get", $"download {package}", out string err, DebsDir) != 0)
            return $"apt-get download {package} failed: {FirstLine(err)}";
        deb = CachedDeb(package);
        return deb == null ? $"apt-get download {package} left no .deb" : null;
    }

    /// <summary>dpkg-deb -x of <paramref name="deb"/> into firmware/cache/root/ (once).</summary>
    private string? Extract(string deb, out string dest)
    {
        dest = Path.Combine(CacheDir, "root", Path.GetFileNameWithoutExtension(deb));
        if (Directory.Exists(dest)) return null;
        // Unpack beside and rename, so that an interrupted unpack is not taken for a whole one.
        string tmp = dest + ".part";
        if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
        Directory.CreateDirectory(tmp);
        if (RunStatus("dpkg-deb", $"-x \"{deb}\" \"{tmp}\"", out string err) != 0)
            return $"dpkg-deb -x {Path.GetFileName(deb)} failed: {FirstLine(err)}";
        Directory.Move(tmp, dest);
        return null;
    }

    /// <summary>Debian's arm64 packages through the cache: apt-get download, dpkg-deb -x, dpkg-deb -f.</summary>
    private sealed class DebianPackages(GuestImages images, TextWriter log) : IPackageSource
    {
        public readonly List<string> Fetched = [];

        public string? Unpack(string package, out string? error)
        {
            error = images.Download(package + ":arm64", log, out string? deb);
            if (error != null) return null;
            error = images.Extract(deb!, out string dest);
            if (error != null) return null;
            Fetched.Add(package + ":arm64");
            return dest;
        }

        public IReadOnlyList<string> Depends(string package)
        {
            string? deb = images.CachedDeb(package);
            if (deb == null) return [];
            RunStatus("dpkg-deb", $"-f \"{deb}\" Pre-Depends Depends", out string fields);
            // Lines "Pre-Depends: a, b" and "Depends: c, d".
            return [.. fields.Split('\n').SelectMany(l => l.IndexOf(':') is int i and > 0 ? Userland.ParseDepends(l[(i + 1)..]) : [])];
        }
    }

    /// <summary>The versioned kernel package the linux-image-arm64 metapackage depends on.</summary>
    private static string? KernelPackage()
    {
        if (RunStatus("apt-cache", "depends linux-image-arm64:arm64", out string deps) != 0) return null;
        var m = KernelDependency().Match(deps);
        return m.Success ? m.Groups[1].Value + ":arm64" : null;
    }

    [GeneratedRegex(@"Depends:\s*(linux-image-[0-9][^\s:]*-arm64)")]
    private static partial Regex KernelDependency();

    private static bool IsNativeArm64() => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64;

    private static bool IsRoot() => Environment.UserName == "root";

    private static string FirstLine(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(l => l.StartsWith("E:", StringComparison.Ordinal)) ?? s.Split('\n').FirstOrDefault(l => l.Trim().Length > 0) ?? "";

    private static string Run(string tool, string args, out string output)
    {
        RunStatus(tool, args, out output);
        return output;
    }

    private static int RunStatus(string tool, string args, out string output, string? workDir = null)
    {
        try
        {
            var psi = new ProcessStartInfo(tool, args)
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                WorkingDirectory = workDir ?? Directory.GetCurrentDirectory(),
            };
            psi.Environment["DEBIAN_FRONTEND"] = "noninteractive";
            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEndAsync();
            string stdout = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            output = stdout + err.Result;
            return p.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            output = e.Message;
            return 127;
        }
    }

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
