namespace Advisor.Core.Turns;

/// <summary>
/// The conversations this process kept a turn in lately, in memory: a hint for the decisions an adapter must take at
/// once, without asking the store (on a receive loop, before an acknowledgement) — chiefly whether a thread message
/// that did not fit in a full queue deserves a "busy" reply. Bounded and idle-limited like the store; empty after a
/// restart (the store, asked by the pipeline itself, is what counts).
/// </summary>
internal sealed class KnownConversations(TimeProvider time, TimeSpan idle, int capacity)
{
    private readonly Dictionary<string, DateTimeOffset> _lastActive = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public void Remember(string conversationKey)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_lastActive.Count >= capacity && !_lastActive.ContainsKey(conversationKey))
            {
                foreach (var key in _lastActive.Where(kv => now - kv.Value > idle).Select(kv => kv.Key).ToList())
                {
                    _lastActive.Remove(key);
                }

                if (_lastActive.Count >= capacity)
                {
                    _lastActive.Remove(_lastActive.MinBy(kv => kv.Value).Key);
                }
            }

            _lastActive[conversationKey] = now;
        }
    }

    public bool Contains(string conversationKey)
    {
        lock (_gate)
        {
            return _lastActive.TryGetValue(conversationKey, out var at) && time.GetUtcNow() - at <= idle;
        }
    }
}
