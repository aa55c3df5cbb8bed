using FastArm.Devices.Fdt;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.DevicesCore;

public class FdtTests
{
    private static byte[] Sample()
    {
        var w = new FdtWriter();
        w.AddReservation(0x4000_0000, 0x1000);
        w.Node("", root =>
        {
            root.String("compatible", "linux,dummy-virt").U32("#address-cells", 2).U32("#size-cells", 2);
            root.Node("memory@40000000", m => m.String("device_type", "memory").Pairs64("reg", 0x4000_0000, 0x4000_0000));
            root.Node("chosen", c => c.String("bootargs", "console=ttyAMA0").U64("kaslr-seed", 0x0123_4567_89AB_CDEF).Empty("u-boot,empty"));
            root.Node("psci", p => p.Strings("compatible", "arm,psci-1.0", "arm,psci-0.2").String("method", "hvc"));
        });
        return w.Finish();
    }

    [Test]
    public void WrittenTreeReadsBackWithTheSameNodesAndProperties()
    {
        var root = FdtReader.Parse(Sample(), out var rsv);
        Assert.That(rsv, Is.EqualTo(new[] { (0x4000_0000UL, 0x1000UL) }));
        Assert.That(root.GetString("compatible"), Is.EqualTo("linux,dummy-virt"));
        Assert.That(root.Find("/memory@40000000")!.GetCells("reg"), Is.EqualTo(new uint[] { 0, 0x4000_0000, 0, 0x4000_0000 }));
        Assert.That(root.Find("/chosen")!.GetString("bootargs"), Is.EqualTo("console=ttyAMA0"));
        Assert.That(root.Find("/chosen")!.GetCells("kaslr-seed"), Is.EqualTo(new uint[] { 0x0123_4567, 0x89AB_CDEF }));
        Assert.That(root.Find("/chosen")!.Properties["u-boot,empty"], Is.Empty);
        Assert.That(root.Find("/psci")!.GetStrings("compatible"), Is.EqualTo(new[] { "arm,psci-1.0", "arm,psci-0.2" }));
    }

    [Test]
    public void DtcDecompilesTheBlobWhenItIsInstalled()
    {
        if (CrossTools.Which("dtc") == null) Assert.Ignore("dtc (device-tree-compiler) is not installed");
        string path = Path.Combine(CrossTools.BuildDir, "fdt-sample.dtb");
        File.WriteAllBytes(path, Sample());
        string dts = CrossTools.Run("dtc", $"-I dtb -O dts {path}");
        Assert.That(dts, Does.Contain("bootargs = \"console=ttyAMA0\";"));
        // dtc 1.6 prints a string list as one string with \0 separators; newer versions as a comma list.
        Assert.That(dts, Does.Contain("compatible = \"arm,psci-1.0\\0arm,psci-0.2\";").Or.Contain("compatible = \"arm,psci-1.0\", \"arm,psci-0.2\";"));
        Assert.That(dts, Does.Contain("/memreserve/\t0x0000000040000000 0x0000000000001000;"));
    }

    [TestCase(new byte[] { 1, 2, 3 }, TestName = "A blob too short for a header is rejected")]
    [TestCase(new byte[] { 0xD0, 0x0D, 0xFE, 0xED, 0, 0, 0, 40, 0, 0, 0, 200, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 17, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, TestName = "A header pointing outside the blob is rejected")]
    public void MalformedBlobsGiveInvalidDataException(byte[] blob)
    {
        Assert.Throws<InvalidDataException>(() => FdtReader.Parse(blob, out _));
    }

    [Test]
    public void TruncatedStructureBlockIsRejected()
    {
        var blob = Sample();
        Assert.Throws<InvalidDataException>(() => FdtReader.Parse(blob.AsSpan(0, blob.Length - 60).ToArray(), out _));
    }
}
