using Microsoft.Extensions.Logging;

namespace Advisor.Core.Coordination;

/// <summary>
/// This replica's hold on one question being answered (<see cref="IInFlightClaims"/>): recorded when the claim is
/// begun (without waiting: intake never waits on the store), renewed every third of the lease until the question is
/// dealt with, then completed (deleted). A replica that dies stops renewing, and its questions are taken over.
/// <list type="bullet">
/// <item><see cref="CompleteAsync"/>: the question was dealt with (answered, refused, told); nobody must answer it again.</item>
/// <item><see cref="Leave"/>: this replica stops (its shutdown ran out of time): renewals stop, nothing is released,
/// and another replica takes the question over once the lease expires.</item>
/// <item><see cref="ReleaseAsync"/>: this replica cannot answer it now (its queue is full): the lease is given back
/// and the next sweep, here or elsewhere, takes it over.</item>
/// </list>
/// A renewal that finds the question taken over marks the claim <see cref="Lost"/>: the replica must not reply then.
/// </summary>
public sealed partial class InFlightClaim : IAsyncDisposable
{
    private readonly IInFlightClaims _store;
    private readonly TimeSpan _lease;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Task<ClaimBegin> _begun;
    private readonly Lock _gate = new();
    private ITimer? _renewal;
    private DateTimeOffset _confirmed;
    private int _renewing;
    private int _ended;
    private volatile bool _lost;

    private InFlightClaim(IInFlightClaims store, InFlightRecord record, TimeSpan lease, TimeProvider time, ILogger logger, Task<ClaimBegin>? begun)
    {
        _store = store;
        Record = record;
        _lease = lease;
        _time = time;
        _logger = logger;
        _confirmed = time.GetUtcNow();
        _begun = begun ?? Task.FromResult(ClaimBegin.Begun);
        if (begun is null)
        {
            StartRenewing();
        }
        else
        {
            _ = _begun.ContinueWith(
                static (t, state) =>
                {
                    if (t.IsCompletedSuccessfully && t.Result == ClaimBegin.Begun)
                    {
                        ((InFlightClaim)state!).StartRenewing();
                    }
                },
                this,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    /// <summary>The question as it is claimed (after a take-over, with this replica as its owner).</summary>
    public InFlightRecord Record { get; }

    /// <summary>True when other replicas see the claim (<see cref="IInFlightClaims.Shared"/>).</summary>
    public bool Shared => _store.Shared;

    /// <summary>True when this replica took the question over from one that stopped answering it.</summary>
    public bool TakenOver => Record.TakeOvers > 0;

    /// <summary>True when a renewal found the question taken over by another replica: this one must not reply.</summary>
    public bool Lost => _lost;

    /// <summary>
    /// Begins a claim: the record is written in the background (<see cref="HeldAsync"/> tells how it went), and renewed
    /// from then on. Never waits and never throws for the store.
    /// </summary>
    public static InFlightClaim Begin(IInFlightClaims store, InFlightRecord record, TimeSpan lease, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        return new InFlightClaim(store, record, lease, time, logger, BeginAsync(store, record, lease, logger));
    }

    /// <summary>A claim this replica holds already (it took the question over): renewed from now on.</summary>
    public static InFlightClaim Held(IInFlightClaims store, InFlightRecord record, TimeSpan lease, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        return new InFlightClaim(store, record, lease, time, logger, begun: null);
    }

    /// <summary>
    /// Waits until the claim was recorded: false when another attempt holds the question (this one must do nothing);
    /// true when this one holds it — or when the store could not be reached, and the answer goes on unrecorded.
    /// </summary>
    public async Task<bool> HeldAsync() => await _begun.ConfigureAwait(false) != ClaimBegin.HeldElsewhere;

    /// <summary>
    /// Whether this replica may still reply, asked just before it does: not when the claim was lost; when no renewal
    /// succeeded for a whole lease (a long pause, the store away), the store is asked once more — a claim it says was
    /// taken over is lost, one it cannot confirm either way is kept (the answer is sent rather than lost).
    /// </summary>
    public async ValueTask<bool> StillHeldAsync(CancellationToken cancellationToken)
    {
        if (_lost)
        {
            return false;
        }

        if (Volatile.Read(ref _ended) == 1 || await _begun.ConfigureAwait(false) != ClaimBegin.Begun || _time.GetUtcNow() - Confirmed < _lease)
        {
            return true;
        }

        await RenewOnceAsync(cancellationToken).ConfigureAwait(false);
        return !_lost;
    }

    /// <summary>The question was dealt with: renewals stop and the record is deleted (when this replica still holds it). Idempotent.</summary>
    public async Task CompleteAsync()
    {
        if (!End())
        {
            return;
        }

        if (!_lost && await RecordedAsync().ConfigureAwait(false))
        {
            try
            {
                await _store.CompleteAsync(Record).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The lease then expires, and a sweeper finds the reply on the platform (or, where the platform cannot tell, may repeat it).
                Log.CompleteFailed(_logger, Record.Message.Platform, Record.Id, ex.Message);
            }
        }
    }

    /// <summary>This replica stops without finishing: renewals stop, nothing is released (the lease expires, and another replica takes over).</summary>
    public void Leave()
    {
        if (End())
        {
            Log.Left(_logger, Record.Message.Platform, Record.Id);
        }
    }

    /// <summary>This replica cannot answer it now: renewals stop and the lease is given back, so the next sweep takes it over.</summary>
    public async Task ReleaseAsync()
    {
        if (!End() || _lost || !await RecordedAsync().ConfigureAwait(false))
        {
            return;
        }

        try
        {
            await _store.ReleaseAsync(Record).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.CompleteFailed(_logger, Record.Message.Platform, Record.Id, ex.Message);
        }
    }

    /// <summary>Stops renewing (as <see cref="Leave"/>), for a claim nobody completed.</summary>
    public ValueTask DisposeAsync()
    {
        End();
        return ValueTask.CompletedTask;
    }

    private DateTimeOffset Confirmed
    {
        get
        {
            lock (_gate)
            {
                return _confirmed;
            }
        }
    }

    /// <summary>True when the claim was recorded under this attempt's lease (not when another holds it, nor when the store was away).</summary>
    public async Task<bool> RecordedAsync()
    {
        try
        {
            return await _begun.ConfigureAwait(false) == ClaimBegin.Begun;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false;
        }
    }

    private static async Task<ClaimBegin> BeginAsync(IInFlightClaims store, InFlightRecord record, TimeSpan lease, ILogger logger)
    {
        try
        {
            var begun = await store.TryBeginAsync(record, lease).ConfigureAwait(false);
            if (begun == ClaimBegin.NotRecorded)
            {
                Log.NotRecorded(logger, record.Message.Platform, record.Id);
            }

            return begun;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.BeginFailed(logger, record.Message.Platform, record.Id, ex.Message);
            return ClaimBegin.NotRecorded;
        }
    }

    private void StartRenewing()
    {
        lock (_gate)
        {
            if (Volatile.Read(ref _ended) == 1 || _renewal is not null)
            {
                return;
            }

            var every = _lease / 3;
            _renewal = _time.CreateTimer(static state => ((InFlightClaim)state!).OnTimer(), this, every, every);
        }
    }

    private void OnTimer()
    {
        if (Interlocked.Exchange(ref _renewing, 1) == 1)
        {
            return; // the previous renewal is still on its way
        }

        _ = RenewInBackgroundAsync();
    }

    private async Task RenewInBackgroundAsync()
    {
        try
        {
            await RenewOnceAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _renewing, 0);
        }
    }

    private async Task RenewOnceAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _ended) == 1)
        {
            return;
        }

