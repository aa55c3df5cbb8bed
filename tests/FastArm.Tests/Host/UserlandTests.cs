using FastArm.Host.Images;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.Host;

/// <summary>
/// The userland the initramfs carries beyond busybox: reading DT_NEEDED/PT_INTERP, choosing Debian packages
/// for sonames, collecting the closure from unpacked packages, and the bundle as fetched for bc.
/// </summary>
public class UserlandTests
{
    private const string CrossLibDir = "/usr/aarch64-linux-gnu/lib";

    /// <summary>A program linked against a shared library with a soname, both cross-compiled (cached per run).</summary>
    private static (string Program, string Library) BuildProgramAndLibrary()
    {
        CrossTools.RequireCompiler();
        if (!File.Exists(Path.Combine(CrossLibDir, "libc.so.6"))) Assert.Ignore("the aarch64 cross libc is not installed (libc6-arm64-cross)");
        string dir = Path.Combine(CrossTools.BuildDir, "userland-" + CrossTools.Hash("prog+libfoo v2"));
        string prog = Path.Combine(dir, "prog"), lib = Path.Combine(dir, "libfoo.so.1.0.0");
        if (File.Exists(prog) && File.Exists(lib)) return (prog, lib);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "foo.c"), "#include <unistd.h>\nint foo(int x) { return x * 7 + (getpid() < 0); }\n");
        File.WriteAllText(Path.Combine(dir, "prog.c"), "#include <stdio.h>\nint foo(int);\nint main(void) { printf(\"%d\\n\", foo(6)); return 0; }\n");
        CrossTools.Run(CrossTools.Prefix + "gcc", $"-shared -fPIC -Wl,-soname,libfoo.so.1 -o {lib} foo.c", dir);
        File.Copy(lib, Path.Combine(dir, "libfoo.so"), overwrite: true);
        CrossTools.Run(CrossTools.Prefix + "gcc", $"-o {prog}.tmp prog.c -L{dir} -lfoo", dir);
        File.Move(prog + ".tmp", prog, overwrite: true);
        return (prog, lib);
    }

    /// <summary>Packages as folders; records which were unpacked.</summary>
    private sealed class FakePackages(string root) : IPackageSource
    {
        public readonly Dictionary<string, string[]> Deps = [];
        public readonly List<string> Unpacked = [];

        public string Dir(string pkg) => Path.Combine(root, pkg);

        public void File(string pkg, string path, string from)
        {
            string dest = Path.Combine(Dir(pkg), path);
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            System.IO.File.Copy(from, dest, overwrite: true);
        }

        public void Link(string pkg, string path, string target)
        {
            string dest = Path.Combine(Dir(pkg), path);
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            if (System.IO.File.Exists(dest) || new FileInfo(dest).LinkTarget != null) System.IO.File.Delete(dest);
            System.IO.File.CreateSymbolicLink(dest, target);
        }

        public string? Unpack(string package, out string? error)
        {
            error = Directory.Exists(Dir(package)) ? null : $"no package {package}";
            if (error != null) return null;
            Unpacked.Add(package);
            return Dir(package);
        }

        public IReadOnlyList<string> Depends(string package) => Deps.TryGetValue(package, out var d) ? d : [];
    }

    private static FakePackages MakePackages(string name)
    {
        var (prog, lib) = BuildProgramAndLibrary();
        string root = Path.Combine(CrossTools.BuildDir, $"userland-pkgs-{name}-{Environment.ProcessId}");
        if (Directory.Exists(root)) Directory.Delete(root, true);
        var p = new FakePackages(root);
        p.File("prog", "usr/bin/prog", prog);
        p.Deps["prog"] = ["libunused1", "libfoo1", "libc6"];
        p.File("libfoo1", "usr/lib/aarch64-linux-gnu/libfoo.so.1.0.0", lib);
        p.Link("libfoo1", "usr/lib/aarch64-linux-gnu/libfoo.so.1", "libfoo.so.1.0.0");
        p.Deps["libfoo1"] = ["libc6"];
        p.File("libc6", "lib/aarch64-linux-gnu/libc.so.6", Path.Combine(CrossLibDir, "libc.so.6"));
        p.File("libc6", "lib/aarch64-linux-gnu/ld-linux-aarch64.so.1", Path.Combine(CrossLibDir, "ld-linux-aarch64.so.1"));
        // As Debian's libc6 ships it: the PT_INTERP path is an absolute link into the multiarch folder.
        p.Link("libc6", "lib/ld-linux-aarch64.so.1", "/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1");
        p.File("libunused1", "usr/lib/aarch64-linux-gnu/libunused.so.1", lib);
        return p;
    }

    [Test]
    public void TheDynamicSectionNamesTheLoaderTheNeededLibrariesAndTheSoname()
    {
        var (prog, lib) = BuildProgramAndLibrary();
        var p = ElfDynamic.Read(File.ReadAllBytes(prog));
        Assert.That(p.Interpreter, Is.EqualTo("/lib/ld-linux-aarch64.so.1"));
        Assert.That(p.Needed, Does.Contain("libfoo.so.1").And.Contain("libc.so.6"));
        Assert.That(p.Needed.ToList().IndexOf("libfoo.so.1"), Is.LessThan(p.Needed.ToList().IndexOf("libc.so.6")), "in link order");
        Assert.That(p.Soname, Is.Null);
        var l = ElfDynamic.Read(File.ReadAllBytes(lib));
        Assert.That(l.Interpreter, Is.Null);
        Assert.That(l.Soname, Is.EqualTo("libfoo.so.1"));
        Assert.That(l.Needed, Does.Contain("libc.so.6"));
    }

    [Test]
    public void MalformedElfFilesAreRejectedWithAReason()
    {
        var (prog, _) = BuildProgramAndLibrary();
        byte[] bytes = File.ReadAllBytes(prog);
        Assert.Throws<InvalidDataException>(() => ElfDynamic.Read(bytes.AsSpan(0, 200)), "program headers cut off");
        Assert.Throws<InvalidDataException>(() => ElfDynamic.Read("#!/bin/sh\n"u8.ToArray()));
        Assert.That(ElfDynamic.IsElf64(bytes), Is.True);
    }

    [TestCase("libreadline.so.8", "libreadline8", true)]
    [TestCase("libc.so.6", "libc6", true)]
    [TestCase("libtinfo.so.6", "libtinfo6", true)]
    [TestCase("libgcc_s.so.1", "libgcc-s1", true)]
    [TestCase("libstdc++.so.6", "libstdc++6", true)]
    [TestCase("libc.so.6", "libcrypt1", false)]
    [TestCase("libreadline.so.8", "readline-common", false)]
    public void DebiansLibraryNamingMapsASonameToItsPackage(string soname, string package, bool match) =>
        Assert.That(Userland.PackageFor(soname, package), Is.EqualTo(match));

    [Test]
    public void ADependsFieldGivesThePackageNamesWithoutVersionsArchitecturesOrAlternatives() =>
        Assert.That(Userland.ParseDepends("libc6 (>= 2.17), libreadline8:arm64 (>= 6.0) | libedit2, debconf"),
            Is.EqualTo(new[] { "libc6", "libreadline8", "debconf" }));

    [Test]
    public void TheClosureHoldsTheProgramTheLoaderAndEveryNeededLibraryAtItsPackagePath()
    {
        var pkgs = MakePackages("closure");
        string? error = Userland.Collect(pkgs, [("prog", "usr/bin/prog")], out var files);
        Assert.That(error, Is.Null);
        var paths = files.Select(f => f.Path).ToList();
        Assert.That(paths, Is.EquivalentTo(new[]
        {
            "usr/bin/prog", "lib/ld-linux-aarch64.so.1", "usr/lib/aarch64-linux-gnu/libfoo.so.1", "lib/aarch64-linux-gnu/libc.so.6",
        }), "libc's own DT_NEEDED on the loader is met by the loader at its PT_INTERP path");
        Assert.That(files.Single(f => f.Path == "usr/lib/aarch64-linux-gnu/libfoo.so.1").HostFile, Does.EndWith("libfoo.so.1.0.0"), "links are followed");
        Assert.That(files.Single(f => f.Path == "lib/ld-linux-aarch64.so.1").HostFile,
            Is.EqualTo(Path.Combine(pkgs.Dir("libc6"), "lib/aarch64-linux-gnu/ld-linux-aarch64.so.1")), "an absolute link stays inside its package");
        Assert.That(pkgs.Unpacked, Does.Not.Contain("libunused1"), "the package Debian's naming gives is tried first");
    }

    [Test]
    public void ALibraryNoDependencyProvidesIsAnErrorNamingIt()
    {
        var pkgs = MakePackages("missing");
        pkgs.Deps["prog"] = ["libc6", "libunused1"];
        string? error = Userland.Collect(pkgs, [("prog", "usr/bin/prog")], out _);
        Assert.That(error, Does.Contain("libfoo.so.1").And.Contain("prog"));
    }

    [Test]
    public void TheBundleIsWrittenWithItsModesAndReadBackForTheInitramfs()
    {
        var pkgs = MakePackages("write");
        Assert.That(Userland.Collect(pkgs, [("prog", "usr/bin/prog")], out var files), Is.Null);
        string dir = Path.Combine(CrossTools.BuildDir, $"userland-out-{Environment.ProcessId}");
        Userland.Write(files, dir);
        Userland.Write(files, dir);   // again: replaces the folder
        var read = Userland.Read(dir);
        Assert.That(read.Select(f => f.Path), Is.EquivalentTo(files.Select(f => f.Path)));
        var prog = read.Single(f => f.Path == "usr/bin/prog");
        Assert.That(prog.Mode & 0x49, Is.Not.Zero, "the program stays executable");
        Assert.That(prog.Data, Is.EqualTo(File.ReadAllBytes(pkgs.Dir("prog") + "/usr/bin/prog")));
        Directory.Delete(dir, true);
    }

    [Test]
    public void TheFetchedBcBundleMeetsEveryNeedOfItsFiles()
    {
        var images = GuestImages.Default();
        if (!images.Present) Assert.Ignore("the guest images are not fetched (./fastarm images fetch)");
        var files = images.UserlandFiles();
        Assert.That(files.Select(f => f.Path), Does.Contain("usr/bin/bc"));
        var names = files.Select(f => Path.GetFileName(f.Path)).ToHashSet();
        foreach (var f in files.Where(f => ElfDynamic.IsElf64(f.Data)))
        {
            var info = ElfDynamic.Read(f.Data);
            if (info.Interpreter != null) Assert.That(files.Any(g => "/" + g.Path == info.Interpreter), Is.True, $"{f.Path}: loader {info.Interpreter}");
            foreach (var n in info.Needed) Assert.That(names, Does.Contain(n), $"{f.Path} needs {n}");
        }
        Assert.That(files.Single(f => f.Path == "usr/bin/bc").Mode & 0x1FF, Is.EqualTo(0x1EDu), "rwxr-xr-x");
    }
}
