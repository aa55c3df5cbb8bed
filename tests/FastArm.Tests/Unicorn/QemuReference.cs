using System.Diagnostics;
using System.Globalization;
using System.Text;
using FastArm.Tests.Support;

namespace FastArm.Tests.Unicorn;

/// <summary>What QEMU 7.2 did with a case.</summary>
public sealed class QemuResult
{
    public required ArchState After { get; init; }
    /// <summary>Null when the code ran to its end; else ESR_EL1 of the exception it took.</summary>
    public ulong? Esr { get; init; }
    public ulong Elr { get; init; }
    public ulong Far { get; init; }
    /// <summary>The fuzzer's RAM after the run.</summary>
    public required byte[] Ram { get; init; }

    public string Describe() => Esr is { } esr
        ? $"EC=0x{esr >> 26:X2} ({DifferentialFuzzer.EcName((uint)(esr >> 26))}) ESR=0x{esr:X} FAR=0x{Far:X} ELR=0x{Elr:X}"
        : "completed";
}

/// <summary>
/// Runs one fuzz case on the reference, `qemu-system-aarch64 -M virt -cpu max` (Debian's QEMU 7.2), to decide who is
/// right when FastArm and Unicorn disagree. The case becomes a bare-metal ELF: the fuzzer's 128 KiB of RAM at
/// 0x40000000 exactly as both engines saw it (the words at their address, followed by a branch to the dump code),
/// then a stub that sets VBAR_EL1, FPCR/FPSR, V0-V31, SP and X0-X30 and enters the code with ERET (so that NZCV and
/// every X register come from the case). Falling off the end or taking any exception leads to a dump of the
/// registers and of the RAM, written to a file through semihosting.
/// </summary>
public static class QemuReference
{
    public const string Qemu = "qemu-system-aarch64";
    private const ulong StubBase = DifferentialFuzzer.RamBase + DifferentialFuzzer.RamSize;   // 0x40020000
    private const ulong DumpOk = StubBase;                                                    // first stub label
    private const int OutSize = 832;

    public static string? UnavailableReason =>
        CrossTools.Which(Qemu) == null ? $"{Qemu} is not installed" :
        !CrossTools.Available("as") || !CrossTools.Available("ld") ? "the aarch64-linux-gnu binutils are not installed" : null;

    /// <summary>Runs <paramref name="words"/> at <paramref name="code"/> + 4 from <paramref name="before"/> with
    /// memory <paramref name="ram"/> (RamSize bytes at RamBase).</summary>
    public static QemuResult Run(uint[] words, ulong code, ArchState before, byte[] ram)
    {
        if (UnavailableReason is { } why) throw new InvalidOperationException(why);
        var image = (byte[])ram.Clone();
        int off = (int)(code - DifferentialFuzzer.RamBase);
        BitConverter.TryWriteBytes(image.AsSpan(off), DifferentialFuzzer.ClrexWord);
        for (int i = 0; i < words.Length; i++) BitConverter.TryWriteBytes(image.AsSpan(off + 4 + 4 * i), words[i]);
        ulong end = code + 4 + 4 * (ulong)words.Length;
        BitConverter.TryWriteBytes(image.AsSpan((int)(end - DifferentialFuzzer.RamBase)), BranchWord(end, DumpOk));

        string dir = Path.Combine(Path.GetTempPath(), $"fastarm-qemu-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllBytes(Path.Combine(dir, "ram.bin"), image);
            File.WriteAllText(Path.Combine(dir, "case.s"), Stub(before, code + 4));
            CrossTools.Run(CrossTools.Prefix + "as", "-march=armv8.2-a -o case.o case.s", dir);
            CrossTools.Run(CrossTools.Prefix + "ld", $"-Ttext=0x{DifferentialFuzzer.RamBase:X} -e _start -o case.elf case.o", dir);
            RunQemu(dir);
            byte[] dump = File.ReadAllBytes(Path.Combine(dir, "out.bin"));
            if (dump.Length != OutSize + image.Length) throw new InvalidOperationException($"QEMU wrote {dump.Length} bytes, expected {OutSize + image.Length}");
            return Parse(dump, image.Length, end);
        }
        finally { Directory.Delete(dir, true); }
    }

    private static void RunQemu(string dir)
    {
        var psi = new ProcessStartInfo(Qemu,
            "-M virt -cpu max -m 256M -display none -monitor none -serial none -semihosting -kernel case.elf")
        {
            WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        _ = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(20_000)) { p.Kill(true); throw new TimeoutException("QEMU did not finish the case (a loop?)"); }
        if (!File.Exists(Path.Combine(dir, "out.bin"))) throw new InvalidOperationException("QEMU wrote no dump: " + err.Result);
    }

    private static uint BranchWord(ulong from, ulong to) => 0x1400_0000u | (uint)(((long)(to - from) >> 2) & 0x03FF_FFFF);

