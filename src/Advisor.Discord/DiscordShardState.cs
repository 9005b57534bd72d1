namespace Advisor.Discord;

/// <summary>One gateway shard this replica runs, as its status shows it (<see cref="DiscordStatus.Shards"/>).</summary>
public sealed record DiscordShardState(int Id, int Total, bool Connected, string State);
