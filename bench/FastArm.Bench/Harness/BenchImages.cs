using System.Globalization;
using FastArm.Host.Images;

namespace FastArm.Bench.Harness;

/// <summary>One guest workload: its marker name, the label in the tables, and the shell text that runs it.</summary>
public sealed record Workload(string Name, string Label, string Script);

/// <summary>
/// The benchmark guest: Debian's kernel (firmware/cache/vmlinuz) and an initramfs built here from the default one's
/// parts (busybox from firmware/cache/busybox, written by FastArm.Host's <see cref="Initramfs"/>), whose /init does
/// what the default /init does up to the shell, prints a marker line, and then either powers off
/// (fastarm.bench=boot) or runs the workloads (fastarm.bench=workloads). The same initramfs file is handed to both
/// emulators.
/// </summary>
public sealed class BenchImages
{
    /// <summary>Every marker line starts with this; the host timestamps each marker line when it arrives.</summary>
    public const string Marker = "@@fastarm-bench ";

    public string KernelPath { get; }
    public string InitrdPath { get; }
    public IReadOnlyList<Workload> Workloads { get; }

    private BenchImages(string kernel, string initrd, IReadOnlyList<Workload> workloads)
    {
        KernelPath = kernel;
        InitrdPath = initrd;
        Workloads = workloads;
    }

    /// <summary>Checks that the default images exist and writes the benchmark initramfs into <paramref name="workDir"/>.</summary>
    public static BenchImages Prepare(BenchOptions o, string workDir)
    {
        string kernel = Path.Combine(o.CacheDir, "vmlinuz");
        string busyboxPath = Path.Combine(o.CacheDir, "busybox");
        foreach (var f in new[] { kernel, busyboxPath })
            if (!File.Exists(f))
                throw new BenchSetupException($"{Path.GetRelativePath(o.Root, f)} not found: fetch the default guest images with `./fastarm images fetch`");
        byte[] busybox = File.ReadAllBytes(busyboxPath);
        var workloads = DefineWorkloads(o.Scale);
        var files = new Dictionary<string, byte[]>
        {
            ["bench/workloads"] = System.Text.Encoding.UTF8.GetBytes(WorkloadScript(workloads, o.Scale, busybox.Length)),
        };
        byte[] initrd = Initramfs.Build(busybox, InitScript, files);
        Directory.CreateDirectory(workDir);
        string initrdPath = Path.Combine(workDir, "bench-initramfs.gz");
        File.WriteAllBytes(initrdPath, initrd);
        return new BenchImages(kernel, initrdPath, workloads);
    }

    /// <summary>The kernel command line: the brief's console and panic settings plus the mode /init reads.</summary>
    public static string CommandLine(string mode) => $"console=ttyAMA0 panic=-1 fastarm.bench={mode}";

    // The set-up mirrors firmware/initramfs/init (the default /init) up to the point where it starts the shell, so the
    // "ready" marker stands for "boot to shell". /proc/cmdline is read after the marker so that it is not timed.
    private const string InitScript = """
        #!/bin/sh
        # FastArm benchmark /init (written by bench/FastArm.Bench): the default /init's set-up, a marker line when the
        # shell is ready, then the workloads when the command line says fastarm.bench=workloads, then power off.
        /bin/busybox --install -s
        export PATH=/bin:/sbin:/usr/bin:/usr/sbin
        mount -t proc proc /proc
        mount -t sysfs sysfs /sys
        mount -t devtmpfs devtmpfs /dev
        echo "@@fastarm-bench ready"
        mode=boot
        for arg in $(cat /proc/cmdline); do
          case "$arg" in fastarm.bench=*) mode="${arg#fastarm.bench=}" ;; esac
        done
        if [ "$mode" = workloads ]; then . /bench/workloads; fi
        echo "@@fastarm-bench done"
        poweroff -f

        """;

