using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Advisor.Host.Web;

/// <summary>
/// The admin's login on the web pages: a cookie holding an expiry time and its HMAC-SHA256 under a key derived from
/// the admin token (so the token is never in the cookie, and changing the token ends every login). The API keeps the
/// bearer token. Tokens are compared in constant time (on their SHA-256, so their lengths do not show either).
/// </summary>
internal sealed class AdminSession
{
    public const string CookieName = "advisor_admin";

    // Failed logins allowed per client address per window; the rest are refused (429) until the window ends.
    internal const int FailuresPerWindow = 10;
    internal static readonly TimeSpan FailureWindow = TimeSpan.FromMinutes(1);

    private readonly byte[]? _tokenHash;
    private readonly byte[]? _key;
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<IPAddress, Failures> _failures = new();

    public AdminSession(string? token, TimeSpan lifetime, TimeProvider time)
    {
        _lifetime = lifetime;
        _time = time;
        if (!string.IsNullOrEmpty(token))
        {
            _tokenHash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
            _key = HMACSHA256.HashData(Encoding.UTF8.GetBytes(token), "advisor web admin login v1"u8);
        }
    }

    /// <summary>False when no admin token is configured: nobody can log in, the admin pages say how to turn them on.</summary>
    public bool Enabled => _key is not null;

    public TimeSpan Lifetime => _lifetime;

    /// <summary>True when <paramref name="given"/> is the admin token.</summary>
    public bool IsToken(string? given) =>
        _tokenHash is not null && given is not null
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given.Trim())), _tokenHash);

    /// <summary>A cookie value for a login made now: <c>{expiry unix seconds}.{base64url HMAC}</c>.</summary>
    public string Issue()
    {
        var expires = _time.GetUtcNow().Add(_lifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return expires + "." + WebEncoders.Base64UrlEncode(Sign(expires));
    }

    /// <summary>True when the request carries an admin login cookie that is ours and not expired, or the bearer token.</summary>
    public bool IsAdmin(HttpContext context)
    {
        if (!Enabled)
        {
            return false;
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && IsToken(header["Bearer ".Length..]))
        {
            return true;
        }

        return context.Request.Cookies.TryGetValue(CookieName, out var cookie) && Verify(cookie);
    }

    internal bool Verify(string? cookie)
    {
        if (_key is null || cookie is null || cookie.Length > 200)
        {
            return false;
        }

        var dot = cookie.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !long.TryParse(cookie.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
        {
            return false;
        }

        byte[] mac;
        try
        {
            mac = WebEncoders.Base64UrlDecode(cookie[(dot + 1)..]);
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(mac, Sign(cookie[..dot])) && _time.GetUtcNow().ToUnixTimeSeconds() < expires;
    }

    /// <summary>The cookie's options: HTTP-only, SameSite=Strict, Secure on HTTPS, for the whole site.</summary>
    public CookieOptions CookieOptions(HttpContext context, bool expired = false) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = "/",
        IsEssential = true,
        MaxAge = expired ? TimeSpan.Zero : _lifetime,
    };

    /// <summary>False when this address failed to log in too often in the current window.</summary>
    public bool MayTry(IPAddress? address)
    {
        if (address is null || !_failures.TryGetValue(address, out var failures))
        {
            return true;
        }

        lock (failures)
        {
            return _time.GetUtcNow() - failures.WindowStart >= FailureWindow || failures.Count < FailuresPerWindow;
        }
    }

    /// <summary>Counts a failed login from an address.</summary>
    public void Failed(IPAddress? address)
    {
        if (address is null)
        {
            return;
        }

        if (_failures.Count > 10_000)
        {
            _failures.Clear(); // a flood from many addresses: forget rather than grow
        }

        var failures = _failures.GetOrAdd(address, _ => new Failures());
        var now = _time.GetUtcNow();
        lock (failures)
        {
            if (now - failures.WindowStart >= FailureWindow)
            {
                failures.WindowStart = now;
                failures.Count = 0;
            }

            failures.Count++;
        }
    }

    private byte[] Sign(string value) => HMACSHA256.HashData(_key!, Encoding.UTF8.GetBytes(value));

    private sealed class Failures
    {
        public DateTimeOffset WindowStart { get; set; }

        public int Count { get; set; }
    }
}
