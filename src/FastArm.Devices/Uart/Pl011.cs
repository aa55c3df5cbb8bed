using FastArm.Devices.HostIo;
using FastArm.SoftMmu.Bus;

namespace FastArm.Devices.Uart;

/// <summary>
/// The Arm PrimeCell UART (PL011), as the guest's serial console. Register offsets, widths, reset values, FIFO
/// depths, trigger levels, interrupt conditions and the identification registers follow the PL011 TRM (Arm DDI
/// 0183G, r1p5): 16-entry transmit and receive FIFOs when UARTLCR_H.FEN is set, one-entry holding registers when
/// it is clear; interrupts RX, RT (receive timeout), TX combined into one level-sensitive output
/// (UARTINTR = OR of UARTMIS).
/// <para>
/// Transmission is instantaneous: a byte written to UARTDR leaves for the host at once, so the transmit FIFO is
/// empty again when the write completes (UARTFR.TXFE set, TXFF and BUSY clear) and the transmit interrupt fires
/// on each write, as in QEMU. Like QEMU, characters are transmitted even when UARTCR.UARTEN/TXE are clear,
/// because bare-metal programs commonly print without initialising the UART. With UARTCR.LBE (loopback) they
/// go to the receive FIFO instead.
/// </para>
/// <para>
/// Reception: the board calls <see cref="Poll"/> from the CPU thread; it moves bytes from the host backend into
/// the receive FIFO while there is room (input waits in the backend otherwise, so none is lost). The receive
/// timeout condition is raised when the FIFO holds data and the host has no more for now.
/// </para>
/// Offsets the TRM does not define read as zero and ignore writes.
/// </summary>
public sealed class Pl011 : IMmioDevice
{
    public const ulong Size = 0x1000;
    public const int FifoDepth = 16;

    // Register offsets (TRM table 3-1).
    private const ulong DR = 0x000, RSR = 0x004, FR = 0x018, ILPR = 0x020, IBRD = 0x024, FBRD = 0x028, LCR_H = 0x02C,
        CR = 0x030, IFLS = 0x034, IMSC = 0x038, RIS = 0x03C, MIS = 0x040, ICR = 0x044, DMACR = 0x048;

    // UARTFR bits (TRM 3.3.3).
    public const uint FR_BUSY = 1 << 3, FR_RXFE = 1 << 4, FR_TXFF = 1 << 5, FR_RXFF = 1 << 6, FR_TXFE = 1 << 7;
    // Interrupt bits (UARTIMSC/RIS/MIS/ICR, TRM 3.3.10-3.3.14).
    public const uint INT_RX = 1 << 4, INT_TX = 1 << 5, INT_RT = 1 << 6;
    private const uint IntMask = 0x7FF;
    private const uint LCRH_FEN = 1 << 4;
    private const uint CR_LBE = 1 << 7;

    /// <summary>UARTPeriphID0..3 then UARTPCellID0..3 at 0xFE0..0xFFC (TRM 3.3.14-3.3.15: part 0x011, designer 0x41, revision 3).</summary>
    private static readonly byte[] s_id = [0x11, 0x10, 0x34, 0x00, 0x0D, 0xF0, 0x05, 0xB1];

    private readonly SerialBackend _backend;
    private readonly byte[] _rx = new byte[FifoDepth];
    private int _rxHead, _rxCount;
    private readonly byte[] _tx = new byte[FifoDepth];
    private int _txHead, _txCount;
    private uint _ilpr, _ibrd, _fbrd, _lcrh, _cr, _ifls, _imsc, _ris, _dmacr;
    private bool _irqLevel;

    /// <summary>The interrupt output (UARTINTR), level-sensitive; the board connects it to the GIC.</summary>
    public Action<bool>? Irq { get; set; }

    /// <summary>Accesses to offsets the TRM does not define, once per offset.</summary>
    public Action<string>? Trace { get; set; }
    private readonly HashSet<ulong> _traced = [];

