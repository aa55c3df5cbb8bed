using System.Text;
using FastArm.Jit;
using FastArm.Jit.Decode;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.SoftMmu;

/// <summary>One exception the guest's vector handler logged: ESR_EL1, FAR_EL1, ELR_EL1, SPSR_EL1 and PSTATE.PAN on entry.</summary>
internal readonly record struct GuestFault(ulong Esr, ulong Far, ulong Elr, ulong Spsr, ulong Pan)
{
    public ulong Ec => Esr >> 26;
    /// <summary>DFSC/IFSC, ESR[5:0].</summary>
    public ulong Fsc => Esr & 0x3F;
    public bool WnR => ((Esr >> 6) & 1) != 0;
    public override string ToString() => $"ESR=0x{Esr:X} (EC 0x{Ec:X2}, FSC 0x{Fsc:X2}) FAR=0x{Far:X} ELR=0x{Elr:X} SPSR=0x{Spsr:X} PAN={Pan >> 22}";
}

/// <summary>
/// A bare CPU at EL1 whose MMU is driven entirely by guest code, for the end-to-end MMU tests (GuestMmu*).
/// The host only lays out RAM and, for large tables, writes descriptors before the run (through
/// <see cref="PageTableBuilder"/>); the guest installs its own vector table, writes MAIR/TCR/TTBR0/TTBR1/SCTLR
/// with MSR, turns the MMU on, accesses memory, rewrites descriptors, issues TLBI/AT and handles the faults.
///
/// Physical map (RAM 0x40000000-0x40FFFFFF):
///   0x40000000 code: <c>b main</c>, the vector table at +0x800, the handler, the test's extra code, then main
///   0x40400000 translation tables (host-built)
///   0x40600000 fault log: [0] = count, entry n (from 1) at +64*n: ESR, FAR, ELR, SPSR, PAN
///   0x407F0000 stack (SP_EL1 = 0x40800000)
///   0x40800000 data: every doubleword holds its own physical address, so a load returns the PA it reached
///   <see cref="HighPa"/> (with 52-bit PAs): 256 KiB of RAM above 2^48, filled the same way
///
/// Virtual map: RAM identity-mapped with blocks (4K granule: 2 MiB blocks, the code block read-only so that
/// WXN leaves it executable; 16K/64K: one 32 MiB/512 MiB read-write block), and an EL0 alias of the code block
/// at <see cref="El0Alias"/> (read-only, executable at EL0 only). Tests map their own pages elsewhere.
///
/// The handler logs the exception, then: SVC (EC 0x15) goes back to EL1 at X28 (the end of <c>el0_run</c>);
/// instruction aborts (EC 0x20/0x21) return to X30 (the test branched with BLR); anything else resumes after
/// the faulting instruction. X16/X17 are the handler's: test code must not use them, nor X27/X28 around
/// <c>el0_run</c>.
/// </summary>
internal sealed class GuestMmu : IDisposable
{
    public const ulong Ram = CpuHarness.RamBase;
    public const ulong Code = Ram;
    public const ulong TablesPa = Ram + 0x40_0000;
    public const ulong Log = Ram + 0x60_0000;
    public const ulong DataPa = Ram + 0x80_0000;
    public const ulong DataEnd = Ram + 0x100_0000;
    public const ulong El0Alias = 0x2000_0000;
    public const ulong HighPa = 0x000A_BCD0_0000_0000;
    public const ulong HighSize = 0x4_0000;

    // MAIR_EL1: Attr0 Device-nGnRnE, Attr1 Normal WB, Attr2 Normal NC, Attr3 Device-nGnRE.
    public const ulong Mair = 0x04_44_FF_00;
    public const ulong AttrDevice = 0 << 2, AttrNormal = 1 << 2, AttrNormalNc = 2 << 2;

    // Leaf attribute bits (Arm ARM D8.3.2).
    public const ulong AF = 1UL << 10, NG = 1UL << 11, ApEl0 = 1UL << 6, ApRo = 1UL << 7, PXN = 1UL << 53, UXN = 1UL << 54,
        Contiguous = 1UL << 52, ShInner = 3UL << 8;

