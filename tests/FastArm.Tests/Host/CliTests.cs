using System.Diagnostics;
using System.Text;
using FastArm.Devices.HostIo;
using FastArm.Host.Cli;
using FastArm.Jit;
using FastArm.Jit.Exceptions;
using NUnit.Framework;

namespace FastArm.Tests.Host;

/// <summary>What one in-process `fastarm` invocation did.</summary>
public sealed record CliResult(int ExitCode, string GuestOutput, string Stdout, string Stderr);

public class CliTests
{
    public static CliResult Fastarm(params string[] args)
    {
        var guest = new MemoryStream();
        var outText = new StringWriter();
        var errText = new StringWriter();
        int code = CommandLine.Run(args, new CliContext
        {
            Out = outText,
            Error = errText,
            Console = new HostConsole(guest),
            HandleCtrlC = false,
        });
        return new CliResult(code, Encoding.UTF8.GetString(guest.ToArray()), outText.ToString(), errText.ToString());
    }

    private static string Hello => HostGuests.Build("hello-add-only.S");

    // ---- usage and errors ----

    [Test]
    public void TheUsageSaysThatNoArgumentsBootsLinuxToAShell()
    {
        var r = Fastarm("--help");
        Assert.That(r.ExitCode, Is.EqualTo(0));
        Assert.That(r.Stdout, Does.Contain("with no command boots Debian 12's arm64 Linux").And.Contain("images "));
    }

    [TestCase("--help")]
    [TestCase("-h")]
    public void HelpPrintsUsageOnStdoutAndSucceeds(string flag)
    {
        var r = Fastarm(flag);
        Assert.That(r.ExitCode, Is.EqualTo(0));
        Assert.That(r.Stdout, Does.Contain("usage: fastarm").And.Contain("run "));
    }

    [Test]
    public void RunHelpDescribesEveryOption()
    {
        var r = Fastarm("run", "--help");
        Assert.That(r.ExitCode, Is.EqualTo(0));
        foreach (var o in new[] { "--kernel", "--semihosting", "--engine", "--el", "--load-addr", "--memory", "--max-insns", "--timeout", "--trace" })
            Assert.That(r.Stdout, Does.Contain(o));
    }

    private static IEnumerable<TestCaseData> UsageErrors()
    {
        yield return new TestCaseData(new[] { "frobnicate" }, "fastarm: unknown command 'frobnicate'").SetName("AnUnknownCommandIsAnError");
        yield return new TestCaseData(new[] { "--bogus" }, "fastarm: unknown option '--bogus'").SetName("AnUnknownTopLevelOptionIsAnError");
        yield return new TestCaseData(new[] { "run", "--kernel", "x", "--bogus" }, "fastarm: run: unknown option '--bogus'").SetName("AnUnknownRunOptionIsAnError");
        yield return new TestCaseData(new[] { "run", "--kernel" }, "fastarm: run: --kernel needs a value").SetName("AMissingValueIsAnError");
        yield return new TestCaseData(new[] { "run", "--semihosting" }, "fastarm: run: --kernel PROGRAM is required").SetName("AMissingKernelIsAnError");
        yield return new TestCaseData(new[] { "run", "--kernel", "x", "--el", "4" }, "fastarm: run: --el: '4' is not 1, 2 or 3").SetName("AnElOutOfRangeIsAnError");
        yield return new TestCaseData(new[] { "run", "--kernel", "x", "--memory", "12Q" }, "fastarm: run: --memory: unknown size unit").SetName("ABadMemoryUnitIsAnError");
        yield return new TestCaseData(new[] { "run", "--kernel", "x", "--memory", "1000" }, "fastarm: run: --memory: 1000 bytes is not a multiple of 4 KiB").SetName("AMemorySizeThatIsNotWholePagesIsAnError");
        yield return new TestCaseData(new[] { "run", "--kernel", "x", "--engine", "tcg" }, "fastarm: run: --engine: 'tcg' is not 'interp' or 'jit'").SetName("AnUnknownEngineIsAnError");
        yield return new TestCaseData(new[] { "run", "--kernel", "x", "--max-insns", "12.5" }, "fastarm: run: --max-insns: '12.5' is not a number").SetName("ANonNumericInstructionLimitIsAnError");
        yield return new TestCaseData(new[] { "run", "--kernel", "x", "--timeout", "-1" }, "fastarm: run: --timeout: '-1' is not a positive number").SetName("ANegativeTimeoutIsAnError");
        yield return new TestCaseData(new[] { "run", "--kernel", "x", "--load-addr", "0xZZ" }, "fastarm: run: --load-addr: '0xZZ' is not a number").SetName("ABadLoadAddressIsAnError");
        yield return new TestCaseData(new[] { "run", "--kernel", "x", "--trace=yes" }, "fastarm: run: --trace takes no value").SetName("AValueOnAFlagIsAnError");
        yield return new TestCaseData(new[] { "run", "--kernel", "x", "stray" }, "fastarm: run: unexpected argument 'stray'").SetName("AStrayArgumentIsAnError");
        yield return new TestCaseData(new[] { "run", "--kernel", "/no/such/file.elf" }, "fastarm: run: cannot read '/no/such/file.elf'").SetName("AnUnreadableFileIsAnError");
    }

