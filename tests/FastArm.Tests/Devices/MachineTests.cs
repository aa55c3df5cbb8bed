using System.Text.RegularExpressions;
using FastArm.Devices.HostIo;
using FastArm.Jit;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.Devices;

public unsafe class MachineTests
{
    [Test]
    public void TheReadmeHarnessExampleComputesFortyFour()
    {
        // README-EXAMPLE-BEGIN
        using var m = new Machine();                          // one CPU at EL1, an empty bus
        m.MapRam(0x4000_0000, 0x10_0000);                     // 1 MiB of RAM
        m.WriteMemory(0x4000_0000, [0x00, 0x14, 0x00, 0x91,   // add x0, x0, #5
                                    0x01, 0x08, 0x00, 0x91]); // add x1, x0, #2
        m["X0"] = 37;
        m["PC"] = 0x4000_0000;
        m.Run(until: 0x4000_0008);
        Console.WriteLine(m["X1"]);                           // 44
        // README-EXAMPLE-END
        Assert.That(m["X1"], Is.EqualTo(44UL));
        Assert.That(m.Pc, Is.EqualTo(0x4000_0008UL));
    }

    [Test]
    public void TheReadmeShowsExactlyTheExampleThatIsTested()
    {
        string test = File.ReadAllText(Path.Combine(CrossTools.RepoRoot, "tests", "FastArm.Tests", "Devices", "MachineTests.cs"));
        string readme = File.ReadAllText(Path.Combine(CrossTools.RepoRoot, "README.md"));
        var m = Regex.Match(test, @"// README-EXAMPLE-BEGIN\r?\n(.*?)\r?\n\s*// README-EXAMPLE-END", RegexOptions.Singleline);
        Assert.That(m.Success, Is.True);
        string Normalize(string s) => string.Join("\n", s.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
        var block = Regex.Match(readme, @"```csharp\r?\n(.*?)```", RegexOptions.Singleline);
        Assert.That(block.Success, Is.True, "README has a ```csharp block");
        Assert.That(Normalize(block.Groups[1].Value), Does.Contain(Normalize(m.Groups[1].Value)));
    }

    private static Machine NewMachine(CpuConfig? config = null)
    {
        var m = new Machine(config, new HostConsole(new MemoryStream()));
        m.MapRam(0x4000_0000, 0x10_0000);
        return m;
    }

    [Test]
    public void GeneralRegistersReadAndWriteByName()
    {
        using var m = NewMachine();
        m["x3"] = 0x1122_3344_5566_7788;
        Assert.That(m["W3"], Is.EqualTo(0x5566_7788UL));
        m["W4"] = 0xFFFF_FFFF_0000_0001;
        Assert.That(m.X(4), Is.EqualTo(1UL), "writing Wn zero-extends");
        m["LR"] = 0x1234;
        Assert.That(m["X30"], Is.EqualTo(0x1234UL));
        m["XZR"] = 5;
        Assert.That(m["XZR"], Is.EqualTo(0UL));
        m["SP"] = 0x4008_0000;
        Assert.That(m["SP_EL1"], Is.EqualTo(0x4008_0000UL), "at EL1 with SPSel 1 the SP is SP_EL1");
    }

    [Test]
    public void FlagsAndPstateFieldsReadAndWriteByName()
    {
        using var m = NewMachine();
        m["NZCV"] = 0x6000_0000;
        Assert.That((m["N"], m["Z"], m["C"], m["V"]), Is.EqualTo((0UL, 1UL, 1UL, 0UL)));
        m["V"] = 1;
        Assert.That(m["NZCV"], Is.EqualTo(0x7000_0000UL));
        Assert.That(m["CurrentEL"], Is.EqualTo(1UL << 2));
        Assert.That(m["DAIF"], Is.EqualTo(0x3C0UL), "reset masks all interrupts");
        Assert.That(m["PSTATE"], Is.EqualTo(0x7000_03C5UL), "EL1h with NZCV and DAIF");
    }

    [Test]
    public void VectorRegistersHold128Bits()
    {
        using var m = NewMachine();
        var v = new UInt128(0x0102_0304_0506_0708, 0x1112_1314_1516_1718);
        m.WriteVector(7, v);
        Assert.That(m.ReadRegister128("V7"), Is.EqualTo(v));
        Assert.That(m.ReadRegister128("q7"), Is.EqualTo(v));
        Assert.That(m["D7"], Is.EqualTo(0x1112_1314_1516_1718UL));
        Assert.That(m["S7"], Is.EqualTo(0x1516_1718UL));
        m["D7"] = 5;
        Assert.That(m.ReadVector(7), Is.EqualTo((UInt128)5), "a scalar write clears the upper bits");
    }

    [Test]
    public void SystemRegistersReadAndWriteByName()
    {
        using var m = NewMachine(new CpuConfig { HasEl2 = true });
        m["VBAR_EL1"] = 0x4000_8000;
        Assert.That(m.Cpu.S.VBAR[1], Is.EqualTo(0x4000_8000UL));
        m["HCR_EL2"] = 1UL << 31;
        Assert.That(m.Cpu.S.Sys.HCR_EL2, Is.EqualTo(1UL << 31));
        Assert.That(m["SCTLR_EL1"] & 1, Is.EqualTo(0UL), "MMU off at reset");
        Assert.That(m.TryReadRegister("VBAR_EL3", out _), Is.False, "no EL3 on this CPU");
        Assert.Throws<ArgumentException>(() => m.ReadRegister("NOSUCH_EL1"));
        Assert.Throws<ArgumentException>(() => m.ReadRegister("X31"));
    }

    [Test]
    public void RunStopsAtTheInstructionLimit()
    {
        using var m = NewMachine();
        m.WriteMemory(0x4000_0000, BitConverter.GetBytes(0x14000000u));   // b .
        m.Pc = 0x4000_0000;
        Assert.That(m.Run(maxInstructions: 1000), Is.EqualTo(StopReason.InstructionLimit));
        Assert.That(m.InstructionsExecuted, Is.EqualTo(1000UL));
    }

    [Test]
    public void RunStopsAtTheHostTimeout()
    {
        using var m = NewMachine();
        m.WriteMemory(0x4000_0000, BitConverter.GetBytes(0x14000000u));   // b .
        m.Pc = 0x4000_0000;
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Assert.That(m.Run(timeout: TimeSpan.FromMilliseconds(200)), Is.EqualTo(StopReason.Timeout));
        Assert.That(sw.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public void TheTimeoutEndsAGuestWaitingForInterruptsOnTime()
    {
        using var m = NewMachine();
        m.WriteMemory(0x4000_0000, [0x7F, 0x20, 0x03, 0xD5, 0xFF, 0xFF, 0xFF, 0x17]);   // 1: wfi ; b 1b
        m["VBAR_EL1"] = 0x4000_8000;
        m.Pc = 0x4000_0000;
        m.Step();
        if (m.Pc == 0x4000_8200) Assert.Inconclusive("WFI is not in the A64 table yet");
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Assert.That(m.Run(timeout: TimeSpan.FromMilliseconds(300)), Is.EqualTo(StopReason.Timeout));
        Assert.That(sw.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
    }

    [Test]
    public void StopFromAnotherThreadEndsTheRun()
    {
        using var m = NewMachine();
        m.WriteMemory(0x4000_0000, BitConverter.GetBytes(0x14000000u));   // b .
        m.Pc = 0x4000_0000;
        ulong seen = 0;
        m.BlockHook = _ => { if (++seen == 10_000) ThreadPool.QueueUserWorkItem(_ => m.Stop()); };
        Assert.That(m.Run(timeout: TimeSpan.FromSeconds(20)), Is.EqualTo(StopReason.StopRequested));
    }

    [Test]
    public void HooksSeeInstructionsBlocksAndExceptions()
    {
        using var m = NewMachine();
        // add x0, x0, #1 ; b +8 ; (skipped) ; udf #0
        m.WriteMemory(0x4000_0000, [0x00, 0x04, 0x00, 0x91, 0x02, 0x00, 0x00, 0x14, 0, 0, 0, 0, 0, 0, 0, 0]);
        m["VBAR_EL1"] = 0x4000_8000;
        m.Pc = 0x4000_0000;
        var code = new List<ulong>();
        var blocks = new List<ulong>();
        var exceptions = new List<ExceptionEvent>();
        m.CodeHook = (pc, _) => code.Add(pc);
        m.BlockHook = blocks.Add;
        m.ExceptionHook = exceptions.Add;
        m.Run(maxInstructions: 3);
        Assert.That(code, Is.EqualTo(new ulong[] { 0x4000_0000, 0x4000_0004, 0x4000_000C }));
        Assert.That(blocks, Is.EqualTo(new ulong[] { 0x4000_0000, 0x4000_000C }));
        Assert.That(exceptions, Has.Count.EqualTo(1));
        Assert.That(exceptions[0].ReturnAddress, Is.EqualTo(0x4000_000CUL));
    }

    [Test]
    public void MmioCallbacksSeeGuestAccesses()
    {
        using var m = NewMachine();
        var writes = new List<(ulong, ulong, int)>();
        m.MapMmio(0x0900_0000, 0x1000, (off, size) => 0, (off, v, size) => writes.Add((off, v, size)));
        Assert.That(m.Bus.TryWrite(0x0900_0010, 4, 0xAB), Is.True);
        Assert.That(writes, Is.EqualTo(new[] { (0x10UL, 0xABUL, 4) }));
    }

    [Test]
    public void MemoryOutsideRamIsRefused()
    {
        using var m = NewMachine();
        Assert.Throws<ArgumentException>(() => m.WriteMemory(0x4010_0000 - 2, [1, 2, 3, 4]));
        Assert.Throws<ArgumentException>(() => m.ReadMemory(0x1000, 4));
        Assert.Throws<ArgumentException>(() => m.LoadRaw([1, 2, 3], 0x5000_0000));
    }

    [Test]
    public void SemihostingOffMakesHltUndefined()
    {
        using var m = NewMachine();
        m.WriteMemory(0x4000_0000, BitConverter.GetBytes(0xD45E0000u));   // hlt #0xf000
        m["VBAR_EL1"] = 0x4000_8000;
        m.Pc = 0x4000_0000;
        m["X0"] = 0x18;
        m.Step();
        Assert.That(m.Pc, Is.EqualTo(0x4000_8200UL));
        Assert.That(m["ESR_EL1"] >> 26, Is.EqualTo(0UL));
        Assert.That(m.ExitCode, Is.Null);
    }
}
