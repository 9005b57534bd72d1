namespace Advisor.Core.Turns;

/// <summary>What became of a 👍/👎 click.</summary>
public enum FeedbackOutcome
{
    /// <summary>Kept with its turn (replacing any earlier click).</summary>
    Recorded,

    /// <summary>The id is not a turn's, or the turn is no longer kept (retention, forget): nothing kept.</summary>
    UnknownTurn,

    /// <summary>The store failed; nothing kept.</summary>
    Failed,
}
