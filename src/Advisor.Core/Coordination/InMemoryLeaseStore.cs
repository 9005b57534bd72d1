namespace Advisor.Core.Coordination;

/// <summary>The leases of a single process (the default without Redis); expiry follows the injected clock.</summary>
public sealed class InMemoryLeaseStore(TimeProvider time) : ILeaseStore
{
    private readonly Dictionary<string, (string Owner, DateTimeOffset Until)> _leases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Note, DateTimeOffset Until)> _notes = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public Task<bool> TryAcquireAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        Check(name, owner, ttl);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_leases.TryGetValue(name, out var held) && held.Until > now && held.Owner != owner)
            {
                return Task.FromResult(false);
            }

            _leases[name] = (owner, now + ttl);
            return Task.FromResult(true);
        }
    }

    public Task<bool> RenewAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        Check(name, owner, ttl);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_leases.TryGetValue(name, out var held) || held.Until <= now || held.Owner != owner)
            {
                return Task.FromResult(false);
            }

            _leases[name] = (owner, now + ttl);
            return Task.FromResult(true);
        }
    }

    public Task ReleaseAsync(string name, string owner, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        lock (_gate)
        {
            if (_leases.TryGetValue(name, out var held) && held.Owner == owner)
            {
                _leases.Remove(name);
            }
        }

        return Task.CompletedTask;
    }

    public Task<string?> GetOwnerAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            return Task.FromResult(_leases.TryGetValue(name, out var held) && held.Until > now ? held.Owner : null);
        }
    }

    /// <summary>False: nobody outside this process reads these leases (tests that play several replicas in one process may say otherwise).</summary>
    public bool SharedAcrossProcesses { get; init; }

    public Task<bool> WriteNoteAsync(string name, string owner, string note, TimeSpan keep, CancellationToken cancellationToken = default)
    {
        Check(name, owner, keep);
        ArgumentNullException.ThrowIfNull(note);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_leases.TryGetValue(name, out var held) || held.Until <= now || held.Owner != owner)
            {
                return Task.FromResult(false);
            }

            _notes[name] = (note, now + keep);
            return Task.FromResult(true);
        }
    }

    public Task<string?> ReadNoteAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            return Task.FromResult(_notes.TryGetValue(name, out var kept) && kept.Until > now ? kept.Note : null);
        }
    }

    private static void Check(string name, string owner, TimeSpan ttl)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
    }
}
