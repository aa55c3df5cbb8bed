using FastArm.Jit.Translator;

namespace FastArm.Jit;

/// <summary>What <see cref="Cpu.TranslateBlocks"/> did: units built, their guest instructions, and when compiled,
/// the regions' instructions (a region holds its entry unit and the blocks it reaches, so blocks are compiled again
/// in each region that holds them), the IL generated and the units that failed to compile.</summary>
internal readonly record struct TranslateWork(int Units, int Instructions, int RegionInstructions, long IlBytes, int Failures);

/// <summary>
/// The translator's cost on given code, for the translate micro benchmark (bench/FastArm.Bench/Micro/
/// TranslateBenchmarks.cs): the same steps as a first run of the code, without running it.
/// </summary>
public sealed partial class Cpu
{
    /// <summary>
    /// The block starts of the code in [<paramref name="va"/>, +<paramref name="bytes"/>) in the current state: the
    /// first address, then every direct branch target and every address after the end of a unit (the not-taken path
    /// of a conditional branch, the return address of a call, the code after a return or a jump: the next function
    /// or a jump table's case) within the range. Leaves the translation cache empty.
    /// </summary>
    internal ulong[] FindBlockStarts(ulong va, int bytes)
    {
        ulong end = va + (ulong)bytes;
        var starts = new SortedSet<ulong>();
        var work = new Stack<ulong>();
        FlushTranslations();
        work.Push(va);
        while (work.Count > 0)
        {
            ulong pc = work.Pop();
            if (pc < va || pc >= end || (pc & 3) != 0 || !starts.Add(pc)) continue;
            if (!Translate(pc, AccessType.Fetch, false, out ulong pa, out _)) continue;
            var u = BuildUnit(pc, pa, UnitKey);
            if (u == null) continue;
            ref DecodedInsn last = ref u.Insns[^1];
            if ((last.Info & InsnInfo.DirectBranch) != 0) work.Push(pc + (ulong)(u.Insns.Length - 1) * 4 + (ulong)last.BranchOffset);
            work.Push(pc + (ulong)u.Insns.Length * 4);
        }
        FlushTranslations();
        return [.. starts];
    }

    /// <summary>
    /// Translates the units at <paramref name="starts"/> afresh, as a first run does: the translation cache and the
    /// decode cache are emptied first, then each unit is built (decode and <see cref="Probe"/> analysis); with
    /// <paramref name="compile"/>, each is then compiled as the entry of its own region (<see cref="FormRegion"/>,
    /// IL, RyuJIT: <see cref="Compile"/> on this thread, as with <see cref="CpuConfig.JitBackground"/> off).
    /// </summary>
    internal TranslateWork TranslateBlocks(ReadOnlySpan<ulong> starts, bool compile)
    {
        FlushTranslations();
        Array.Clear(_decodeCache);
        int key = UnitKey;
        var units = new Unit[starts.Length];
        int instructions = 0;
        for (int i = 0; i < starts.Length; i++)
        {
            if (!Translate(starts[i], AccessType.Fetch, false, out ulong pa, out _)
                || BuildUnit(starts[i], pa, key) is not Unit u)
                throw new InvalidOperationException($"no unit at 0x{starts[i]:X}: the code must be in RAM and mapped");
            units[i] = u;
            instructions += u.Insns.Length;
        }
        if (!compile) return new TranslateWork(units.Length, instructions, 0, 0, 0);

        long ilBefore = IlBytes;
        int regionInstructions = 0, failures = 0;
        foreach (var u in units)
        {
            u.Region = FormRegion(u, ranOnly: false);   // nothing has run here: whole regions, as measured before
            foreach (var b in u.Region) regionInstructions += b.Insns.Length;
            Compile(u);
            if (u.Compiled == null) failures++;
        }
        return new TranslateWork(units.Length, instructions, regionInstructions, IlBytes - ilBefore, failures);
    }
}
