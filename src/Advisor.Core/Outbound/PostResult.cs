namespace Advisor.Core.Outbound;

/// <summary>What a platform sender says of one message it was given: its status and, when it did not go, why.</summary>
/// <param name="Status">Sent, not delivered, or nowhere to send it.</param>
/// <param name="Problem">Why it was not sent (for the log line): the platform's error, "no thread", …; null when sent.</param>
public sealed record PostResult(PostStatus Status, string? Problem = null)
{
    /// <summary>Sent.</summary>
    public static PostResult Sent { get; } = new(PostStatus.Sent);

    /// <summary>Not delivered, because of <paramref name="problem"/>.</summary>
    public static PostResult Failed(string problem) => new(PostStatus.NotDelivered, problem);

    /// <summary>Nowhere to send it, because of <paramref name="why"/>.</summary>
    public static PostResult Nowhere(string why) => new(PostStatus.NoPlace, why);
}
