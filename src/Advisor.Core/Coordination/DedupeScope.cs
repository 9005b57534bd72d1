namespace Advisor.Core.Coordination;

/// <summary>
/// A family of dedupe keys that share a lifetime: Slack event ids, Slack interaction triggers, Discord interaction ids,
/// the pipeline's message keys of one platform. <see cref="Capacity"/> bounds how many keys one replica remembers.
/// </summary>
public sealed record DedupeScope
{
    public DedupeScope(string name, TimeSpan lifetime, int capacity = 50_000)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Name = name;
        Lifetime = lifetime;
        Capacity = capacity;
    }

    /// <summary>The scope's name, part of every shared key ("slack-event", "message:discord").</summary>
    public string Name { get; }

    /// <summary>How long a claimed key is remembered.</summary>
    public TimeSpan Lifetime { get; }

    /// <summary>Keys one replica remembers at most (the oldest go first).</summary>
    public int Capacity { get; }
}
