namespace Advisor.Core.Conversations;

/// <summary>
/// Remembers keys for a while (bounded by age and count), so an event that platforms deliver at least once — retries,
/// several connections, a replay after resume — is handled once. Thread-safe.
/// </summary>
public sealed class RecentKeys(TimeProvider time, TimeSpan lifetime, int capacity = 50_000)
{
    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, DateTimeOffset At)> _order = new();
    private readonly Lock _gate = new();

    /// <summary>True the first time a key is seen (within the lifetime); false for a repeat.</summary>
    public bool TryClaim(string key)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            while (_order.Count > 0 && (now - _order.Peek().At > lifetime || _order.Count >= capacity))
            {
                var (old, at) = _order.Dequeue();
                if (_seen.TryGetValue(old, out var seenAt) && seenAt == at)
                {
                    _seen.Remove(old);
                }
            }

            if (_seen.ContainsKey(key))
            {
                return false;
            }

            _seen[key] = now;
            _order.Enqueue((key, now));
            return true;
        }
    }

    /// <summary>Forgets a claimed key, so its next delivery is taken on (the first one was refused, not handled).</summary>
    public void Release(string key)
    {
        lock (_gate)
        {
            _seen.Remove(key);
        }
    }
}
