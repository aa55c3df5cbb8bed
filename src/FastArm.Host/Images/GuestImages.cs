using System.Diagnostics;
using System.Text.RegularExpressions;

namespace FastArm.Host.Images;

/// <summary>
/// The default guest images (firmware/images.md): Debian 12's arm64 kernel, busybox and EDK2 firmware, fetched with
/// `apt-get download` only and unpacked into firmware/cache/. Failures are reported as one line, never an exception.
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

    public bool Present => File.Exists(KernelPath) && File.Exists(InitramfsPath) && File.Exists(FirmwarePath);

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
        {
            string stem = pkg.Split(':')[0];
            if (Directory.GetFiles(debs, stem + "_*.deb").Length > 0) continue;
            log.WriteLine($"fastarm: apt-get download {pkg}");
            if (RunStatus("apt-get", $"download {pkg}", out string err, debs) != 0)
                return $"apt-get download {pkg} failed: {FirstLine(err)}";
        }

        foreach (var deb in Directory.GetFiles(debs, "*.deb"))
        {
            string dest = Path.Combine(CacheDir, "root", Path.GetFileNameWithoutExtension(deb));
            if (Directory.Exists(dest)) continue;
            Directory.CreateDirectory(dest);
            if (RunStatus("dpkg-deb", $"-x \"{deb}\" \"{dest}\"", out string err) != 0)
                return $"dpkg-deb -x {Path.GetFileName(deb)} failed: {FirstLine(err)}";
        }

        string rootDir = Path.Combine(CacheDir, "root");
        string? vmlinuz = Directory.GetFiles(rootDir, "vmlinuz-*", SearchOption.AllDirectories).OrderDescending().FirstOrDefault();
        string? busybox = Directory.GetFiles(rootDir, "busybox", SearchOption.AllDirectories).FirstOrDefault(p => p.Contains("busybox-static"));
        string? efi = Directory.GetFiles(rootDir, "QEMU_EFI.fd", SearchOption.AllDirectories).FirstOrDefault();
        if (vmlinuz == null) return "the kernel package holds no boot/vmlinuz-*";
        if (busybox == null) return "busybox-static holds no bin/busybox";
        if (efi == null) return "qemu-efi-aarch64 holds no QEMU_EFI.fd";
        File.Copy(vmlinuz, KernelPath, overwrite: true);
        File.Copy(busybox, BusyboxPath, overwrite: true);
        File.Copy(efi, FirmwarePath, overwrite: true);
        if (!File.Exists(InitScriptPath)) return $"missing {InitScriptPath}";
        File.WriteAllBytes(InitramfsPath, Initramfs.Build(File.ReadAllBytes(BusyboxPath), File.ReadAllText(InitScriptPath)));
        File.WriteAllText(Path.Combine(CacheDir, "manifest.txt"),
            $"kernel {Path.GetFileName(vmlinuz)}\npackages {string.Join(' ', packages)}\n");
        log.WriteLine($"fastarm: images ready in {CacheDir}");
        return null;
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
