namespace Advisor.Core.Turns;

/// <summary>A short reply instead of an answer: its kind (an adapter may render kinds differently) and the text for the user.</summary>
public readonly record struct TurnNotice(NoticeKind Kind, string Text)
{
    /// <summary>
    /// The one apology of every platform and command, said when composing or sending an answer failed unexpectedly
    /// (the failure itself is logged, never shown).
    /// </summary>
    public const string ApologyText = "Sorry, something went wrong while answering. Please try again in a moment.";

    /// <summary>What someone whose question did not fit in the work queue is told, on every platform.</summary>
    public const string BusyText = "I'm answering a lot of questions right now and can't take this one. Please ask again in a minute.";

    /// <summary>The apology.</summary>
    public static TurnNotice Apology { get; } = new(NoticeKind.Apology, ApologyText);

    /// <summary>The busy notice.</summary>
    public static TurnNotice Busy { get; } = new(NoticeKind.Busy, BusyText);

    /// <summary>The notice for work offered after shutdown began (<see cref="Hosting.QuestionGate.RestartingText"/>).</summary>
    public static TurnNotice Restarting { get; } = new(NoticeKind.Restarting, Hosting.QuestionGate.RestartingText);
}
