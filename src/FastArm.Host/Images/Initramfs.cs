using System.IO.Compression;

namespace FastArm.Host.Images;

/// <summary>
/// The busybox initramfs FastArm boots: /init (a shell script from firmware/initramfs/), busybox, /dev/console,
/// the directories the script mounts on, and the userland beyond busybox (<see cref="Userland"/>: bc with its
/// loader and libraries). Written as cpio newc + gzip by FastArm itself.
/// </summary>
public static class Initramfs
{
    /// <param name="extraFiles">Files by path; those ending in .sh are executable.</param>
    /// <param name="userland">Files with their own modes (<see cref="GuestImages.UserlandFiles"/>).</param>
    public static byte[] Build(byte[] busybox, string initScript, IReadOnlyDictionary<string, byte[]>? extraFiles = null,
        IEnumerable<GuestFile>? userland = null)
    {
        var cpio = new CpioWriter();
        foreach (var d in new[] { "bin", "sbin", "usr", "usr/bin", "usr/sbin", "dev", "proc", "sys", "etc", "root", "tmp", "mnt", "run", "var" })
            cpio.AddDirectory(d);
        // The kernel opens /dev/console before /init runs; without the node init has no stdin/stdout.
        cpio.AddCharDevice("dev/console", 5, 1);
        cpio.AddFile("bin/busybox", busybox, 0x1ED);
        cpio.AddSymlink("bin/sh", "busybox");
        cpio.AddFile("init", System.Text.Encoding.UTF8.GetBytes(initScript.Replace("\r\n", "\n")), 0x1ED);
        if (extraFiles != null)
            foreach (var (path, data) in extraFiles)
            {
                EnsureParents(cpio, path);
                cpio.AddFile(path, data, path.EndsWith(".sh", StringComparison.Ordinal) ? 0x1EDu : 0x1A4u);
            }
        if (userland != null)
            foreach (var f in userland)
            {
                EnsureParents(cpio, f.Path);
                cpio.AddFile(f.Path, f.Data, f.Mode & 0xFFF);
            }
        byte[] archive = cpio.Finish();
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true))
            gz.Write(archive);
        return ms.ToArray();
    }

    private static void EnsureParents(CpioWriter cpio, string path)
    {
        var parts = path.TrimStart('/').Split('/');
        for (int i = 1; i < parts.Length; i++)
        {
            string dir = string.Join('/', parts[..i]);
            if (!cpio.Contains(dir)) cpio.AddDirectory(dir);
        }
    }
}