    public SerialBackend Backend => _backend;

    /// <summary>A UART whose host side is <paramref name="console"/> (output; input read without blocking).</summary>
    public Pl011(HostConsole console) : this(new ConsoleSerial(console)) { }

    public Pl011(SerialBackend backend, Action<bool>? irq = null)
    {
        _backend = backend;
        Irq = irq;
        Reset();
    }

    public void Reset()
    {
        _ilpr = _ibrd = _fbrd = _lcrh = _imsc = _ris = _dmacr = 0;
        _cr = 0x0300;    // TXE and RXE set, UARTEN clear
        _ifls = 0x12;    // both FIFO levels at 1/2
        _rxHead = _rxCount = _txHead = _txCount = 0;
        UpdateIrq();
    }

    private bool FifoEnabled => (_lcrh & LCRH_FEN) != 0;
    private int Depth => FifoEnabled ? FifoDepth : 1;

    /// <summary>UARTIFLS levels (TRM 3.3.12): 1/8, 1/4, 1/2, 3/4, 7/8 of the FIFO.</summary>
    private static int Level(uint sel) => sel switch { 0 => 2, 1 => 4, 2 => 8, 3 => 12, _ => 14 };

    /// <summary>The receive interrupt condition: FIFO at or above its trigger level (any data without FIFOs).</summary>
    private bool RxTriggered => FifoEnabled ? _rxCount >= Level((_ifls >> 3) & 7) : _rxCount > 0;

    /// <summary>The transmit interrupt condition: FIFO at or below its trigger level (holding register empty without FIFOs).</summary>
    private bool TxTriggered => FifoEnabled ? _txCount <= Level(_ifls & 7) : _txCount == 0;

    /// <summary>Bytes waiting in the receive FIFO (tests and diagnostics).</summary>
    public int ReceiveCount => _rxCount;

    public ulong Read(ulong offset, int size)
    {
        if ((offset & 3) != 0) { Unknown(offset, false); return 0; }
        if (offset >= 0xFE0 && offset <= 0xFFC) return s_id[(offset - 0xFE0) / 4];
        switch (offset)
        {
            case DR: return ReadData();
            case RSR: return 0;   // no framing, parity, break or overrun errors are ever produced
            case FR: return Flags();
            case ILPR: return _ilpr;
            case IBRD: return _ibrd;
            case FBRD: return _fbrd;
            case LCR_H: return _lcrh;
            case CR: return _cr;
            case IFLS: return _ifls;
            case IMSC: return _imsc;
            case RIS: return _ris;
            case MIS: return _ris & _imsc;
            case DMACR: return _dmacr;
            case ICR: return 0;   // write-only
            default: Unknown(offset, false); return 0;
        }
    }

    public void Write(ulong offset, ulong value, int size)
    {
        if ((offset & 3) != 0) { Unknown(offset, true); return; }
        uint v = (uint)value;
        switch (offset)
        {
            case DR: WriteData((byte)v); break;
            case RSR: break;      // a write clears the (always clear) error flags
            case ILPR: _ilpr = v & 0xFF; break;
            case IBRD: _ibrd = v & 0xFFFF; break;
            case FBRD: _fbrd = v & 0x3F; break;
            case LCR_H:
                // Changing FEN empties the FIFOs (as QEMU does; the TRM leaves their content undefined then).
                if (((_lcrh ^ v) & LCRH_FEN) != 0) _rxHead = _rxCount = 0;
                _lcrh = v & 0xFF;
                RecomputeLevels();
                break;
            case CR: _cr = v & 0xFF87; break;   // bits 6:3 are reserved
            case IFLS: _ifls = v & 0x3F; RecomputeLevels(); break;
            case IMSC: _imsc = v & IntMask; UpdateIrq(); break;
            case ICR: _ris &= ~(v & IntMask); UpdateIrq(); break;
            case DMACR: _dmacr = v & 0x7; break;
            case FR or RIS or MIS: break;   // read-only
            default: Unknown(offset, true); break;
        }
    }

