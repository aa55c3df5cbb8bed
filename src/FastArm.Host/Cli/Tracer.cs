using FastArm.Jit;
using Gee.External.Capstone;
using Gee.External.Capstone.Arm64;

namespace FastArm.Host.Cli;

/// <summary>
/// <c>--trace</c>: one line per executed instruction (address, encoding, disassembly) and one per exception entry,
/// on the emulator's own stream (stderr). The disassembly comes from Capstone; if its native library cannot be
/// loaded the line shows the A64 table row that decoded the word instead, and one line says so.
/// </summary>
public sealed class Tracer : IDisposable
{
    private readonly Machine _machine;
    private readonly TextWriter _out;
    private CapstoneArm64Disassembler? _capstone;
    private readonly Dictionary<(ulong, uint), string> _cache = [];

    /// <summary>Why Capstone is not used, or null when it is.</summary>
    public string? CapstoneProblem { get; }

    public Tracer(Machine machine, TextWriter output)
    {
        _machine = machine;
        _out = output;
        try
        {
            _capstone = CapstoneDisassembler.CreateArm64Disassembler(Arm64DisassembleMode.Arm);
            _capstone.EnableInstructionDetails = false;
            _capstone.Disassemble(BitConverter.GetBytes(0xD503201Fu), 0);   // nop: proves the native library loads
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException or TypeInitializationException or InvalidOperationException)
        {
            _capstone?.Dispose();
            _capstone = null;
            CapstoneProblem = e.GetBaseException().Message;
            _out.WriteLine($"fastarm: trace: Capstone is unavailable ({CapstoneProblem}); showing the A64 table row names instead");
        }
    }

    public void Attach()
    {
        _machine.CodeHook = (pc, word) => _out.WriteLine($"0x{pc:x16}: {word:x8}  {Disassemble(pc, word)}");
        _machine.ExceptionHook = e => _out.WriteLine(
            $"exception: {e.Kind} EL{e.FromEl} -> EL{e.TargetEl}, ESR 0x{e.Esr:x} (EC 0x{e.Esr >> 26:x2}), FAR 0x{e.Far:x}, return 0x{e.ReturnAddress:x}, vector 0x{e.Vector:x}");
    }

    public string Disassemble(ulong pc, uint word)
    {
        if (_cache.TryGetValue((pc, word), out var s)) return s;
        s = DisassembleUncached(pc, word);
        if (_cache.Count > 1 << 16) _cache.Clear();
        _cache[(pc, word)] = s;
        return s;
    }

    private string DisassembleUncached(ulong pc, uint word)
    {
        if (_capstone != null)
        {
            var insns = _capstone.Disassemble(BitConverter.GetBytes(word), (long)pc);
            if (insns.Length == 1)
                return string.IsNullOrEmpty(insns[0].Operand) ? insns[0].Mnemonic : $"{insns[0].Mnemonic} {insns[0].Operand}";
        }
        var row = _machine.Cpu.Decode(word);
        return row == null ? "(undefined)" : _capstone != null ? $"({row.Name})" : row.Name;
    }

    public void Dispose() => _capstone?.Dispose();
}
