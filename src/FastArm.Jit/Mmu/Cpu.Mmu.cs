namespace FastArm.Jit;

public sealed unsafe partial class Cpu
{
    private bool _walkerMissingReported;

    // The VMSAv8-64 walker is the boot issue's work (docs/STATUS.md). Until then an enabled MMU faults every
    // access at level 0 rather than pretending to translate.
    private partial bool TranslateWithMmu(ulong va, AccessType type, bool unprivileged, int regime, out ulong pa, out TranslationFault fault)
    {
        if (!_walkerMissingReported)
        {
            _walkerMissingReported = true;
            Trace?.Invoke("SCTLR.M=1 but the stage 1 table walker is not implemented yet: accesses fault");
        }
        pa = 0;
        fault = new TranslationFault(Exceptions.FaultStatus.TranslationL0);
        return false;
    }
}
