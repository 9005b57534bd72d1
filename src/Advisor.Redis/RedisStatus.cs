using Advisor.Core.Coordination;

namespace Advisor.Redis;

/// <summary>The shared state as <c>/readyz</c> shows it: the connection, and whether this replica serves the announced knowledge.</summary>
internal sealed class RedisStatus(RedisConnection redis, RedisReloadBroadcast broadcast) : ISharedStateStatus
{
    public string Description => redis.Description;

    public bool Connected => redis.Healthy;

    public string State => redis.State;

    public string? AnnouncedKnowledgeVersion => broadcast.AnnouncedVersion;

    public string? NotReadyReason => broadcast.NotReadyReason;
}
