using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Advisor.Slack;

/// <summary>
/// The ephemeral /ask answers that may still be shared in their channel ("Share in channel"): the answer's messages as
/// they would be posted, kept in memory under a random id that the button carries, for as long as the click's
/// response_url lives (30 minutes), at most <see cref="Capacity"/> at a time (the oldest go first). An answer is shared
/// once; after a restart the button says the answer is no longer available.
/// </summary>
public sealed class SlackSharedAnswers(TimeProvider time)
{
    /// <summary>Answers kept at most.</summary>
    public const int Capacity = 2000;

    /// <summary>How long an answer can be shared: Slack's response_url takes posts for 30 minutes.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    private readonly ConcurrentDictionary<string, (IReadOnlyList<JsonObject> Messages, string Asker, DateTimeOffset Until)> _answers = new(StringComparer.Ordinal);

    /// <summary>Keeps the answer's messages (copied) and returns the id for the button.</summary>
    public string Keep(IReadOnlyList<JsonObject> messages, string asker)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var now = time.GetUtcNow();
        if (_answers.Count >= Capacity)
        {
            foreach (var old in _answers.Where(a => a.Value.Until <= now).Select(a => a.Key).ToList())
            {
                _answers.TryRemove(old, out _);
            }

            foreach (var oldest in _answers.OrderBy(a => a.Value.Until).Take(_answers.Count - Capacity + 1).Select(a => a.Key).ToList())
            {
                _answers.TryRemove(oldest, out _);
            }
        }

        var id = Guid.NewGuid().ToString("N");
        _answers[id] = ([.. messages.Select(m => m.DeepClone().AsObject())], asker, now + Lifetime);
        return id;
    }

    /// <summary>Takes the answer out (it is shared once); null when unknown, expired, or kept for another user.</summary>
    public IReadOnlyList<JsonObject>? Take(string id, string user)
    {
        if (!_answers.TryGetValue(id, out var kept) || kept.Asker != user)
        {
            return null;
        }

        if (!_answers.TryRemove(id, out kept))
        {
            return null;
        }

        return kept.Until > time.GetUtcNow() ? kept.Messages : null;
    }
}
