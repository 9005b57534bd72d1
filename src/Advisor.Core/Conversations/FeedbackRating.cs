namespace Advisor.Core.Conversations;

/// <summary>Thumbs up or down.</summary>
public enum FeedbackRating
{
    /// <summary>The answer helped.</summary>
    Up,

    /// <summary>The answer did not help.</summary>
    Down,
}
