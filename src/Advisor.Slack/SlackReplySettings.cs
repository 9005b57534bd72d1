using Microsoft.Extensions.Options;

namespace Advisor.Slack;

/// <summary>
/// What a <see cref="SlackThreadReply"/> needs beyond its message: progress and streaming settings (from
/// <see cref="SlackOptions"/>), the clock, and what this process learnt about assistant.threads.setStatus.
/// </summary>
internal sealed record SlackReplySettings(
    SlackProgressMode Progress,
    TimeSpan ProgressDelay,
    string ProgressStatus,
    bool StreamAnswers,
    TimeSpan StreamInterval,
    SlackStatusSupport Status,
    TimeProvider Time)
{
    /// <summary>The least time between two chat.update calls of the post-and-update fallback (chat.update is Tier 3, ~50 a minute).</summary>
    public static readonly TimeSpan MinUpdateInterval = TimeSpan.FromMilliseconds(1200);

    /// <summary>The agent sessions (for renaming one when its topic changes); none: no renames.</summary>
    public SlackAgentSessions? Sessions { get; init; }

    /// <summary>Progress as before this feature (the reaction at once), no streaming: for callers that give no settings.</summary>
    public static SlackReplySettings Default { get; } = new(SlackProgressMode.Reaction, TimeSpan.Zero, "is thinking…", false,
        TimeSpan.FromSeconds(1), new SlackStatusSupport(), TimeProvider.System);

    public static SlackReplySettings From(IOptions<SlackOptions> options, SlackStatusSupport status, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        return new SlackReplySettings(o.Progress, TimeSpan.FromMilliseconds(o.ProgressDelayMilliseconds), o.ProgressStatus, o.StreamAnswers,
            TimeSpan.FromMilliseconds(o.StreamIntervalMilliseconds), status, time);
    }
}
