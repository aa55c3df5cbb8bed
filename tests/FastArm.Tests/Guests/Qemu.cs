using System.Diagnostics;
using FastArm.Tests.Support;

namespace FastArm.Tests.Guests;

/// <summary>
/// The reference: <c>qemu-system-aarch64 -M virt -cpu max -semihosting -nographic -kernel X.elf</c>. Semihosting
/// console output goes to a file chardev, so QEMU's own messages (on stderr) never mix with the guest's.
/// </summary>
public static class Qemu
{
    public const string Binary = "qemu-system-aarch64";

    public static bool Available => CrossTools.Which(Binary) != null;

    public static void Require()
    {
        if (!Available) NUnit.Framework.Assert.Ignore($"{Binary} is not installed (apt-get install qemu-system-arm)");
    }

    /// <summary>Runs <paramref name="elf"/> to its semihosting exit, or kills it at <paramref name="timeout"/>.</summary>
    public static GuestRun Run(string elf, TimeSpan timeout)
    {
        Require();
        string outFile = Path.Combine(Path.GetTempPath(), $"fastarm-qemu-{Environment.ProcessId}-{Guid.NewGuid():N}.txt");
        var psi = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
                 {
                     "-M", "virt", "-cpu", "max", "-m", "128M", "-nographic", "-no-reboot",
                     "-chardev", $"file,id=semihost,path={outFile}",
                     "-semihosting-config", "enable=on,target=native,chardev=semihost",
                     "-kernel", elf,
                 })
            psi.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        try
        {
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            bool exited = p.WaitForExit(timeout);
            if (!exited)
            {
                try { p.Kill(true); } catch (InvalidOperationException) { }
                p.WaitForExit();
            }
            clock.Stop();
            string output = File.Exists(outFile) ? File.ReadAllText(outFile) : "";
            return new GuestRun(output, exited ? p.ExitCode : null, !exited, clock.Elapsed, (stdout.Result + stderr.Result).Trim());
        }
        finally { File.Delete(outFile); }
    }
}
