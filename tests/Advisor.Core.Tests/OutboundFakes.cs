using System.Collections.Concurrent;
using Advisor.Core.Conversations;
using Advisor.Core.Insights;
using Advisor.Core.Knowledge;
using Advisor.Core.Outbound;

namespace Advisor.Core.Tests;

/// <summary>A platform's digest sender that records what it posts; <see cref="Answer"/> decides each attempt (numbered from 1).</summary>
internal sealed class RecordingDigestSender(string platform) : IDigestSender
{
    private int _attempts;

    public string Platform => platform;

    public ConcurrentQueue<(string Channel, WeeklyDigest Digest)> Posted { get; } = new();

    public Func<int, PostResult> Answer { get; set; } = _ => PostResult.Sent;

    /// <summary>When set, every attempt waits for it (to hold a post in the middle).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public int Attempts => Volatile.Read(ref _attempts);

    public async Task<PostResult> PostAsync(string channelId, WeeklyDigest digest, CancellationToken cancellationToken)
    {
        var attempt = Interlocked.Increment(ref _attempts);
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        var result = Answer(attempt);
        if (result.Status == PostStatus.Sent)
        {
            Posted.Enqueue((channelId, digest));
        }

        return result;
    }
}

/// <summary>A platform's notice sender that records what it posts; <see cref="Answer"/> decides each attempt per conversation.</summary>
internal sealed class RecordingNoticeSender(string platform) : IReloadNoticeSender
{
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);

    public string Platform => platform;

    public ConcurrentQueue<ReloadNotice> Sent { get; } = new();

    /// <summary>By conversation key and attempt (from 1); the default sends, except to keys with ":ask:" (no thread).</summary>
    public Func<string, int, PostResult> Answer { get; set; } =
        (key, _) => key.Contains(":ask:", StringComparison.Ordinal) ? PostResult.Nowhere("no thread") : PostResult.Sent;

    public int AttemptsAt(string key) => _attempts.GetValueOrDefault(key);

    public Task<PostResult> SendAsync(ReloadNotice notice, CancellationToken cancellationToken)
    {
        var attempt = _attempts.AddOrUpdate(notice.ConversationKey, 1, (_, n) => n + 1);
        var result = Answer(notice.ConversationKey, attempt);
        if (result.Status == PostStatus.Sent)
        {
            Sent.Enqueue(notice);
        }

        return Task.FromResult(result);
    }
}

/// <summary>A knowledge store serving a fixed snapshot; a test raises <see cref="IKnowledgeStore.Reloaded"/> itself.</summary>
internal sealed class FixedKnowledgeStore(KnowledgeSnapshot snapshot) : IKnowledgeStore
{
    private EventHandler<ReloadReport>? _reloaded;

    public KnowledgeSnapshot Current => snapshot;

    public int Subscribers => _reloaded?.GetInvocationList().Length ?? 0;

    public event EventHandler<ReloadReport>? Reloaded
    {
        add => _reloaded += value;
        remove => _reloaded -= value;
    }

    public Task<ReloadReport> ReloadAsync(CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("the tests raise Reloaded themselves");

    public void Raise(ReloadReport report) => _reloaded?.Invoke(this, report);
}

/// <summary>A store whose one-time-send claims fail (the database is down for them); everything else is the inner store.</summary>
internal sealed class ClaimsDownStore(IConversationStore inner) : IConversationStore
{
    public Task<IReadOnlyList<StoredTurn>> RecentTurnsAsync(string conversationKey, CancellationToken cancellationToken = default) => inner.RecentTurnsAsync(conversationKey, cancellationToken);

    public Task<bool> KnowsAsync(string conversationKey, CancellationToken cancellationToken = default) => inner.KnowsAsync(conversationKey, cancellationToken);

    public Task TouchAsync(string conversationKey, CancellationToken cancellationToken = default) => inner.TouchAsync(conversationKey, cancellationToken);

    public Task<TurnId> AppendTurnAsync(TurnRecord turn, CancellationToken cancellationToken = default) => inner.AppendTurnAsync(turn, cancellationToken);

    public Task<bool> RecordFeedbackAsync(TurnId turn, TurnFeedback feedback, CancellationToken cancellationToken = default) => inner.RecordFeedbackAsync(turn, feedback, cancellationToken);

    public Task<IReadOnlyList<QuestionLogEntry>> ReadLogAsync(QuestionLogQuery query, CancellationToken cancellationToken = default) => inner.ReadLogAsync(query, cancellationToken);

    public Task<ForgetResult> ForgetUserAsync(string userHash, CancellationToken cancellationToken = default) => inner.ForgetUserAsync(userHash, cancellationToken);

    public Task<PurgeResult> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default) => inner.PurgeAsync(olderThan, cancellationToken);

    public Task<CitingConversations> FindLastCitingAsync(IReadOnlyCollection<string> sectionIds, string currentVersion, int limit, CancellationToken cancellationToken = default) =>
        inner.FindLastCitingAsync(sectionIds, currentVersion, limit, cancellationToken);

    public Task<SendClaim> ClaimSendAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken = default) => throw new IOException("the database is unreachable");

    public Task CompleteSendAsync(string name, CancellationToken cancellationToken = default) => throw new IOException("the database is unreachable");

    public Task ReleaseSendAsync(string name, string owner, CancellationToken cancellationToken = default) => throw new IOException("the database is unreachable");

    public Task<bool> WasSentAsync(string name, CancellationToken cancellationToken = default) => throw new IOException("the database is unreachable");
}
