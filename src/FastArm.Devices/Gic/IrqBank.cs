using System.Numerics;
using System.Runtime.CompilerServices;

namespace FastArm.Devices.Gic;

/// <summary>
/// The per-INTID state the distributor (or a redistributor) keeps for a range of interrupts, as bit vectors of
/// 32 INTIDs per word plus one priority byte each (GICv3 IHI 0069 chapter 4, "Interrupt handling").
/// A private bank holds INTIDs 0..31 of one PE; the shared bank is indexed by INTID (its word 0 is unused).
/// </summary>
internal sealed class IrqBank
{
    public readonly int Count;
    /// <summary>GICD_ISENABLER: the interrupt may be forwarded.</summary>
    public readonly uint[] Enabled;
    /// <summary>
    /// The pending latch: set by an edge, a write to ISPENDR or an SGI; cleared by acknowledge or ICPENDR.
    /// A level-sensitive interrupt is also pending while its input is high (<see cref="Level"/>).
    /// </summary>
    public readonly uint[] Latch;
    /// <summary>The input line as the device drives it (used for edges and for level-sensitive pending).</summary>
    public readonly uint[] Level;
    public readonly uint[] Active;
    /// <summary>GICD_IGROUPR: 1 = Group 1, 0 = Group 0.</summary>
    public readonly uint[] Group;
    /// <summary>GICD_ICFGR Int_config[1]: 1 = edge-triggered, 0 = level-sensitive.</summary>
    public readonly uint[] Edge;
    public readonly byte[] Priority;

    public IrqBank(int count)
    {
        Count = count;
        int words = (count + 31) / 32;
        Enabled = new uint[words];
        Latch = new uint[words];
        Level = new uint[words];
        Active = new uint[words];
        Group = new uint[words];
        Edge = new uint[words];
        Priority = new byte[count];
    }

    public int Words => Enabled.Length;

    /// <summary>Clears everything; the input lines (<see cref="Level"/>) stay as the devices drive them.</summary>
    public void Reset()
    {
        Array.Clear(Enabled);
        Array.Clear(Latch);
        Array.Clear(Active);
        Array.Clear(Group);
        Array.Clear(Edge);
        Array.Clear(Priority);
    }

    /// <summary>Pending state of 32 INTIDs: the latch, or a level-sensitive input that is high.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint PendingWord(int w) => Latch[w] | (Level[w] & ~Edge[w]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Bit(uint[] v, int n) => (v[n >> 5] & (1u << (n & 31))) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetBit(uint[] v, int n, bool on)
    {
        if (on) v[n >> 5] |= 1u << (n & 31);
        else v[n >> 5] &= ~(1u << (n & 31));
    }

    /// <summary>Drives the input of INTID <paramref name="n"/>; a rising edge of an edge-triggered input latches it.</summary>
    public void Drive(int n, bool level)
    {
        bool was = Bit(Level, n);
        SetBit(Level, n, level);
        if (level && !was && Bit(Edge, n)) SetBit(Latch, n, true);
    }

    /// <summary>
    /// Among the candidates in <paramref name="cand"/> (word <paramref name="w"/>), the INTID with the numerically
    /// lowest priority once masked; ties go to the lowest INTID (the GIC's choice is IMPLEMENTATION DEFINED).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Best(int w, uint cand, int prioMask, ref int bestId, ref int bestPrio)
    {
        while (cand != 0)
        {
            int bit = BitOperations.TrailingZeroCount(cand);
            cand &= cand - 1;
            int n = w * 32 + bit;
            int p = Priority[n] & prioMask;
            if (p < bestPrio) { bestPrio = p; bestId = n; }
        }
    }
}
