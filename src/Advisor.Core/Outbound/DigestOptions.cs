namespace Advisor.Core.Outbound;

/// <summary>
/// Settings under "Advisor:Digest": the weekly digest to an admin channel on each platform (off by default). Checked at
/// start by <see cref="DigestOptionsValidator"/>; that every channel's platform runs in this worker is checked when
/// the scheduler starts.
/// </summary>
public sealed class DigestOptions
{
    public const string SectionName = "Advisor:Digest";

    /// <summary>Sends the digest every week (default false).</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// The admin channel of each platform, by the platform's name: <c>Advisor:Digest:Channels:slack = C0123ABCD</c>,
    /// <c>Advisor:Digest:Channels:discord = 123456789012345678</c>. One or several.
    /// </summary>
    public Dictionary<string, string> Channels { get; set; } = [];

    /// <summary>The day it is sent (UTC; default Monday).</summary>
    public DayOfWeek Day { get; set; } = DayOfWeek.Monday;

    /// <summary>The hour it is sent, 0–23 (UTC; default 9).</summary>
    public int Hour { get; set; } = 9;

    /// <summary>The web app's public base URL (<c>https://advisor.example.com</c>): the digest links its gap report on the Insights page.</summary>
    public string? WebUrl { get; set; }

    /// <summary>The largest gap groups listed (1–20; default 5).</summary>
    public int TopGaps { get; set; } = 5;

    /// <summary>
    /// How long after its time a digest is still sent, 1–167 hours (default 24): by a worker that was not running then,
    /// and by the retries of one that could not post it. Later than that it is skipped (logged), and the next week's goes out on time.
    /// </summary>
    public int CatchUpHours { get; set; } = 24;

    /// <summary>The channels by lower-case platform name, blank entries left out.</summary>
    public IReadOnlyDictionary<string, string> Targets =>
        Channels.Where(kv => !string.IsNullOrWhiteSpace(kv.Value))
            .ToDictionary(kv => kv.Key.Trim().ToLowerInvariant(), kv => kv.Value.Trim(), StringComparer.Ordinal);

    /// <summary>The web app's base URL, or null when unset.</summary>
    public Uri? WebBase => Uri.TryCreate(WebUrl, UriKind.Absolute, out var url) ? url : null;
}
