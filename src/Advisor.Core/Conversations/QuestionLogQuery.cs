namespace Advisor.Core.Conversations;

/// <summary>Which question log entries to read (all conditions apply).</summary>
public sealed record QuestionLogQuery
{
    /// <summary>Only entries of this user hash.</summary>
    public string? UserHash { get; init; }

    /// <summary>Only entries recorded at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>At most this many entries (newest first).</summary>
    public int Limit { get; init; } = 1000;

    /// <summary>Everything, up to <see cref="Limit"/>.</summary>
    public static QuestionLogQuery All { get; } = new();
}
