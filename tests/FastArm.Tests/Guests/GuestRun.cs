namespace FastArm.Tests.Guests;

/// <summary>What a bare-metal guest did: its semihosting console output and how it ended.</summary>
public sealed record GuestRun(string Output, int? ExitCode, bool TimedOut, TimeSpan Elapsed, string Diagnostics = "")
{
    public string Describe() =>
        TimedOut ? $"timed out after {Elapsed.TotalSeconds:F1}s" : ExitCode is int c ? $"exit code {c}" : "no exit code";
}
