using Advisor.Core.Coordination;
using Advisor.Core.Turns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Core.Hosting;

/// <summary>
/// Finishes what dead replicas left: on every replica, every <see cref="InFlightOptions.SweepMilliseconds"/>, it reads
/// the questions whose lease expired (<see cref="IInFlightClaims.ExpiredAsync"/>), takes each one over (only one
/// replica wins a question; the message's dedupe claim becomes this replica's), rebuilds its reply channel through its
/// platform's <see cref="IReplyChannelFactory"/>, and answers it on the platform's work queue, holding the
/// <see cref="QuestionGate"/> (<see cref="TurnPipeline.ResumeAsync"/>: a reply the dead replica had sent is found on the
/// platform and not sent again). Registered only with a shared store (Redis): a single process has nobody to take over
/// from. What cannot be finished is said in the log and deleted: a target past its time (an interaction token's 15
/// minutes), one that cannot be read, a question taken over <see cref="InFlightOptions.MaxTakeOvers"/> times already.
/// A question of a platform this replica does not run is left for one that does.
/// </summary>
public sealed partial class InFlightSweeper : BackgroundService
{
    private readonly IInFlightClaims _claims;
    private readonly TurnPipeline _pipeline;
    private readonly Dictionary<string, IReplyChannelFactory> _factories;
    private readonly QuestionGate _gate;
    private readonly ReplicaIdentity _replica;
    private readonly InFlightOptions _options;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILogger<InFlightSweeper> _logger;
    private readonly HashSet<string> _notMine = new(StringComparer.Ordinal);