    private static QemuResult Parse(byte[] d, int ramLength, ulong end)
    {
        ulong Q(int i) => BitConverter.ToUInt64(d, 8 * i);
        var s = new ArchState { Sp = Q(31), Nzcv = (uint)Q(32), Fpsr = (uint)Q(33), Fpcr = (uint)Q(34) };
        for (int i = 0; i < 31; i++) s.X[i] = Q(i);
        for (int i = 0; i < 64; i++) s.V[i] = Q(40 + i);
        ulong marker = Q(35);
        ulong esr = Q(36), elr = Q(37), far = Q(38);
        // Marker 0: reached the branch after the code (so PC there); else the vector entry + 1, PC at the fault.
        s.Pc = marker == 0 ? end : elr;
        // QEMU's exception entry rewrites PSTATE whole (NZCV cleared); the flags at the fault are in SPSR_EL1.
        if (marker != 0) s.Nzcv = (uint)Q(39) & 0xF000_0000u;
        return new QemuResult
        {
            After = s, Esr = marker == 0 ? null : esr, Elr = elr, Far = far, Ram = d.AsSpan(OutSize, ramLength).ToArray(),
        };
    }

    private static string Stub(ArchState s, ulong entry)
    {
        var a = new StringBuilder();
        void L(string line) => a.Append("    ").Append(line).Append('\n');
        a.Append(".text\n.globl _start\n");
        a.Append("ram:\n    .incbin \"ram.bin\"\n");
        // dump_ok: the code's end branches here; remember the PC it came from (the branch's own address).
        a.Append("dump_ok:\n");
        L("msr tpidr_el1, x0");
        L("mov x0, #0");
        L("msr tpidrro_el0, x0");
        L("b dump");
        a.Append("_start:\n");
        L("ldr x0, =vectors");
        L("msr vbar_el1, x0");
        L("mov x0, #(3 << 20)");
        L("msr cpacr_el1, x0");   // FPEN: no FP/SIMD traps
        L("isb");
        L("adr x30, state");
        L("ldr x0, [x30, #272]"); L("msr fpcr, x0");
        L("ldr x0, [x30, #264]"); L("msr fpsr, x0");
        for (int i = 0; i < 32; i += 2) L($"ldp q{i}, q{i + 1}, [x30, #{320 + 16 * i}]");
        L("ldr x0, [x30, #248]"); L("mov sp, x0");
        L("ldr x0, [x30, #296]"); L("msr elr_el1, x0");
        L("ldr x0, [x30, #304]"); L("msr spsr_el1, x0");
        for (int i = 0; i < 30; i += 2) L($"ldp x{i}, x{i + 1}, [x30, #{8 * i}]");
        L("ldr x30, [x30, #240]");
        L("eret");

        a.Append("dump:\n");
        L("adr x0, out");
        L("str x1, [x0, #8]");
        for (int i = 2; i < 30; i += 2) L($"stp x{i}, x{i + 1}, [x0, #{8 * i}]");
        L("str x30, [x0, #240]");
        L("mrs x1, tpidr_el1"); L("str x1, [x0]");
        L("mov x1, sp"); L("str x1, [x0, #248]");
        L("mrs x1, nzcv"); L("str x1, [x0, #256]");
        L("mrs x1, fpsr"); L("str x1, [x0, #264]");
        L("mrs x1, fpcr"); L("str x1, [x0, #272]");
        L("mrs x1, tpidrro_el0"); L("str x1, [x0, #280]");
        L("mrs x1, esr_el1"); L("str x1, [x0, #288]");
        L("mrs x1, elr_el1"); L("str x1, [x0, #296]");
        L("mrs x1, far_el1"); L("str x1, [x0, #304]");
        L("mrs x1, spsr_el1"); L("str x1, [x0, #312]");
        for (int i = 0; i < 32; i += 2) L($"stp q{i}, q{i + 1}, [x0, #{320 + 16 * i}]");
        // Semihosting (Arm's semihosting spec, A64: HLT #0xF000, op in W0, parameter block in X1).
        L("adr x1, open_block"); L("mov x0, #1"); L("hlt #0xf000");             // SYS_OPEN "out.bin", "wb"
        L("adr x1, write_out"); L("str x0, [x1]"); L("adr x2, write_ram"); L("str x0, [x2]"); L("adr x2, close_block"); L("str x0, [x2]");
        L("mov x0, #5"); L("hlt #0xf000");                                      // SYS_WRITE out
        L("adr x1, write_ram"); L("mov x0, #5"); L("hlt #0xf000");              // SYS_WRITE ram
        L("adr x1, close_block"); L("mov x0, #2"); L("hlt #0xf000");            // SYS_CLOSE
        L("adr x1, exit_block"); L("mov x0, #0x18"); L("hlt #0xf000");          // SYS_EXIT
        L("b .");
        L(".ltorg");

        a.Append(".balign 2048\nvectors:\n");
        for (int i = 0; i < 16; i++)
        {
            L("msr tpidr_el1, x0");
            L($"mov x0, #{i + 1}");
            L("msr tpidrro_el0, x0");
            L("b dump");
            L(".balign 128");
        }

        a.Append(".balign 16\nstate:\n");
        for (int i = 0; i < 31; i++) L($".quad 0x{s.X[i]:X}");
        L($".quad 0x{s.Sp:X}");      // 248
        L($".quad 0x{s.Nzcv:X}");    // 256
        L($".quad 0x{s.Fpsr:X}");    // 264
        L($".quad 0x{s.Fpcr:X}");    // 272
        L(".quad 0, 0");             // 280, 288
        L($".quad 0x{entry:X}");     // 296: ELR_EL1 = the first word
        L($".quad 0x{0x3C5UL | s.Nzcv:X}");   // 304: SPSR_EL1 = EL1h, DAIF masked, the flags
        L(".quad 0");                // 312
        for (int i = 0; i < 64; i++) L($".quad 0x{s.V[i]:X}");   // 320

        a.Append(".balign 16\nout:\n");
        L($".space {OutSize}");
        a.Append("name:\n    .asciz \"out.bin\"\n.balign 8\n");
        a.Append("open_block:\n    .quad name, 5, 7\n");                       // mode 5 = "wb"
        a.Append($"write_out:\n    .quad 0, out, {OutSize}\n");
        a.Append($"write_ram:\n    .quad 0, 0x{DifferentialFuzzer.RamBase:X}, 0x{DifferentialFuzzer.RamSize:X}\n");
        a.Append("close_block:\n    .quad 0\n");
        a.Append("exit_block:\n    .quad 0x20026, 0\n");                        // ADP_Stopped_ApplicationExit
        return a.ToString();
    }