    public CpuHarness H { get; }
    public Cpu Cpu => H.Cpu;
    public int GrainShift { get; }
    public ulong Granule => 1UL << GrainShift;
    public bool Ds { get; }
    /// <summary>The TTBR0 tables (always) and the TTBR1 tables (when an upper range was asked for).</summary>
    public PageTableBuilder Lower { get; }
    public PageTableBuilder? Upper { get; }
    public ulong Tcr { get; set; }
    public ulong Ttbr0 { get; set; }
    public ulong Ttbr1 { get; set; }
    /// <summary>Where the next host-built table set (<see cref="NewTables"/>) is allocated.</summary>
    private ulong _nextTables;

    /// <summary>The features the MMU tests run with: the default set plus the 52-bit VA/PA ones, TLBI range/OS.</summary>
    public const Feature AllMmuFeatures = Feature.Default | Feature.LPA2 | Feature.LVA | Feature.TLBIRANGE | Feature.TLBIOS;

    public GuestMmu(ExecutionEngine engine, int grainShift = 12, int vaBits = 48, int upperVaBits = 0, bool ds = false,
        int ips = 5, int paBits = 48, Feature features = AllMmuFeatures, bool asid16 = false, bool identity = true)
    {
        var config = new CpuConfig { Features = features, PABits = paBits, Engine = engine, JitThreshold = 0, JitBackground = false };
        H = new CpuHarness(config);
        if (paBits > 48) H.Bus.MapRam(HighPa, HighSize);
        GrainShift = grainShift;
        Ds = ds;

        FillWithAddresses(DataPa, DataEnd - DataPa);
        if (paBits > 48) FillWithAddresses(HighPa, HighSize);

        _nextTables = TablesPa;
        Lower = NewTables(vaBits);
        if (upperVaBits != 0) Upper = NewTables(upperVaBits);

        int tg0 = grainShift switch { 12 => 0, 14 => 2, _ => 1 };
        int tg1 = grainShift switch { 12 => 2, 14 => 1, _ => 3 };
        // Walks are Inner Shareable WB (SH, ORGN, IRGN) for both halves; EPD1 when there is no upper range.
        Tcr = (ulong)(64 - vaBits) | (1UL << 8) | (1UL << 10) | (3UL << 12) | ((ulong)tg0 << 14)
            | ((ulong)(64 - (upperVaBits == 0 ? 48 : upperVaBits)) << 16) | (1UL << 24) | (1UL << 26) | (3UL << 28) | ((ulong)tg1 << 30)
            | ((ulong)ips << 32) | (asid16 ? 1UL << 36 : 0) | (upperVaBits == 0 ? 1UL << 23 : 0) | (ds ? 1UL << 59 : 0);
        Ttbr0 = Lower.Ttbr();
        Ttbr1 = Upper?.Ttbr() ?? 0;
        if (identity) MapIdentity(Lower);
    }

    /// <summary>A new, empty table set of the machine's granule (for a second ASID, or a second TTBR).</summary>
    public PageTableBuilder NewTables(int vaBits)
    {
        var b = new PageTableBuilder(H.Bus, _nextTables, GrainShift, vaBits, Ds);
        // Leave room for every table the builder may allocate for a handful of mappings.
        _nextTables = b.Root + 24 * Granule;
        return b;
    }

    /// <summary>Leaf attributes with the machine's shareability encoding (no SH bits in descriptors with DS = 1).</summary>
    public ulong Attrs(ulong bits) => Ds ? bits : bits | ShInner;

