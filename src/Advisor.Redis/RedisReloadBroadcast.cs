using System.Text.Json;
using Advisor.Core;
using Advisor.Core.Knowledge;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Advisor.Redis;

/// <summary>
/// Keeps the replicas on one knowledge version. Every reload this replica runs on its own trigger (file watcher,
/// SIGHUP, admin endpoint, web page, <c>/reload</c> in chat — all of them end in <see cref="IKnowledgeStore.Reloaded"/>,
/// the one hook) and that succeeds is announced: the version is written to <c>{prefix}knowledge:announced</c> and
/// published on the channel <c>{prefix}reload</c>. Every other replica then reloads too, and serves the same version —
/// or, when its reload cannot produce that version (its files differ, the new version fails its eval), reports not
/// ready with the reason rather than serving the old one silently. A reload run for an announcement is not announced
/// again. At start-up, and when Redis comes back after an outage (an announcement may have been missed), the announced
/// version is read and compared; after an outage a differing version is reloaded.
/// </summary>
internal sealed partial class RedisReloadBroadcast(
    RedisConnection redis,
    IKnowledgeStore store,
    IAdvisor advisor,
    ILogger<RedisReloadBroadcast> logger) : IHostedService, IAsyncDisposable
{
    /// <summary>Set while a reload runs for another replica's announcement (it is not announced again).</summary>
    private static readonly AsyncLocal<bool> Following = new();

    private readonly SemaphoreSlim _follow = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Announcement? _announced;
    private (string Version, string Reason)? _problem;
    private ChannelMessageQueue? _subscription;
    private Announcement? _unannounced;
    private int _disposed;

    private RedisChannel Channel => RedisChannel.Literal(redis.Prefix + "reload");

    private RedisKey AnnouncedKey => redis.Key("knowledge:announced");

    /// <summary>The version the replicas were last told to serve, or null.</summary>
    public string? AnnouncedVersion
    {
        get
        {
            lock (_gate)
            {
                return _announced?.Version;
            }
        }
    }

    /// <summary>Why this replica does not serve the announced version, or null when it does (or none was announced).</summary>
    public string? NotReadyReason
    {
        get
        {
            Announcement? announced;
            (string Version, string Reason)? problem;
            lock (_gate)
            {
                announced = _announced;
                problem = _problem;
            }

            var current = store.Current.Version;
            if (announced is null || announced.Version == current)
            {
                return null;
            }

            return problem is { } p && p.Version == announced.Version
                ? p.Reason
                : $"this replica serves knowledge {current}, the replicas serve {announced.Version} (announced by {announced.Replica})";
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        store.Reloaded += OnReloaded;
        redis.Restored += OnRestored;
        await SubscribeAsync().ConfigureAwait(false);
        await CatchUpAsync(reload: false).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        store.Reloaded -= OnReloaded;
        redis.Restored -= OnRestored;
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_subscription is { } subscription)
        {
            try
            {
                await subscription.UnsubscribeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (RedisConnection.IsRedisFailure(ex))
            {
                // going away anyway
            }
        }
    }

    /// <summary>Announces a reload this replica ran on its own trigger (not one it ran to follow another replica).</summary>
    private void OnReloaded(object? sender, ReloadReport report)
    {
        if (Following.Value || !report.Succeeded)
        {
            return; // a failed reload serves nothing new
        }

        var announcement = new Announcement(report.Version, redis.Replica.Id, DateTimeOffset.UtcNow);
        lock (_gate)
        {
            _announced = announcement;
            _problem = null;
            _unannounced = null;
        }

        _ = AnnounceAsync(announcement);
    }

    private async Task AnnounceAsync(Announcement announcement)
    {
        var json = JsonSerializer.Serialize(announcement, AnnouncementJson.Default.Announcement);
        try
        {
            var db = await redis.DatabaseAsync().ConfigureAwait(false);
            await db.StringSetAsync(AnnouncedKey, json).ConfigureAwait(false);
            await db.PublishAsync(Channel, json).ConfigureAwait(false);
            redis.Succeeded();
            Log.Announced(logger, announcement.Version);
        }
        catch (Exception ex) when (RedisConnection.IsRedisFailure(ex))
        {
            lock (_gate)
            {
                _unannounced = announcement; // announced when Redis is back, unless a newer reload comes first
            }

            redis.Failed("reload announcement", ex.Message);
            Log.AnnounceFailed(logger, announcement.Version, ex.Message);
            return;
        }

        lock (_gate)
        {
            if (ReferenceEquals(_unannounced, announcement))
            {
                _unannounced = null;
            }
        }
    }

    private async Task SubscribeAsync()
    {
        if (_subscription is not null)
        {
            return;
        }

        try
        {
            var multiplexer = await redis.MultiplexerAsync().ConfigureAwait(false);
            var subscription = await multiplexer.GetSubscriber().SubscribeAsync(Channel).ConfigureAwait(false);
            subscription.OnMessage(message => HandleAsync(message.Message));
            _subscription = subscription;
        }
        catch (Exception ex) when (RedisConnection.IsRedisFailure(ex))
        {
            redis.Failed("subscribe to reload announcements", ex.Message); // tried again when Redis is back
        }
    }

    private async Task HandleAsync(RedisValue message)
    {
        Announcement? announcement;
        try
        {
            announcement = JsonSerializer.Deserialize(message.ToString(), AnnouncementJson.Default.Announcement);
        }
        catch (JsonException)
        {
            announcement = null;
        }

        if (announcement is null || string.IsNullOrEmpty(announcement.Version) || string.IsNullOrEmpty(announcement.Replica))
        {
            Log.BadAnnouncement(logger);
            return;
        }

        if (announcement.Replica == redis.Replica.Id)
        {
            return;
        }

        await FollowAsync(announcement).ConfigureAwait(false);
    }

    /// <summary>Takes an announcement on: reloads unless the version is served already, then checks the result.</summary>
    private async Task FollowAsync(Announcement announcement)
    {
        lock (_gate)
        {
            _announced = announcement;
        }

        if (store.Current.Version == announcement.Version)
        {
            return;
        }

        try
        {
            await _follow.WaitAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            if (AnnouncedVersion != announcement.Version || store.Current.Version == announcement.Version)
            {
                return; // overtaken by a newer announcement, or already there
            }

            Log.Replaying(logger, announcement.Replica, announcement.Version);
            using var scope = logger.BeginScope(new Dictionary<string, object> { ["ReloadTrigger"] = $"announcement by replica {announcement.Replica}" });
            Following.Value = true;
            var report = await advisor.ReloadAsync(_stopping.Token).ConfigureAwait(false);
            if (store.Current.Version == announcement.Version)
            {
                Log.InStep(logger, announcement.Version);
                return;
            }

            var reason = $"the replicas serve knowledge {announcement.Version} (announced by {announcement.Replica}), but reloading here "
                + (report.Succeeded
                    ? $"gave {report.Version}: this replica's knowledge files differ (a folder not shared, or not yet synced)"
                    : $"failed ({report.FailureReason}); still serving {report.Version}");
            lock (_gate)
            {
                _problem = (announcement.Version, reason);
            }

            Log.OutOfStep(logger, reason);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.ReplayCrashed(logger, ex);
        }
        finally
        {
            _follow.Release();
        }
    }

    /// <summary>Reads the announced version (start-up, or Redis back after an outage) and, with <paramref name="reload"/>, follows it.</summary>
    private async Task CatchUpAsync(bool reload)
    {
        Announcement? announcement;
        try
        {
            var db = await redis.DatabaseAsync().ConfigureAwait(false);
            var json = await db.StringGetAsync(AnnouncedKey).ConfigureAwait(false);
            redis.Succeeded();
            announcement = json.IsNullOrEmpty ? null : JsonSerializer.Deserialize(json.ToString(), AnnouncementJson.Default.Announcement);
        }
        catch (Exception ex) when (RedisConnection.IsRedisFailure(ex))
        {
            redis.Failed("read the announced knowledge version", ex.Message);
            return;
        }
        catch (JsonException)
        {
            Log.BadAnnouncement(logger);
            return;
        }

        if (announcement is null || string.IsNullOrEmpty(announcement.Version))
        {
            return;
        }

        if (reload && announcement.Replica != redis.Replica.Id)
        {
            await FollowAsync(announcement).ConfigureAwait(false);
            return;
        }

        lock (_gate)
        {
            _announced = announcement;
        }

        if (NotReadyReason is { } reason)
        {
            Log.OutOfStep(logger, reason + "; this replica's knowledge files differ, or a reload announced while it was away is missing (reload to catch up)");
        }
    }

    /// <summary>
    /// Redis is back: subscribe if that failed, then either announce what this replica reloaded while Redis was away
    /// (the latest reload wins) or catch up with what was announced meanwhile.
    /// </summary>
    private void OnRestored(object? sender, EventArgs e) => _ = Task.Run(async () =>
    {
        await SubscribeAsync().ConfigureAwait(false);
        Announcement? pending;
        lock (_gate)
        {
            pending = _unannounced;
        }

        if (pending is not null)
        {
            await AnnounceAsync(pending).ConfigureAwait(false);
            return;
        }

        await CatchUpAsync(reload: true).ConfigureAwait(false);
    });

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return; // registered as itself and as a hosted service: the container disposes it twice
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _follow.Dispose();
    }
}