    public InFlightSweeper(
        IInFlightClaims claims,
        TurnPipeline pipeline,
        IEnumerable<IReplyChannelFactory> factories,
        QuestionGate gate,
        ReplicaIdentity replica,
        IOptions<InFlightOptions> options,
        IServiceProvider services,
        TimeProvider time,
        ILogger<InFlightSweeper> logger)
    {
        ArgumentNullException.ThrowIfNull(factories);
        ArgumentNullException.ThrowIfNull(options);
        _claims = claims;
        _pipeline = pipeline;
        _factories = factories.GroupBy(f => f.Platform, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        _gate = gate;
        _replica = replica;
        _options = options.Value;
        _services = services;
        _time = time;
        _logger = logger;
    }

    private int _takenOver;

    /// <summary>Questions this replica took over since it started.</summary>
    public int TakenOver => Volatile.Read(ref _takenOver);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Log.Started(_logger, _replica.Id, _options.LeaseMilliseconds, _options.SweepMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.SweepInterval, _time, stoppingToken).ConfigureAwait(false);
                await SweepAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the sweeper must outlive any one failure; it is logged and the next sweep tries again
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.SweepFailed(_logger, ex);
            }
        }
    }

    /// <summary>One sweep: takes over what it can of the questions whose lease expired; returns how many it took over.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        if (!_gate.Accepting)
        {
            return 0; // stopping: what is left is for the replicas that stay
        }

        var taken = 0;
        foreach (var id in await _claims.ExpiredAsync(_options.MaxPerSweep, cancellationToken).ConfigureAwait(false))
        {
            if (await TryTakeOverAsync(id, cancellationToken).ConfigureAwait(false))
            {
                taken++;
            }
        }

        return taken;
    }

    private async Task<bool> TryTakeOverAsync(string id, CancellationToken cancellationToken)
    {
        var record = await _claims.ReadAsync(id, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return false; // finished or taken meanwhile
        }

        var platform = record.Message.Platform;
        if (!_factories.TryGetValue(platform, out var factory))
        {
            if (_notMine.Count > 10_000)
            {
                _notMine.Clear(); // only to say it once per question; forgetting means saying it again
            }

            if (_notMine.Add(id))
            {
                Log.NotMine(_logger, platform, record.Message.DedupeKey);
            }

            return false;
        }

        if (record.Target.Until is { } until && until <= _time.GetUtcNow())
        {
            Log.TooLate(_logger, platform, record.Message.DedupeKey, record.Replica, until);
            await _claims.DropAsync(record, cancellationToken).ConfigureAwait(false);
            return false;
        }

        if (record.TakeOvers >= _options.MaxTakeOvers)
        {
            Log.GivenUp(_logger, platform, record.Message.DedupeKey, record.TakeOvers);
            await _claims.DropAsync(record, cancellationToken).ConfigureAwait(false);
            return false;
        }

        var taken = await _claims.TryTakeOverAsync(record, _pipeline.NewClaimOwner(), _replica.Id, _pipeline.ClaimLease, cancellationToken).ConfigureAwait(false);
        if (taken is null)
        {
            return false;
        }

        Interlocked.Increment(ref _takenOver);
        var claim = InFlightClaim.Held(_claims, taken, _pipeline.ClaimLease, _time, _logger);
        Log.TakingOver(_logger, platform, taken.Message.DedupeKey, record.Replica, (_time.GetUtcNow() - taken.Since).TotalSeconds);
        var hold = _gate.Hold();
        Func<CancellationToken, Task> work = ct => FinishAsync(factory, claim, ct);
        var queued = _services.GetKeyedService<PlatformWorkQueue>(platform) is { } queue
            ? queue.TryEnqueue(taken.Message.ConversationKey, hold, work)
            : RunBeside(hold, work);
        if (!queued)
        {
            hold.Dispose();
            Log.Busy(_logger, platform, taken.Message.DedupeKey);
            await claim.ReleaseAsync().ConfigureAwait(false);
            return false;
        }

        return true;
    }

    private async Task FinishAsync(IReplyChannelFactory factory, InFlightClaim claim, CancellationToken cancellationToken)
    {
        var message = claim.Record.Message;
        try
        {
            if (!await factory.ResumeAsync(claim.Record.Target, (channel, ct) => _pipeline.ResumeAsync(claim, channel, ct), cancellationToken).ConfigureAwait(false))
            {
                Log.CannotRebuild(_logger, message.Platform, message.DedupeKey, claim.Record.Target.Kind);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Left (or completed) by the pipeline, as for any answer this replica could not finish.
            return;
        }
#pragma warning disable CA1031 // a take-over that fails is logged and given up, never thrown into the queue
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.FinishFailed(_logger, ex, message.Platform, message.DedupeKey);
        }

        // Whatever the answer came to, the question is dealt with (idempotent: the pipeline has usually completed it).
        await claim.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>Without a work queue for the platform (a test's host): the work runs beside, holding the gate.</summary>
    private static bool RunBeside(IDisposable hold, Func<CancellationToken, Task> work)
    {
        _ = Task.Run(async () =>
        {
            using (hold)
            {
                await work(CancellationToken.None).ConfigureAwait(false);
            }
        });
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(180, LogLevel.Information, "In-flight questions: replica {Replica} finishes what a stopped replica left (lease {LeaseMs} ms, sweep every {SweepMs} ms)")]
        public static partial void Started(ILogger logger, string replica, int leaseMs, int sweepMs);

        [LoggerMessage(181, LogLevel.Warning, "{Platform} message {Key}: replica {Replica} stopped answering it; taking it over ({AgeSeconds:0.0} s after it arrived)")]
        public static partial void TakingOver(ILogger logger, string platform, string key, string replica, double ageSeconds);

        [LoggerMessage(182, LogLevel.Error, "{Platform} message {Key} was left by replica {Replica} but can no longer be answered (its reply target expired at {Until:u}); dropped")]
        public static partial void TooLate(ILogger logger, string platform, string key, string replica, DateTimeOffset until);

        [LoggerMessage(183, LogLevel.Error, "{Platform} message {Key} was taken over {TakeOvers} times and every replica stopped before finishing it; given up")]
        public static partial void GivenUp(ILogger logger, string platform, string key, int takeOvers);

        [LoggerMessage(184, LogLevel.Error, "{Platform} message {Key}: its reply target (kind {Kind}) could not be rebuilt; it is not answered")]
        public static partial void CannotRebuild(ILogger logger, string platform, string key, string kind);

        [LoggerMessage(185, LogLevel.Error, "{Platform} message {Key}: finishing a taken-over answer failed")]
        public static partial void FinishFailed(ILogger logger, Exception exception, string platform, string key);

        [LoggerMessage(186, LogLevel.Warning, "{Platform} message {Key} could not be taken over now (the work queue is full); given back for the next sweep")]
        public static partial void Busy(ILogger logger, string platform, string key);

        [LoggerMessage(187, LogLevel.Information, "{Platform} message {Key} was left by a stopped replica, but {Platform} does not run here; left for a replica that runs it")]
        public static partial void NotMine(ILogger logger, string platform, string key);

        [LoggerMessage(188, LogLevel.Error, "Looking for questions left by stopped replicas failed; trying again at the next sweep")]
        public static partial void SweepFailed(ILogger logger, Exception exception);
    }
}
