using System.Globalization;
using Advisor.Core.Coordination;
using Advisor.Discord.Gateway;
using Microsoft.Extensions.Logging;

namespace Advisor.Discord.Sharding;

/// <summary>How a shard ended here.</summary>
internal enum ShardEnd
{
    /// <summary>Given up on purpose (shutdown, rebalancing, a connection that ended): closed, then its lease released.</summary>
    HandOver,

    /// <summary>Its lease could not be renewed: closed, its lease left alone (it is, or is about to be, another replica's).</summary>
    Lost,
}

/// <summary>
/// One shard this replica holds: its gateway connection, and its lease kept — renewed every ttl/3, and guarded: a timer
/// at (start of the last successful renewal + ttl − ttl/4) stops the shard taking events and closes its connection,
/// so a replica that can no longer renew (the lease store unreachable, the renewals stuck) is off the shard before
/// another replica could take it. A renewal the store refuses closes the shard at once.
/// </summary>
internal sealed partial class ShardRunner
{
    private readonly ShardContext _shard;
    private readonly DiscordGatewayClient _client;
    private readonly ILeaseStore _leases;
    private readonly string _owner;
    private readonly string _name;
    private readonly ShardTimings _timings;
    private readonly TimeProvider _time;
    private readonly ShardSchedule _schedule;
    private readonly DiscordStatus _status;
    private readonly ILogger _logger;
    private readonly string _guardKey;
    private readonly string _renewKey;
    private readonly CancellationTokenSource _cts = new();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private ITimer? _guard;
    private DateTimeOffset _deadline;
    private volatile bool _ending;
    private Task _connection = Task.CompletedTask;
    private Task _renewals = Task.CompletedTask;

    public ShardRunner(ShardContext shard, DiscordGatewayClient client, ILeaseStore leases, string owner, ShardTimings timings,
        TimeProvider time, ShardSchedule schedule, DiscordStatus status, ILogger logger)
    {
        _shard = shard;
        _client = client;
        _leases = leases;
        _owner = owner;
        _name = LeaseNames.Shard(shard.Id);
        _timings = timings;
        _time = time;
        _schedule = schedule;
        _status = status;
        _logger = logger;
        var id = shard.Id.ToString(CultureInfo.InvariantCulture);
        _guardKey = "guard:" + id;
        _renewKey = "renew:" + id;
    }

    public int Id => _shard.Id;

    public bool Connected => _shard.Status.Connected;

    /// <summary>Completes once the shard is closed here (handed over or lost).</summary>
    public Task Ended => _ended.Task;

    /// <summary>When the shard is closed unless a renewal succeeds first.</summary>
    public DateTimeOffset Deadline
    {
        get
        {
            lock (_gate)
            {
                return _deadline;
            }
        }
    }

    /// <summary>Starts the connection and the lease keeping. <paramref name="acquiredAt"/>: the clock read just before the lease was asked for.</summary>
    public void Start(DateTimeOffset acquiredAt)
    {
        lock (_gate)
        {
            _deadline = acquiredAt + _timings.Ttl - _timings.Margin;
            _schedule.Due(_guardKey, _deadline);
            _guard = _time.CreateTimer(static s => ((ShardRunner)s!).OnGuard(), this, Until(_deadline), Timeout.InfiniteTimeSpan);
        }

        _connection = Task.Run(() => RunClientAsync(_cts.Token));
        _renewals = Task.Run(() => RenewLoopAsync(acquiredAt, _cts.Token));
        _ = WatchConnectionAsync();
    }

