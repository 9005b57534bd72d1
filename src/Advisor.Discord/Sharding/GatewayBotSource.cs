using Advisor.Discord.Rest;

namespace Advisor.Discord.Sharding;

/// <summary>
/// <c>GET /gateway/bot</c> with its last answer kept: the coordinator reads the recommended shard total and
/// max_concurrency from it, and a shard's first IDENTIFY may use an answer of a few seconds ago instead of asking again.
/// Every IDENTIFY sent lowers the kept <c>remaining</c> by one, so a reused answer never shows a session start already spent.
/// </summary>
internal sealed class GatewayBotSource(DiscordRestClient rest, TimeProvider time)
{
    private readonly Lock _gate = new();
    private GatewayBotInfo? _info;
    private DateTimeOffset _at;

    /// <summary>The last answer, or null before the first.</summary>
    public GatewayBotInfo? Latest
    {
        get
        {
            lock (_gate)
            {
                return _info;
            }
        }
    }

    /// <summary>max_concurrency from the last answer (1 before the first, or when Discord sent none).</summary>
    public int MaxConcurrency => Math.Max(1, Latest?.SessionStartLimit?.MaxConcurrency ?? 1);

    /// <summary>The last answer when it is at most <paramref name="maxAge"/> old, otherwise a new one.</summary>
    public async Task<GatewayBotInfo> GetAsync(TimeSpan maxAge, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_info is not null && maxAge > TimeSpan.Zero && time.GetUtcNow() - _at <= maxAge)
            {
                return _info;
            }
        }

        var info = await rest.GetGatewayBotAsync(cancellationToken);
        lock (_gate)
        {
            _info = info;
            _at = time.GetUtcNow();
        }

        return info;
    }

    /// <summary>One IDENTIFY was sent: one session start fewer than the kept answer says.</summary>
    public void NoteIdentify()
    {
        lock (_gate)
        {
            if (_info?.SessionStartLimit is { } limit)
            {
                _info = _info with { SessionStartLimit = limit with { Remaining = limit.Remaining - 1 } };
            }
        }
    }
}
