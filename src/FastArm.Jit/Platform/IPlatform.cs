namespace FastArm.Jit.Platform;

/// <summary>
/// System registers that belong to a device rather than the core: the GIC CPU interface (ICC_*), the generic
/// timer (CNT*). The board registers them with the CPU; the CPU asks them before its own table.
/// </summary>
public interface ISystemRegisterDevice
{
    /// <summary>True when the device owns <paramref name="encoding"/> (see SysRegEncoding).</summary>
    bool Owns(uint encoding);
    ulong Read(Cpu cpu, uint encoding);
    void Write(Cpu cpu, uint encoding, ulong value);
}

/// <summary>
/// Firmware calls answered by the emulator instead of guest code at a higher EL, as QEMU answers PSCI when the
/// machine has no EL2/EL3: an HVC with no EL2, or an SMC with no EL3, goes here first.
/// </summary>
public interface IFirmwareCallHandler
{
    /// <summary>Handles the call (registers in, results out through <paramref name="cpu"/>); false = not a call it knows.</summary>
    bool HandleHvc(Cpu cpu, uint imm16);
    bool HandleSmc(Cpu cpu, uint imm16);
}

/// <summary>Arm semihosting (A64 <c>HLT #0xF000</c>): operation in W0, parameter block address in X1, result in X0.</summary>
public interface ISemihosting
{
    void Handle(Cpu cpu);
}
