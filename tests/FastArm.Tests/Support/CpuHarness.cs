using FastArm.Jit;
using FastArm.SoftMmu.Bus;

namespace FastArm.Tests.Support;

/// <summary>
/// A bare CPU with RAM at 0x40000000 (the virt map), for instruction tests: assemble a snippet, load it, run it
/// to its end, look at registers and memory. Vectors are not set up: an exception shows as PC at VBAR + offset.
/// </summary>
public sealed unsafe class CpuHarness : IDisposable
{
    public const ulong RamBase = 0x4000_0000;
    public const ulong RamSize = 16 << 20;
    public const ulong CodeBase = RamBase;
    /// <summary>A data area tests may use freely.</summary>
    public const ulong DataBase = RamBase + 0x10_0000;
    public const ulong StackTop = RamBase + 0x80_0000;

    public PhysicalBus Bus { get; } = new();
    public Cpu Cpu { get; }

    public CpuHarness(CpuConfig? config = null, int el = 1)
    {
        Bus.MapRam(RamBase, RamSize);
        Cpu = new Cpu(Bus, config ?? new CpuConfig());
        Cpu.Reset(el, CodeBase);
        Cpu.Sp = StackTop;
        // Exceptions land on a vector table of 'b .' loops at RAM+0x8000 unless a test sets its own.
        Cpu.S.VBAR[el] = VectorBase;
        for (ulong off = 0; off < 0x800; off += 0x80)
            Bus.Load(VectorBase + off, BitConverter.GetBytes(0x14000000u));
    }

    public const ulong VectorBase = RamBase + 0x8000;

    /// <summary>Assembles <paramref name="asm"/> at <see cref="CodeBase"/> and runs it until the end of the
    /// snippet (or an instruction budget). Returns the stop reason.</summary>
    public StopReason Run(string asm, ulong maxInstructions = 100_000)
    {
        byte[] code = CrossTools.Assemble(asm);
        Bus.Load(CodeBase, code);
        Cpu.Pc = CodeBase;
        return Cpu.Run(new RunLimits(MaxInstructions: maxInstructions, UntilAddress: CodeBase + (ulong)code.Length));
    }

    public ulong X(int n) => Cpu.GetX(n);

    public void Dispose()
    {
        Cpu.Dispose();
        foreach (var r in Bus.RamBlocks) r.Dispose();
    }
}
