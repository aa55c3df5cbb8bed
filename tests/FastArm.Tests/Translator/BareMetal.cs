using System.Globalization;
using FastArm.Jit;
using FastArm.Jit.Decode;
using FastArm.Tests.SoftMmu;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.Translator;

/// <summary>
/// The three ways the translator's acceptance tests run guest code: the interpreter alone; the translator with
/// every block compiled at its first run, synchronously (<see cref="JitEager"/>); and the tiered translator with a
/// small threshold and background compilation (<see cref="JitTiered"/>), where the tests make code hot by running it
/// thousands of times (and pause the host briefly, see <see cref="BareMetal"/>) before they change it.
/// </summary>
public enum EngineMode { Interpreter, JitEager, JitTiered }

public static class Engines
{
    /// <summary>The threshold of <see cref="EngineMode.JitTiered"/>: small, so that loops of thousands of
    /// iterations surely cross it.</summary>
    public const int TieredThreshold = 2;

    public static CpuConfig Config(EngineMode mode, Feature extra = Feature.None) => mode switch
    {
        EngineMode.Interpreter => new CpuConfig { Engine = ExecutionEngine.Interpreter, Features = Feature.Default | extra },
        EngineMode.JitEager => new CpuConfig
        {
            Engine = ExecutionEngine.Jit, JitThreshold = 0, JitBackground = false, Features = Feature.Default | extra,
        },
        _ => new CpuConfig
        {
            Engine = ExecutionEngine.Jit, JitThreshold = TieredThreshold, JitBackground = true, Features = Feature.Default | extra,
        },
    };
}

/// <summary>
/// Guest code assembled AND linked at its load address (binutils as + ld + objcopy), so that absolute references
/// (<c>ldr x0, =label</c>, <c>adrp</c> to a symbol) are right, with its symbol table. Cached under
/// tests/guests/build by the hash of the source, address and flags.
/// </summary>
public static class GuestImage
{
    /// <summary>The architecture the snippets are assembled for: everything the tests name (TLBI range, LSE, CRC,
    /// crypto, FP16 spellings); the CPU's own features decide what runs.</summary>
    public const string March = "armv8.5-a+crc+crypto+fp16";

    public sealed record Image(ulong Base, byte[] Bytes, IReadOnlyDictionary<string, ulong> Symbols)
    {
        public ulong this[string symbol] => Symbols.TryGetValue(symbol, out var a) ? a
            : throw new KeyNotFoundException($"symbol {symbol} is not in the guest image");
        public ulong End => Base + (ulong)Bytes.Length;
    }

    /// <param name="linkerArguments">Extra ld arguments, e.g. <c>--section-start=.name=0x...</c> for a data section
    /// that must sit at a fixed address (only .text is in the image).</param>
    public static Image Build(string source, ulong textBase, string linkerArguments = "")
    {
        CrossTools.RequireAssembler();
        if (!CrossTools.Available("ld")) Assert.Ignore("aarch64-linux-gnu-ld is not installed");
        string hash = CrossTools.Hash($"{March}\n{textBase:x}\n{linkerArguments}\n{source}");
        string bin = Path.Combine(CrossTools.BuildDir, $"xlat-{hash}.bin"), sym = Path.Combine(CrossTools.BuildDir, $"xlat-{hash}.sym");
        if (!File.Exists(bin) || !File.Exists(sym))
        {
            string dir = Path.Combine(CrossTools.BuildDir, $"xlat-{hash}.tmp{Environment.ProcessId}");
            Directory.CreateDirectory(dir);
            try
            {
                string s = Path.Combine(dir, "a.s"), o = Path.Combine(dir, "a.o"), elf = Path.Combine(dir, "a.elf"), b = Path.Combine(dir, "a.bin");
                File.WriteAllText(s, ".text\n.globl _start\n_start:\n" + source + "\n");
                CrossTools.Run(CrossTools.Prefix + "as", $"-march={March} -o {o} {s}");
                CrossTools.Run(CrossTools.Prefix + "ld", $"-Ttext=0x{textBase:x} {linkerArguments} -e _start --no-warn-rwx-segments -o {elf} {o}");
                CrossTools.Run(CrossTools.Prefix + "objcopy", $"-O binary -j .text {elf} {b}");
                string nm = CrossTools.Run(CrossTools.Prefix + "nm", elf);
                File.WriteAllText(Path.Combine(dir, "a.sym"), nm);
                File.Move(Path.Combine(dir, "a.sym"), sym, overwrite: true);
                File.Move(b, bin, overwrite: true);
            }
            finally { Directory.Delete(dir, true); }
        }
        var symbols = new Dictionary<string, ulong>();
        foreach (var line in File.ReadAllLines(sym))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 3) symbols[parts[2]] = ulong.Parse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }
        return new Image(textBase, File.ReadAllBytes(bin), symbols);
    }

    /// <summary>The encoding of one instruction (for the words the guests store over their own code).</summary>
    public static uint Encode(string instruction) => BitConverter.ToUInt32(Build(instruction, 0).Bytes, 0);
}

