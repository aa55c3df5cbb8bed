using System.Diagnostics;
using System.Text;
using FastArm.Devices.HostIo;
using FastArm.Jit;
using FastArm.Tests.Support;

namespace FastArm.Tests.Guests;

/// <summary>
/// Runs a bare-metal guest ELF on FastArm the way QEMU's <c>-M virt -kernel X.elf</c> does for such a program:
/// 128 MiB of RAM at 0x40000000, the ELF's segments loaded, the CPU reset at EL1 to the entry point, semihosting
/// on. Nothing else of the virt board is needed by these guests (they only use semihosting).
/// </summary>
public static class FastArmGuest
{
    public const ulong RamBase = 0x4000_0000;
    public const ulong RamSize = 128 << 20;

    /// <summary>
    /// Runs to the guest's exit, <paramref name="timeout"/>, or an exception loop (an exception taken at the vector
    /// it just entered, over and over: the vectors or the memory they are in do not work). Diagnostics name the
    /// first unexpected exception (UNDEFINED and the like) with the instruction, so that an unimplemented
    /// instruction shows up as such rather than as a wrong output.
    /// </summary>
    public static GuestRun Run(string elf, TimeSpan timeout, Action<Machine>? configure = null)
    {
        var output = new MemoryStream();
        var clock = Stopwatch.StartNew();
        using var m = new Machine(new CpuConfig(), new HostConsole(output));
        m.MapRam(RamBase, RamSize);
        ulong entry = m.LoadElf(elf);
        m.Reset(entry);
        m.SemihostingEnabled = true;
        configure?.Invoke(m);

        ExceptionEvent? firstUndefined = null, loopEvent = null;
        ulong lastVector = ulong.MaxValue;
        int loop = 0;
        m.ExceptionHook = ev =>
        {
            if (firstUndefined == null && ev.Kind == FastArm.Jit.Exceptions.ExceptionKind.Synchronous && ev.Esr >> 26 == 0)
                firstUndefined = ev;
            loop = ev.ReturnAddress == lastVector ? loop + 1 : 0;
            lastVector = ev.Vector;
            if (loop >= 64) { loopEvent = ev; m.Stop(); }
        };
        var reason = m.Run(timeout: timeout);
        clock.Stop();
        string text = Encoding.UTF8.GetString(output.ToArray());

        var diag = new StringBuilder();
        if (reason != StopReason.Exit)
            diag.Append($"stopped: {(loopEvent != null ? "exception loop" : reason.ToString())} at PC 0x{m.Pc:X} after {m.InstructionsExecuted} instructions");
        if (loopEvent is { } le)
            diag.Append($"; exception loop at vector 0x{le.Vector:X} (ESR 0x{le.Esr:X}, FAR 0x{le.Far:X}): is VBAR_EL1 set, and the vector code implemented?");
        if (firstUndefined is { } u)
        {
            if (diag.Length > 0) diag.Append("; ");
            diag.Append($"first UNDEFINED: {Disassemble(elf, m, u.ReturnAddress)}");
        }
        return new GuestRun(text, m.ExitCode, reason == StopReason.Timeout, clock.Elapsed, diag.ToString());
    }

    /// <summary>"address: word  disassembly" for an instruction of the guest (objdump when available).</summary>
    public static string Disassemble(string elf, Machine m, ulong address)
    {
        string word;
        try { word = m.ReadUInt32(address).ToString("x8"); }
        catch (ArgumentException) { return $"0x{address:X} (not in RAM)"; }
        string text = "";
        if (CrossTools.Available("objdump"))
        {
            try
            {
                string dump = CrossTools.Run(CrossTools.Prefix + "objdump",
                    $"-d --start-address=0x{address:X} --stop-address=0x{address + 4:X} {elf}");
                var line = dump.Split('\n').FirstOrDefault(l => l.TrimStart().StartsWith($"{address:x}:", StringComparison.Ordinal));
                if (line != null) text = string.Join(' ', line.Split('\t').Skip(2)).Trim();
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException) { }
        }
        return $"0x{address:X}: {word}  {text}".TrimEnd();
    }
}