    /// <summary>Which of the two QEMU agrees with, for a disagreement.</summary>
    public static string Verdict(Disagreement d, byte[] ram)
    {
        QemuResult q;
        try { q = Run(d.Words, d.CodeAddress, d.Before, ram); }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or IOException)
        {
            return "QEMU could not run the case: " + ex.Message;
        }
        bool qFault = q.Esr != null;
        // FastArm must give QEMU's syndrome class, and for aborts the same fault status code; Unicorn only reports
        // QEMU's coarse exception number.
        var vsFa = Compare(q, qFault, d.FastArm, d.FastArmEnding, esr =>
            esr >> 26 == d.FastArmEsr >> 26 && (!IsAbort(esr) || (esr & 0x3F) == (d.FastArmEsr & 0x3F)));
        var vsUc = Compare(q, qFault, d.Unicorn, d.UnicornEnding, esr =>
            DifferentialFuzzer.SameFaultClass((uint)(esr >> 26), d.UnicornInterrupt, d.UnicornError));
        if (!qFault)
        {
            foreach (var (addr, fa, uc) in d.MemoryDiffs)
            {
                ulong qv = BitConverter.ToUInt64(q.Ram, (int)(addr - DifferentialFuzzer.RamBase));
                if (qv != fa) vsFa.Add($"mem[0x{addr:X}]: qemu=0x{qv:X16} fastarm=0x{fa:X16}");
                if (qv != uc) vsUc.Add($"mem[0x{addr:X}]: qemu=0x{qv:X16} unicorn=0x{uc:X16}");
            }
        }
        string who = (vsFa.Count == 0, vsUc.Count == 0) switch
        {
            (true, false) => "agrees with FastArm (Unicorn is wrong)",
            (false, true) => "agrees with Unicorn (FastArm is wrong)",
            (true, true) => "agrees with both on what it can see",
            _ => "agrees with neither",
        };
        var sb = new StringBuilder(who).Append("; qemu ").Append(q.Describe());
        if (vsFa.Count > 0) sb.Append("; vs fastarm: ").Append(string.Join("; ", vsFa.Take(4)));
        if (vsUc.Count > 0) sb.Append("; vs unicorn: ").Append(string.Join("; ", vsUc.Take(4)));
        return sb.ToString();
    }

    private static List<string> Compare(QemuResult q, bool qFault, ArchState other, Ending otherEnding, Func<ulong, bool> sameFault)
    {
        var diffs = new List<string>();
        if (qFault != otherEnding.Faulted) { diffs.Add($"fault: qemu {q.Describe()}, other {otherEnding.Description}"); return diffs; }
        if (qFault && !sameFault(q.Esr!.Value)) diffs.Add($"fault class: qemu {q.Describe()}, other {otherEnding.Description}");
        // QEMU's PC after straight-line code is the end branch; after a taken branch it is wherever that went
        // (seen only through an exception there), so PC is compared only at faults, through ELR.
        if (qFault && q.Elr != otherEnding.FaultPc) diffs.Add($"fault PC: qemu 0x{q.Elr:X} other 0x{otherEnding.FaultPc:X}");
        diffs.AddRange(ArchState.Diff(q.After, other, withPc: false, an: "qemu", bn: "other"));
        return diffs;
    }

    private static bool IsAbort(ulong esr) => (esr >> 26) is 0x20 or 0x21 or 0x24 or 0x25;

    public static string Hex(ulong v) => v.ToString("X", CultureInfo.InvariantCulture);
}