    [TestCaseSource(nameof(UsageErrors))]
    public void UsageError(string[] args, string message)
    {
        var r = Fastarm(args);
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Stderr, Does.StartWith(message));
        Assert.That(r.Stderr.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1), "one line");
        Assert.That(r.GuestOutput, Is.Empty);
    }

    [Test]
    public void AMalformedElfIsAnErrorNamingTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"fastarm-bad-{Environment.ProcessId}.elf");
        File.WriteAllBytes(path, [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0]);
        try
        {
            var r = Fastarm("run", "--kernel", path, "--semihosting");
            Assert.That(r.ExitCode, Is.EqualTo(2));
            Assert.That(r.Stderr, Does.StartWith($"fastarm: run: {path}: malformed ELF: truncated ELF header"));
        }
        finally { File.Delete(path); }
    }

    [Test]
    public void AnEmptyRawFileIsAnError()
    {
        string path = Path.Combine(Path.GetTempPath(), $"fastarm-empty-{Environment.ProcessId}.bin");
        File.WriteAllBytes(path, []);
        try
        {
            var r = Fastarm("run", "--kernel", path);
            Assert.That(r.ExitCode, Is.EqualTo(2));
            Assert.That(r.Stderr, Does.Contain("the file is empty"));
        }
        finally { File.Delete(path); }
    }

    [Test]
    public void ARawFileOutsideRamIsAnError()
    {
        var r = Fastarm("run", "--kernel", HostGuests.Raw(Hello), "--load-addr", "0x1000");
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Stderr, Does.Contain("not inside RAM"));
    }

    // ---- running programs ----

    [Test]
    public void RunPrintsTheGuestOutputAndExitsWithItsCode()
    {
        var r = Fastarm("run", "--kernel", Hello, "--semihosting");
        Assert.That(r.Stderr, Is.Empty);
        Assert.That(r.GuestOutput, Is.EqualTo("hello from the guest\n"));
        Assert.That(r.ExitCode, Is.EqualTo(42));
    }

    [Test]
    public void QemuRunsTheSameProgramTheSameWay()
    {
        var q = HostGuests.RunQemu(Hello);
        Assert.That((q.ExitCode, q.Stderr), Is.EqualTo((42, "hello from the guest\n")));
    }

    [TestCase(0x18, 0x20026UL, 0UL, 0)]
    [TestCase(0x18, 0x20026UL, 5UL, 5)]
    [TestCase(0x18, 0x20026UL, 256UL, 0)]
    [TestCase(0x18, 0x20026UL, 0xFFFF_FFFF_FFFF_FFFFUL, 255)]
    [TestCase(0x18, 0x20023UL, 5UL, 1)]
    [TestCase(0x18, 0x20000UL, 0UL, 1)]
    [TestCase(0x20, 0x20026UL, 9UL, 9)]
    [TestCase(0x20, 0x20024UL, 0UL, 1)]
    public void ExitCodesMatchQemuForEachReason(int op, ulong reason, ulong subcode, int processExitCode)
    {
        string elf = HostGuests.BuildWith($"-DOP={op} -DREASON={reason} -DSUBCODE={subcode}", "exit.S");
        var r = Fastarm("run", "--kernel", elf, "--semihosting", "--max-insns", "10k");
        Assert.That(r.ExitCode & 0xFF, Is.EqualTo(processExitCode), "the host keeps the low 8 bits of an exit code");
        Assert.That(HostGuests.RunQemu(elf).ExitCode, Is.EqualTo(processExitCode));
    }

    [Test]
    public void ARawBinaryLoadsAtTheStartOfRam()
    {
        var r = Fastarm("run", "--kernel", HostGuests.Raw(Hello), "--semihosting");
        Assert.That(r.GuestOutput, Is.EqualTo("hello from the guest\n"));
        Assert.That(r.ExitCode, Is.EqualTo(42));
    }

    [TestCase("2")]
    [TestCase("3")]
    public void RunStartsAtAHigherElWhenAsked(string el)
    {
        var r = Fastarm("run", "--kernel", Hello, "--semihosting", "--el", el, "--trace");
        Assert.That(r.ExitCode, Is.EqualTo(42));
        Assert.That(r.Stderr, Does.Not.Contain("exception:"));
    }

    [Test]
    public void WithoutSemihostingHltIsUndefinedAndTheLimitEndsTheRun()
    {
        var r = Fastarm("run", "--kernel", Hello, "--max-insns", "5k");
        Assert.That(r.GuestOutput, Is.Empty);
        Assert.That(r.ExitCode, Is.EqualTo(3));
        Assert.That(r.Stderr, Does.StartWith("fastarm: stopped: instruction limit (--max-insns 5000) reached"));
    }

    [Test]
    public void TheTimeoutEndsAGuestThatLoopsForever()
    {
        string path = Path.Combine(Path.GetTempPath(), $"fastarm-loop-{Environment.ProcessId}.bin");
        File.WriteAllBytes(path, BitConverter.GetBytes(0x14000000u));   // b .
        try
        {
            var sw = Stopwatch.StartNew();
            var r = Fastarm("run", "--kernel", path, "--timeout", "0.3");
            Assert.That(r.ExitCode, Is.EqualTo(3));
            Assert.That(r.Stderr, Does.StartWith("fastarm: stopped: timeout (--timeout 0.3) reached at PC 0x40000000"));
            Assert.That(sw.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));
        }
        finally { File.Delete(path); }
    }

    [Test]
    public void TraceShowsEachInstructionWithItsDisassembly()
    {
        var r = Fastarm("run", "--kernel", Hello, "--semihosting", "--trace");
        Assert.That(r.ExitCode, Is.EqualTo(42));
        string[] lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo("0x0000000040000000: 91500021  add x1, x1, #0x400, lsl #12").Or.EqualTo("0x0000000040000000: 91500021  ADD_imm"));
        Assert.That(lines.Count(l => l.Contains("hlt")), Is.EqualTo(2));
    }

    [Test]
    public void TheCapstoneDisassemblerLoadsOnThisHost()
    {
        using var m = new Machine(console: new HostConsole(new MemoryStream()));
        using var t = new Tracer(m, TextWriter.Null);
        Assert.That(t.CapstoneProblem, Is.Null);
        Assert.That(t.Disassemble(0x4000_0000, 0x14000002), Is.EqualTo("b #0x40000008"));
    }

    [Test]
    public void SemihostingCallsFromCProduceTheSameOutputAsQemu()
    {
        string elf = HostGuests.Build("start.S", "semihost.c");
        var r = Fastarm("run", "--kernel", elf, "--semihosting", "--max-insns", "1M");
        string expected = """
            semihosting from C
            !
            open :tt w = 0x0000000000000001
            written
            write left = 0x0000000000000000
            open file = 0xffffffffffffffff
            errno = 0x0000000000000002

            """;
        if (r.ExitCode != 7) InconclusiveIfUndefined(elf);
        Assert.That(r.GuestOutput, Does.StartWith(expected.Replace("\r\n", "\n")));
        Assert.That(r.GuestOutput, Does.Contain("heap limit = 0x0000000048000000\nstack base = 0x0000000048000000\n"));
        Assert.That(r.ExitCode, Is.EqualTo(7));

        var q = HostGuests.RunQemu(elf);
        Assert.That(q.ExitCode, Is.EqualTo(7));
        Assert.That(q.Stderr.Replace("written\n", ""), Is.EqualTo(r.GuestOutput.Replace("written\n", "")), "QEMU prints the same (its :tt stdout apart)");
    }

    /// <summary>
    /// Marks a test inconclusive when the program needs an instruction the A64 table does not decode yet (the
    /// instruction groups are written in parallel), so that such a test only fails for a real difference.
    /// </summary>
    public static void InconclusiveIfUndefined(string elf)
    {
        using var m = new Machine(console: new HostConsole(new MemoryStream()));
        m.MapRam(0x4000_0000, 128 << 20);
        m.SemihostingEnabled = true;
        ulong entry = m.LoadElf(elf);
        m.Reset(entry, 1);
        ExceptionEvent? undefined = null;
        m.ExceptionHook = e => { if (undefined == null && e.Esr >> 26 == ExceptionClass.Unknown) { undefined = e; m.Stop(); } };
        m.Run(maxInstructions: 1_000_000);
        if (undefined is { } u)
            Assert.Inconclusive($"the program needs the instruction {m.ReadUInt32(u.ReturnAddress):x8} at 0x{u.ReturnAddress:x}, which the A64 table does not decode yet");
    }
}

