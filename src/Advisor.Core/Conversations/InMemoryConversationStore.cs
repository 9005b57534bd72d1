using Microsoft.Extensions.Options;

namespace Advisor.Core.Conversations;

/// <summary>
/// An <see cref="IConversationStore"/> that keeps everything in memory (lost on restart): for the console chat and tests,
/// and the default until a durable store is registered. Bounded by <see cref="ConversationOptions"/> (turns, idle time,
/// number of conversations, the least recently active going first); the question log is bounded by <see cref="PurgeAsync"/> only. Thread-safe.
/// </summary>
public sealed class InMemoryConversationStore(IOptions<ConversationOptions> options, TimeProvider time) : IConversationStore
{
    private readonly ConversationOptions _options = options.Value;
    private readonly Dictionary<string, Conversation> _conversations = new(StringComparer.Ordinal);
    private readonly Dictionary<TurnId, LogRow> _log = [];
    private readonly Dictionary<string, SendRow> _sends = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    private sealed class Conversation
    {
        public List<(StoredTurn Turn, string? UserHash)> Turns { get; } = [];

        public DateTimeOffset LastActive { get; set; }
    }

    private sealed record LogRow(QuestionLogEntry Entry);

    private sealed record SendRow(string Owner, DateTimeOffset Until, DateTimeOffset Created, DateTimeOffset? Completed);

