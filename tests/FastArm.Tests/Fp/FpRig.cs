using System.Buffers.Binary;
using System.Text;
using FastArm.Jit;
using FastArm.Tests.Support;

namespace FastArm.Tests.Fp;

/// <summary>
/// One differential case in the 1 KiB layout the guest runner (Guest/fprunner.S) uses, for input and output:
/// V0..V31, X0..X15, NZCV, FPCR, FPSR, the instruction (input) or the exception syndrome (output), and 256
/// bytes of memory at <see cref="FpRig.Buf"/>.
/// </summary>
public sealed class FpCase
{
    public const int Size = 1024;
    public readonly byte[] Data;

    public FpCase() => Data = new byte[Size];
    public FpCase(byte[] data) => Data = data;

    public ulong V(int reg, int half) => BinaryPrimitives.ReadUInt64LittleEndian(Data.AsSpan(reg * 16 + half * 8));
    public void SetV(int reg, int half, ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(Data.AsSpan(reg * 16 + half * 8), v);
    public ulong X(int reg) => BinaryPrimitives.ReadUInt64LittleEndian(Data.AsSpan(0x200 + reg * 8));
    public void SetX(int reg, ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(Data.AsSpan(0x200 + reg * 8), v);
    public ulong Nzcv { get => Read(0x280); set => Write(0x280, value); }
    public ulong Fpcr { get => Read(0x288); set => Write(0x288, value); }
    public ulong Fpsr { get => Read(0x290); set => Write(0x290, value); }
    /// <summary>Input: the instruction word. Output: ESR | 1 &lt;&lt; 63 when an exception was taken, else 0.</summary>
    public ulong Word { get => Read(0x298); set => Write(0x298, value); }
    public Span<byte> Memory => Data.AsSpan(0x300, 256);

    private ulong Read(int off) => BinaryPrimitives.ReadUInt64LittleEndian(Data.AsSpan(off));
    private void Write(int off, ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(Data.AsSpan(off), v);
}

/// <summary>Runs FP/SIMD cases on QEMU (<c>-M virt -cpu max</c>) through the guest runner, and on FastArm's Cpu.</summary>
public static class FpRig
{
    public const ulong Slot = 0x4010_0000;
    public const ulong Buf = 0x4020_0000;
    private const ulong CasesAddr = 0x4800_0000;

    public static bool QemuAvailable => CrossTools.Which("qemu-system-aarch64") != null && CrossTools.Available("gcc");

    private static string SourcePath => Path.Combine(CrossTools.RepoRoot, "tests", "FastArm.Tests", "Fp", "Guest", "fprunner.S");

    /// <summary>Builds the runner ELF (cached by the hash of its source).</summary>
    public static string RunnerElf()
    {
        string src = File.ReadAllText(SourcePath);
        string elf = Path.Combine(CrossTools.BuildDir, $"fprunner-{CrossTools.Hash(src)}.elf");
        if (File.Exists(elf)) return elf;
        string tmp = elf + $".tmp{Environment.ProcessId}";
        CrossTools.Run(CrossTools.Prefix + "gcc", $"-nostdlib -static -Wl,-Ttext=0x40080000 -Wl,-e,_start -o {tmp} {SourcePath}");
        File.Move(tmp, elf, overwrite: true);
        return elf;
    }

    /// <summary>Runs the cases on QEMU and returns the output records (in batches that fit the guest's memory map).</summary>
    public static List<FpCase> RunQemu(IReadOnlyList<FpCase> cases)
    {
        const int batch = 50_000;   // 50 MiB of cases below OUT (0x50000000), 50 MiB of results above it
        if (cases.Count <= batch) return RunQemuBatch(cases);
        var all = new List<FpCase>(cases.Count);
        for (int i = 0; i < cases.Count; i += batch)
            all.AddRange(RunQemuBatch(cases.Skip(i).Take(batch).ToList()));
        return all;
    }

    private static List<FpCase> RunQemuBatch(IReadOnlyList<FpCase> cases)
    {
        string elf = RunnerElf();
        string dir = Path.Combine(Path.GetTempPath(), $"fastarm-fp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string input = Path.Combine(dir, "cases.bin");
            using (var fs = File.Create(input))
            {
                var header = new byte[FpCase.Size];
                BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)cases.Count);
                fs.Write(header);
                foreach (var c in cases) fs.Write(c.Data);
            }
            CrossTools.Run("qemu-system-aarch64",
                $"-M virt -cpu max -m 1G -display none -monitor none -serial none " +
                $"-semihosting-config enable=on,target=native -kernel {elf} " +
                $"-device loader,file={input},addr=0x{CasesAddr:x},force-raw=on",
                workDir: dir, timeoutMs: 600_000);
            byte[] output = File.ReadAllBytes(Path.Combine(dir, "fp-out.bin"));
            var result = new List<FpCase>(cases.Count);
            for (int i = 0; i < cases.Count; i++) result.Add(new FpCase(output.AsSpan(i * FpCase.Size, FpCase.Size).ToArray()));
            return result;
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>Runs the cases on FastArm, one instruction each at <see cref="Slot"/>, and returns the output records.</summary>
    public static unsafe List<FpCase> RunFastArm(IReadOnlyList<FpCase> cases, CpuConfig? config = null)
    {
        using var h = new CpuHarness(config);
        var cpu = h.Cpu;
        // QEMU 7.2 does not take alignment faults for the Device memory that data accesses see with the MMU off
        // (the architecture does, and FastArm does by default); compare data, not that check, here.
        cpu.DeviceAlignmentWithMmuOff = false;
        var result = new List<FpCase>(cases.Count);
        var word = new byte[4];
        var mem = new byte[256];
        foreach (var c in cases)
        {
            cpu.S.Sys.CPACR_EL1 = 3UL << 20;
            for (int r = 0; r < 32; r++) { cpu.S.V[r * 2] = c.V(r, 0); cpu.S.V[r * 2 + 1] = c.V(r, 1); }
            for (int r = 0; r < 31; r++) cpu.S.X[r] = r < 16 ? c.X(r) : 0;
            cpu.S.Nzcv = (uint)c.Nzcv & 0xF000_0000u;
            cpu.S.Fpcr = (uint)c.Fpcr;
            cpu.S.Fpsr = (uint)c.Fpsr;
            BinaryPrimitives.WriteUInt32LittleEndian(word, (uint)c.Word);
            h.Bus.Load(Slot, word);
            h.Bus.Load(Buf, c.Memory);
            cpu.Pc = Slot;
            cpu.Step();
            var o = new FpCase();
            for (int r = 0; r < 32; r++) { o.SetV(r, 0, cpu.S.V[r * 2]); o.SetV(r, 1, cpu.S.V[r * 2 + 1]); }
            for (int r = 0; r < 16; r++) o.SetX(r, cpu.S.X[r]);
            o.Nzcv = cpu.S.Nzcv;
            o.Fpcr = cpu.S.Fpcr;
            o.Fpsr = cpu.S.Fpsr;
            o.Word = cpu.Pc == Slot + 4 ? 0 : cpu.S.ESR[1] | 1UL << 63;
            h.Bus.TryReadBytes(Buf, mem);
            mem.CopyTo(o.Memory);
            result.Add(o);
        }
        return result;
    }

    /// <summary>Differences between two output records (empty when they agree), one line each.</summary>
    public static List<string> Diff(FpCase expected, FpCase actual)
    {
        var d = new List<string>();
        if (expected.Word != actual.Word)
        {
            d.Add($"exception: qemu {Esr(expected.Word)} fastarm {Esr(actual.Word)}");
            return d;
        }
        if (expected.Word != 0) return d;   // both took the same exception: state is restored either way
        for (int r = 0; r < 32; r++)
            if (expected.V(r, 0) != actual.V(r, 0) || expected.V(r, 1) != actual.V(r, 1))
                d.Add($"V{r}: qemu {expected.V(r, 1):x16}:{expected.V(r, 0):x16} fastarm {actual.V(r, 1):x16}:{actual.V(r, 0):x16}");
        for (int r = 0; r < 16; r++)
            if (expected.X(r) != actual.X(r)) d.Add($"X{r}: qemu {expected.X(r):x16} fastarm {actual.X(r):x16}");
        if ((expected.Nzcv & 0xF000_0000) != (actual.Nzcv & 0xF000_0000)) d.Add($"NZCV: qemu {expected.Nzcv >> 28:x} fastarm {actual.Nzcv >> 28:x}");
        // FPSR: the cumulative exception bits and QC (QEMU keeps the AArch32-only NZCV bits at 0 too).
        if (expected.Fpsr != actual.Fpsr) d.Add($"FPSR: qemu {FpsrText(expected.Fpsr)} fastarm {FpsrText(actual.Fpsr)}");
        if (!expected.Memory.SequenceEqual(actual.Memory))
            d.Add($"memory: qemu {Convert.ToHexString(expected.Memory)}\n        fastarm {Convert.ToHexString(actual.Memory)}");
        return d;
    }

    private static string Esr(ulong w) => w == 0 ? "none" : $"EC {(w >> 26) & 0x3F:x2} ESR {w & 0xFFFF_FFFF:x8}";

    public static string FpsrText(ulong fpsr)
    {
        var sb = new StringBuilder($"{fpsr:x8}");
        string[] names = ["IOC", "DZC", "OFC", "UFC", "IXC", "", "", "IDC"];
        for (int i = 0; i < 8; i++) if (names[i] != "" && (fpsr & (1UL << i)) != 0) sb.Append(' ').Append(names[i]);
        if ((fpsr & (1UL << 27)) != 0) sb.Append(" QC");
        return sb.ToString();
    }

    /// <summary>objdump's disassembly of each word (for failure messages).</summary>
    public static string[] Disassemble(IReadOnlyList<uint> words)
    {
        var result = new string[words.Count];
        if (words.Count == 0 || !CrossTools.Available("objdump")) return result;
        string file = Path.Combine(Path.GetTempPath(), $"fastarm-dis-{Environment.ProcessId}-{Guid.NewGuid():N}.bin");
        try
        {
            var bytes = new byte[words.Count * 4];
            for (int i = 0; i < words.Count; i++) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), words[i]);
            File.WriteAllBytes(file, bytes);
            string text = CrossTools.Run(CrossTools.Prefix + "objdump", $"-D -b binary -m aarch64 {file}");
            foreach (var line in text.Split('\n'))
            {
                // "   4:\t1e222820 \tfadd\ts0, s1, s2"
                var parts = line.Split('\t');
                if (parts.Length < 3 || !parts[0].TrimEnd().EndsWith(':')) continue;
                if (!int.TryParse(parts[0].Trim().TrimEnd(':'), System.Globalization.NumberStyles.HexNumber, null, out int off)) continue;
                if (off / 4 < result.Length) result[off / 4] = string.Join(" ", parts.Skip(2)).Trim();
            }
        }
        finally { File.Delete(file); }
        return result;
    }
}
