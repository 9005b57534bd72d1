namespace Advisor.Discord.Sharding;

/// <summary>What a shard's gateway client knows of its shard: which it is, its status, and whether it is still this replica's.</summary>
internal sealed class ShardContext(int id, int total, ShardStatus status)
{
    private volatile bool _accepting = true;

    public int Id { get; } = id;

    public int Total { get; } = total;

    public ShardStatus Status { get; } = status;

    /// <summary>False once the shard was handed over or its lease lost: its events are no longer taken in.</summary>
    public bool Accepting => _accepting;

    public void StopAccepting() => _accepting = false;
}
