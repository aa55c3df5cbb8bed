using FastArm.SoftMmu.Bus;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.CpuCore;

/// <summary>Loads and stores that reach devices and ROM rather than RAM.</summary>
public unsafe class LoadStoreBusTests
{
    private const ulong DeviceBase = 0x0900_0000;
    private const ulong RomBase = 0x0000_0000;

    private sealed class Recorder
    {
        public readonly List<(ulong Offset, int Size, bool Write, ulong Value)> Log = [];
        public readonly byte[] Regs = new byte[0x2000];

        public ulong Read(ulong offset, int size)
        {
            ulong v = 0;
            for (int i = 0; i < size; i++) v |= (ulong)Regs[offset + (ulong)i] << (8 * i);
            Log.Add((offset, size, false, v));
            return v;
        }

        public void Write(ulong offset, ulong value, int size)
        {
            for (int i = 0; i < size; i++) Regs[offset + (ulong)i] = (byte)(value >> (8 * i));
            Log.Add((offset, size, true, value & (size == 8 ? ulong.MaxValue : (1UL << (size * 8)) - 1)));
        }
    }

    private static (CpuHarness h, Recorder dev) WithDevice()
    {
        var h = LsKit.New();
        var dev = new Recorder();
        for (int i = 0; i < dev.Regs.Length; i++) dev.Regs[i] = (byte)(0x80 + i);
        h.Bus.MapMmio(DeviceBase, 0x2000, new CallbackDevice(dev.Read, dev.Write), "recorder");
        h.Cpu.SetX(1, DeviceBase);
        return (h, dev);
    }

    [Test]
    public void DeviceAccessesArriveAtTheirNaturalSize()
    {
        var (h, dev) = WithDevice();
        using var _ = h;
        h.Cpu.SetX(9, 0x1122_3344_5566_7788UL);
        LsKit.Ok(h, """
            ldr x2, [x1, #8]
            ldrh w3, [x1, #2]
            str w9, [x1, #16]
            strb w9, [x1, #20]
            """);
        Assert.That(dev.Log, Is.EqualTo(new[]
        {
            (8UL, 8, false, 0x8F8E_8D8C_8B8A_8988UL),
            (2UL, 2, false, 0x8382UL),
            (16UL, 4, true, 0x5566_7788UL),
            (20UL, 1, true, 0x88UL),
        }));
        Assert.That(h.X(2), Is.EqualTo(0x8F8E_8D8C_8B8A_8988UL));
        Assert.That(h.X(3), Is.EqualTo(0x8382UL));
    }

    [Test]
    public void SixteenByteDeviceAccessesAreTwoDoublewords()
    {
        var (h, dev) = WithDevice();
        using var _ = h;
        h.Cpu.S.V[2] = 0xAAAA; h.Cpu.S.V[3] = 0xBBBB;
        LsKit.Ok(h, """
            ldr q0, [x1]
            str q1, [x1, #32]
            """);
        Assert.That(dev.Log, Is.EqualTo(new[]
        {
            (0UL, 8, false, 0x8786_8584_8382_8180UL),
            (8UL, 8, false, 0x8F8E_8D8C_8B8A_8988UL),
            (32UL, 8, true, 0xAAAAUL),
            (40UL, 8, true, 0xBBBBUL),
        }));
        Assert.That(h.Cpu.S.V[1], Is.EqualTo(0x8F8E_8D8C_8B8A_8988UL));
    }

    [Test]
    public void AtomicsOnADeviceReadThenWrite()
    {
        var (h, dev) = WithDevice();
        using var _ = h;
        h.Cpu.SetX(2, 1);
        LsKit.Ok(h, "ldadd w2, w3, [x1, #0]");
        Assert.That(dev.Log, Is.EqualTo(new[] { (0UL, 4, false, 0x8382_8180UL), (0UL, 4, true, 0x8382_8181UL) }));
        Assert.That(h.X(3), Is.EqualTo(0x8382_8180UL));
    }

    [Test]
    public void AnUnalignedDeviceAccessAcrossAPageReadsEveryByte()
    {
        var (h, dev) = WithDevice();
        using var _ = h;
        h.Cpu.SetX(1, DeviceBase + 0xFFE);
        LsKit.Ok(h, "ldr w2, [x1]");
        Assert.That(h.X(2), Is.EqualTo(0x8180_7F7EUL));
        Assert.That(dev.Log.Sum(a => a.Size), Is.EqualTo(4));
    }

    [Test]
    public void StoresToRomAreIgnoredWithoutAFault()
    {
        using var h = LsKit.New();
        h.Bus.MapRam(RomBase, 0x1000, readOnly: true);
        h.Bus.Load(RomBase, BitConverter.GetBytes(0x0102_0304_0506_0708UL));
        h.Cpu.SetX(1, RomBase);
        h.Cpu.SetX(2, 0xFF);
        LsKit.Ok(h, """
            str x2, [x1]
            stp x2, x2, [x1, #16]
            ldadd x2, x3, [x1]
            swp x2, x4, [x1]
            ldr x5, [x1]
            """);
        Assert.That(h.X(3), Is.EqualTo(0x0102_0304_0506_0708UL));
        Assert.That(h.X(4), Is.EqualTo(0x0102_0304_0506_0708UL));
        Assert.That(h.X(5), Is.EqualTo(0x0102_0304_0506_0708UL));
    }
}
