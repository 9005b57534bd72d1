using Advisor.Discord.Gateway;

namespace Advisor.Discord.Sharding;

/// <summary>
/// The lease timings of shards, from <c>ShardLeaseSeconds</c> (the lease period, ttl) and <c>ShardClaimSeconds</c>:
/// a held lease is renewed every ttl/3 (after a failed attempt, again every ttl/12); a shard whose lease was not
/// renewed stops taking events and closes ttl/4 before the lease could end (<see cref="Margin"/>), its close given at
/// most <see cref="CloseTimeout"/>, half the margin. docs/discord.md has the reasoning.
/// </summary>
internal sealed record ShardTimings(TimeSpan Ttl, TimeSpan ClaimInterval, TimeSpan CloseTimeout)
{
    public TimeSpan RenewEvery => Ttl / 3;

    public TimeSpan RetryAfterError => Ttl / 12;

    /// <summary>How long before the lease could end the shard is closed: a quarter of the lease period.</summary>
    public TimeSpan Margin => Ttl / 4;

    public static ShardTimings From(DiscordOptions options, GatewaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        var ttl = TimeSpan.FromSeconds(options.ShardLeaseSeconds);
        var halfMargin = ttl / 8;
        return new ShardTimings(ttl, TimeSpan.FromSeconds(options.ShardClaimSeconds), settings.ShardCloseTimeout < halfMargin ? settings.ShardCloseTimeout : halfMargin);
    }
}