    /// <summary>
    /// Stops taking the shard's events at once, closes its connection (1000, within the close timeout, then cut) and,
    /// for a hand-over, releases its lease — only after the close, so the next owner never overlaps this connection.
    /// </summary>
    public async Task EndAsync(ShardEnd how, string reason)
    {
        bool first;
        lock (_gate)
        {
            first = !_ending;
            if (first)
            {
                _ending = true;
                _shard.StopAccepting();
                _guard?.Dispose();
                _schedule.Due(_guardKey, _time.GetUtcNow()); // under way until the connection is closed
            }
        }

        if (!first)
        {
            await _ended.Task;
            return;
        }

        if (how == ShardEnd.Lost)
        {
            Log.Lost(_logger, _shard.Id, reason);
        }
        else
        {
            Log.HandingOver(_logger, _shard.Id, reason);
        }

        // With replicas, the session is kept for the next holder: Discord holds the shard's events until it resumes.
        var keepSession = _leases.SharedAcrossProcesses;
        if (await _client.CloseAsync(how == ShardEnd.Lost ? "shard lease lost" : "shard handed over", keepSession))
        {
            try
            {
                await _connection.WaitAsync(_timings.CloseTimeout); // the close handshake is real I/O: a real-time bound
            }
            catch (TimeoutException)
            {
                Log.CloseCut(_logger, _shard.Id, _timings.CloseTimeout.TotalSeconds);
            }
#pragma warning disable CA1031 // the connection's own failure is logged by WatchConnectionAsync
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        await _cts.CancelAsync();
        await Quietly(_connection);
        await Quietly(_renewals);
        if (keepSession)
        {
            await LeaveSessionAsync(CancellationToken.None); // the last event taken in, now that none comes in any more
        }

        if (how == ShardEnd.HandOver)
        {
            try
            {
                await _leases.ReleaseAsync(_name, _owner);
            }
#pragma warning disable CA1031 // the lease store may fail in any way; the lease then ends by itself after its ttl
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.ReleaseFailed(_logger, _shard.Id, ex.Message, _timings.Ttl.TotalSeconds);
            }
        }

        _status.RemoveShard(_shard.Status);
        _schedule.Done(_guardKey);
        _schedule.Done(_renewKey);
        _ended.TrySetResult();
    }

