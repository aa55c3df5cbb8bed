using FastArm.Devices.HostIo;
using FastArm.Devices.Registers;
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
/// The registers are declared once in <see cref="Map"/>; the register kit makes offsets the TRM does not define,
/// offsets inside a register and 8-byte accesses RAZ/WI (each reported once through <see cref="Trace"/>). The
/// PL011 is an APB peripheral without byte lanes: 1-, 2- and 4-byte accesses at a register's offset reach the
/// whole register (Linux uses 16-bit accesses, its earlycon byte writes to UARTDR).
/// </summary>
public sealed class Pl011 : IMmioDevice
{
    public const ulong Size = 0x1000;
    public const int FifoDepth = 16;

    // UARTFR bits (TRM 3.3.3).
    public const uint FR_BUSY = 1 << 3, FR_RXFE = 1 << 4, FR_TXFF = 1 << 5, FR_RXFF = 1 << 6, FR_TXFE = 1 << 7;
    // Interrupt bits (UARTIMSC/RIS/MIS/ICR, TRM 3.3.10-3.3.14).
    public const uint INT_RX = 1 << 4, INT_TX = 1 << 5, INT_RT = 1 << 6;
    private const uint IntMask = 0x7FF;
    private const uint LCRH_FEN = 1 << 4;
    private const uint CR_LBE = 1 << 7;

    private readonly SerialBackend _backend;
    private readonly RegisterBlock<Pl011> _regs;
    private readonly MaskedInterrupts _int = new(IntMask);
    private readonly byte[] _rx = new byte[FifoDepth];
    private int _rxHead, _rxCount;
    private readonly byte[] _tx = new byte[FifoDepth];
    private int _txHead, _txCount;
    private uint _lcrh;

    /// <summary>The interrupt output (UARTINTR = OR of UARTMIS), level-sensitive; the board connects it to the GIC.</summary>
    public Action<bool>? Irq { get => _int.Output; set => _int.Output = value; }

    /// <summary>Accesses to offsets the TRM does not define (and unsupported access sizes), once each.</summary>
    public Action<string>? Trace { get => _regs.Trace; set => _regs.Trace = value; }

    public SerialBackend Backend => _backend;

    /// <summary>A UART whose host side is <paramref name="console"/> (output; input read without blocking).</summary>
    public Pl011(HostConsole console) : this(new ConsoleSerial(console)) { }

    public Pl011(SerialBackend backend, Action<bool>? irq = null)
    {
        _backend = backend;
        _regs = new RegisterBlock<Pl011>(Map, this);
        Irq = irq;
        Reset();
    }

    public void Reset()
    {
        _regs.Reset();
        _lcrh = 0;
        _rxHead = _rxCount = _txHead = _txCount = 0;
        _int.Reset();
    }

    public ulong Read(ulong offset, int size) => _regs.Read(offset, size);
    public void Write(ulong offset, ulong value, int size) => _regs.Write(offset, value, size);

    // ---- the register table (TRM table 3-1) ----

    private static readonly RegisterDef<Pl011> s_cr = Reg.Stored<Pl011>(0x030, "UARTCR", reset: 0x0300, writable: 0xFF87); // TXE | RXE; bits 6:3 reserved
    private static readonly RegisterDef<Pl011> s_ifls = Reg.Stored<Pl011>(0x034, "UARTIFLS", reset: 0x12, writable: 0x3F,  // both levels at 1/2
        onWrite: static (u, _, _, _) => u.RecomputeLevels());

    private static readonly RegisterMap<Pl011> Map = new("pl011", Size,
    [
        Reg.Live<Pl011>(0x000, "UARTDR", static (u, _) => u.ReadData(), static (u, _, v, _) => u.WriteData((byte)v)),
        // No framing, parity, break or overrun errors are ever produced; a write clears the (clear) error flags.
        Reg.Live<Pl011>(0x004, "UARTRSR", Reg.Zero, Reg.Ignore),
        Reg.Live<Pl011>(0x018, "UARTFR", static (u, _) => u.Flags(), Reg.Ignore),
        Reg.Stored<Pl011>(0x020, "UARTILPR", writable: 0xFF),
        Reg.Stored<Pl011>(0x024, "UARTIBRD", writable: 0xFFFF),
        Reg.Stored<Pl011>(0x028, "UARTFBRD", writable: 0x3F),
        Reg.Live<Pl011>(0x02C, "UARTLCR_H", static (u, _) => u._lcrh, static (u, _, v, _) => u.WriteLcrH((uint)v)),
        s_cr,
        s_ifls,
        .. MaskedInterrupts.Registers<Pl011>("UART", static u => u._int, imsc: 0x038, ris: 0x03C, mis: 0x040, icr: 0x044),
        Reg.Stored<Pl011>(0x048, "UARTDMACR", writable: 0x7),
        // TRM 3.3.14-3.3.15: part 0x011, designer 0x41, revision 3.
        .. Reg.PrimeCellIds<Pl011>([0x11, 0x10, 0x34, 0x00, 0x0D, 0xF0, 0x05, 0xB1]),
    ], NarrowAccess.WholeRegister);

