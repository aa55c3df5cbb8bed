using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.Guests;

/// <summary>
/// Bare-metal programs from tests/guests/programs, built with the runtime (tests/guests/runtime) and run under
/// FastArm and under QEMU (<c>-M virt -cpu max -semihosting</c>): console output and exit code must be identical.
/// </summary>
[TestFixture]
[Category("Guests")]
public class GuestProgramTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public sealed record Program(string Name, string[] Sources, string Flags = "")
    {
        public override string ToString() => Name;
    }

    public static IEnumerable<Program> Programs =>
    [
        new("hello", ["programs/hello.c"]),
        new("integer", ["programs/integer.c"]),
        new("isa", ["programs/isa.S", "programs/isa_main.c"], "-march=armv8-a+crc"),
        new("memory", ["programs/memory.c"]),
        new("atomics-exclusive", ["programs/atomics.c"], "-march=armv8-a"),
        new("atomics-lse", ["programs/atomics.c"], "-march=armv8.1-a"),
        new("exceptions", ["programs/exceptions.c", "programs/exceptions_asm.S"]),
    ];

    [TestCaseSource(nameof(Programs))]
    public void ProgramBehavesAsUnderQemu(Program p)
    {
        Qemu.Require();
        string elf = CrossTools.BuildGuest(p.Name, p.Sources, p.Flags);
        var qemu = Qemu.Run(elf, Timeout);
        Assert.That(qemu.TimedOut, Is.False, $"QEMU timed out on {p.Name}: {qemu.Diagnostics}");
        var fast = FastArmGuest.Run(elf, Timeout);
        TestContext.Out.WriteLine($"{p.Name}: QEMU {qemu.Describe()} in {qemu.Elapsed.TotalSeconds:F2}s, FastArm {fast.Describe()} in {fast.Elapsed.TotalSeconds:F2}s");
        AssertSameRun(p.Name, qemu, fast);
    }

    /// <summary>
    /// alignment.c checks what QEMU 7.2 does not implement (SP alignment fault, alignment faults with the MMU off),
    /// so FastArm's output is compared with the architecture's answer in alignment.expected. FastArm follows QEMU
    /// for unaligned accesses with the MMU off unless Cpu.DeviceAlignmentWithMmuOff is set, as it is here.
    /// </summary>
    [Test]
    public void AlignmentChecksQemuOmitsFollowTheArchitecture()
    {
        string elf = CrossTools.BuildGuest("alignment", ["programs/alignment.c", "programs/alignment_asm.S"]);
        string expected = File.ReadAllText(Path.Combine(CrossTools.GuestsDir, "programs", "alignment.expected"));
        var fast = FastArmGuest.Run(elf, Timeout, m => m.Cpu.DeviceAlignmentWithMmuOff = true);
        Assert.That(fast.Output, Is.EqualTo(expected), $"FastArm {fast.Describe()} {fast.Diagnostics}");
        Assert.That(fast.ExitCode, Is.EqualTo(2), "exit code = exceptions taken");
    }

    [Test]
    public void AnUnexpectedExceptionIsReportedAndExitsWithTheVectorCode()
    {
        Qemu.Require();
        string elf = CrossTools.BuildGuest("unexpected-exception", ["programs/unexpected_exception.c"]);
        var qemu = Qemu.Run(elf, Timeout);
        var fast = FastArmGuest.Run(elf, Timeout);
        Assert.That(qemu.ExitCode, Is.EqualTo(100), "QEMU: synchronous, current EL with SP_EL0 = vector 0");
        Assert.That(qemu.Output, Does.StartWith("before\nEXCEPTION sync/SP0 ESR=2000000 ELR="));
        AssertSameRun("unexpected-exception", qemu, fast);
    }

    internal static void AssertSameRun(string name, GuestRun qemu, GuestRun fast)
    {
        if (fast.Output == qemu.Output && fast.ExitCode == qemu.ExitCode) return;
        var qLines = qemu.Output.Split('\n');
        var fLines = fast.Output.Split('\n');
        int i = 0;
        while (i < qLines.Length && i < fLines.Length && qLines[i] == fLines[i]) i++;
        string Line(string[] l) => i < l.Length ? l[i] : "<end of output>";
        Assert.Fail($"""
            {name}: FastArm differs from QEMU.
              QEMU:    {qemu.Describe()} {qemu.Diagnostics}
              FastArm: {fast.Describe()} {fast.Diagnostics}
              first differing line ({i + 1}):
                QEMU:    {Line(qLines)}
                FastArm: {Line(fLines)}
            --- QEMU output ---
            {qemu.Output}
            --- FastArm output ---
            {fast.Output}
            """);
    }
}
