namespace FastArm.Devices.Registers;

/// <summary>
/// The interrupt block PrimeCell peripherals share (PL011 TRM 3.3.10-3.3.14, PL031 TRM 3.3.5-3.3.8): a raw
/// status register (xxxRIS) that the device's conditions set, a mask (xxxIMSC, 1 = enabled), the masked
/// status (xxxMIS = RIS AND IMSC), a write-one-to-clear register (xxxICR), and one level-sensitive output that
/// is the OR of the masked status bits. The output callback runs only when the level changes.
/// </summary>
public sealed class MaskedInterrupts(uint implemented)
{
    /// <summary>The status bits that exist; the others are RAZ/WI in every register.</summary>
    public uint Implemented { get; } = implemented;
    /// <summary>xxxRIS. Devices change it directly and then call <see cref="Update"/>.</summary>
    public uint Raw;
    /// <summary>xxxIMSC.</summary>
    public uint Mask;
    public uint Masked => Raw & Mask;

    /// <summary>The interrupt output (the board connects it to the GIC).</summary>
    public Action<bool>? Output { get; set; }
    /// <summary>The level the output was last driven to.</summary>
    public bool Level { get; private set; }

    /// <summary>Drives the output from the masked status, if it changed.</summary>
    public void Update()
    {
        bool level = (Raw & Mask) != 0;
        if (level == Level) return;
        Level = level;
        Output?.Invoke(level);
    }

    /// <summary>Sets (<paramref name="on"/>) or clears raw status <paramref name="bits"/> without updating the output.</summary>
    public void SetRaw(uint bits, bool on)
    {
        if (on) Raw |= bits;
        else Raw &= ~bits;
    }

    /// <summary>Reset: no status, everything masked.</summary>
    public void Reset()
    {
        Raw = Mask = 0;
        Update();
    }

    /// <summary>
    /// The four registers, named <paramref name="prefix"/>IMSC/RIS/MIS/ICR. <paramref name="sample"/>, when given,
    /// runs before RIS and MIS are read (a device whose conditions depend on time brings the status up to date).
    /// Writes to RIS and MIS and reads of ICR have no effect and are not reported, as the TRMs define them.
    /// </summary>
    public static IEnumerable<RegisterDef<T>> Registers<T>(string prefix, Func<T, MaskedInterrupts> of,
        ulong imsc, ulong ris, ulong mis, ulong icr, Action<T>? sample = null) =>
    [
        Reg.Live<T>(imsc, prefix + "IMSC", (d, _) => of(d).Mask, (d, _, v, m) =>
        {
            var i = of(d);
            i.Mask = (uint)((i.Mask & ~m) | (v & m)) & i.Implemented;
            i.Update();
        }),
        Reg.Live<T>(ris, prefix + "RIS", (d, _) => { sample?.Invoke(d); return of(d).Raw; }, Reg.Ignore),
        Reg.Live<T>(mis, prefix + "MIS", (d, _) => { sample?.Invoke(d); return of(d).Masked; }, Reg.Ignore),
        Reg.Live<T>(icr, prefix + "ICR", Reg.Zero, (d, _, v, m) =>
        {
            var i = of(d);
            i.Raw &= ~((uint)(v & m) & i.Implemented);
            i.Update();
        }),
    ];
}