    /// <inheritdoc/>
    public Task<IReadOnlyList<StoredTurn>> RecentTurnsAsync(string conversationKey, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<StoredTurn> turns = _conversations.TryGetValue(conversationKey, out var c) && !Idle(c)
                ? c.Turns.TakeLast(_options.MaxTurns).Select(t => t.Turn).ToArray()
                : [];
            return Task.FromResult(turns);
        }
    }

    /// <inheritdoc/>
    public Task<bool> KnowsAsync(string conversationKey, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_conversations.TryGetValue(conversationKey, out var c) && !Idle(c));
        }
    }

    /// <inheritdoc/>
    public Task TouchAsync(string conversationKey, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Open(conversationKey).LastActive = time.GetUtcNow();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<TurnId> AppendTurnAsync(TurnRecord turn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turn);
        var at = turn.At ?? time.GetUtcNow();
        var id = turn.Id ?? TurnId.New(at);
        lock (_gate)
        {
            var conversation = Open(turn.ConversationKey);
            conversation.Turns.Add((new StoredTurn(id, at, turn.Question, turn.Answer), turn.UserHash));
            if (conversation.Turns.Count > _options.MaxTurns)
            {
                conversation.Turns.RemoveRange(0, conversation.Turns.Count - _options.MaxTurns);
            }

            conversation.LastActive = time.GetUtcNow();
            _log[id] = new LogRow(new QuestionLogEntry(
                id, at, turn.Platform, turn.UserHash, turn.Question, turn.Answer.Kind, turn.Answer.Abstained, turn.Answer.AbstentionReason,
                turn.Answer.SectionIds, turn.Answer.KnowledgeVersion, turn.Latency, null, null));
        }

        return Task.FromResult(id);
    }

    /// <inheritdoc/>
    public Task<bool> RecordFeedbackAsync(TurnId turn, TurnFeedback feedback, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        lock (_gate)
        {
            if (!_log.TryGetValue(turn, out var row))
            {
                return Task.FromResult(false);
            }

            var kept = feedback.Normalized();
            _log[turn] = new LogRow(row.Entry with { Feedback = kept, FeedbackAt = time.GetUtcNow() });
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<QuestionLogEntry>> ReadLogAsync(QuestionLogQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_gate)
        {
            IReadOnlyList<QuestionLogEntry> entries = _log.Values.Select(r => r.Entry)
                .Where(e => query.UserHash is null || e.UserHash == query.UserHash)
                .Where(e => query.Since is null || e.At >= query.Since)
                .OrderByDescending(e => e.At).ThenByDescending(e => e.Id.Value)
                .Take(query.Limit)
                .ToArray();
            return Task.FromResult(entries);
        }
    }

    /// <inheritdoc/>
    public Task<ForgetResult> ForgetUserAsync(string userHash, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userHash);
        lock (_gate)
        {
            var logIds = _log.Where(kv => kv.Value.Entry.UserHash == userHash).Select(kv => kv.Key).ToList();
            logIds.ForEach(id => _log.Remove(id));
            var turns = 0;
            foreach (var (key, conversation) in _conversations.ToList())
            {
                var removed = conversation.Turns.RemoveAll(t => t.UserHash == userHash);
                turns += removed;
                if (removed > 0 && conversation.Turns.Count == 0)
                {
                    _conversations.Remove(key);
                }
            }

            return Task.FromResult(new ForgetResult(logIds.Count, turns));
        }
    }

    /// <inheritdoc/>
    public Task<PurgeResult> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var logIds = _log.Where(kv => kv.Value.Entry.At < olderThan).Select(kv => kv.Key).ToList();
            logIds.ForEach(id => _log.Remove(id));
            int turns = 0, conversations = 0;
            foreach (var (key, conversation) in _conversations.ToList())
            {
                if (Idle(conversation) || conversation.LastActive < olderThan)
                {
                    turns += conversation.Turns.Count;
                    conversations++;
                    _conversations.Remove(key);
                }
                else
                {
                    turns += conversation.Turns.RemoveAll(t => t.Turn.At < olderThan);
                }
            }

            foreach (var (name, _) in _sends.Where(kv => kv.Value.Created < olderThan).ToList())
            {
                _sends.Remove(name);
            }

            return Task.FromResult(new PurgeResult(logIds.Count, turns, conversations));
        }
    }

    /// <inheritdoc/>
    public Task<CitingConversations> FindLastCitingAsync(IReadOnlyCollection<string> sectionIds, string currentVersion, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sectionIds);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var wanted = sectionIds.ToHashSet(StringComparer.Ordinal);
        lock (_gate)
        {
            var matches = _conversations
                .Where(kv => !Idle(kv.Value) && kv.Value.Turns.Count > 0)
                .Select(kv => (Key: kv.Key, kv.Value.LastActive, Last: kv.Value.Turns[^1].Turn))
                .Where(c => c.Last.Answer.KnowledgeVersion != currentVersion && c.Last.Answer.SectionIds.Any(wanted.Contains))
                .OrderByDescending(c => c.LastActive).ThenBy(c => c.Key, StringComparer.Ordinal)
                .ToList();
            var found = matches.Take(limit).Select(c => new CitingConversation(c.Key, c.Last.Id, c.LastActive, c.Last.Answer.SectionIds)).ToArray();
            return Task.FromResult(new CitingConversations(found, matches.Count));
        }
    }

    /// <inheritdoc/>
    public Task<SendClaim> ClaimSendAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_sends.TryGetValue(name, out var row))
            {
                if (row.Completed is not null)
                {
                    return Task.FromResult(SendClaim.AlreadySent);
                }

                if (row.Until > now && row.Owner != owner)
                {
                    return Task.FromResult(SendClaim.Held);
                }
            }

            _sends[name] = new SendRow(owner, now + ttl, row?.Created ?? now, null);
            return Task.FromResult(SendClaim.Claimed);
        }
    }

    /// <inheritdoc/>
    public Task CompleteSendAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            _sends[name] = _sends.TryGetValue(name, out var row) ? row with { Completed = row.Completed ?? now } : new SendRow("", now, now, now);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task ReleaseSendAsync(string name, string owner, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        lock (_gate)
        {
            if (_sends.TryGetValue(name, out var row) && row.Owner == owner && row.Completed is null)
            {
                _sends.Remove(name);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<bool> WasSentAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        lock (_gate)
        {
            return Task.FromResult(_sends.TryGetValue(name, out var row) && row.Completed is not null);
        }
    }

    private Conversation Open(string key)
    {
        if (!_conversations.TryGetValue(key, out var conversation) || Idle(conversation))
        {
            if (conversation is null && _conversations.Count >= _options.MaxConversations)
            {
                _conversations.Remove(_conversations.MinBy(c => c.Value.LastActive).Key);
            }

            conversation = new Conversation { LastActive = time.GetUtcNow() };
            _conversations[key] = conversation;
        }

        return conversation;
    }

    private bool Idle(Conversation c) => time.GetUtcNow() - c.LastActive > TimeSpan.FromMinutes(_options.IdleMinutes);
}
