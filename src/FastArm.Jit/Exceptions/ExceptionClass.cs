namespace FastArm.Jit.Exceptions;

/// <summary>ESR_ELx.EC values (Arm ARM D17.2.37).</summary>
public static class ExceptionClass
{
    public const uint Unknown = 0x00;
    public const uint WfxTrap = 0x01;
    public const uint FpAccessTrap = 0x07;
    public const uint IllegalState = 0x0E;
    public const uint Svc64 = 0x15;
    public const uint Hvc64 = 0x16;
    public const uint Smc64 = 0x17;
    public const uint SysRegTrap = 0x18;
    public const uint InstructionAbortLower = 0x20;
    public const uint InstructionAbortSame = 0x21;
    public const uint PcAlignment = 0x22;
    public const uint DataAbortLower = 0x24;
    public const uint DataAbortSame = 0x25;
    public const uint SpAlignment = 0x26;
    public const uint FpException64 = 0x2C;
    public const uint SError = 0x2F;
    public const uint BreakpointLower = 0x30;
    public const uint BreakpointSame = 0x31;
    public const uint SoftwareStepLower = 0x32;
    public const uint SoftwareStepSame = 0x33;
    public const uint WatchpointLower = 0x34;
    public const uint WatchpointSame = 0x35;
    public const uint Brk64 = 0x3C;
}

/// <summary>The fault status codes of DFSC/IFSC (Arm ARM D17.2.40, ISS encoding for data aborts).</summary>
public static class FaultStatus
{
    public const uint AddressSizeL0 = 0x00;      // + level
    public const uint TranslationL0 = 0x04;      // + level
    public const uint AccessFlagL0 = 0x08;       // + level
    public const uint PermissionL0 = 0x0C;       // + level
    public const uint SyncExternal = 0x10;
    public const uint SyncExternalWalkL0 = 0x14; // + level
    public const uint Alignment = 0x21;
    public const uint TlbConflict = 0x30;
    /// <summary>Level -1 faults with FEAT_LPA2 use their own codes.</summary>
    public const uint AddressSizeLm1 = 0x29, TranslationLm1 = 0x2B;
}

/// <summary>Where an exception enters, as an offset from VBAR_ELx (Arm ARM D1.10.2).</summary>
public enum ExceptionKind { Synchronous = 0, Irq = 1, Fiq = 2, SError = 3 }