    private uint Flags()
    {
        uint fr = 0;
        if (_rxCount == 0) fr |= FR_RXFE;
        if (_rxCount >= Depth) fr |= FR_RXFF;
        if (_txCount == 0) fr |= FR_TXFE;
        if (_txCount >= Depth) fr |= FR_TXFF;
        if (_txCount != 0) fr |= FR_BUSY;
        return fr;
    }

    private ulong ReadData()
    {
        if (_rxCount == 0) return 0;
        byte b = _rx[_rxHead];
        _rxHead = (_rxHead + 1) % FifoDepth;
        _rxCount--;
        // RX clears once the level is below the trigger; RT once the FIFO is empty (TRM 3.4.4, 3.4.5).
        if (!RxTriggered) _ris &= ~INT_RX;
        if (_rxCount == 0) _ris &= ~INT_RT;
        UpdateIrq();
        return b;
    }

    private void WriteData(byte b)
    {
        if (_txCount >= Depth) return;   // a write to a full FIFO is lost
        _tx[(_txHead + _txCount) % FifoDepth] = b;
        _txCount++;
        if (!TxTriggered) _ris &= ~INT_TX;
        DrainTransmit();
    }

    /// <summary>Sends the transmit FIFO to the host (or, in loopback, to the receive FIFO).</summary>
    private void DrainTransmit()
    {
        if (_txCount == 0) return;
        bool loop = (_cr & CR_LBE) != 0;
        Span<byte> out1 = stackalloc byte[FifoDepth];
        int n = 0;
        while (_txCount > 0)
        {
            byte b = _tx[_txHead];
            _txHead = (_txHead + 1) % FifoDepth;
            _txCount--;
            if (loop) PushReceived(b);
            else out1[n++] = b;
        }
        if (n > 0) _backend.Write(out1[..n]);
        // The FIFO passed down to its trigger level: the transmit interrupt is asserted.
        if (TxTriggered) _ris |= INT_TX;
        UpdateIrq();
    }

    private bool PushReceived(byte b)
    {
        if (_rxCount >= Depth) return false;
        _rx[(_rxHead + _rxCount) % FifoDepth] = b;
        _rxCount++;
        if (RxTriggered) _ris |= INT_RX;
        return true;
    }

    /// <summary>
    /// Moves host input into the receive FIFO while it has room, and raises the receive timeout when data sits in
    /// the FIFO below its trigger level with no more input coming. Call from the CPU's thread.
    /// </summary>
    public void Poll()
    {
        if (_txCount > 0) DrainTransmit();
        if (_rxCount >= Depth && (_ris & INT_RT) != 0) return;
        bool any = false;
        while (_rxCount < Depth && _backend.TryRead(out byte b))
        {
            PushReceived(b);
            any = true;
        }
        if (_rxCount > 0 && (_rxCount >= Depth || !_backend.InputPending)) _ris |= INT_RT;
        if (any || _rxCount > 0) UpdateIrq();
    }

    /// <summary>True when host input is waiting to enter the FIFO (the board's idle loop looks).</summary>
    public bool InputPending => _rxCount < Depth && _backend.InputPending;

    private void RecomputeLevels()
    {
        if (RxTriggered) _ris |= INT_RX; else _ris &= ~INT_RX;
        UpdateIrq();
    }

    private void UpdateIrq()
    {
        bool level = (_ris & _imsc) != 0;
        if (level == _irqLevel) return;
        _irqLevel = level;
        Irq?.Invoke(level);
    }

    private void Unknown(ulong offset, bool write)
    {
        if (Trace != null && _traced.Add(offset * 2 + (write ? 1UL : 0)))
            Trace($"pl011: {(write ? "write to" : "read of")} unknown offset 0x{offset:x3} (RAZ/WI)");
    }
}
