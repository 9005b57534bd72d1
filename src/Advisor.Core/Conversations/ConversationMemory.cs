using Advisor.Core.Answers;
using Microsoft.Extensions.Options;

namespace Advisor.Core.Conversations;

/// <summary>
/// The recent turns of each conversation (a chat thread), so a follow-up can lean on the previous turn.
/// Bounded in turns, idle time and number of conversations. Thread-safe.
/// </summary>
/// <remarks>
/// In memory only, so lost on restart. <see cref="IConversationStore"/> is the same state kept durably (SQLite or
/// PostgreSQL through <c>AddAdvisorStorage</c>, or <see cref="InMemoryConversationStore"/>), with stable turn ids,
/// feedback and the question log; the turn pipeline is to move the adapters from this class onto it.
/// </remarks>
public sealed class ConversationMemory(IOptions<ConversationOptions> options, TimeProvider time)
{
    private readonly ConversationOptions _options = options.Value;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    private sealed class Entry
    {
        public List<ConversationTurn> Turns { get; } = [];
        public DateTimeOffset LastUsed { get; set; }
    }

    /// <summary>The earlier turns of a conversation, oldest first (empty when unknown or expired).</summary>
    public IReadOnlyList<ConversationTurn> History(string conversationKey)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(conversationKey, out var entry) || Expired(entry))
            {
                return [];
            }

            return entry.Turns.ToArray();
        }
    }

    /// <summary>True when the bot has answered in this conversation recently (a thread it takes part in).</summary>
    public bool Knows(string conversationKey)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(conversationKey, out var entry) && !Expired(entry);
        }
    }

    /// <summary>Records a turn.</summary>
    public void Append(string conversationKey, ConversationTurn turn)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(conversationKey, out var entry) || Expired(entry))
            {
                if (_entries.Count >= _options.MaxConversations)
                {
                    var oldest = _entries.MinBy(e => e.Value.LastUsed).Key;
                    _entries.Remove(oldest);
                }

                entry = new Entry();
                _entries[conversationKey] = entry;
            }

            entry.Turns.Add(turn);
            if (entry.Turns.Count > _options.MaxTurns)
            {
                entry.Turns.RemoveRange(0, entry.Turns.Count - _options.MaxTurns);
            }

            entry.LastUsed = time.GetUtcNow();
        }
    }

    /// <summary>Marks a conversation as one the bot takes part in, with no turn yet.</summary>
    public void Touch(string conversationKey)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(conversationKey, out var entry))
            {
                entry = new Entry();
                _entries[conversationKey] = entry;
            }

            entry.LastUsed = time.GetUtcNow();
        }
    }

    private bool Expired(Entry entry) => time.GetUtcNow() - entry.LastUsed > TimeSpan.FromMinutes(_options.IdleMinutes);
}
