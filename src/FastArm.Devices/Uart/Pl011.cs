using FastArm.Devices.HostIo;
using FastArm.SoftMmu.Bus;

namespace FastArm.Devices.Uart;

/// <summary>
/// The Arm PrimeCell UART (PL011), as the guest's serial console. For now it transmits straight to the host
/// console and never receives: the transmit FIFO is always empty (UARTFR.TXFE set, TXFF never set) and the receive
/// FIFO always empty (RXFE set). The control registers hold what the guest writes; offsets the TRM does not define
/// read as zero and ignore writes. FIFOs, receive and the interrupt line come later.
/// Register offsets, widths, reset values and the identification registers follow the PL011 TRM (Arm DDI 0183G,
/// r1p5, section 3.2). Like QEMU, characters written to UARTDR are transmitted even when UARTCR.UARTEN/TXE are
/// clear, because bare-metal programs commonly print without initialising the UART.
/// </summary>
public sealed class Pl011 : IMmioDevice
{
    public const ulong Size = 0x1000;

    // Register offsets (TRM table 3-1).
    private const ulong DR = 0x000, RSR = 0x004, FR = 0x018, ILPR = 0x020, IBRD = 0x024, FBRD = 0x028, LCR_H = 0x02C,
        CR = 0x030, IFLS = 0x034, IMSC = 0x038, RIS = 0x03C, MIS = 0x040, ICR = 0x044, DMACR = 0x048;

    // UARTFR bits.
    private const uint FR_TXFE = 1 << 7, FR_RXFE = 1 << 4;
    // Interrupt bits (UARTIMSC/RIS/MIS/ICR): TXIM is bit 5.
    private const uint INT_TX = 1 << 5;

    /// <summary>UARTPeriphID0..3 then UARTPCellID0..3 at 0xFE0..0xFFC (TRM 3.3.14-3.3.15: part 0x011, designer 0x41, revision 3).</summary>
    private static readonly byte[] s_id = [0x11, 0x10, 0x34, 0x00, 0x0D, 0xF0, 0x05, 0xB1];

    private readonly HostConsole _console;
    private uint _ilpr, _ibrd, _fbrd, _lcrh, _cr, _ifls, _imsc, _ris, _dmacr;

    public Pl011(HostConsole console)
    {
        _console = console;
        Reset();
    }

    public void Reset()
    {
        _ilpr = _ibrd = _fbrd = _lcrh = _imsc = _ris = _dmacr = 0;
        _cr = 0x0300;    // TXE and RXE set, UARTEN clear
        _ifls = 0x12;    // both FIFO levels at 1/2
    }

    public ulong Read(ulong offset, int size)
    {
        if ((offset & 3) != 0) return 0;
        if (offset >= 0xFE0 && offset <= 0xFFC) return s_id[(offset - 0xFE0) / 4];
        return offset switch
        {
            DR => 0,            // nothing is ever received yet
            RSR => 0,
            FR => FR_TXFE | FR_RXFE,
            ILPR => _ilpr,
            IBRD => _ibrd,
            FBRD => _fbrd,
            LCR_H => _lcrh,
            CR => _cr,
            IFLS => _ifls,
            IMSC => _imsc,
            RIS => _ris,
            MIS => _ris & _imsc,
            DMACR => _dmacr,
            _ => 0,
        };
    }

    public void Write(ulong offset, ulong value, int size)
    {
        if ((offset & 3) != 0) return;
        uint v = (uint)value;
        switch (offset)
        {
            case DR:
                _console.WriteByte((byte)v);
                _ris |= INT_TX;   // the byte left at once, so the transmit FIFO is below its trigger level
                break;
            case RSR: break;      // a write clears the (always clear) error flags
            case ILPR: _ilpr = v & 0xFF; break;
            case IBRD: _ibrd = v & 0xFFFF; break;
            case FBRD: _fbrd = v & 0x3F; break;
            case LCR_H: _lcrh = v & 0xFF; break;
            case CR: _cr = v & 0xFF87; break;   // bits 6:3 are reserved
            case IFLS: _ifls = v & 0x3F; break;
            case IMSC: _imsc = v & 0x7FF; break;
            case ICR: _ris &= ~(v & 0x7FF); break;
            case DMACR: _dmacr = v & 0x7; break;
        }
    }
}
