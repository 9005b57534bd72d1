using Advisor.Core.Conversations;
using Microsoft.Data.Sqlite;

namespace Advisor.Storage.Tests;

public sealed class UserHasherTests
{
    [Fact]
    public void The_hash_is_hmac_sha256_of_platform_and_id_under_the_salt()
    {
        var salt = "0123456789abcdef"u8.ToArray();
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(salt, "slack:U0123ABCD"u8.ToArray()));

        Assert.Equal(expected, new UserHasher(salt).Hash("slack", "U0123ABCD"));
        Assert.Equal(expected, new UserHasher(salt).Hash(" Slack ", "U0123ABCD")); // the platform's case does not matter
        Assert.Matches("^[0-9a-f]{64}$", expected);
    }

    [Fact]
    public void Another_salt_platform_or_id_gives_another_hash()
    {
        var a = new UserHasher("0123456789abcdef"u8);
        var b = new UserHasher("fedcba9876543210"u8);

        Assert.NotEqual(a.Hash("slack", "U1"), b.Hash("slack", "U1"));
        Assert.NotEqual(a.Hash("slack", "U1"), a.Hash("discord", "U1"));
        Assert.NotEqual(a.Hash("slack", "U1"), a.Hash("slack", "u1")); // ids are case-sensitive
    }

    [Fact]
    public void A_short_salt_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new UserHasher("too short"u8));
    }

    [Theory]
    [InlineData("slack:U0123ABCD", "slack", "U0123ABCD")]
    [InlineData("Discord:80351110224678912", "discord", "80351110224678912")]
    [InlineData("slack:T1:U2", "slack", "T1:U2")]
    public void Platform_and_id_are_read_from_platform_colon_id(string text, string platform, string id)
    {
        Assert.True(UserHasher.TryParse(text, out var p, out var u));
        Assert.Equal(platform, p);
        Assert.Equal(id, u);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("U0123ABCD")]
    [InlineData(":U1")]
    [InlineData("slack:")]
    [InlineData("slack:  ")]
    public void Text_without_both_parts_is_not_a_platform_user(string? text)
    {
        Assert.False(UserHasher.TryParse(text, out _, out _));
    }
}

public sealed class UserHashSaltTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "advisor-salt-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public void Without_a_setting_a_random_salt_is_generated_once_and_kept_owner_readable()
    {
        var options = new DataOptions { Folder = Path.Combine(_folder, "data") };

        var first = UserHashSalt.Load(options);
        var second = UserHashSalt.Load(options);

        Assert.Equal(32, first.Length);
        Assert.Equal(first, second);
        Assert.NotEqual(first, UserHashSalt.Load(new DataOptions { Folder = Path.Combine(_folder, "other") }));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(options.SaltPath));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(options.Folder));
        }
    }

    [Fact]
    public void The_setting_wins_and_no_file_is_written()
    {
        var options = new DataOptions { Folder = _folder, UserHashSalt = "a salt from the settings" };

        Assert.Equal("a salt from the settings"u8.ToArray(), UserHashSalt.Load(options));
        Assert.False(File.Exists(options.SaltPath));
    }

    [Fact]
    public void A_damaged_salt_file_is_refused_naming_the_file_rather_than_replaced()
    {
        Directory.CreateDirectory(_folder);
        var options = new DataOptions { Folder = _folder };
        File.WriteAllText(options.SaltPath, "c2hvcnQ=\n"); // base64 of 5 bytes

        var ex = Assert.Throws<StorageException>(() => UserHashSalt.Load(options));

        Assert.Contains(options.SaltPath, ex.Message, StringComparison.Ordinal);
        Assert.Equal("c2hvcnQ=\n", File.ReadAllText(options.SaltPath));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
