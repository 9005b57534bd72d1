using Advisor.Discord.Rest;

namespace Advisor.Discord.Interactions;

/// <summary>
/// The initial responses given to recent interactions (bounded by age and count), so an interaction that arrives
/// again — a resume replaying it, the same signed request posted twice — is answered with the response it already got
/// and never worked on twice. Thread-safe.
/// </summary>
internal sealed class RecentInteractions(TimeProvider time, TimeSpan lifetime, int capacity = 10_000)
{
    private readonly Dictionary<string, TaskCompletionSource<InteractionResponse>> _responses = new(StringComparer.Ordinal);
    private readonly Queue<(string Id, DateTimeOffset At)> _order = new();
    private readonly Lock _gate = new();

    /// <summary>
    /// True the first time an id is seen: the caller decides the response and sets it on <paramref name="response"/>.
    /// False for a repeat: <paramref name="response"/> completes with the first one's response.
    /// </summary>
    public bool TryClaim(string id, out TaskCompletionSource<InteractionResponse> response)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            while (_order.Count > 0 && (now - _order.Peek().At > lifetime || _order.Count >= capacity))
            {
                _responses.Remove(_order.Dequeue().Id);
            }

            if (_responses.TryGetValue(id, out var earlier))
            {
                response = earlier;
                return false;
            }

            response = new TaskCompletionSource<InteractionResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
            _responses[id] = response;
            _order.Enqueue((id, now));
            return true;
        }
    }
}
