using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static FastArm.Tests.Unicorn.UnicornNative;

namespace FastArm.Tests.Unicorn;

/// <summary>How a Unicorn run ended, in the fuzzer's terms.</summary>
public enum UnicornStop
{
    /// <summary>Ran the requested instructions.</summary>
    Completed,
    /// <summary>A CPU exception (UC_HOOK_INTR reported its QEMU EXCP_* number).</summary>
    Exception,
    /// <summary>A data access to unmapped memory (Unicorn's stand-in for an external abort).</summary>
    DataUnmapped,
    /// <summary>An instruction fetch from unmapped memory.</summary>
    FetchUnmapped,
    /// <summary>An instruction fetch from memory mapped without execute permission.</summary>
    FetchProtected,
    /// <summary>Any other error.</summary>
    Error,
}

/// <summary>
/// One Unicorn ARM64 engine (QEMU 5.0 underneath, the `max` CPU model) with host-owned memory regions, so that the
/// fuzzer reads guest memory without copying it through the API.
/// </summary>
public sealed unsafe class UnicornCpu : IDisposable
{
    private nint _uc;
    private GCHandle _self;
    private readonly List<(ulong Base, ulong Size, nint Ptr)> _regions = [];

    /// <summary>The QEMU EXCP_* number of the last exception, when <see cref="UnicornStop.Exception"/>.</summary>
    public uint LastInterrupt { get; private set; }
    public int LastError { get; private set; }

    private static string? s_unavailable;
    private static bool s_probed;

    /// <summary>Null when libunicorn.so.2 loads and opens an ARM64 engine; else why not.</summary>
    public static string? UnavailableReason
    {
        get
        {
            if (s_probed) return s_unavailable;
            s_probed = true;
            try
            {
                uc_version(out uint major, out _);
                if (major != 2) return s_unavailable = $"libunicorn.so.2 reports API major version {major}, not 2";
                int err = uc_open(UC_ARCH_ARM64, UC_MODE_ARM, out nint uc);
                if (err != UC_ERR_OK) return s_unavailable = "uc_open(UC_ARCH_ARM64) failed: " + StrError(err);
                uc_close(uc);
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
            {
                s_unavailable = "libunicorn.so.2 cannot be loaded (apt-get install libunicorn2): " + ex.Message;
            }
            return s_unavailable;
        }
    }

    public UnicornCpu(int cpuModel = UC_CPU_ARM64_MAX)
    {
        Check(uc_open(UC_ARCH_ARM64, UC_MODE_ARM, out _uc), "uc_open");
        // The CPU model must be chosen before the first use of the CPU (uc_ctl creates it lazily).
        Check(uc_ctl1(_uc, Ctl(UC_CTL_CPU_MODEL, 1, UC_CTL_IO_WRITE), cpuModel), "uc_ctl(CPU_MODEL)");
        _self = GCHandle.Alloc(this);
        nuint hh;
        Check(uc_hook_add(_uc, out hh, UC_HOOK_INTR, (delegate* unmanaged<nint, uint, nint, void>)&OnInterrupt,
            (void*)GCHandle.ToIntPtr(_self), 1, 0), "uc_hook_add(INTR)");
    }

    [UnmanagedCallersOnly]
    private static void OnInterrupt(nint uc, uint intno, nint user)
    {
        var self = (UnicornCpu)GCHandle.FromIntPtr(user).Target!;
        self.LastInterrupt = intno;
        self._sawInterrupt = true;
        // Stop instead of letting QEMU enter the vector: the fuzzer compares the state at the exception.
        uc_emu_stop(uc);
    }

    private bool _sawInterrupt;

    /// <summary>Maps <paramref name="size"/> bytes of host memory (page aligned, zeroed) at <paramref name="address"/>.</summary>
    public byte* Map(ulong address, ulong size, int perms = UC_PROT_ALL)
    {
        nint p = (nint)NativeMemory.AlignedAlloc((nuint)size, 4096);
        NativeMemory.Clear((void*)p, (nuint)size);
        Check(uc_mem_map_ptr(_uc, address, (nuint)size, (uint)perms, (void*)p), $"uc_mem_map_ptr(0x{address:X})");
        _regions.Add((address, size, p));
        return (byte*)p;
    }

    /// <summary>Maps host memory the caller owns (and keeps alive until <see cref="Dispose"/>) at <paramref name="address"/>.</summary>
    public void MapExternal(ulong address, ulong size, byte* memory, int perms)
    {
        Check(uc_mem_map_ptr(_uc, address, (nuint)size, (uint)perms, memory), $"uc_mem_map_ptr(0x{address:X})");
    }

    /// <summary>Drops cached translations of [start, end): needed after writing code through a mapped pointer.</summary>
    public void InvalidateCode(ulong start, ulong end) =>
        Check(uc_ctl2(_uc, Ctl(UC_CTL_TB_REMOVE_CACHE, 2, UC_CTL_IO_WRITE), start, end), "uc_ctl(TB_REMOVE_CACHE)");

    public ulong ReadReg(int id) { ulong v = 0; Check(uc_reg_read(_uc, id, &v), "uc_reg_read"); return v; }
    public void WriteReg(int id, ulong v) => Check(uc_reg_write(_uc, id, &v), "uc_reg_write");

    public void ReadRegs(int* ids, void** vals, int count) => Check(uc_reg_read_batch(_uc, ids, vals, count), "uc_reg_read_batch");
    public void WriteRegs(int* ids, void** vals, int count) => Check(uc_reg_write_batch(_uc, ids, vals, count), "uc_reg_write_batch");

    /// <summary>A system register by its MRS encoding fields.</summary>
    public ulong ReadSysReg(uint op0, uint op1, uint crn, uint crm, uint op2)
    {
        var r = new CpReg { Op0 = op0, Op1 = op1, Crn = crn, Crm = crm, Op2 = op2 };
        Check(uc_reg_read(_uc, UC_ARM64_REG_CP_REG, &r), "uc_reg_read(CP_REG)");
        return r.Val;
    }

    /// <summary>Runs <paramref name="count"/> instructions from <paramref name="pc"/>.</summary>
    public UnicornStop Run(ulong pc, ulong count)
    {
        _sawInterrupt = false;
        LastInterrupt = 0;
        int err = uc_emu_start(_uc, pc, 0, 0, (nuint)count);
        LastError = err;
        if (_sawInterrupt) return UnicornStop.Exception;
        return err switch
        {
            UC_ERR_OK => UnicornStop.Completed,
            UC_ERR_READ_UNMAPPED or UC_ERR_WRITE_UNMAPPED => UnicornStop.DataUnmapped,
            UC_ERR_FETCH_UNMAPPED => UnicornStop.FetchUnmapped,
            UC_ERR_FETCH_PROT => UnicornStop.FetchProtected,
            _ => UnicornStop.Error,
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Check(int err, string what)
    {
        if (err != UC_ERR_OK) throw new InvalidOperationException($"{what}: {StrError(err)}");
    }

    public void Dispose()
    {
        if (_uc != 0) { uc_close(_uc); _uc = 0; }
        foreach (var r in _regions) NativeMemory.AlignedFree((void*)r.Ptr);
        _regions.Clear();
        if (_self.IsAllocated) _self.Free();
    }
}
