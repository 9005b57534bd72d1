using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Advisor.Core.Conversations;

/// <summary>
/// Turns a platform user id into the only form that is ever stored: HMAC-SHA256 of <c>"platform:id"</c> under a secret
/// salt, as 64 lowercase hex digits. The same salt gives the same hash, so <c>advisor forget --user slack:U123</c> finds
/// the user's entries; without the salt the hash cannot be traced back to the id (nor recomputed from a guessed id).
/// </summary>
public sealed class UserHasher
{
    /// <summary>The shortest salt accepted, in bytes.</summary>
    public const int MinSaltBytes = 16;

    private readonly byte[] _salt;

    /// <summary>A hasher with the given salt (at least <see cref="MinSaltBytes"/> bytes).</summary>
    public UserHasher(ReadOnlySpan<byte> salt)
    {
        if (salt.Length < MinSaltBytes)
        {
            throw new ArgumentException($"The user hash salt must be at least {MinSaltBytes} bytes.", nameof(salt));
        }

        _salt = salt.ToArray();
    }

    /// <summary>A hasher with a random salt that lives as long as the process (for state that is not kept either).</summary>
    public static UserHasher Ephemeral() => new(RandomNumberGenerator.GetBytes(32));

    /// <summary>The hash of a user: HMAC-SHA256(salt, "platform:id") in lowercase hex. The platform is lowercased; the id is taken as given.</summary>
    public string Hash(string platform, string userId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(platform);
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        var data = Encoding.UTF8.GetBytes($"{platform.Trim().ToLowerInvariant()}:{userId.Trim()}");
        return Convert.ToHexStringLower(HMACSHA256.HashData(_salt, data));
    }

    /// <summary>Reads <c>"platform:id"</c> (e.g. <c>slack:U0123ABCD</c>, <c>discord:80351110224678912</c>); false when either part is missing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out string? platform, [NotNullWhen(true)] out string? userId)
    {
        platform = null;
        userId = null;
        var colon = text?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (text is null || colon <= 0 || colon == text.Length - 1)
        {
            return false;
        }

        platform = text[..colon].Trim().ToLowerInvariant();
        userId = text[(colon + 1)..].Trim();
        return platform.Length > 0 && userId.Length > 0;
    }
}