    /// <summary>Identity map of RAM and the EL0 alias of the code block.</summary>
    public void MapIdentity(PageTableBuilder b)
    {
        ulong rw = Attrs(AF | AttrNormal | UXN);
        switch (GrainShift)
        {
            case 12:
                // 2 MiB blocks: code read-only (still executable at EL1 under WXN), the rest read-write, never executable.
                b.Map(Ram, Ram, 2, Attrs(AF | AttrNormal | ApRo | UXN));
                for (ulong pa = Ram + 0x20_0000; pa < Ram + 0x100_0000; pa += 0x20_0000) b.Map(pa, pa, 2, rw | PXN);
                b.Map(El0Alias, Ram, 2, Attrs(AF | AttrNormal | ApRo | ApEl0 | PXN));
                break;
            default:
                // One 32 MiB (16K) or 512 MiB (64K) level 2 block covers all of RAM.
                b.Map(Ram, Ram, 2, rw);
                b.Map(El0Alias, Ram, 2, Attrs(AF | AttrNormal | ApRo | ApEl0 | PXN));
                break;
        }
    }

    private unsafe void FillWithAddresses(ulong pa, ulong size)
    {
        var bytes = new byte[size];
        for (ulong i = 0; i < size; i += 8) BitConverter.TryWriteBytes(bytes.AsSpan((int)i, 8), pa + i);
        H.Bus.Load(pa, bytes);
    }

    public ulong Read(ulong pa) { Assert.That(H.Bus.TryRead(pa, 8, out ulong v), Is.True, $"read 0x{pa:X}"); return v; }
    public void Write(ulong pa, ulong v) => Assert.That(H.Bus.TryWrite(pa, 8, v), Is.True, $"write 0x{pa:X}");

    /// <summary>The descriptor the builder would write for a leaf of <paramref name="pa"/> at <paramref name="level"/>.</summary>
    public ulong Leaf(ulong pa, int level, ulong attrs)
    {
        ulong oa;
        if (Ds) oa = (pa & 0x0003_FFFF_FFFF_F000UL) | ((pa >> 42) & 0x300);
        else if (GrainShift == 16) oa = (pa & 0x0000_FFFF_FFFF_0000UL) | ((pa >> 36) & 0xF000);
        else oa = pa & 0x0000_FFFF_FFFF_F000UL;
        return oa | attrs | (level == 3 ? 3UL : 1UL);
    }

    // ---- running guest code ----

    public static string Hex(ulong v) => $"0x{v:X}";

    private const string Prologue = """
        .equ LOG, 0x40600000
        .equ EL0_ALIAS, 0x20000000
        .macro movq rd, val
            movz \rd, #((\val) & 0xffff)
            movk \rd, #(((\val) >> 16) & 0xffff), lsl #16
            movk \rd, #(((\val) >> 32) & 0xffff), lsl #32
            movk \rd, #(((\val) >> 48) & 0xffff), lsl #48
        .endm
        // Runs the EL0 code at label \fn (through the EL0 alias of the code block) until it executes SVC.
        .macro el0_run fn
            adr x27, \fn
            and x27, x27, #0xFFFFF
            orr x27, x27, #EL0_ALIAS
            adr x28, 9f
            msr elr_el1, x27
            msr spsr_el1, xzr
            eret
        9:
        .endm
            b main
            .balign 2048
        vectors:
            .rept 16
            b handler
            .balign 128
            .endr
        handler:
            movz x16, #(LOG >> 16), lsl #16
            ldr x17, [x16]
            add x17, x17, #1
            str x17, [x16]
            add x17, x16, x17, lsl #6
            mrs x16, esr_el1
            str x16, [x17]
            mrs x16, far_el1
            str x16, [x17, #8]
            mrs x16, elr_el1
            str x16, [x17, #16]
            mrs x16, spsr_el1
            str x16, [x17, #24]
            mrs x16, pan
            str x16, [x17, #32]
            mrs x16, esr_el1
            lsr x16, x16, #26
            cmp x16, #0x15
            b.eq 1f
            cmp x16, #0x20
            b.eq 2f
            cmp x16, #0x21
            b.eq 2f
            mrs x16, elr_el1
            add x16, x16, #4
            msr elr_el1, x16
            eret
        2:  msr elr_el1, x30
            eret
        1:  br x28
        """;

