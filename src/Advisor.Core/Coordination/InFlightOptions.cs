using System.ComponentModel.DataAnnotations;

namespace Advisor.Core.Coordination;

/// <summary>
/// Settings under "Advisor:InFlight": how questions being answered are held, so that another replica finishes the
/// answers of one that died (docs/replicas.md). Only several replicas (Redis) use them; the defaults suit production.
/// </summary>
public sealed class InFlightOptions
{
    public const string SectionName = "Advisor:InFlight";

    /// <summary>
    /// How long a question's lease lasts without renewal (default 15 s; renewed every third of it while the answer is
    /// worked on): a dead replica's questions are taken over this long after its last renewal, plus a sweep.
    /// </summary>
    [Range(200, 600_000)]
    public int LeaseMilliseconds { get; set; } = 15_000;

    /// <summary>How often every replica looks for abandoned questions (default 1 s; less than the lease).</summary>
    [Range(50, 60_000)]
    public int SweepMilliseconds { get; set; } = 1_000;

    /// <summary>
    /// How many times one question is taken over before it is given up (default 3): a question that takes down every
    /// replica that answers it must not go round them all for ever.
    /// </summary>
    [Range(1, 20)]
    public int MaxTakeOvers { get; set; } = 3;

    /// <summary>Abandoned questions one replica takes over in one sweep, at most (default 32).</summary>
    [Range(1, 1_000)]
    public int MaxPerSweep { get; set; } = 32;

    public TimeSpan Lease => TimeSpan.FromMilliseconds(LeaseMilliseconds);

    public TimeSpan SweepInterval => TimeSpan.FromMilliseconds(SweepMilliseconds);
}
