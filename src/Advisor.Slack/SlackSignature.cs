using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Advisor.Slack;

/// <summary>Slack's v0 request signature: HMAC-SHA256 over "v0:{timestamp}:{raw body}" with the signing secret.</summary>
public static class SlackSignature
{
    /// <summary>Requests older or newer than this are refused as replays.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private const int MacBytes = 32;

    /// <summary>"v0=" + lower-case hex of the signature of a body.</summary>
    public static string Compute(string signingSecret, string timestamp, ReadOnlySpan<byte> rawBody)
    {
        Span<byte> mac = stackalloc byte[MacBytes];
        Mac(signingSecret, timestamp, rawBody, mac);
        return "v0=" + Convert.ToHexStringLower(mac);
    }

    /// <summary>Null when the request is authentic and fresh, else why it is not (for the log; never echo it to the caller).</summary>
    public static string? Problem(string signingSecret, string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> rawBody, DateTimeOffset now)
    {
        if (HeaderProblem(timestampHeader, signatureHeader, now) is { } problem)
        {
            return problem;
        }

        Span<byte> given = stackalloc byte[MacBytes];
        Convert.FromHexString(signatureHeader!.AsSpan(3), given, out _, out _);
        Span<byte> expected = stackalloc byte[MacBytes];
        Mac(signingSecret, timestampHeader!, rawBody, expected);
        return CryptographicOperations.FixedTimeEquals(given, expected) ? null : "signature mismatch";
    }

    /// <summary>
    /// What can be told from the headers alone (missing, malformed, outside the window), so that a request that can
    /// never pass is refused before its body is read. Null when the headers are well formed and fresh.
    /// </summary>
    public static string? HeaderProblem(string? timestampHeader, string? signatureHeader, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(timestampHeader) || string.IsNullOrEmpty(signatureHeader))
        {
            return "missing X-Slack-Request-Timestamp or X-Slack-Signature";
        }

        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return "timestamp is not a number";
        }

        // (Compared in seconds: a huge number is simply outside the window, never an out-of-range date.)
        if (Math.Abs(now.ToUnixTimeSeconds() - Math.Min(seconds, long.MaxValue / 2)) > (long)Window.TotalSeconds)
        {
            return "timestamp outside the 5-minute window";
        }

        if (!signatureHeader.StartsWith("v0=", StringComparison.Ordinal) || signatureHeader.Length != 3 + (2 * MacBytes))
        {
            return "signature is not v0=<64 hex>";
        }

        Span<byte> given = stackalloc byte[MacBytes];
        if (Convert.FromHexString(signatureHeader.AsSpan(3), given, out _, out var written) != OperationStatus.Done || written != MacBytes)
        {
            return "signature is not hex";
        }

        return null;
    }

    /// <summary>HMAC-SHA256(secret, "v0:" + timestamp + ":" + body), hashed incrementally without copying the body.</summary>
    private static void Mac(string signingSecret, string timestamp, ReadOnlySpan<byte> rawBody, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(signingSecret));
        hmac.AppendData("v0:"u8);
        hmac.AppendData(Encoding.UTF8.GetBytes(timestamp));
        hmac.AppendData(":"u8);
        hmac.AppendData(rawBody);
        hmac.GetHashAndReset(destination);
    }
}