/// <summary>
/// A bare CPU (<see cref="CpuHarness"/>: RAM at 0x40000000, EL1) running one guest program built from a test's
/// <c>main</c> and optional exception handlers. The program's layout:
/// <code>
///   _start:      b main
///   vectors:     (VBAR_EL1) each entry: "mov x28, #0x1000 + offset; b unexpected", except the synchronous
///                and IRQ entries of the current EL with SP_ELx (0x200, 0x280) when the test gives handlers
///   hostpause:   the host stops here (a branch target), sleeps briefly in the tiered mode so that background
///                translation of the hot code finishes, and resumes at X30 (guests call it with BL)
///   done:        mov x27, #1; b hostpause — the end of the program
///   main:        the test's code, then b done
/// </code>
/// X27 and X28 belong to the rig: X28 != 0 after a run names the vector of an unexpected exception.
/// </summary>
public sealed unsafe class BareMetal : IDisposable
{
    public EngineMode Mode { get; }
    public CpuHarness H { get; }
    public Cpu Cpu => H.Cpu;
    public GuestImage.Image Image { get; private set; } = null!;
    /// <summary>How many times the guest called hostpause.</summary>
    public int Pauses { get; private set; }

    /// <summary>How many iterations make a loop hot: far above the tiered threshold.</summary>
    public const int Hot = 3000;

    public BareMetal(EngineMode mode, Feature extra = Feature.None)
    {
        Mode = mode;
        H = new CpuHarness(Engines.Config(mode, extra));
    }

    public void Dispose() => H.Dispose();

    public ulong X(int n) => Cpu.GetX(n);
    public ulong this[string symbol] => Image[symbol];

    public static string Program(string main, string? sync = null, string? irq = null)
    {
        var sb = new System.Text.StringBuilder();
        sb.Append("    b main\n    .balign 0x800\nvectors:\n");
        for (int off = 0; off < 0x800; off += 0x80)
        {
            sb.Append($"    .org vectors + 0x{off:x}\n");
            if (off == 0x200 && sync != null) sb.Append("    b sync_handler\n");
            else if (off == 0x280 && irq != null) sb.Append("    b irq_handler\n");
            else sb.Append($"    mov x28, #0x{0x1000 + off:x}\n    b unexpected\n");
        }
        sb.Append("""
                .org vectors + 0x800
            unexpected:
                b done
            hostpause:
                ret
            done:
                mov x27, #1
                b hostpause

            """);
        if (sync != null) sb.Append("sync_handler:\n").Append(sync).Append('\n');
        if (irq != null) sb.Append("irq_handler:\n").Append(irq).Append('\n');
        sb.Append("main:\n").Append(main).Append("\n    b done\n    .ltorg\n");
        return sb.ToString();
    }

    /// <summary>Builds the program at <see cref="CpuHarness.CodeBase"/>, loads it and points PC and VBAR_EL1 at it.</summary>
    public void Load(string main, string? sync = null, string? irq = null)
    {
        Image = GuestImage.Build(Program(main, sync, irq), CpuHarness.CodeBase);
        H.Bus.Load(CpuHarness.CodeBase, Image.Bytes);
        Cpu.S.VBAR[1] = Image["vectors"];
        Cpu.Pc = CpuHarness.CodeBase;
    }

