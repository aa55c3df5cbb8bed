using System.Globalization;

namespace FastArm.Host.Cli;

/// <summary>A command-line mistake: reported as one line on stderr, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// Reads a command's arguments: <c>--name value</c>, <c>--name=value</c> and flags. Each command declares its
/// options; anything else is an error naming the offending argument.
/// </summary>
public sealed class ArgReader
{
    private readonly string[] _args;
    private int _i;

    public ArgReader(string[] args, int start = 0) { _args = args; _i = start; }

    /// <summary>The next option name (with its leading dashes) and an inline "=value" if there was one; null at the end.</summary>
    public bool Next(out string name, out string? inlineValue)
    {
        inlineValue = null;
        if (_i >= _args.Length) { name = ""; return false; }
        string a = _args[_i++];
        if (!a.StartsWith('-') || a == "-" )
            throw new UsageException($"unexpected argument '{a}'");
        int eq = a.IndexOf('=');
        if (a.StartsWith("--", StringComparison.Ordinal) && eq > 2)
        {
            inlineValue = a[(eq + 1)..];
            a = a[..eq];
        }
        name = a;
        return true;
    }

    /// <summary>The value of option <paramref name="name"/>: the inline one, or the next argument.</summary>
    public string Value(string name, string? inlineValue)
    {
        if (inlineValue != null) return inlineValue;
        if (_i >= _args.Length) throw new UsageException($"{name} needs a value");
        return _args[_i++];
    }

    public static void NoValue(string name, string? inlineValue)
    {
        if (inlineValue != null) throw new UsageException($"{name} takes no value");
    }
}

/// <summary>Number formats of the command line.</summary>
public static class Parse
{
    /// <summary>An address or count: decimal, or hexadecimal with 0x; underscores allowed as separators.</summary>
    public static ulong Number(string option, string text)
    {
        string t = text.Replace("_", "");
        bool ok = t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(t.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong v)
            : ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out v);
        if (!ok || t.Length == 0) throw new UsageException($"{option}: '{text}' is not a number (decimal, or hex with 0x)");
        return v;
    }

    /// <summary>A size: a number with an optional K, M, G or T suffix (powers of 1024; "KiB", "MB" spellings accepted).</summary>
    public static ulong Size(string option, string text)
    {
        string t = text.Trim();
        int end = t.Length;
        while (end > 0 && char.IsLetter(t[end - 1])) end--;
        string unit = t[end..].ToUpperInvariant();
        int shift = unit switch
        {
            "" or "B" => 0,
            "K" or "KB" or "KIB" => 10,
            "M" or "MB" or "MIB" => 20,
            "G" or "GB" or "GIB" => 30,
            "T" or "TB" or "TIB" => 40,
            _ => throw new UsageException($"{option}: unknown size unit in '{text}' (use K, M, G or T)"),
        };
        ulong n = Number(option, t[..end]);
        if (n > ulong.MaxValue >> shift) throw new UsageException($"{option}: '{text}' is too large");
        return n << shift;
    }

    /// <summary>A count with an optional K, M or G suffix (powers of 1000).</summary>
    public static ulong Count(string option, string text)
    {
        string t = text.Trim();
        ulong mul = 1;
        if (t.Length > 0 && char.IsLetter(t[^1]))
        {
            mul = char.ToUpperInvariant(t[^1]) switch
            {
                'K' => 1_000UL,
                'M' => 1_000_000UL,
                'G' => 1_000_000_000UL,
                _ => throw new UsageException($"{option}: unknown suffix in '{text}' (use K, M or G)"),
            };
            t = t[..^1];
        }
        ulong n = Number(option, t);
        if (n > ulong.MaxValue / mul) throw new UsageException($"{option}: '{text}' is too large");
        return n * mul;
    }

    public static double Seconds(string option, string text)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) || !(s > 0) || double.IsInfinity(s))
            throw new UsageException($"{option}: '{text}' is not a positive number of seconds");
        return s;
    }
}
