using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Advisor.Slack;

/// <summary>Slack's v0 request signature: HMAC-SHA256 over "v0:{timestamp}:{raw body}" with the signing secret.</summary>
public static class SlackSignature
{
    /// <summary>Requests older or newer than this are refused as replays.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    /// <summary>"v0=" + lower-case hex of the signature of a body.</summary>
    public static string Compute(string signingSecret, string timestamp, ReadOnlySpan<byte> rawBody)
    {
        var prefix = Encoding.UTF8.GetBytes("v0:" + timestamp + ":");
        var data = new byte[prefix.Length + rawBody.Length];
        prefix.CopyTo(data, 0);
        rawBody.CopyTo(data.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingSecret), data);
        return "v0=" + Convert.ToHexStringLower(mac);
    }

    /// <summary>Null when the request is authentic and fresh, else why it is not (for the log; never echo it to the caller).</summary>
    public static string? Problem(string signingSecret, string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> rawBody, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(timestampHeader) || string.IsNullOrEmpty(signatureHeader))
        {
            return "missing X-Slack-Request-Timestamp or X-Slack-Signature";
        }

        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return "timestamp is not a number";
        }

        var age = now - DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (age.Duration() > Window)
        {
            return "timestamp outside the 5-minute window";
        }

        if (!signatureHeader.StartsWith("v0=", StringComparison.Ordinal) || signatureHeader.Length != 3 + 64)
        {
            return "signature is not v0=<64 hex>";
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(signatureHeader.AsSpan(3));
        }
        catch (FormatException)
        {
            return "signature is not hex";
        }

        var expected = Convert.FromHexString(Compute(signingSecret, timestampHeader, rawBody).AsSpan(3));
        return CryptographicOperations.FixedTimeEquals(given, expected) ? null : "signature mismatch";
    }
}
