using FastArm.Devices.Board;
using FastArm.Devices.HostIo;
using FastArm.Jit;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.Board;

/// <summary>Several CPUs on the virt board: PSCI CPU_ON/CPU_OFF/AFFINITY_INFO, taking turns, broadcast TLBI.</summary>
public class SmpTests
{
    private const ulong Code = VirtBoard.RamBase, Flag = VirtBoard.RamBase + 0x10_0000;

    /// <summary>
    /// CPU 0 starts CPU 1 at "secondary" with context id 0x1234, waits (WFE) for the flag CPU 1 writes, waits for
    /// AFFINITY_INFO to say OFF after CPU 1's CPU_OFF, then SYSTEM_OFF. HVC conduit (EL1, no EL2).
    /// </summary>
    private const string Program = """
            ldr x20, =0x40100000
            movz w0, #0x0003
            movk w0, #0xC400, lsl #16      // CPU_ON (SMC64)
            mov x1, #1                      // target MPIDR Aff0 = 1
            adr x2, secondary
            mov x3, #0x1234
            hvc #0
            mov x19, x0                     // CPU_ON result
            movz w0, #0x0003
            movk w0, #0xC400, lsl #16
            mov x1, #1
            adr x2, secondary
            hvc #0
            mov x21, x0                     // a second CPU_ON: ALREADY_ON (or ON while it still runs)
        wait:
            wfe
            ldr x4, [x20]
            cbz x4, wait
            mov x22, x4
        off:
            movz w0, #0x0004
            movk w0, #0xC400, lsl #16       // AFFINITY_INFO (SMC64)
            mov x1, #1
            mov x2, #0
            hvc #0
            cmp x0, #1                      // OFF
            b.ne off
            mrs x23, MPIDR_EL1
            movz w0, #0x0008
            movk w0, #0x8400, lsl #16       // SYSTEM_OFF
            hvc #0
            b .
        secondary:
            mrs x1, MPIDR_EL1
            and x1, x1, #0xff
            add x0, x0, x1, lsl #16          // 0x1234 + (1 << 16)
            ldr x20, =0x40100000
            str x0, [x20]
            sev
            movz w0, #0x0002
            movk w0, #0x8400, lsl #16        // CPU_OFF
            hvc #0
            b .
            .ltorg
        """;

    [Test]
    public void TheBootCpuStartsAndStopsASecondaryThroughPsci()
    {
        CrossTools.RequireAssembler();
        using var b = new VirtBoard(new VirtBoardOptions { Cpus = 2, Console = new HostConsole(new MemoryStream()) });
        var m = b.Machine;
        m.LoadRaw(CrossTools.Assemble(Program), Code);
        m.Reset(Code, 1);
        Assert.That(m.IsPowered(1), Is.False, "secondaries start off");
        var reason = m.Run(maxInstructions: 2_000_000, timeout: TimeSpan.FromSeconds(30));
        Assert.That((reason, m.ExitCode), Is.EqualTo((StopReason.Exit, (int?)0)));
        Assert.That(m["X19"], Is.EqualTo(0UL), "CPU_ON: SUCCESS");
        Assert.That((long)m["X21"], Is.EqualTo(-4L), "CPU_ON of a running CPU: ALREADY_ON");
        Assert.That(m["X22"], Is.EqualTo(0x1_1234UL), "the secondary ran with x0 = the context id and its own MPIDR");
        Assert.That(m["X23"] & 0xFF, Is.EqualTo(0UL));
        Assert.That(m.IsPowered(1), Is.False);
        Assert.That(m.Cpus[1].S.EL, Is.EqualTo(1), "started at the caller's EL");
    }

    [Test]
    public void TheDeviceTreeListsEveryCpuAndTheGicServesThemAll()
    {
        using var b = new VirtBoard(new VirtBoardOptions { Cpus = 4, Console = new HostConsole(new MemoryStream()) });
        var cpus = FastArm.Devices.Fdt.FdtReader.Parse(b.BuildDeviceTree(), out _).Child("cpus")!;
        Assert.That(cpus.Children.Select(c => c.Name), Is.EqualTo(new[] { "cpu@0", "cpu@1", "cpu@2", "cpu@3" }));
        Assert.That(cpus.Children.Select(c => c.GetCells("reg")[0]), Is.EqualTo(new uint[] { 0, 1, 2, 3 }));
        Assert.That(b.Gic.NumCpus, Is.EqualTo(4));
        Assert.That(b.Timers, Has.Count.EqualTo(4));
        Assert.That(b.Machine.Cpus.Select(c => c.Config.CpuIndex), Is.EqualTo(new[] { 0, 1, 2, 3 }));
    }

    [Test]
    public void PsciRejectsAnUnknownCpuAndReportsPowerStates()
    {
        using var b = new VirtBoard(new VirtBoardOptions { Cpus = 2, Console = new HostConsole(new MemoryStream()) });
        var cpu0 = b.Machine.Cpu;
        Assert.That(b.CpuOn(cpu0, 7, VirtBoard.RamBase, 0), Is.EqualTo(-2), "INVALID_PARAMETERS");
        Assert.That(b.AffinityInfo(0), Is.EqualTo(0), "ON");
        Assert.That(b.AffinityInfo(1), Is.EqualTo(1), "OFF");
        Assert.That(b.CpuOn(cpu0, 1, VirtBoard.RamBase, 42), Is.EqualTo(0));
        Assert.That((b.AffinityInfo(1), b.Machine.Cpus[1].GetX(0), b.Machine.Cpus[1].Pc), Is.EqualTo((0, 42UL, VirtBoard.RamBase)));
    }
}
