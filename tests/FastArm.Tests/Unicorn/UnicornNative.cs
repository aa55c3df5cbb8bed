using System.Runtime.InteropServices;

namespace FastArm.Tests.Unicorn;

/// <summary>
/// The part of the Unicorn 2 C API (unicorn/unicorn.h, unicorn/arm64.h as Debian's libunicorn-dev 2.0.1 installs
/// them) the differential fuzzer needs. Enum values were read from the installed headers (a C program printing
/// them); they are part of the library's ABI for the 2.x series.
/// </summary>
internal static unsafe partial class UnicornNative
{
    public const string Library = "libunicorn.so.2";

    public const int UC_ARCH_ARM64 = 2;
    public const int UC_MODE_ARM = 0;   // little-endian

    // uc_cpu_arm64
    public const int UC_CPU_ARM64_A57 = 0, UC_CPU_ARM64_A53 = 1, UC_CPU_ARM64_A72 = 2, UC_CPU_ARM64_MAX = 3;

    // uc_ctl control words: UC_CTL(type, nr, rw) = type | (nr << 26) | (rw << 30).
    public const int UC_CTL_IO_WRITE = 1, UC_CTL_IO_READ = 2;
    public const int UC_CTL_CPU_MODEL = 7, UC_CTL_TB_REMOVE_CACHE = 9, UC_CTL_TB_FLUSH = 10;
    public static int Ctl(int type, int nr, int rw) => type | (nr << 26) | (rw << 30);

    // uc_prot
    public const int UC_PROT_READ = 1, UC_PROT_WRITE = 2, UC_PROT_EXEC = 4, UC_PROT_ALL = 7;

    // uc_hook_type
    public const int UC_HOOK_INTR = 1 << 0;
    public const int UC_HOOK_MEM_WRITE = 1 << 11;

    // uc_err (the ones the fuzzer tells apart)
    public const int UC_ERR_OK = 0, UC_ERR_READ_UNMAPPED = 6, UC_ERR_WRITE_UNMAPPED = 7, UC_ERR_FETCH_UNMAPPED = 8,
        UC_ERR_INSN_INVALID = 10, UC_ERR_FETCH_PROT = 14, UC_ERR_READ_UNALIGNED = 16, UC_ERR_WRITE_UNALIGNED = 17, UC_ERR_FETCH_UNALIGNED = 18,
        UC_ERR_EXCEPTION = 21;

    // uc_arm64_reg
    public const int UC_ARM64_REG_X29 = 1, UC_ARM64_REG_X30 = 2, UC_ARM64_REG_NZCV = 3, UC_ARM64_REG_SP = 4;
    public const int UC_ARM64_REG_Q0 = 104;   // Q0..Q31 consecutive
    public const int UC_ARM64_REG_X0 = 199;   // X0..X28 consecutive
    public const int UC_ARM64_REG_PC = 260, UC_ARM64_REG_CPACR_EL1 = 261, UC_ARM64_REG_PSTATE = 265;
    public const int UC_ARM64_REG_CP_REG = 290, UC_ARM64_REG_FPCR = 291, UC_ARM64_REG_FPSR = 292;

    /// <summary>The register id of Xn (n = 0..30).</summary>
    public static int RegX(int n) => n switch { 29 => UC_ARM64_REG_X29, 30 => UC_ARM64_REG_X30, _ => UC_ARM64_REG_X0 + n };

    /// <summary>QEMU's exception numbers (target/arm/cpu.h EXCP_*), as UC_HOOK_INTR reports them.</summary>
    public const uint EXCP_UDEF = 1, EXCP_SWI = 2, EXCP_PREFETCH_ABORT = 3, EXCP_DATA_ABORT = 4, EXCP_IRQ = 5,
        EXCP_FIQ = 6, EXCP_BKPT = 7, EXCP_EXCEPTION_EXIT = 8, EXCP_KERNEL_TRAP = 9, EXCP_HVC = 11, EXCP_HYP_TRAP = 12,
        EXCP_SMC = 13, EXCP_VIRQ = 14, EXCP_VFIQ = 15, EXCP_SEMIHOST = 16, EXCP_NOCP = 17, EXCP_INVSTATE = 18;

    /// <summary>uc_arm64_cp_reg: a system register by its MRS encoding, for UC_ARM64_REG_CP_REG.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct CpReg
    {
        public uint Crn, Crm, Op0, Op1, Op2;
        public ulong Val;
    }

    [LibraryImport(Library, EntryPoint = "uc_version")]
    public static partial uint uc_version(out uint major, out uint minor);

    [LibraryImport(Library, EntryPoint = "uc_open")]
    public static partial int uc_open(int arch, int mode, out nint uc);

    [LibraryImport(Library, EntryPoint = "uc_close")]
    public static partial int uc_close(nint uc);

    [LibraryImport(Library, EntryPoint = "uc_strerror")]
    public static partial nint uc_strerror(int code);

    // uc_ctl is variadic; on x86-64 SysV a variadic call with integer arguments passes them exactly as a
    // non-variadic one does (AL, the count of vector registers used, is not read for integer-only calls by
    // Unicorn's va_arg of integers), so fixed-arity imports are fine.
    [LibraryImport(Library, EntryPoint = "uc_ctl")]
    public static partial int uc_ctl1(nint uc, int control, nint arg);

    [LibraryImport(Library, EntryPoint = "uc_ctl")]
    public static partial int uc_ctl2(nint uc, int control, ulong arg1, ulong arg2);

    [LibraryImport(Library, EntryPoint = "uc_ctl")]
    public static partial int uc_ctl0(nint uc, int control);

    [LibraryImport(Library, EntryPoint = "uc_mem_map")]
    public static partial int uc_mem_map(nint uc, ulong address, nuint size, uint perms);

    [LibraryImport(Library, EntryPoint = "uc_mem_map_ptr")]
    public static partial int uc_mem_map_ptr(nint uc, ulong address, nuint size, uint perms, void* ptr);

    [LibraryImport(Library, EntryPoint = "uc_mem_write")]
    public static partial int uc_mem_write(nint uc, ulong address, void* bytes, nuint size);

    [LibraryImport(Library, EntryPoint = "uc_mem_read")]
    public static partial int uc_mem_read(nint uc, ulong address, void* bytes, nuint size);

    [LibraryImport(Library, EntryPoint = "uc_reg_write")]
    public static partial int uc_reg_write(nint uc, int regid, void* value);

    [LibraryImport(Library, EntryPoint = "uc_reg_read")]
    public static partial int uc_reg_read(nint uc, int regid, void* value);

    [LibraryImport(Library, EntryPoint = "uc_reg_write_batch")]
    public static partial int uc_reg_write_batch(nint uc, int* regs, void** vals, int count);

    [LibraryImport(Library, EntryPoint = "uc_reg_read_batch")]
    public static partial int uc_reg_read_batch(nint uc, int* regs, void** vals, int count);

    [LibraryImport(Library, EntryPoint = "uc_emu_start")]
    public static partial int uc_emu_start(nint uc, ulong begin, ulong until, ulong timeout, nuint count);

    [LibraryImport(Library, EntryPoint = "uc_emu_stop")]
    public static partial int uc_emu_stop(nint uc);

    // uc_hook_add is variadic too (the extra arguments are only read for instruction hooks).
    [LibraryImport(Library, EntryPoint = "uc_hook_add")]
    public static partial int uc_hook_add(nint uc, out nuint hh, int type, void* callback, void* userData, ulong begin, ulong end);

    public static string StrError(int code) => Marshal.PtrToStringUTF8(uc_strerror(code)) ?? $"uc_err {code}";
}
