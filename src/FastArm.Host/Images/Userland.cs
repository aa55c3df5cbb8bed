namespace FastArm.Host.Images;

/// <summary>One file of the initramfs beyond busybox and /init: where it goes, its bytes, its Unix mode bits.</summary>
public readonly record struct GuestFile(string Path, byte[] Data, uint Mode);

/// <summary>Debian's arm64 packages as the userland collector sees them (<see cref="GuestImages"/> fetches them with apt-get download).</summary>
public interface IPackageSource
{
    /// <summary>The directory package <paramref name="package"/> is unpacked in, fetching it first if need be; null with <paramref name="error"/> on failure.</summary>
    string? Unpack(string package, out string? error);

    /// <summary>The packages <paramref name="package"/> depends on (Pre-Depends and Depends, the first of each set of alternatives).</summary>
    IReadOnlyList<string> Depends(string package);
}

/// <summary>
/// The dynamically linked Debian programs the initramfs carries beside busybox (Debian 12's busybox-static has no
/// bc applet), with everything the dynamic loader needs to start them: the loader named by each program's
/// PT_INTERP at that path, and the closure of DT_NEEDED libraries at the paths their packages install them
/// (/lib/aarch64-linux-gnu, searched by Debian's loader without an ld.so.cache). A soname is looked for in the
/// packages already unpacked, then among the dependencies of the package that needs it: first the one Debian's
/// library package naming gives (libreadline.so.8 → libreadline8), then the other lib* dependencies.
/// </summary>
public static class Userland
{
    /// <summary>The programs: Debian package and the path inside it.</summary>
    public static readonly IReadOnlyList<(string Package, string Path)> Programs = [("bc", "usr/bin/bc")];

    /// <summary>Directories Debian's arm64 loader searches, best first (multiarch, then the plain ones).</summary>
    private static readonly string[] LibraryDirs = ["lib/aarch64-linux-gnu", "usr/lib/aarch64-linux-gnu", "lib", "usr/lib"];

    /// <summary>
    /// Collects <paramref name="programs"/> with their loader and libraries. Returns null and the files (real
    /// files: symbolic links are followed inside their package) on success, else a one-line error.
    /// </summary>
    public static string? Collect(IPackageSource source, IEnumerable<(string Package, string Path)> programs,
        out List<(string Path, string HostFile)> files, TextWriter? log = null)
    {
        files = [];
        var added = new HashSet<string>(StringComparer.Ordinal);
        var provided = new HashSet<string>(StringComparer.Ordinal);
        var unpacked = new Dictionary<string, string>(StringComparer.Ordinal);
        var queue = new Queue<(string HostFile, string Package)>();
        var result = files;

        string? Unpack(string pkg, out string? root)
        {
            if (unpacked.TryGetValue(pkg, out root)) return null;
            root = source.Unpack(pkg, out string? error);
            if (root == null) return error ?? $"cannot unpack {pkg}";
            log?.WriteLine($"fastarm: userland: {pkg}");
            unpacked[pkg] = root;
            return null;
        }

        string? Add(string root, string relPath, string pkg)
        {
            string? real = ResolveInside(root, Path.Combine(root, relPath));
            if (real == null) return $"{pkg}: {relPath} is a link that leaves the package";
            if (!added.Add(relPath)) return null;
            result.Add((relPath, real));
            provided.Add(Path.GetFileName(relPath));
            queue.Enqueue((real, pkg));
            return null;
        }

        // Looks in the unpacked packages, then in the owner's dependencies, for a file found by `find`.
        string? Locate(string what, string owner, Func<string, string?> find, Func<string, bool> likely)
        {
            foreach (var (pkg, root) in unpacked)
                if (find(root) is { } rel) return Add(root, rel, pkg);
            var deps = source.Depends(owner).Where(d => !unpacked.ContainsKey(d)).ToList();
            foreach (var pkg in deps.Where(likely).Concat(deps.Where(d => !likely(d) && d.StartsWith("lib", StringComparison.Ordinal))))
            {
                if (Unpack(pkg, out string? root) is { } error) return error;
                if (find(root!) is { } rel) return Add(root!, rel, pkg);
            }
            return $"no package that {owner} depends on holds {what}";
        }

        foreach (var (pkg, path) in programs)
        {
            if (Unpack(pkg, out string? root) is { } error) return error;
            if (!Exists(Path.Combine(root!, path))) return $"{pkg} holds no {path}";
            if (Add(root!, path, pkg) is { } e2) return e2;
        }

        while (queue.TryDequeue(out var item))
        {
            byte[] bytes = File.ReadAllBytes(item.HostFile);
            if (!ElfDynamic.IsElf64(bytes)) continue;
            ElfDynamicInfo info;
            try { info = ElfDynamic.Read(bytes); }
            catch (InvalidDataException e) { return $"{item.Package}: {Path.GetFileName(item.HostFile)}: {e.Message}"; }

            // The loader first, so that libc's DT_NEEDED on it finds it already there.
            if (info.Interpreter is { } interp && !added.Contains(interp.TrimStart('/')))
            {
                string rel = interp.TrimStart('/');
                if (Locate(interp, item.Package, root => Exists(Path.Combine(root, rel)) ? rel : null,
                        pkg => pkg.StartsWith("libc6", StringComparison.Ordinal)) is { } error)
                    return error;
            }
            foreach (var soname in info.Needed)
            {
                if (provided.Contains(soname)) continue;
                if (Locate(soname, item.Package, root => FindLibrary(root, soname), pkg => PackageFor(soname, pkg)) is { } error)
                    return error;
            }
        }
        return null;
    }

