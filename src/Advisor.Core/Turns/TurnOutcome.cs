using Advisor.Core.Answers;
using Advisor.Core.Conversations;

namespace Advisor.Core.Turns;

/// <summary>What became of one incoming message.</summary>
/// <param name="Status">How the turn ended.</param>
/// <param name="TurnId">The kept turn's id (feedback refers to it); null when nothing was kept.</param>
/// <param name="Answer">The composed answer, when there was one.</param>
/// <param name="Delivery">What sending the reply came to (default when nothing was sent).</param>
public readonly record struct TurnOutcome(TurnStatus Status, TurnId? TurnId = null, Answer? Answer = null, DeliveryResult Delivery = default);
