using System.Collections.Concurrent;
using System.Globalization;
using Advisor.Core.Coordination;
using Advisor.Discord.Gateway;
using Microsoft.Extensions.Logging;

namespace Advisor.Discord.Sharding;

/// <summary>
/// Identify pacing for every replica of the bot: Discord lets the shards of one rate-limit key
/// (<c>shard_id % max_concurrency</c>) identify at most once per 5 s. A shard takes its key's lease
/// (<c>discord:identify:{key}</c>) before it connects, under an owner name used for this one turn only, so the turn of
/// one shard never lets another shard — of this replica or another — identify in the same bucket. Once the connection
/// says HELLO the turn is confirmed for 5 s from the IDENTIFY (<see cref="IdentifyTurn.ConfirmAsync"/>) and left to
/// expire; a connection that fails before identifying gives it back at once. Within a replica, the shards waiting for
/// one bucket queue locally, so only one of them asks the lease store.
/// </summary>
internal sealed partial class IdentifyPacer(
    ILeaseStore leases,
    ReplicaIdentity replica,
    ShardSchedule schedule,
    GatewaySettings settings,
    TimeProvider time,
    ILogger<IdentifyPacer> logger)
{
    private readonly ConcurrentDictionary<int, SemaphoreSlim> _local = new();
    private long _turns;

    internal ILeaseStore Leases => leases;

    internal ShardSchedule Schedule => schedule;

    internal GatewaySettings Settings => settings;

    internal TimeProvider Time => time;

    internal ILogger Logger => logger;

    /// <summary>An owner name for one turn only (so no turn ever extends another, even of the same replica).</summary>
    internal string NextOwner(int shard) =>
        $"{replica.Id}:identify:{shard.ToString(CultureInfo.InvariantCulture)}:{Interlocked.Increment(ref _turns).ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Waits until the shard may connect to identify: its bucket is free across every replica.</summary>
    public async Task<IdentifyTurn> WaitTurnAsync(int shard, int maxConcurrency, CancellationToken cancellationToken)
    {
        var key = shard % Math.Max(1, maxConcurrency);
        var local = _local.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await local.WaitAsync(cancellationToken);
        var turn = new IdentifyTurn(this, shard, key, local);
        try
        {
            await turn.TakeAsync(settings.IdentifyWindow + settings.IdentifyConnectAllowance, cancellationToken);
            return turn;
        }
        catch
        {
            await turn.DisposeAsync();
            throw;
        }
    }
}

/// <summary>One identify turn of one shard: its bucket's lease under an owner name of its own.</summary>
internal sealed partial class IdentifyTurn(IdentifyPacer pacer, int shard, int key, SemaphoreSlim local) : IAsyncDisposable
{
    private readonly string _name = LeaseNames.Identify(key);
    private readonly string _scheduled = "identify:" + shard.ToString(CultureInfo.InvariantCulture);
    private string _owner = "";
    private bool _identified;
    private int _disposed;

    /// <summary>Takes the bucket for <paramref name="ttl"/>, asking again every poll interval until it is free.</summary>
    public async Task TakeAsync(TimeSpan ttl, CancellationToken ct)
    {
        var waited = false;
        while (true)
        {
            _owner = pacer.NextOwner(shard);
            if (await Store(() => pacer.Leases.TryAcquireAsync(_name, _owner, ttl, ct), ct))
            {
                pacer.Schedule.Due(_scheduled, pacer.Time.GetUtcNow()); // under way until the IDENTIFY is sent
                return;
            }

            if (!waited)
            {
                waited = true;
                Log.Waiting(pacer.Logger, shard, key);
            }

            pacer.Schedule.Due(_scheduled, pacer.Time.GetUtcNow() + pacer.Settings.IdentifyPoll);
            await Task.Delay(pacer.Settings.IdentifyPoll, pacer.Time, ct);
        }
    }

    /// <summary>
    /// Just before IDENTIFY: makes the bucket this turn's for the identify window from now. When the turn lapsed
    /// meanwhile (a slow connect), waits for the bucket again.
    /// </summary>
    public async Task ConfirmAsync(CancellationToken ct)
    {
        var window = pacer.Settings.IdentifyWindow + pacer.Settings.IdentifySlack;
        if (await Store(() => pacer.Leases.RenewAsync(_name, _owner, window, ct), ct))
        {
            return;
        }

        Log.TurnLapsed(pacer.Logger, shard, key);
        await TakeAsync(window, ct);
    }

    /// <summary>The IDENTIFY was sent: the turn stays taken until it expires, the next shard of this replica may go on.</summary>
    public void Identified()
    {
        _identified = true;
        Finish();
    }

    /// <summary>Gives back a turn that was not used (the connection failed before identifying).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_identified && _owner.Length > 0 && Volatile.Read(ref _disposed) == 0)
        {
            try
            {
                await pacer.Leases.ReleaseAsync(_name, _owner);
            }
#pragma warning disable CA1031 // the lease store may fail in any way; the turn then simply expires
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.ReleaseFailed(pacer.Logger, shard, key, ex.Message);
            }
        }

        Finish();
    }

    private void Finish()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            pacer.Schedule.Done(_scheduled);
            local.Release();
        }
    }

    private static async Task<bool> Store(Func<Task<bool>> call, CancellationToken ct)
    {
        try
        {
            return await call();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // any failure of the lease store (Redis unreachable, a timeout) means: no identify now
        catch (Exception ex)
#pragma warning restore CA1031
        {
            throw new IdentifyPacingException("the lease store did not answer for the identify bucket: " + ex.Message, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(230, LogLevel.Information, "Discord gateway shard {ShardId}: waiting for identify bucket {Key} (shard_id % max_concurrency), which another shard used within the last 5 s")]
        public static partial void Waiting(ILogger logger, int shardId, int key);

        [LoggerMessage(231, LogLevel.Warning, "Discord gateway shard {ShardId}: the identify turn of bucket {Key} lapsed before HELLO arrived (a slow connect); waiting for the bucket again before identifying")]
        public static partial void TurnLapsed(ILogger logger, int shardId, int key);

        [LoggerMessage(232, LogLevel.Warning, "Discord gateway shard {ShardId}: giving back the unused turn of identify bucket {Key} failed ({Error}); it expires by itself")]
        public static partial void ReleaseFailed(ILogger logger, int shardId, int key, string error);
    }
}

/// <summary>The lease store failed while a shard waited for its identify turn; the connection attempt is retried.</summary>
internal sealed class IdentifyPacingException(string message, Exception inner) : Exception(message, inner);
