namespace Advisor.Core.Turns;

/// <summary>Why a reply is a notice instead of an answer.</summary>
public enum NoticeKind
{
    /// <summary>The question cannot be asked (empty, too long).</summary>
    Invalid,

    /// <summary>The asker is over the per-user limit.</summary>
    RateLimited,

    /// <summary>The work queue is full.</summary>
    Busy,

    /// <summary>Shutdown has begun.</summary>
    Restarting,

    /// <summary>Answering failed inside the bot.</summary>
    Apology,
}
