using System.Runtime.CompilerServices;
using FastArm.Jit.Decode;

namespace FastArm.Jit.Semantics;

/// <summary>Four values of the emitter's type (the registers one structure load or store touches).</summary>
[InlineArray(4)]
internal struct Four<T>
{
    private T _e0;
}

/// <summary>
/// AdvSIMD load/store multiple structures and single structure (Arm ARM C4.1.92 .. C4.1.95: LD1-LD4, ST1-ST4,
/// LD1R-LD4R, single lanes, post-index by immediate or register). Every element is its own access of the
/// element size (so alignment checks and faults are per element, as the pseudocode's Mem[] calls are); loads
/// complete before any register is written, so a fault leaves the registers unchanged.
/// </summary>
public static class SimdLoadStore
{
    private static V BaseAddress<E, V>(ref E e, uint n) where E : struct, IA64Emitter<V>
    {
        if (n == 31)
        {
            e.CheckSpAlignment();
            return e.Sp();
        }
        return e.X((int)n);
    }

    private static void WriteBack<E, V>(ref E e, in Fields f, V address, int bytes) where E : struct, IA64Emitter<V>
    {
        if (((f.Raw >> 23) & 1) == 0) return;
        V offset = f.Rm == 31 ? e.Const((ulong)bytes) : e.X((int)f.Rm);
        V result = e.Add(address, offset);
        if (f.Rn == 31) e.SetSp(result); else e.SetX((int)f.Rn, result);
    }

    /// <summary>LD1-LD4 / ST1-ST4 (multiple structures).</summary>
    public static void SimdLdStMultiple<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        int rpt, selem;
        switch (f.opcode)
        {
            case 0b0000: rpt = 1; selem = 4; break;
            case 0b0010: rpt = 4; selem = 1; break;
            case 0b0100: rpt = 1; selem = 3; break;
            case 0b0110: rpt = 3; selem = 1; break;
            case 0b0111: rpt = 1; selem = 1; break;
            case 0b1000: rpt = 1; selem = 2; break;
            case 0b1010: rpt = 2; selem = 1; break;
            default: e.Undefined(); return;
        }
        int size = (int)f.size;
        bool q = f.Q == 1;
        if (size == 3 && !q && selem != 1) { e.Undefined(); return; }
        e.CheckFpAccess();
        int esize = 8 << size, ebytes = 1 << size, elements = (q ? 128 : 64) / esize, regs = rpt * selem;
        int t = (int)f.Rt;
        V address = BaseAddress<E, V>(ref e, f.Rn);
        int offs = 0;
        if (f.L == 1)
        {
            Four<V> lo = default, hi = default;
            for (int k = 0; k < regs; k++) { lo[k] = e.Const(0); hi[k] = e.Const(0); }
            for (int r = 0; r < rpt; r++)
                for (int el = 0; el < elements; el++)
                    for (int s = 0; s < selem; s++)
                    {
                        V v = e.Load(e.Add(address, e.Const((ulong)offs)), ebytes);
                        int bit = el * esize, k = r + s;
                        V shifted = (bit & 63) == 0 ? v : e.Shl(v, e.Const((ulong)(bit & 63)));
                        if (bit < 64) lo[k] = e.Or(lo[k], shifted); else hi[k] = e.Or(hi[k], shifted);
                        offs += ebytes;
                    }
            for (int k = 0; k < regs; k++) e.SetVReg((t + k) % 32, lo[k], hi[k]);
        }
        else
        {
            for (int r = 0; r < rpt; r++)
                for (int el = 0; el < elements; el++)
                    for (int s = 0; s < selem; s++)
                    {
                        int bit = el * esize, reg = (t + r + s) % 32;
                        V half = e.VReg(reg, bit >> 6);
                        V v = (bit & 63) == 0 ? half : e.Lsr(half, e.Const((ulong)(bit & 63)));
                        e.Store(e.Add(address, e.Const((ulong)offs)), v, ebytes);
                        offs += ebytes;
                    }
        }
        WriteBack<E, V>(ref e, f, address, offs);
    }

    /// <summary>LD1-LD4 / ST1-ST4 (single structure, one lane) and LD1R-LD4R (load and replicate).</summary>
    public static void SimdLdStSingle<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        uint opcode = f.opcode, size = f.size, sBit = f.S, q = f.Q;
        int scale = (int)(opcode >> 1);
        int selem = (int)((opcode & 1) << 1 | f.R) + 1;
        bool replicate = false, load = f.L == 1;
        int index = 0;
        switch (scale)
        {
            case 3:
                if (!load || sBit == 1) { e.Undefined(); return; }
                scale = (int)size;
                replicate = true;
                break;
            case 0:
                index = (int)(q << 3 | sBit << 2 | size);
                break;
            case 1:
                if ((size & 1) != 0) { e.Undefined(); return; }
                index = (int)(q << 2 | sBit << 1 | size >> 1);
                break;
            default:
                if ((size & 2) != 0) { e.Undefined(); return; }
                if ((size & 1) == 0) index = (int)(q << 1 | sBit);
                else
                {
                    if (sBit == 1) { e.Undefined(); return; }
                    index = (int)q;
                    scale = 3;
                }
                break;
        }
        e.CheckFpAccess();
        int esize = 8 << scale, ebytes = 1 << scale;
        int t = (int)f.Rt;
        V address = BaseAddress<E, V>(ref e, f.Rn);
        int offs = 0;
        if (replicate)
        {
            // Replicate(element): multiplying by 1 in every lane copies a value below 2^esize into each lane.
            ulong ones = esize switch { 8 => 0x0101_0101_0101_0101UL, 16 => 0x0001_0001_0001_0001UL, 32 => 0x0000_0001_0000_0001UL, _ => 1UL };
            Four<V> lanes = default;
            for (int s = 0; s < selem; s++)
            {
                V v = e.Load(e.Add(address, e.Const((ulong)offs)), ebytes);
                lanes[s] = ones == 1 ? v : e.Mul(v, e.Const(ones));
                offs += ebytes;
            }
            for (int s = 0; s < selem; s++) e.SetVReg((t + s) % 32, lanes[s], q == 1 ? lanes[s] : e.Const(0));
        }
        else if (load)
        {
            int bit = index * esize, sh = bit & 63, halfIndex = bit >> 6;
            ulong mask = (esize == 64 ? ulong.MaxValue : (1UL << esize) - 1) << sh;
            Four<V> values = default;
            for (int s = 0; s < selem; s++)
            {
                values[s] = e.Load(e.Add(address, e.Const((ulong)offs)), ebytes);
                offs += ebytes;
            }
            for (int s = 0; s < selem; s++)
            {
                int reg = (t + s) % 32;
                V lo = e.VReg(reg, 0), hi = e.VReg(reg, 1);
                V old = halfIndex == 0 ? lo : hi;
                V merged = e.Or(e.And(old, e.Const(~mask)), sh == 0 ? values[s] : e.Shl(values[s], e.Const((ulong)sh)));
                if (halfIndex == 0) e.SetVReg(reg, merged, hi); else e.SetVReg(reg, lo, merged);
            }
        }
        else
        {
            int bit = index * esize, sh = bit & 63;
            for (int s = 0; s < selem; s++)
            {
                V half = e.VReg((t + s) % 32, bit >> 6);
                e.Store(e.Add(address, e.Const((ulong)offs)), sh == 0 ? half : e.Lsr(half, e.Const((ulong)sh)), ebytes);
                offs += ebytes;
            }
        }
        WriteBack<E, V>(ref e, f, address, offs);
    }
}