    private uint Cr => (uint)_regs[s_cr];
    private uint Ifls => (uint)_regs[s_ifls];

    private bool FifoEnabled => (_lcrh & LCRH_FEN) != 0;
    private int Depth => FifoEnabled ? FifoDepth : 1;

    /// <summary>UARTIFLS levels (TRM 3.3.12): 1/8, 1/4, 1/2, 3/4, 7/8 of the FIFO.</summary>
    private static int Level(uint sel) => sel switch { 0 => 2, 1 => 4, 2 => 8, 3 => 12, _ => 14 };

    /// <summary>The receive interrupt condition: FIFO at or above its trigger level (any data without FIFOs).</summary>
    private bool RxTriggered => FifoEnabled ? _rxCount >= Level((Ifls >> 3) & 7) : _rxCount > 0;

    /// <summary>The transmit interrupt condition: FIFO at or below its trigger level (holding register empty without FIFOs).</summary>
    private bool TxTriggered => FifoEnabled ? _txCount <= Level(Ifls & 7) : _txCount == 0;

    /// <summary>Bytes waiting in the receive FIFO (tests and diagnostics).</summary>
    public int ReceiveCount => _rxCount;

    private void WriteLcrH(uint v)
    {
        // Changing FEN empties the FIFOs (as QEMU does; the TRM leaves their content undefined then).
        if (((_lcrh ^ v) & LCRH_FEN) != 0) _rxHead = _rxCount = 0;
        _lcrh = v & 0xFF;
        RecomputeLevels();
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
        if (!RxTriggered) _int.SetRaw(INT_RX, false);
        if (_rxCount == 0) _int.SetRaw(INT_RT, false);
        _int.Update();
        return b;
    }

    private void WriteData(byte b)
    {
        if (_txCount >= Depth) return;   // a write to a full FIFO is lost
        _tx[(_txHead + _txCount) % FifoDepth] = b;
        _txCount++;
        if (!TxTriggered) _int.SetRaw(INT_TX, false);
        DrainTransmit();
    }

    /// <summary>Sends the transmit FIFO to the host (or, in loopback, to the receive FIFO).</summary>
    private void DrainTransmit()
    {
        if (_txCount == 0) return;
        bool loop = (Cr & CR_LBE) != 0;
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
        if (TxTriggered) _int.SetRaw(INT_TX, true);
        _int.Update();
    }

    private bool PushReceived(byte b)
    {
        if (_rxCount >= Depth) return false;
        _rx[(_rxHead + _rxCount) % FifoDepth] = b;
        _rxCount++;
        if (RxTriggered) _int.SetRaw(INT_RX, true);
        return true;
    }

    /// <summary>
    /// Moves host input into the receive FIFO while it has room, and raises the receive timeout when data sits in
    /// the FIFO below its trigger level with no more input coming. Call from the CPU's thread.
    /// </summary>
    public void Poll()
    {
        if (_txCount > 0) DrainTransmit();
        if (_rxCount >= Depth && (_int.Raw & INT_RT) != 0) return;
        bool any = false;
        while (_rxCount < Depth && _backend.TryRead(out byte b))
        {
            PushReceived(b);
            any = true;
        }
        if (_rxCount > 0 && (_rxCount >= Depth || !_backend.InputPending)) _int.SetRaw(INT_RT, true);
        if (any || _rxCount > 0) _int.Update();
    }

    /// <summary>True when host input is waiting to enter the FIFO (the board's idle loop looks).</summary>
    public bool InputPending => _rxCount < Depth && _backend.InputPending;

    private void RecomputeLevels()
    {
        _int.SetRaw(INT_RX, RxTriggered);
        _int.Update();
    }
}
