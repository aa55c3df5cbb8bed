using System.Text;

namespace FastArm.Host.Images;

/// <summary>
/// Writes a cpio archive in the "newc" format the Linux kernel unpacks as an initramfs
/// (Documentation/driver-api/early-userspace/buffer-format.rst): ASCII hex headers, 4-byte alignment, TRAILER!!!.
/// Device nodes can be written without privileges, which is why FastArm builds its own archive.
/// </summary>
public sealed class CpioWriter
{
    private const uint S_IFDIR = 0x4000, S_IFREG = 0x8000, S_IFLNK = 0xA000, S_IFCHR = 0x2000;
    private readonly MemoryStream _out = new();
    private uint _ino = 300;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public void AddDirectory(string path, uint mode = 0x1ED) => Add(path, S_IFDIR | mode, [], 2);

    public void AddFile(string path, ReadOnlySpan<byte> data, uint mode = 0x1A4) => Add(path, S_IFREG | mode, data, 1);

    public void AddSymlink(string path, string target) => Add(path, S_IFLNK | 0x1FF, Encoding.UTF8.GetBytes(target), 1);

    public void AddCharDevice(string path, uint major, uint minor, uint mode = 0x180) =>
        Add(path, S_IFCHR | mode, [], 1, major, minor);

    public bool Contains(string path) => _names.Contains(path.TrimStart('/'));

    private void Add(string path, uint mode, ReadOnlySpan<byte> data, uint nlink, uint rdevMajor = 0, uint rdevMinor = 0)
    {
        string name = path.TrimStart('/');
        if (name.Length == 0 || name == "TRAILER!!!") throw new ArgumentException($"bad archive path '{path}'");
        if (!_names.Add(name)) throw new ArgumentException($"'{path}' is already in the archive");
        WriteEntry(name, mode, data, nlink, rdevMajor, rdevMinor, _ino++);
    }

    private void WriteEntry(string name, uint mode, ReadOnlySpan<byte> data, uint nlink, uint rdevMajor, uint rdevMinor, uint ino)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name + "\0");
        var header = new StringBuilder("070701");
        foreach (uint field in new uint[] { ino, mode, 0, 0, nlink, 0, (uint)data.Length, 0, 0, rdevMajor, rdevMinor, (uint)nameBytes.Length, 0 })
            header.Append(field.ToString("X8"));
        _out.Write(Encoding.ASCII.GetBytes(header.ToString()));
        _out.Write(nameBytes);
        Pad();
        _out.Write(data);
        Pad();
    }

    private void Pad()
    {
        while (_out.Length % 4 != 0) _out.WriteByte(0);
    }

    public byte[] Finish()
    {
        WriteEntry("TRAILER!!!", 0, [], 1, 0, 0, 0);
        return _out.ToArray();
    }
}