    private async Task RenewLoopAsync(DateTimeOffset acquiredAt, CancellationToken ct)
    {
        var next = acquiredAt + _timings.RenewEvery;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                _schedule.Due(_renewKey, next);
                var wait = next - _time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, ct);
                }

                var start = _time.GetUtcNow();
                bool renewed;
                try
                {
                    // Never wait on the store past the guard: by then the shard is closed anyway.
                    using var bound = new CancellationTokenSource(Until(Deadline) + TimeSpan.FromMilliseconds(1), _time);
                    using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, bound.Token);
                    renewed = await _leases.RenewAsync(_name, _owner, _timings.Ttl, linked.Token);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // any failure of the lease store (unreachable, a timeout): try again until the guard closes the shard
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Log.RenewFailed(_logger, _shard.Id, ex.Message, Math.Max(0, Until(Deadline).TotalSeconds));
                    next = start + _timings.RetryAfterError;
                    continue;
                }

                if (!renewed)
                {
                    _ = EndAsync(ShardEnd.Lost, "the lease store refused the renewal: the lease expired or another replica holds it");
                    return;
                }

                Extend(start + _timings.Ttl - _timings.Margin);
                next = start + _timings.RenewEvery;
                if (_leases.SharedAcrossProcesses)
                {
                    await LeaveSessionAsync(ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            _schedule.Done(_renewKey);
        }
    }

    /// <summary>
    /// With replicas: resumes the session the shard's previous holder left with the lease (a replica that died, or
    /// handed the shard over), so Discord replays the events it sent since the last one taken in there — none is lost
    /// to the hand-over; events taken in twice are dropped by the dedupe across replicas. Then runs the connection.
    /// </summary>
    private async Task RunClientAsync(CancellationToken ct)
    {
        if (_leases.SharedAcrossProcesses)
        {
            try
            {
                if (GatewaySession.FromJson(await _leases.ReadNoteAsync(_name, ct)) is { } session && _client.ResumeFrom(session))
                {
                    Log.ResumingLeftSession(_logger, _shard.Id, session.SessionId, session.Sequence);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the store may fail in any way: the shard then identifies afresh
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.SessionNoteFailed(_logger, _shard.Id, "reading", ex.Message);
            }
        }

        await _client.RunAsync(ct);
    }

    /// <summary>Leaves the session with the lease for the shard's next holder (only while this replica holds it).</summary>
    private async Task LeaveSessionAsync(CancellationToken ct)
    {
        if (_client.Session is not { } session)
        {
            return;
        }

        try
        {
            await _leases.WriteNoteAsync(_name, _owner, session.ToJson(), SessionKeep, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // a note that cannot be left only costs the next holder a fresh IDENTIFY
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.SessionNoteFailed(_logger, _shard.Id, "leaving", ex.Message);
        }
    }

    /// <summary>How long a session left for the next holder is worth resuming: Discord ends sessions left idle for minutes.</summary>
    private TimeSpan SessionKeep => _timings.Ttl * 3 > TimeSpan.FromMinutes(5) ? _timings.Ttl * 3 : TimeSpan.FromMinutes(5);

    private void Extend(DateTimeOffset deadline)
    {
        lock (_gate)
        {
            if (_ending)
            {
                return;
            }

            _deadline = deadline;
            _guard?.Change(Until(deadline), Timeout.InfiniteTimeSpan);
            _schedule.Due(_guardKey, deadline);
        }
    }

    private void OnGuard()
    {
        lock (_gate)
        {
            if (_ending)
            {
                return;
            }

            var left = Until(_deadline);
            if (left > TimeSpan.Zero)
            {
                _guard?.Change(left, Timeout.InfiniteTimeSpan); // renewed meanwhile
                return;
            }

            _shard.StopAccepting(); // first of all, on the timer's own thread
        }

        _ = EndAsync(ShardEnd.Lost, $"its lease was not renewed in time; it is closed {_timings.Margin.TotalSeconds:0.###} s before the lease could end");
    }

    private async Task WatchConnectionAsync()
    {
        try
        {
            await _connection;
        }
        catch (OperationCanceledException)
        {
        }
#pragma warning disable CA1031 // whatever ended the connection, the shard must not stay held without one
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ConnectionFailed(_logger, _shard.Id, ex);
        }

        if (!_ending && !_status.Stopped.IsCancellationRequested)
        {
            await EndAsync(ShardEnd.HandOver, "its gateway connection ended");
        }
    }

    private TimeSpan Until(DateTimeOffset at)
    {
        var left = at - _time.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
#pragma warning disable CA1031 // ending a shard: its tasks' failures were logged where they happened
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(240, LogLevel.Warning, "Discord shard {ShardId}: lost — {Reason}. Its connection is closed at once and its events are no longer taken in; another replica takes it over")]
        public static partial void Lost(ILogger logger, int shardId, string reason);

        [LoggerMessage(241, LogLevel.Information, "Discord shard {ShardId}: handing over ({Reason}); closing its connection, then releasing its lease")]
        public static partial void HandingOver(ILogger logger, int shardId, string reason);

        [LoggerMessage(242, LogLevel.Warning, "Discord shard {ShardId}: renewing its lease failed ({Error}); trying again, the shard is closed in {Seconds:0.###} s unless a renewal succeeds")]
        public static partial void RenewFailed(ILogger logger, int shardId, string error, double seconds);

        [LoggerMessage(243, LogLevel.Warning, "Discord shard {ShardId}: releasing its lease failed ({Error}); the lease ends by itself within {Seconds:0.###} s, then another replica takes the shard")]
        public static partial void ReleaseFailed(ILogger logger, int shardId, string error, double seconds);

        [LoggerMessage(244, LogLevel.Warning, "Discord shard {ShardId}: the connection did not finish closing within {Seconds:0.###} s; cutting it")]
        public static partial void CloseCut(ILogger logger, int shardId, double seconds);

        [LoggerMessage(245, LogLevel.Error, "Discord shard {ShardId}: its gateway connection failed; handing the shard over")]
        public static partial void ConnectionFailed(ILogger logger, int shardId, Exception exception);

        [LoggerMessage(246, LogLevel.Information, "Discord shard {ShardId}: resuming session {SessionId} from event {Sequence}, as its previous holder left it")]
        public static partial void ResumingLeftSession(ILogger logger, int shardId, string sessionId, long sequence);

        [LoggerMessage(247, LogLevel.Debug, "Discord shard {ShardId}: {Doing} the session note failed ({Error}); the next holder identifies afresh")]
        public static partial void SessionNoteFailed(ILogger logger, int shardId, string doing, string error);
    }
}
