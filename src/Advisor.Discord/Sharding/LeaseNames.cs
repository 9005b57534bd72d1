using System.Globalization;

namespace Advisor.Discord.Sharding;

/// <summary>The names of the leases the Discord adapter takes in the core's lease store.</summary>
internal static class LeaseNames
{
    /// <summary>The shard total in force: held by every replica at once under the owner name <see cref="LayoutOwner"/>.</summary>
    public const string Layout = "discord:shards:total";

    public static string LayoutOwner(int total) => "total:" + total.ToString(CultureInfo.InvariantCulture);

    /// <summary>The total a layout owner name stands for, or null.</summary>
    public static int? TotalOf(string? owner) =>
        owner is not null && owner.StartsWith("total:", StringComparison.Ordinal)
        && int.TryParse(owner.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var total) && total > 0 ? total : null;

    /// <summary>A shard: whoever holds it runs its gateway connection.</summary>
    public static string Shard(int id) => "discord:shard:" + id.ToString(CultureInfo.InvariantCulture);

    /// <summary>A replica's heartbeat: one of as many slots as there are shards (more replicas than shards would have nothing to hold).</summary>
    public static string Replica(int slot) => "discord:replica:" + slot.ToString(CultureInfo.InvariantCulture);

    /// <summary>An identify bucket (<c>shard_id % max_concurrency</c>): held for 5 s from each IDENTIFY.</summary>
    public static string Identify(int key) => "discord:identify:" + key.ToString(CultureInfo.InvariantCulture);
}