    /// <summary>
    /// Assembles and runs a guest: the prologue, <paramref name="extra"/> (EL0 routines, page-aligned code...), then
    /// main, which installs the vector table, programs MAIR/TCR/TTBR0/TTBR1, turns the MMU on (unless
    /// <paramref name="mmuOn"/> is false) and runs
    /// <paramref name="body"/> to its end.
    /// </summary>
    public void Run(string body, string extra = "", bool mmuOn = true, ulong maxInstructions = 200_000)
    {
        var sb = new StringBuilder();
        sb.AppendLine(Prologue);
        sb.AppendLine($".equ MAIR_VAL, {Hex(Mair)}");
        sb.AppendLine($".equ TCR_VAL, {Hex(Tcr)}");
        sb.AppendLine($".equ TTBR0_VAL, {Hex(Ttbr0)}");
        sb.AppendLine($".equ TTBR1_VAL, {Hex(Ttbr1)}");
        sb.AppendLine(extra);
        sb.AppendLine("""
            main:
                adr x0, vectors
                msr vbar_el1, x0
                isb
            """);
        sb.AppendLine("""
                    movq x0, MAIR_VAL
                    msr mair_el1, x0
                    movq x0, TCR_VAL
                    msr tcr_el1, x0
                    movq x0, TTBR0_VAL
                    msr ttbr0_el1, x0
                    movq x0, TTBR1_VAL
                    msr ttbr1_el1, x0
                    isb
                    tlbi vmalle1
                    dsb nsh
                    isb
                """);
        if (mmuOn)
            sb.AppendLine("""
                    mrs x0, sctlr_el1
                    orr x0, x0, #1
                    orr x0, x0, #(1 << 2)
                    orr x0, x0, #(1 << 12)
                    msr sctlr_el1, x0
                    isb
                """);
        sb.AppendLine(body);
        byte[] code = CrossTools.Assemble(sb.ToString());
        Assert.That((ulong)code.Length, Is.LessThan(0x20_0000UL), "the guest must fit in the code block");
        H.Bus.Load(Code, code);
        Cpu.Pc = Code;
        var reason = Cpu.Run(new RunLimits(MaxInstructions: maxInstructions, UntilAddress: Code + (ulong)code.Length));
        Assert.That(reason, Is.EqualTo(StopReason.Address),
            $"the guest did not run to its end: PC=0x{Cpu.Pc:X} EL{Cpu.S.EL}; faults: {string.Join("; ", Faults)}");
    }

    public ulong X(int n) => H.X(n);

    /// <summary>The exceptions the guest's handler logged, in order.</summary>
    public IReadOnlyList<GuestFault> Faults
    {
        get
        {
            ulong n = Read(Log);
            var list = new List<GuestFault>();
            for (ulong i = 1; i <= Math.Min(n, 64); i++)
            {
                ulong e = Log + 64 * i;
                list.Add(new GuestFault(Read(e), Read(e + 8), Read(e + 16), Read(e + 24), Read(e + 32)));
            }
            return list;
        }
    }

    public void AssertNoFaults() => Assert.That(Faults, Is.Empty, "unexpected exceptions: " + string.Join("; ", Faults));

    // ---- syndromes (Arm ARM D17.2.37 ESR_EL1; ISS of data/instruction aborts) ----

    public const ulong EcIabtLower = 0x20, EcIabtSame = 0x21, EcDabtLower = 0x24, EcDabtSame = 0x25, EcSvc = 0x15;
    public const ulong FscAddressSize = 0x00, FscTranslation = 0x04, FscAccessFlag = 0x08, FscPermission = 0x0C, FscTranslationLm1 = 0x2B;

    /// <summary>ESR of a stage 1 data abort (ISV = 0, IL = 1) with the fault status <paramref name="fsc"/>.</summary>
    public static ulong DataAbort(ulong fsc, bool write, bool lower = false) =>
        ((lower ? EcDabtLower : EcDabtSame) << 26) | (1UL << 25) | (write ? 1UL << 6 : 0) | fsc;

    public static ulong InstructionAbort(ulong fsc, bool lower = false) =>
        ((lower ? EcIabtLower : EcIabtSame) << 26) | (1UL << 25) | fsc;

    public static ulong Level(ulong fscFamily, int level) => fscFamily + (ulong)level;

    public void Dispose() => H.Dispose();
}