    /// <summary>
    /// Whether <paramref name="package"/> is the one Debian's naming gives <paramref name="soname"/>: the soname
    /// without ".so" and punctuation (libreadline.so.8 → libreadline8, libgcc_s.so.1 → libgcc-s1, libc.so.6 → libc6).
    /// </summary>
    public static bool PackageFor(string soname, string package) => Squash(soname.Replace(".so", "")) == Squash(package);

    private static string Squash(string s) => new([.. s.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit)]);

    /// <summary>Parses a Depends field: "libc6 (>= 2.17), libreadline8 (>= 6.0) | libfoo" → libc6, libreadline8.</summary>
    public static IReadOnlyList<string> ParseDepends(string field) =>
        [.. field.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => d.Split('|')[0].Trim().Split([' ', '('], 2)[0].Split(':')[0])
            .Where(d => d.Length > 0)];

    /// <summary>The path, relative to <paramref name="root"/>, of <paramref name="soname"/> in a directory the loader searches.</summary>
    private static string? FindLibrary(string root, string soname)
    {
        foreach (var dir in LibraryDirs)
            if (Exists(Path.Combine(root, dir, soname))) return dir + "/" + soname;
        return null;
    }

    /// <summary>A file or a symbolic link (dangling or not).</summary>
    private static bool Exists(string path) => File.Exists(path) || new FileInfo(path).LinkTarget != null;

    /// <summary>Follows symbolic links, reading absolute targets as relative to the package root; null if one leaves it.</summary>
    private static string? ResolveInside(string root, string path)
    {
        string top = Path.GetFullPath(root).TrimEnd('/') + "/";
        for (int hops = 0; hops < 16; hops++)
        {
            string? target = new FileInfo(path).LinkTarget;
            if (target == null) return File.Exists(path) ? path : null;
            path = Path.GetFullPath(target.StartsWith('/')
                ? Path.Combine(top, target.TrimStart('/'))
                : Path.Combine(Path.GetDirectoryName(path)!, target));
            if (!path.StartsWith(top, StringComparison.Ordinal)) return null;
        }
        return null;
    }

    /// <summary>Replaces <paramref name="dir"/> with the collected files at their paths, keeping their Unix modes.</summary>
    public static void Write(IEnumerable<(string Path, string HostFile)> files, string dir)
    {
        string tmp = dir.TrimEnd('/') + ".new";
        if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
        foreach (var (rel, host) in files)
        {
            string dest = Path.Combine(tmp, rel);
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(host, dest);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dest, File.GetUnixFileMode(host));
        }
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.Move(tmp, dir);
    }

    /// <summary>Every file below <paramref name="dir"/>, at its path relative to it (empty when the folder is missing).</summary>
    public static IReadOnlyList<GuestFile> Read(string dir)
    {
        if (!Directory.Exists(dir)) return [];
        return [.. Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(f => new GuestFile(
            Path.GetRelativePath(dir, f).Replace('\\', '/'),
            File.ReadAllBytes(f),
            OperatingSystem.IsWindows() ? 0x1EDu : (uint)File.GetUnixFileMode(f) & 0xFFF))];
    }
}
