using System.Globalization;
using System.Text.Json;
using Advisor.Core.Coordination;
using Advisor.Core.Hosting;
using Advisor.Discord.Gateway;
using Advisor.Discord.Rest;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Discord.Sharding;

/// <summary>
/// Which Discord shards this replica runs. Every claim interval it
/// <list type="number">
/// <item>agrees on the shard total with the other replicas (the layout lease <c>discord:shards:total</c>, held by all
/// of them under the owner name <c>total:N</c>; the first replica fixes N from <c>Advisor:Discord:ShardCount</c> or
/// <c>GET /gateway/bot</c>, later ones adopt it);</item>
/// <item>renews its replica heartbeat (one of the slots <c>discord:replica:{n}</c>) and counts the live replicas;</item>
/// <item>claims free shards (<c>discord:shard:{id}</c>) up to its share, ceil(total / live replicas) — a shard left
/// free for a whole lease period it claims beyond its share, so no shard stays unheld while a replica can run it — and,
/// holding more than its share once others are live, hands one shard over per claim interval.</item>
/// </list>
/// Each claimed shard runs in a <see cref="ShardRunner"/>, which keeps its lease and closes it in time when it cannot.
/// In one process (the default <see cref="InMemoryLeaseStore"/>) the replica is alone and runs every shard.
/// </summary>
internal sealed partial class ShardCoordinator(
    ILeaseStore leases,
    ReplicaIdentity replica,
    GatewayBotSource gatewayBot,
    GatewayClientFactory clients,
    [FromKeyedServices(DiscordPlatform.PlatformName)] PlatformWorkQueue work,
    DiscordStatus status,
    ShardSchedule schedule,
    IOptions<DiscordOptions> options,
    GatewaySettings settings,
    TimeProvider time,
    ILogger<ShardCoordinator> logger)
{
    private const string ClaimKey = "claim";

    private readonly ShardTimings _timings = ShardTimings.From(options.Value, settings);
    private readonly IReadOnlyList<int> _pinned = options.Value.PinnedShards;
    private readonly int? _configuredTotal = options.Value.ShardCount;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<int, ShardRunner> _runners = [];
    private readonly Dictionary<int, DateTimeOffset> _freeSince = [];
    private volatile int[] _held = [];
    private volatile bool _stopping;
    private volatile bool _started;
    private int? _total;
    private int? _slot;
    private int _live = 1;
    private DateTimeOffset _startedAt;
    private (int Shard, DateTimeOffset At)? _lastShed;
    private int? _shedBlockedAtLive;
    private bool _conflictLogged;
    private bool _storeFailing;

    /// <summary>The shard ids this replica runs now.</summary>
    public IReadOnlyList<int> Held => _held;

    /// <summary>True once <see cref="RunAsync"/> has begun.</summary>
    public bool Started => _started;

    /// <summary>The shard total in force, once agreed.</summary>
    public int? Total => _total;

    /// <summary>True when everything timed (claim tick, renewals, guards, identify turns) due at <paramref name="now"/> has run.</summary>
    public bool IdleAt(DateTimeOffset now) => schedule.IdleAt(now);

    /// <summary>The earliest moment after <paramref name="now"/> something timed is due, or null.</summary>
    public DateTimeOffset? NextDueAfter(DateTimeOffset now) => schedule.NextAfter(now);

    /// <summary>What is due and not yet done at <paramref name="now"/>.</summary>
    public IReadOnlyList<string> DueAt(DateTimeOffset now) => schedule.DueAt(now);

    /// <summary>
    /// Claims and runs shards until cancelled or the adapter stops for good; then hands every shard over (closed, lease
    /// released) and, on cancellation, lets the queued work finish (<see cref="GatewaySettings.DrainTimeout"/>).
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, status.Stopped);
        var ct = linked.Token;
        _startedAt = time.GetUtcNow();
        schedule.Due(ClaimKey, _startedAt); // the first claim tick is under way from the start
        _started = true;
        if (_configuredTotal is { } fixedTotal && _pinned.Count == 0 && leases is InMemoryLeaseStore)
        {
            // Before shards were claimed, ShardCount alone meant "shard 0 of ShardCount" (ShardId defaulted to 0).
            Log.FixedTotalAlone(logger, fixedTotal);
        }
        try
        {
            await FetchGatewayBotAsync(ct);
            while (!ct.IsCancellationRequested)
            {
                await _gate.WaitAsync(ct);
                try
                {
                    if (!_stopping)
                    {
                        await TickAsync(ct);
                        if (_storeFailing)
                        {
                            _storeFailing = false;
                            Log.StoreBack(logger);
                        }
                    }
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    throw;
                }
#pragma warning disable CA1031 // the lease store may fail in any way (Redis unreachable): the shards held keep running until their guards close them
                catch (Exception ex) when (ex is not DiscordUnauthorizedException)
#pragma warning restore CA1031
                {
                    if (!_storeFailing)
                    {
                        _storeFailing = true;
                        Log.TickFailed(logger, ex.Message, _timings.ClaimInterval.TotalSeconds);
                    }

                    // Shown while no shard runs here (the shards' own states show otherwise).
                    status.Set(false, "lease store unavailable: " + ex.Message);
                }
                finally
                {
                    _gate.Release();
                }

                schedule.Due(ClaimKey, time.GetUtcNow() + _timings.ClaimInterval);
                await Task.Delay(_timings.ClaimInterval, time, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (DiscordUnauthorizedException)
        {
            // The REST client stopped the adapter with the reason.
        }
        finally
        {
            schedule.Done(ClaimKey);
            await HandOverAllAsync(status.StopReason is null ? "the replica is stopping" : "the adapter stopped");
            if (cancellationToken.IsCancellationRequested)
            {
                await work.DrainAsync();
            }

            status.Set(false, "disconnected");
        }
    }

    /// <summary>
    /// Graceful stop, when other replicas are live: stop claiming, close every shard and release its lease, so they
    /// take the shards at their next claim tick rather than after the lease period. (A replica alone keeps its
    /// connections until the host's drain is over, so a question arriving meanwhile still gets the "restarting" reply.)
    /// </summary>
    public async Task HandOverIfOthersLiveAsync()
    {
        if (Volatile.Read(ref _live) > 1 && !_stopping)
        {
            await HandOverAllAsync("the replica is shutting down; the other live replicas take its shards");
        }
    }

    /// <summary>Stops claiming, closes every shard, releases its lease, and leaves the replica heartbeat.</summary>
    public async Task HandOverAllAsync(string reason)
    {
        _stopping = true;
        await _gate.WaitAsync();
        try
        {
            await EndAllAsync(reason);
            if (_slot is { } slot)
            {
                _slot = null;
                try
                {
                    await leases.ReleaseAsync(LeaseNames.Replica(slot), replica.Id);
                }
#pragma warning disable CA1031 // the lease store may fail in any way; the heartbeat then lapses by itself
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Log.LeaveFailed(logger, ex.Message);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task FetchGatewayBotAsync(CancellationToken ct)
    {
        var backoff = settings.ReconnectDelay;
        while (true)
        {
            try
            {
                await gatewayBot.GetAsync(TimeSpan.Zero, ct);
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or JsonException
                                           || (ex is DiscordApiException && ex is not DiscordUnauthorizedException))
            {
                Log.GatewayBotFailed(logger, ex.Message, backoff.TotalSeconds);
                status.Set(false, "waiting for GET /gateway/bot: " + ex.Message);
                schedule.Due(ClaimKey, time.GetUtcNow() + backoff);
                await Task.Delay(backoff, time, ct);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, settings.MaxReconnectDelay.Ticks));
            }
        }
    }

    private async Task TickAsync(CancellationToken ct)
    {
        Prune();
        if (await AgreeOnTotalAsync(ct) is not { } total)
        {
            return;
        }

        var live = await HeartbeatAsync(total, ct);
        Volatile.Write(ref _live, live);
        var scope = _pinned.Count > 0 ? _pinned : Enumerable.Range(0, total).ToList();
        var owners = new Dictionary<int, string?>(scope.Count);
        foreach (var id in scope)
        {
            owners[id] = await leases.GetOwnerAsync(LeaseNames.Shard(id), ct);
        }

        var share = _pinned.Count > 0 ? scope.Count : (total + live - 1) / live;
        var now = time.GetUtcNow();
        var startup = now - _startedAt < _timings.Ttl;

        // While starting, claim no faster than Discord lets shards identify (max_concurrency per 5 s), so replicas started
        // together see each other before one has taken everything.
        var perTick = startup
            ? Math.Max(1, gatewayBot.MaxConcurrency * (int)Math.Ceiling(_timings.ClaimInterval / settings.IdentifyWindow))
            : int.MaxValue;
        var offset = _pinned.Count > 0 || total == 0 ? 0 : (_slot ?? 0) * share % total;
        var claimed = 0;
        for (var i = 0; i < scope.Count; i++)
        {
            var id = scope[(i + offset) % scope.Count];
            var owner = owners[id];
            if (_runners.ContainsKey(id) || (owner is not null && owner != replica.Id))
            {
                _freeSince.Remove(id);
                continue;
            }

            // Free (or still ours in the store after its connection ended here).
            if (!_freeSince.TryGetValue(id, out var since))
            {
                _freeSince[id] = since = now;
            }

            var overflow = _runners.Count >= share;
            if ((overflow && now - since < _timings.Ttl) || claimed >= perTick)
            {
                continue;
            }

            var at = time.GetUtcNow();
            if (!await leases.TryAcquireAsync(LeaseNames.Shard(id), replica.Id, _timings.Ttl, ct))
            {
                continue;
            }

            _freeSince.Remove(id);
            if (overflow)
            {
                Log.Overflow(logger, id, (now - since).TotalSeconds, share);
            }

            Start(id, total, at);
            claimed++;
        }

        await ShedAsync(owners, total, share, live, startup);
        if (_runners.Count == 0)
        {
            status.Set(true, _pinned.Count > 0
                ? $"standby: pinned shards {string.Join(", ", _pinned)} of {total} are held by other replicas"
                : $"standby: no shard is free for this replica ({live} live replicas share {total} shards)");
        }
    }

    private void Start(int id, int total, DateTimeOffset acquiredAt)
    {
        var context = new ShardContext(id, total, status.AddShard(id, total));
        var runner = new ShardRunner(context, clients.Create(context), leases, replica.Id, _timings, time, schedule, status, logger);
        _runners[id] = runner;
        Publish();
        Log.Claimed(logger, id, total, replica.Id);
        runner.Start(acquiredAt);
    }

    /// <summary>Forgets shards that ended here by themselves (lost, or their connection ended): they may be claimed again.</summary>
    private void Prune()
    {
        foreach (var ended in _runners.Values.Where(r => r.Ended.IsCompleted).ToList())
        {
            _runners.Remove(ended.Id);
        }

        Publish();
    }

    private async Task EndAllAsync(string reason)
    {
        var all = _runners.Values.ToList();
        _runners.Clear();
        Publish();
        await Task.WhenAll(all.Select(r => r.EndAsync(ShardEnd.HandOver, reason)));
    }

    private void Publish() => _held = _runners.Keys.Order().ToArray();

    /// <summary>The shard total every replica uses: taken, or adopted from the replicas that hold the layout lease.</summary>
    private async Task<int?> AgreeOnTotalAsync(CancellationToken ct)
    {
        var want = _total ?? _configuredTotal ?? gatewayBot.Latest?.Shards ?? 1;
        if (await leases.TryAcquireAsync(LeaseNames.Layout, LeaseNames.LayoutOwner(want), _timings.Ttl, ct))
        {
            if (_total is null)
            {
                Log.TotalTaken(logger, want, _configuredTotal is null ? "GET /gateway/bot" : "Advisor:Discord:ShardCount");
            }

            _total = want;
            _conflictLogged = false;
            return want;
        }

        var theirs = LeaseNames.TotalOf(await leases.GetOwnerAsync(LeaseNames.Layout, ct));
        if (theirs is not { } agreed)
        {
            return null; // it lapsed in between: the next tick takes it
        }

        if (_configuredTotal is { } configured)
        {
            if (!_conflictLogged)
            {
                _conflictLogged = true;
                Log.TotalConflict(logger, agreed, configured);
            }

            await EndAllAsync($"the other replicas run {agreed} shards, not the configured {configured}");
            _total = null;
            status.Set(false, $"waiting: the other replicas run {agreed} shards but Advisor:Discord:ShardCount is {configured}");
            return null;
        }

        if (_total is { } mine)
        {
            Log.TotalChanged(logger, mine, agreed);
            await EndAllAsync($"the replicas now run {agreed} shards, not {mine}");
        }
        else
        {
            Log.TotalAdopted(logger, agreed, gatewayBot.Latest?.Shards ?? 0);
        }

        _total = agreed;
        return await leases.TryAcquireAsync(LeaseNames.Layout, LeaseNames.LayoutOwner(agreed), _timings.Ttl, ct) ? agreed : null;
    }

    /// <summary>Renews (or takes) this replica's heartbeat slot; returns the number of live replicas, this one included.</summary>
    private async Task<int> HeartbeatAsync(int total, CancellationToken ct)
    {
        if (_slot is { } slot && (slot >= total || !await leases.RenewAsync(LeaseNames.Replica(slot), replica.Id, _timings.Ttl, ct)))
        {
            _slot = null;
        }

        var owners = new string?[total];
        for (var i = 0; i < total; i++)
        {
            owners[i] = await leases.GetOwnerAsync(LeaseNames.Replica(i), ct);
        }

        for (var i = 0; i < total && _slot is null; i++)
        {
            if (owners[i] is null && await leases.TryAcquireAsync(LeaseNames.Replica(i), replica.Id, _timings.Ttl, ct))
            {
                _slot = i;
                owners[i] = replica.Id;
            }
        }

        // Without a slot every slot is taken: at least as many replicas as shards, so the share is one shard anyway.
        var live = owners.Count(o => o is not null);
        return Math.Max(1, _slot is null ? live + 1 : live);
    }

    /// <summary>
    /// Holding more than its share while others are live (replicas were added), the replica hands one shard over per
    /// claim interval — but stops when a shard it handed over was not taken by another replica (one that cannot run it),
    /// until the number of live replicas changes, so it never keeps dropping and retaking a shard.
    /// </summary>
    private async Task ShedAsync(Dictionary<int, string?> owners, int total, int share, int live, bool startup)
    {
        if (_shedBlockedAtLive is { } blocked && blocked != live)
        {
            _shedBlockedAtLive = null;
        }

        if (_lastShed is { } shed)
        {
            owners.TryGetValue(shed.Shard, out var owner);
            if (owner is not null && owner != replica.Id)
            {
                _lastShed = null; // another replica took it: carry on
            }
            else if (_runners.ContainsKey(shed.Shard) || time.GetUtcNow() - shed.At >= _timings.ClaimInterval * 2)
            {
                Log.ShedNotTaken(logger, shed.Shard, live);
                _shedBlockedAtLive = live;
                _lastShed = null;
            }
            else
            {
                return; // wait and see who takes it
            }
        }

        if (_pinned.Count > 0 || startup || _runners.Count <= share || _shedBlockedAtLive == live)
        {
            return;
        }

        var victim = _runners.Values.OrderBy(r => r.Connected ? 1 : 0).ThenByDescending(r => r.Id).First();
        _runners.Remove(victim.Id);
        Publish();
        _lastShed = (victim.Id, time.GetUtcNow());
        await victim.EndAsync(ShardEnd.HandOver, string.Create(CultureInfo.InvariantCulture, $"rebalancing: {live} live replicas share {total} shards, about {share} each"));
    }

    private static partial class Log
    {
        [LoggerMessage(250, LogLevel.Warning, "Discord shards: GET /gateway/bot failed ({Error}); the shard total and identify limits come from it, retrying in {Seconds:0.###} s")]
        public static partial void GatewayBotFailed(ILogger logger, string error, double seconds);

        [LoggerMessage(251, LogLevel.Information, "Discord shards: running {Total} shards (from {Source}); the other replicas use this total")]
        public static partial void TotalTaken(ILogger logger, int total, string source);

        [LoggerMessage(252, LogLevel.Information, "Discord shards: the other replicas run {Total} shards; using that total (GET /gateway/bot recommends {Recommended}; restart every replica to change it)")]
        public static partial void TotalAdopted(ILogger logger, int total, int recommended);

        [LoggerMessage(253, LogLevel.Warning, "Discord shards: the shard total in force changed from {Old} to {New} (every replica had stopped renewing it); closing this replica's shards and claiming again under the new total")]
        public static partial void TotalChanged(ILogger logger, int old, int @new);

        [LoggerMessage(254, LogLevel.Error, "Discord shards: the other replicas run {Theirs} shards but Advisor:Discord:ShardCount is {Configured} here; this replica runs no shard until they agree (set the same ShardCount on every replica)")]
        public static partial void TotalConflict(ILogger logger, int theirs, int configured);

        [LoggerMessage(255, LogLevel.Information, "Discord shard {ShardId}/{Total}: claimed by replica {Replica}")]
        public static partial void Claimed(ILogger logger, int shardId, int total, string replica);

        [LoggerMessage(256, LogLevel.Information, "Discord shard {ShardId}: free for {Seconds:0.#} s although other replicas are live; claiming it beyond this replica's share of {Share}")]
        public static partial void Overflow(ILogger logger, int shardId, double seconds, int share);

        [LoggerMessage(257, LogLevel.Warning, "Discord shards: no other replica took shard {ShardId} after it was handed over for rebalancing; not rebalancing further while {Live} replicas are live")]
        public static partial void ShedNotTaken(ILogger logger, int shardId, int live);

        [LoggerMessage(258, LogLevel.Warning, "Discord shards: the lease store failed ({Error}); no shard is claimed until it answers (checked every {Seconds:0.###} s), and the shards held are closed if their leases cannot be renewed")]
        public static partial void TickFailed(ILogger logger, string error, double seconds);

        [LoggerMessage(259, LogLevel.Information, "Discord shards: the lease store answers again")]
        public static partial void StoreBack(ILogger logger);

        [LoggerMessage(261, LogLevel.Warning, "Discord shards: Advisor:Discord:ShardCount is {Total} with no ShardIds and no shared lease store, so this process runs all {Total} shards. "
            + "If other processes run some of them (one process per shard, without Redis), pin each process's shards with Advisor:Discord:ShardId or ShardIds — ShardId=0 too, which used to be the default")]
        public static partial void FixedTotalAlone(ILogger logger, int total);

        [LoggerMessage(260, LogLevel.Warning, "Discord shards: leaving the replica heartbeat failed ({Error}); it lapses by itself")]
        public static partial void LeaveFailed(ILogger logger, string error);
    }
}
