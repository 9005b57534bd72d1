using System.Security.Cryptography;
using System.Text;

namespace Advisor.Storage;

/// <summary>
/// The salt of user hashes: <see cref="DataOptions.UserHashSalt"/> when set, else a random 32-byte salt generated once
/// and kept in the data folder (<c>user-hash.salt</c>, base64, readable by the owner only).
/// </summary>
internal static class UserHashSalt
{
    public static byte[] Load(DataOptions options)
    {
        if (!string.IsNullOrEmpty(options.UserHashSalt))
        {
            return Encoding.UTF8.GetBytes(options.UserHashSalt);
        }

        var path = options.SaltPath;
        try
        {
            return File.Exists(path) ? Read(path) : Create(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"the user hash salt file {Path.GetFullPath(path)} cannot be read or created: {ex.Message}", ex);
        }
    }

    private static byte[] Read(string path)
    {
        var text = File.ReadAllText(path).Trim();
        var salt = new byte[text.Length];
        if (!Convert.TryFromBase64String(text, salt, out var length) || length < Advisor.Core.Conversations.UserHasher.MinSaltBytes)
        {
            throw new StorageException($"the user hash salt file {Path.GetFullPath(path)} does not hold a base64 salt of at least 16 bytes; restore it from a backup (a new salt makes earlier entries impossible to find by user)");
        }

        return salt[..length];
    }

    private static byte[] Create(string path)
    {
        DataFolder.Ensure(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var salt = RandomNumberGenerator.GetBytes(32);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var stream = new FileStream(path, options);
            using var writer = new StreamWriter(stream, new UTF8Encoding(false));
            writer.WriteLine(Convert.ToBase64String(salt));
        }
        catch (IOException) when (File.Exists(path))
        {
            return Read(path); // another process created it first: use theirs
        }

        return salt;
    }
}