    /// <summary>
    /// Runs the program to <c>done</c>, resuming at each hostpause. Fails the test on a budget or time overrun, and
    /// (unless <paramref name="allowUnexpected"/>) on an exception that reached a vector without a handler. The budget is
    /// practically unlimited (a fast translator runs billions of instructions while a test waits for an interrupt);
    /// the timeout catches hangs.
    /// </summary>
    public void Run(ulong maxInstructions = 1UL << 40, int timeoutSeconds = 120, bool allowUnexpected = false)
    {
        ulong pause = Image["hostpause"];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var left = TimeSpan.FromSeconds(timeoutSeconds) - clock.Elapsed;
            Assert.That(left, Is.GreaterThan(TimeSpan.Zero), $"the guest did not finish in {timeoutSeconds}s (PC 0x{Cpu.Pc:x})");
            var reason = Cpu.Run(new RunLimits(MaxInstructions: maxInstructions, UntilAddress: pause, Timeout: left));
            Assert.That(reason, Is.EqualTo(StopReason.Address),
                $"the guest stopped early ({reason}) at PC 0x{Cpu.Pc:x}; X28 = 0x{X(28):x}, ESR_EL1 = 0x{Cpu.S.ESR[1]:x}, ELR_EL1 = 0x{Cpu.S.ELR[1]:x}");
            if (X(27) == 1) break;
            Pauses++;
            // Background translation of the code that just ran hot gets a moment to land before the guest changes it.
            if (Mode == EngineMode.JitTiered) Thread.Sleep(20);
            Cpu.Pc = X(30);
        }
        if (!allowUnexpected)
            Assert.That(X(28), Is.EqualTo(0UL),
                $"unexpected exception at vector offset 0x{X(28) - 0x1000:x}: ESR_EL1 0x{Cpu.S.ESR[1]:x}, ELR_EL1 0x{Cpu.S.ELR[1]:x}, FAR_EL1 0x{Cpu.S.FAR[1]:x}");
    }

    public ulong Read64(ulong pa)
    {
        H.Bus.TryRead(pa, 8, out ulong v);
        return v;
    }

    public uint Read32(ulong pa)
    {
        H.Bus.TryRead(pa, 4, out ulong v);
        return (uint)v;
    }

    public void Write64(ulong pa, ulong v) => H.Bus.TryWrite(pa, 8, v);

    // ---- stage 1 translation for the MMU tests ----

    /// <summary>Where the tests' page tables live (away from code, data and stack).</summary>
    public const ulong TableArea = CpuHarness.RamBase + 0x60_0000;
    private ulong _nextTables = TableArea;

    /// <summary>Leaf attributes: AF, Inner Shareable, AttrIndx 1 (Normal write-back in <see cref="MmuRegisters"/>).</summary>
    public const ulong Normal = PageTableBuilder.AF | (3UL << 8) | (1UL << 2);

    /// <summary>
    /// A 39-bit, 4 KB granule table that maps the 16 MB of RAM flat (the first 2 MB with pages, the rest with 2 MB
    /// blocks), with <paramref name="remap"/> (VA page → PA page, attributes) overriding single pages of the first 2 MB.
    /// </summary>
    public FlatMap FlatTables(params (ulong Va, ulong Pa, ulong Attrs)[] remap)
    {
        var t = new PageTableBuilder(H.Bus, _nextTables, 12, 39);
        _nextTables += 0x10000;   // root, one level 2 and one level 3 table
        var map = new FlatMap(t);
        for (ulong va = CpuHarness.RamBase; va < CpuHarness.RamBase + 0x20_0000; va += 0x1000)
        {
            var r = remap.FirstOrDefault(m => m.Va == va);
            map.Pte[va] = r.Va == va && r.Attrs != 0 ? t.Map(va, r.Pa, 3, r.Attrs) : t.Map(va, va, 3, Normal);
            if (r.Va == va && r.Attrs == 0) Write64(map.Pte[va], 0);   // attributes 0: an invalid descriptor
        }
        for (ulong va = CpuHarness.RamBase + 0x20_0000; va < CpuHarness.RamBase + CpuHarness.RamSize; va += 0x20_0000)
            t.Map(va, va, 2, Normal);
        return map;
    }

    /// <summary>A table set from <see cref="FlatTables"/> and the address of each level 3 descriptor of the first 2 MB.</summary>
    public sealed class FlatMap(PageTableBuilder builder)
    {
        public PageTableBuilder Builder { get; } = builder;
        public Dictionary<ulong, ulong> Pte { get; } = [];
        public ulong Ttbr(ushort asid = 0) => Builder.Ttbr(asid);
    }

    /// <summary>A level 3 page descriptor for <paramref name="pa"/> with <paramref name="attrs"/>.</summary>
    public static ulong PageDescriptor(ulong pa, ulong attrs = Normal) => (pa & 0x0000_FFFF_FFFF_F000UL) | attrs | 3;

    /// <summary>TCR_EL1 (T0SZ 25, 4 KB, WB, Inner Shareable, TTBR1 walks off, 48-bit IPS), MAIR_EL1 (0 Device, 1
    /// Normal WB) and TTBR0_EL1; the guest turns SCTLR_EL1.M on or off itself (or <paramref name="mmuOn"/>).</summary>
    public void MmuRegisters(FlatMap t, ushort asid = 0, bool mmuOn = false)
    {
        Cpu.S.MAIR[1] = 0xFF00;
        Cpu.S.TCR[1] = 25 | (1UL << 8) | (1UL << 10) | (3UL << 12) | (1UL << 23) | (5UL << 32);
        Cpu.S.TTBR0[1] = t.Ttbr(asid);
        if (mmuOn) Cpu.S.SCTLR[1] |= 1;
    }
}
