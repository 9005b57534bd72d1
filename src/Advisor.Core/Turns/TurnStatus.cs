namespace Advisor.Core.Turns;

/// <summary>How a turn ended.</summary>
public enum TurnStatus
{
    /// <summary>The answer was delivered (and the turn kept, when <see cref="TurnOutcome.TurnId"/> is set).</summary>
    Answered,

    /// <summary>The answer was composed but could not be delivered: nothing was kept.</summary>
    NotDelivered,

    /// <summary>Answering failed; the asker got the apology.</summary>
    Failed,

    /// <summary>Not answered: invalid or over the limit (the asker was told, or had been).</summary>
    Refused,

    /// <summary>A repeat of a message taken on before, or one answered before a restart: nothing was done.</summary>
    Repeat,

    /// <summary>A message in a thread without a mention, where the bot takes no part: left alone.</summary>
    NotForTheBot,

    /// <summary>A message without a mention in a conversation the bot takes part in, with no question in it (no text): left alone.</summary>
    NoQuestion,
}