    // Sizes at scale 1 are chosen so that QEMU TCG needs about 1-2 s for each on a 2-core CI-class machine (the
    // hashes use the 16 MiB the benchmark plan names, which QEMU does in about 0.5 s).
    private const int ShellLoops = 100_000, AwkLoops = 200_000, ForkExecs = 200;
    private const int GzipBytes = 4 << 20, HashBytes = 16 << 20;

    private static int Scaled(int n, double scale, int min) => Math.Max(min, (int)Math.Round(n * scale));
    private static int ScaledBytes(int n, double scale) => Math.Max(64 << 10, (int)Math.Round(n * scale / 4096) * 4096);

    private static List<Workload> DefineWorkloads(double scale)
    {
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        int sh = Scaled(ShellLoops, scale, 100), awk = Scaled(AwkLoops, scale, 100), fe = Scaled(ForkExecs, scale, 5);
        string gzMiB = (ScaledBytes(GzipBytes, scale) / 1048576.0).ToString("0.##", CultureInfo.InvariantCulture);
        string hashMiB = (ScaledBytes(HashBytes, scale) / 1048576.0).ToString("0.##", CultureInfo.InvariantCulture);
        // Each script leaves its checkable result in $r; the harness compares it with QEMU's.
        return
        [
            new("shloop", $"shell loop ({I(sh)} iterations)",
                $"i=0; while [ $i -lt {I(sh)} ]; do i=$((i+1)); done; r=$i"),
            new("awk", $"awk arithmetic ({I(awk)} iterations)",
                $"r=$(awk 'BEGIN {{ s = 0; for (i = 0; i < {I(awk)}; i++) s = (s + i * i) % 1000003; print s }}')"),
            // Input on stdin, so the gzip header carries no file time and the size is the same in every run.
            new("gzip", $"gzip -6 of {gzMiB} MiB",
                "gzip -c < /tmp/gz.in > /tmp/gz.out; r=$(wc -c < /tmp/gz.out)"),
            new("sha256sum", $"sha256sum of {hashMiB} MiB",
                "r=$(sha256sum /tmp/hash.in); r=${r%% *}"),
            new("md5sum", $"md5sum of {hashMiB} MiB",
                "r=$(md5sum /tmp/hash.in); r=${r%% *}"),
            // A path with a slash is exec'd for real by busybox ash (a bare `true` would run as a no-fork applet).
            new("forkexec", $"fork+exec /bin/true ({I(fe)}x)",
                $"i=0; while [ $i -lt {I(fe)} ]; do /bin/true; i=$((i+1)); done; r=$i"),
        ];
    }

    private static string WorkloadScript(IReadOnlyList<Workload> workloads, double scale, int busyboxBytes)
    {
        int gz = ScaledBytes(GzipBytes, scale), hash = ScaledBytes(HashBytes, scale);
        int data = Math.Max(gz, hash);
        int copies = data / busyboxBytes + 1;
        var sb = new System.Text.StringBuilder();
        sb.Append("# Sourced by /init. Timed from the host: each workload sits between a begin and an end marker line.\n");
        sb.Append("m() { echo \"@@fastarm-bench $*\"; }\n");
        sb.Append("# Untimed set-up: deterministic input cut from copies of the busybox binary (real code, not random bytes).\n");
        sb.Append($"n=0; while [ $n -lt {copies} ]; do cat /bin/busybox; n=$((n+1)); done | head -c {data} > /tmp/data\n");
        sb.Append($"head -c {hash} /tmp/data > /tmp/hash.in\n");
        sb.Append($"head -c {gz} /tmp/data > /tmp/gz.in\n");
        sb.Append("rm /tmp/data\n");
        sb.Append("m setup\n");
        foreach (var w in workloads)
        {
            sb.Append($"m begin {w.Name}\n");
            sb.Append(w.Script).Append('\n');
            sb.Append($"m end {w.Name}\n");
            sb.Append($"m result {w.Name} $r\n");
        }
        return sb.ToString();
    }
}
