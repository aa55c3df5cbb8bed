using System.Text;

namespace FastArm.Tests.Unicorn;

/// <summary>The user-visible A64 state the fuzzer sets and compares: X0-X30, SP, PC, NZCV, V0-V31, FPCR, FPSR.</summary>
public sealed class ArchState
{
    public readonly ulong[] X = new ulong[31];
    /// <summary>V0..V31, two ulongs each (low half first), as CpuState.V.</summary>
    public readonly ulong[] V = new ulong[64];
    public ulong Sp, Pc;
    /// <summary>N Z C V in bits 31..28.</summary>
    public uint Nzcv;
    public uint Fpcr, Fpsr;
    /// <summary>FastArm's local exclusive monitor after a run (not compared: Unicorn's cannot be read). State
    /// exclusions use it to spot CONSTRAINED UNPREDICTABLE store-exclusives inside blocks.</summary>
    public bool ExclusiveArmed;
    public ulong ExclusiveAddress;
    public int ExclusiveSize;

    public ArchState Clone()
    {
        var c = new ArchState { Sp = Sp, Pc = Pc, Nzcv = Nzcv, Fpcr = Fpcr, Fpsr = Fpsr };
        X.CopyTo(c.X, 0);
        V.CopyTo(c.V, 0);
        return c;
    }

    /// <summary>Lines "X3: a != b" for each register that differs (PC left out unless <paramref name="withPc"/>).</summary>
    public static List<string> Diff(ArchState a, ArchState b, bool withPc = true, string an = "fastarm", string bn = "unicorn")
    {
        var d = new List<string>();
        for (int i = 0; i < 31; i++)
            if (a.X[i] != b.X[i]) d.Add($"X{i}: {an}=0x{a.X[i]:X16} {bn}=0x{b.X[i]:X16}");
        if (a.Sp != b.Sp) d.Add($"SP: {an}=0x{a.Sp:X16} {bn}=0x{b.Sp:X16}");
        if (withPc && a.Pc != b.Pc) d.Add($"PC: {an}=0x{a.Pc:X16} {bn}=0x{b.Pc:X16}");
        if (a.Nzcv != b.Nzcv) d.Add($"NZCV: {an}={Flags(a.Nzcv)} {bn}={Flags(b.Nzcv)}");
        for (int i = 0; i < 32; i++)
            if (a.V[2 * i] != b.V[2 * i] || a.V[2 * i + 1] != b.V[2 * i + 1])
                d.Add($"V{i}: {an}=0x{a.V[2 * i + 1]:X16}_{a.V[2 * i]:X16} {bn}=0x{b.V[2 * i + 1]:X16}_{b.V[2 * i]:X16}");
        if (a.Fpsr != b.Fpsr) d.Add($"FPSR: {an}=0x{a.Fpsr:X8} {bn}=0x{b.Fpsr:X8}");
        if (a.Fpcr != b.Fpcr) d.Add($"FPCR: {an}=0x{a.Fpcr:X8} {bn}=0x{b.Fpcr:X8}");
        return d;
    }

    public static string Flags(uint nzcv) => new("NZCV".Select((c, i) => (nzcv >> (31 - i) & 1) != 0 ? c : '-').ToArray());

    /// <summary>The inputs, one line, for a reproduction note.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < 31; i++) sb.Append($"X{i}=0x{X[i]:X} ");
        sb.Append($"SP=0x{Sp:X} PC=0x{Pc:X} NZCV={Flags(Nzcv)} FPCR=0x{Fpcr:X} FPSR=0x{Fpsr:X}");
        return sb.ToString();
    }
}
