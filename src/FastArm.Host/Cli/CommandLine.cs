namespace FastArm.Host.Cli;

/// <summary>The `fastarm` command line.</summary>
public static class CommandLine
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("fastarm: no commands yet");
        return 2;
    }
}
