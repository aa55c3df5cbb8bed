using System.IO.Compression;
using FastArm.Host.Images;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.DevicesCore;

public class InitramfsTests
{
    /// <summary>`cpio -itv` of the gunzipped archive <paramref name="gz"/>, written to the build folder as <paramref name="name"/>.</summary>
    private static string CpioListing(byte[] gz, string name)
    {
        using var input = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress);
        var raw = new MemoryStream();
        input.CopyTo(raw);
        string path = Path.Combine(CrossTools.BuildDir, name);
        File.WriteAllBytes(path, raw.ToArray());
        return CrossTools.Run("sh", $"-c \"cpio -itv < {path}\"");
    }

    [Test]
    public void CpioListsEveryEntryWithItsTypeWhenReadByCpio()
    {
        if (CrossTools.Which("cpio") == null) Assert.Ignore("cpio is not installed");
        string listing = CpioListing(Initramfs.Build([1, 2, 3, 4, 5], "#!/bin/sh\necho hi\n",
            new Dictionary<string, byte[]> { ["etc/fastarm/run.sh"] = "true\n"u8.ToArray() }), "initramfs-test.cpio");
        Assert.That(listing, Does.Match(@"crw-------\s.*5,\s*1\s.*dev/console"));
        Assert.That(listing, Does.Match(@"-rwxr-xr-x\s.*\s5\s.*bin/busybox"));
        Assert.That(listing, Does.Match(@"lrwxrwxrwx\s.*bin/sh -> busybox"));
        Assert.That(listing, Does.Match(@"-rwxr-xr-x\s.*\sinit"));
        Assert.That(listing, Does.Match(@"drwxr-xr-x\s.*etc/fastarm"));
    }

    [Test]
    public void UserlandFilesGoInAtTheirPathsWithTheirModesAndParentDirectories()
    {
        if (CrossTools.Which("cpio") == null) Assert.Ignore("cpio is not installed");
        GuestFile[] userland =
        [
            new("usr/bin/bc", [1, 2, 3], 0x1ED),
            new("lib/ld-linux-aarch64.so.1", [4, 5], 0x1ED),
            new("lib/aarch64-linux-gnu/libc.so.6", [6], 0x1A4),
        ];
        string listing = CpioListing(Initramfs.Build([1, 2, 3, 4, 5], "#!/bin/sh\n", userland: userland), "initramfs-userland-test.cpio");
        Assert.That(listing, Does.Match(@"-rwxr-xr-x\s.*\s3\s.*usr/bin/bc"));
        Assert.That(listing, Does.Match(@"drwxr-xr-x\s.*\slib\n"));
        Assert.That(listing, Does.Match(@"drwxr-xr-x\s.*lib/aarch64-linux-gnu\n"));
        Assert.That(listing, Does.Match(@"-rwxr-xr-x\s.*\s2\s.*lib/ld-linux-aarch64.so.1"));
        Assert.That(listing, Does.Match(@"-rw-r--r--\s.*\s1\s.*lib/aarch64-linux-gnu/libc.so.6"));
    }

    [Test]
    public void DuplicatePathsAreRejected()
    {
        var c = new CpioWriter();
        c.AddDirectory("bin");
        Assert.Throws<ArgumentException>(() => c.AddFile("/bin", [1]));
    }
}
