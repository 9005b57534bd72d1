namespace Advisor.Core.Outbound;

/// <summary>One check of the <see cref="DigestScheduler"/>: the week it looked at and what it did for each platform.</summary>
/// <param name="Week">The ISO week of the latest due time ("2026-W21").</param>
/// <param name="Due">That due time.</param>
/// <param name="At">When the check ran.</param>
/// <param name="Outcomes">By platform.</param>
public sealed record DigestTick(string Week, DateTimeOffset Due, DateTimeOffset At, IReadOnlyDictionary<string, DigestOutcome> Outcomes);
