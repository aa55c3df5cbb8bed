using FastArm.Devices.HostIo;
using FastArm.Devices.Uart;
using FastArm.Jit;

namespace FastArm.Devices.Board;

/// <summary>What <see cref="VirtBoard"/> builds.</summary>
public sealed record VirtBoardOptions
{
    /// <summary>RAM at <see cref="VirtBoard.RamBase"/>: 128 MiB by default, as QEMU's -M virt.</summary>
    public ulong RamSize { get; init; } = 128UL << 20;
    public CpuConfig Cpu { get; init; } = new();
    /// <summary>Guest console; null = the process's stdin/stdout.</summary>
    public HostConsole? Console { get; init; }
}

/// <summary>
/// QEMU's <c>-M virt</c> memory map (hw/arm/virt.c, base_memmap) and the devices FastArm has of it so far: RAM from
/// 0x40000000 and the PL011 UART at 0x09000000. The GIC, timer, RTC, fw_cfg and virtio come with their devices.
/// </summary>
public sealed class VirtBoard : IDisposable
{
    public const ulong FlashBase = 0x0000_0000, GicDistBase = 0x0800_0000, Uart0Base = 0x0900_0000, RtcBase = 0x0901_0000,
        FwCfgBase = 0x0902_0000, GpioBase = 0x0903_0000, VirtioMmioBase = 0x0A00_0000, RamBase = 0x4000_0000;

    /// <summary>The most RAM the low RAM window of the virt map holds (0x40000000 up to 256 GiB).</summary>
    public const ulong MaxRamSize = 255UL << 30;

    public Machine Machine { get; }
    public Pl011 Uart0 { get; }

    public VirtBoard(VirtBoardOptions? options = null)
    {
        options ??= new VirtBoardOptions();
        if (options.RamSize == 0 || (options.RamSize & 0xFFF) != 0 || options.RamSize > MaxRamSize)
            throw new ArgumentOutOfRangeException(nameof(options), $"RAM size 0x{options.RamSize:X} must be a non-zero multiple of 4 KiB up to 255 GiB");
        Machine = new Machine(options.Cpu, options.Console);
        try
        {
            Machine.MapRam(RamBase, options.RamSize);
            Uart0 = new Pl011(Machine.Console);
            Machine.MapDevice(Uart0Base, Pl011.Size, Uart0, "pl011");
        }
        catch
        {
            Machine.Dispose();
            throw;
        }
    }

    public void Dispose() => Machine.Dispose();
}
