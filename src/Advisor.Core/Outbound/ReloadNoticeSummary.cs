namespace Advisor.Core.Outbound;

/// <summary>What the notices after one reload came to (also the one log line).</summary>
/// <param name="Version">The knowledge version the reload served.</param>
/// <param name="Matched">Conversations whose last answer cited an updated section (the ones over the cap included).</param>
/// <param name="Sent">Told.</param>
/// <param name="NoPlace">Without a thread or channel of their own to post in.</param>
/// <param name="NoSender">Of a platform that does not run here (the web page, the console).</param>
/// <param name="AlreadyTold">Told before (by another replica, or an earlier run of the same reload).</param>
/// <param name="NotDelivered">Not delivered after every try (each logged with the reason).</param>
/// <param name="OverLimit">Not considered: over <see cref="ReloadNoticeOptions.MaxConversations"/>.</param>
public sealed record ReloadNoticeSummary(string Version, int Matched, int Sent, int NoPlace, int NoSender, int AlreadyTold, int NotDelivered, int OverLimit)
{
    /// <summary>Nothing to tell.</summary>
    public static ReloadNoticeSummary Nothing(string version) => new(version, 0, 0, 0, 0, 0, 0, 0);
}
