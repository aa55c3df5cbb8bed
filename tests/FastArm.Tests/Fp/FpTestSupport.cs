using FastArm.Jit;
using FastArm.Tests.Support;

namespace FastArm.Tests.Fp;

/// <summary>Runs one or a few FP/SIMD instructions on a bare CPU with registers and FPCR set directly.</summary>
public sealed unsafe class FpMachine : IDisposable
{
    public const uint IOC = 1, DZC = 2, OFC = 4, UFC = 8, IXC = 16, IDC = 128, QC = 1u << 27;
    public const uint FZ = 1u << 24, DN = 1u << 25, AHP = 1u << 26;
    public const uint RN = 0u << 22, RP = 1u << 22, RM = 2u << 22, RZ = 3u << 22;

    public CpuHarness H { get; }
    public Cpu Cpu => H.Cpu;

    public FpMachine(CpuConfig? config = null, int el = 1) => H = new CpuHarness(config, el);

    public uint Fpcr { get => Cpu.S.Fpcr; set => Cpu.S.Fpcr = value; }
    public uint Fpsr { get => Cpu.S.Fpsr; set => Cpu.S.Fpsr = value; }

    public void SetV(int n, ulong lo, ulong hi = 0) { Cpu.S.V[n * 2] = lo; Cpu.S.V[n * 2 + 1] = hi; }
    public ulong Lo(int n) => Cpu.S.V[n * 2];
    public ulong Hi(int n) => Cpu.S.V[n * 2 + 1];
    public void SetS(int n, float f) => SetV(n, BitConverter.SingleToUInt32Bits(f));
    public void SetD(int n, double d) => SetV(n, BitConverter.DoubleToUInt64Bits(d));
    public uint S(int n) => (uint)Lo(n);
    public ulong D(int n) => Lo(n);

    /// <summary>Assembles and runs the snippet; returns true when it ran to its end without an exception.</summary>
    public bool Run(string asm)
    {
        var reason = H.Run(asm);
        return reason == StopReason.Address;
    }

    public void Dispose() => H.Dispose();
}
