namespace Advisor.Core.Conversations;

/// <summary>A user's feedback on a turn: thumbs up or down, with optional words.</summary>
public sealed record TurnFeedback(FeedbackRating Rating, string? Text = null)
{
    /// <summary>The longest feedback text kept, in characters (longer is cut).</summary>
    public const int MaxTextLength = 2000;

    /// <summary>The feedback as it is kept: text trimmed, cut to <see cref="MaxTextLength"/>, null when blank.</summary>
    public TurnFeedback Normalized()
    {
        var text = Text?.Trim();
        return this with { Text = string.IsNullOrEmpty(text) ? null : text.Length > MaxTextLength ? text[..MaxTextLength] : text };
    }
}