        bool? renewed;
        try
        {
            renewed = await _store.RenewAsync(Record, _lease, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
        {
            Log.RenewFailed(_logger, Record.Message.Platform, Record.Id, ex.Message);
            return;
        }

        if (renewed == true)
        {
            lock (_gate)
            {
                _confirmed = _time.GetUtcNow();
            }
        }
        else if (renewed == false && !_lost)
        {
            _lost = true;
            End();
            Log.Lost(_logger, Record.Message.Platform, Record.Id);
        }
    }

    /// <summary>Ends renewals; true the first time.</summary>
    private bool End()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 1)
        {
            return false;
        }

        ITimer? renewal;
        lock (_gate)
        {
            renewal = _renewal;
            _renewal = null;
        }

        renewal?.Dispose();
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(170, LogLevel.Warning, "{Platform} question {Claim}: its claim could not be recorded ({Reason}); it is answered here, but no other replica could finish it should this one stop")]
        public static partial void BeginFailed(ILogger logger, string platform, string claim, string reason);

        [LoggerMessage(171, LogLevel.Debug, "{Platform} question {Claim}: the shared store is away, so it is answered unrecorded")]
        public static partial void NotRecorded(ILogger logger, string platform, string claim);

        [LoggerMessage(172, LogLevel.Warning, "{Platform} question {Claim}: its claim could not be renewed ({Reason}); retried, and it is still answered here")]
        public static partial void RenewFailed(ILogger logger, string platform, string claim, string reason);

        [LoggerMessage(173, LogLevel.Warning, "{Platform} question {Claim} was taken over by another replica (this one missed its renewals); this one will not reply")]
        public static partial void Lost(ILogger logger, string platform, string claim);

        [LoggerMessage(174, LogLevel.Warning, "{Platform} question {Claim}: its claim could not be deleted ({Reason}); it expires by itself, and a replica that takes it over finds the reply on the platform first")]
        public static partial void CompleteFailed(ILogger logger, string platform, string claim, string reason);

        [LoggerMessage(175, LogLevel.Information, "{Platform} question {Claim} is left unfinished as this replica stops; another replica takes it over when its lease expires")]
        public static partial void Left(ILogger logger, string platform, string claim);
    }
}