/// <summary>The real `fastarm` process: exit codes and which stream gets what.</summary>
public class FastarmProcessTests
{
    private static (int Code, string Stdout, string Stderr) Exec(params string[] args) => ExecWithInput(args, "", closeInput: true);

    /// <summary>Runs fastarm with <paramref name="input"/> on a stdin pipe, closed afterwards or left open (no data, no EOF).</summary>
    private static (int Code, string Stdout, string Stderr) ExecWithInput(string[] args, string input, bool closeInput)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "fastarm.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(input);
        p.StandardInput.Flush();
        if (closeInput) p.StandardInput.Close();
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        bool done = p.WaitForExit(60_000);
        if (!done) p.Kill(true);
        if (!closeInput) p.StandardInput.Close();
        Assert.That(done, Is.True, "fastarm finished");
        return (p.ExitCode, o.Result, e.Result);
    }

    [Test]
    public void TheGuestReadsStdin()
    {
        var r = ExecWithInput(["run", "--kernel", HostGuests.Build("read-stdin.S"), "--semihosting"], "abcd", closeInput: true);
        Assert.That(r, Is.EqualTo((0, "abcd\n", "")));
    }

    [Test]
    public void ReadingAPipeWithNoDataDoesNotBlock()
    {
        var r = ExecWithInput(["run", "--kernel", HostGuests.Build("read-stdin.S"), "--semihosting", "--timeout", "50"], "", closeInput: false);
        Assert.That(r, Is.EqualTo((0, "....\n", "")));
    }

    [Test]
    public void GuestOutputGoesToStdoutAndTheExitCodeIsTheGuests()
    {
        var (code, stdout, stderr) = Exec("run", "--kernel", HostGuests.Build("hello-add-only.S"), "--semihosting");
        Assert.That((code, stdout, stderr), Is.EqualTo((42, "hello from the guest\n", "")));
    }

    [Test]
    public void ErrorsGoToStderrWithExitCodeTwo()
    {
        var (code, stdout, stderr) = Exec("run", "--frob");
        Assert.That((code, stdout, stderr), Is.EqualTo((2, "", "fastarm: run: unknown option '--frob'\n")));
    }
}
