using System.Net;
using System.Net.Sockets;
using System.Text;
using FastArm.Devices.Board;
using FastArm.Devices.HostIo;
using FastArm.Devices.Uart;
using FastArm.Jit;
using NUnit.Framework;

namespace FastArm.Tests.Board;

public class SerialBackendTests
{
    [Test]
    public void TheTcpConsoleSendsTheBacklogToALateClientAndTakesItsInput()
    {
        using var s = (TcpSerial)SerialBackend.Create("tcp:127.0.0.1:0", new HostConsole(new MemoryStream()));
        var arrived = new ManualResetEventSlim();
        s.InputArrived = arrived.Set;
        s.Write("boot log\n"u8);
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, s.Port);
        var stream = client.GetStream();
        stream.ReadTimeout = 10_000;
        var buf = new byte[64];
        int n = 0;
        while (n < 9) n += stream.Read(buf, n, buf.Length - n);
        Assert.That(Encoding.ASCII.GetString(buf, 0, n), Is.EqualTo("boot log\n"));

        stream.Write("ls\r"u8);
        Assert.That(arrived.Wait(10_000), Is.True, "input wakes the board");
        var got = new List<byte>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (got.Count < 3 && DateTime.UtcNow < deadline) { if (s.TryRead(out byte b)) got.Add(b); else Thread.Sleep(1); }
        Assert.That(Encoding.ASCII.GetString(got.ToArray()), Is.EqualTo("ls\r"));

        s.Write("more\n"u8);
        n = 0;
        while (n < 5) n += stream.Read(buf, n, buf.Length - n);
        Assert.That(Encoding.ASCII.GetString(buf, 0, n), Is.EqualTo("more\n"));
    }

    [Test]
    public void TheFileBackendWritesTheGuestOutputAndHasNoInput()
    {
        string path = Path.Combine(Path.GetTempPath(), $"fastarm-serial-{Environment.ProcessId}.log");
        try
        {
            using (var s = SerialBackend.Create($"file:{path}", new HostConsole(new MemoryStream())))
            {
                s.Write("abc"u8);
                Assert.That(s.TryRead(out _), Is.False);
            }
            Assert.That(File.ReadAllText(path), Is.EqualTo("abc"));
        }
        finally { File.Delete(path); }
    }

    [Test]
    public void ConsoleInputFromAStreamIsReadWithoutBlocking()
    {
        var console = new HostConsole(new MemoryStream(), input: new MemoryStream("hi"u8.ToArray()));
        var s = new ConsoleSerial(console);
        var got = new List<byte>();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (got.Count < 2 && DateTime.UtcNow < deadline) { if (s.TryRead(out byte b)) got.Add(b); else Thread.Sleep(1); }
        Assert.That(got, Is.EqualTo("hi"u8.ToArray()));
        Assert.That(s.TryRead(out _), Is.False, "the end of the input is just no data");
    }

    [Test]
    public void WithoutTheTerminalReaderAnInteractiveConsoleIsNeverReadDirectly()
    {
        var console = new HostConsole(new MemoryStream(), input: new MemoryStream("x"u8.ToArray()), inputIsTerminal: true);
        var s = new ConsoleSerial(console);
        Thread.Sleep(2);
        Assert.That(s.InputPending, Is.False, "a terminal read would block the CPU thread");
    }

    [Test]
    public void AnEl2CpuWithAGicV3HasTheVirtualInterfaceControlRegisters()
    {
        using var b = new VirtBoard(new VirtBoardOptions { Cpu = new CpuConfig { HasEl2 = true }, Console = new HostConsole(new MemoryStream()) });
        var m = b.Machine;
        m.Reset(0x4000_0000, 2);
        Assert.That(ReadIch(b, 11, 1), Is.EqualTo(GicV3HypRegisters.VtrValue));
        var ich = b.Machine.Cpu.SystemRegisterDevices.OfType<GicV3HypRegisters>().Single();
        uint hcr = (3u << 14) | (4u << 11) | (12u << 7) | (11u << 3);
        ich.Write(m.Cpu, hcr, 1);
        Assert.That(ich.Read(m.Cpu, hcr), Is.EqualTo(1UL));
        uint lr0 = (3u << 14) | (4u << 11) | (12u << 7) | (12u << 3);
        uint elrsr = (3u << 14) | (4u << 11) | (12u << 7) | (11u << 3) | 5;
        Assert.That(ich.Read(m.Cpu, elrsr), Is.EqualTo(0xFUL), "every list register is empty");
        ich.Write(m.Cpu, lr0, 1UL << 62 | 27);
        Assert.That(ich.Read(m.Cpu, elrsr), Is.EqualTo(0xEUL));
    }

    private static ulong ReadIch(VirtBoard b, uint crm, uint op2)
    {
        var ich = b.Machine.Cpu.SystemRegisterDevices.OfType<GicV3HypRegisters>().Single();
        return ich.Read(b.Machine.Cpu, (3u << 14) | (4u << 11) | (12u << 7) | (crm << 3) | op2);
    }
}
