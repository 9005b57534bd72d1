using System.ComponentModel.DataAnnotations;

namespace Advisor.Core.Conversations;

/// <summary>Settings under "Advisor:Conversations".</summary>
public sealed class ConversationOptions
{
    public const string SectionName = "Advisor:Conversations";

    /// <summary>Earlier turns kept per conversation and handed to the core (default 6).</summary>
    [Range(0, 50)]
    public int MaxTurns { get; set; } = 6;

    /// <summary>A conversation idle longer than this is forgotten (default 2 hours).</summary>
    [Range(1, 7 * 24 * 60)]
    public int IdleMinutes { get; set; } = 120;

    /// <summary>Conversations kept at most; the least recently used go first (default 10,000).</summary>
    [Range(1, 10_000_000)]
    public int MaxConversations { get; set; } = 10_000;

    /// <summary>Questions one user may ask per minute on a chat platform (default 10).</summary>
    [Range(1, 10_000)]
    public int QuestionsPerUserPerMinute { get; set; } = 10;
}
