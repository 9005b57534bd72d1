namespace Advisor.Core.Coordination;

/// <summary>
/// The claims of a single process (the default without Redis). Nobody else could take a question over, so they only
/// track what is being answered — with the same rules as the shared store (one owner at a time, leases expiring on the
/// injected clock), so the pipeline and the sweeper can be tested against them.
/// </summary>
public sealed class InMemoryInFlightClaims(TimeProvider time) : IInFlightClaims
{
    private readonly Dictionary<string, (InFlightRecord Record, DateTimeOffset Until)> _claims = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public bool Shared => false;

    public bool Reachable => true;

    /// <summary>The questions claimed now (a snapshot).</summary>
    public IReadOnlyList<InFlightRecord> Current
    {
        get
        {
            lock (_gate)
            {
                return [.. _claims.Values.Select(c => c.Record)];
            }
        }
    }

    public Task<ClaimBegin> TryBeginAsync(InFlightRecord record, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            if (_claims.TryGetValue(record.Id, out var held) && held.Record.Owner != record.Owner)
            {
                return Task.FromResult(ClaimBegin.HeldElsewhere);
            }

            _claims[record.Id] = (record, time.GetUtcNow() + lease);
            return Task.FromResult(ClaimBegin.Begun);
        }
    }

    public Task<bool?> RenewAsync(InFlightRecord record, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            if (!_claims.TryGetValue(record.Id, out var held) || held.Record.Owner != record.Owner)
            {
                return Task.FromResult<bool?>(false);
            }

            _claims[record.Id] = (held.Record, time.GetUtcNow() + lease);
            return Task.FromResult<bool?>(true);
        }
    }

    public Task CompleteAsync(InFlightRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            if (_claims.TryGetValue(record.Id, out var held) && held.Record.Owner == record.Owner)
            {
                _claims.Remove(record.Id);
            }
        }

        return Task.CompletedTask;
    }

    public Task ReleaseAsync(InFlightRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            if (_claims.TryGetValue(record.Id, out var held) && held.Record.Owner == record.Owner)
            {
                _claims[record.Id] = (held.Record, time.GetUtcNow());
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ExpiredAsync(int max, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<string>>(
                [.. _claims.Values.Where(c => c.Until <= now).OrderBy(c => c.Until).Take(max).Select(c => c.Record.Id)]);
        }
    }

    public Task<InFlightRecord?> ReadAsync(string id, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_claims.TryGetValue(id, out var held) ? held.Record : null);
        }
    }

    public Task<InFlightRecord?> TryTakeOverAsync(InFlightRecord expired, string owner, string replica, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expired);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_claims.TryGetValue(expired.Id, out var held) || held.Record.Owner != expired.Owner || held.Until > now)
            {
                return Task.FromResult<InFlightRecord?>(null);
            }

            var taken = held.Record with { Owner = owner, Replica = replica, TakeOvers = held.Record.TakeOvers + 1 };
            _claims[expired.Id] = (taken, now + lease);
            return Task.FromResult<InFlightRecord?>(taken);
        }
    }

    public Task DropAsync(InFlightRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            if (_claims.TryGetValue(record.Id, out var held) && held.Record.Owner == record.Owner && held.Until <= time.GetUtcNow())
            {
                _claims.Remove(record.Id);
            }
        }

        return Task.CompletedTask;
    }
}
