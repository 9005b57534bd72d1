using System.Collections.Concurrent;

namespace Advisor.Discord.Sharding;

/// <summary>
/// What this replica's shard coordination will do next, and when: the claim tick, each lease's renewal and guard, each
/// identify turn. An entry due at or before now is work under way. With a real clock this is only bookkeeping; a test
/// on a fake clock advances it only while nothing is under way (<see cref="IdleAt"/>), so every timed step runs at
/// the moment it was due however slow the machine is.
/// </summary>
internal sealed class ShardSchedule
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _due = new(StringComparer.Ordinal);

    /// <summary>Notes that <paramref name="what"/> runs at <paramref name="at"/> (now: under way).</summary>
    public void Due(string what, DateTimeOffset at) => _due[what] = at;

    /// <summary>Nothing more is planned for <paramref name="what"/>.</summary>
    public void Done(string what) => _due.TryRemove(what, out _);

    /// <summary>True when nothing is due at <paramref name="now"/> or before (everything due has run).</summary>
    public bool IdleAt(DateTimeOffset now) => _due.Values.All(at => at > now);

    /// <summary>The earliest moment after <paramref name="now"/> something is due, or null.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset now)
    {
        DateTimeOffset? next = null;
        foreach (var at in _due.Values)
        {
            if (at > now && (next is null || at < next))
            {
                next = at;
            }
        }

        return next;
    }

    /// <summary>What is due at <paramref name="now"/> or before, for a test's timeout message.</summary>
    public IReadOnlyList<string> DueAt(DateTimeOffset now) => _due.Where(p => p.Value <= now).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
}
