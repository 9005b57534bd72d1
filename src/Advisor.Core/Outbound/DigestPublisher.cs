using Advisor.Core.Conversations;
using Advisor.Core.Insights;
using Advisor.Core.Knowledge;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Core.Outbound;

/// <summary>
/// Composes the weekly digest from the question log and the knowledge served, and hands it to a platform's
/// <see cref="IDigestSender"/>: used by the <see cref="DigestScheduler"/> and by <c>advisor digest</c>. It decides
/// nothing about when or whether to send (that is the scheduler's).
/// </summary>
public sealed partial class DigestPublisher(
    IConversationStore store,
    IKnowledgeStore knowledge,
    IEnumerable<IDigestSender> senders,
    IOptions<DigestOptions> options,
    ILogger<DigestPublisher> logger)
{
    /// <summary>The most question log entries read for one digest (newest first); the digest says when there were more.</summary>
    public const int MaxEntries = 100_000;

    /// <summary>The period a digest covers, up to the moment it is composed.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromDays(7);

    private readonly Dictionary<string, IDigestSender> _senders = senders
        .GroupBy(s => s.Platform.ToLowerInvariant(), StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

    /// <summary>The platforms a digest can be posted to in this process.</summary>
    public IReadOnlyCollection<string> Platforms => _senders.Keys;

    /// <summary>The digest <paramref name="id"/> of the seven days before <paramref name="to"/>, labelled with <paramref name="week"/>.</summary>
    public async Task<WeeklyDigest> ComposeAsync(string id, string week, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var from = to - Period;
        var entries = await store.ReadLogAsync(new QuestionLogQuery { Since = from, Limit = MaxEntries }, cancellationToken).ConfigureAwait(false);
        var o = options.Value;
        return WeeklyDigest.Compose(id, week, from, to, entries, knowledge.Current, o.TopGaps, o.WebBase, entries.Count >= MaxEntries);
    }

    /// <summary>
    /// Posts <paramref name="digest"/> to <paramref name="channelId"/> on <paramref name="platform"/>. Whatever goes wrong
    /// (no such platform here, the platform refuses, the sender fails) comes back as a result with the reason; nothing throws.
    /// </summary>
    public async Task<PostResult> PostAsync(string platform, string channelId, WeeklyDigest digest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(digest);
        if (!_senders.TryGetValue(platform.ToLowerInvariant(), out var sender))
        {
            return PostResult.Failed($"{platform} is not configured in this process (configured: {Names(_senders.Keys)})");
        }

        try
        {
            return await sender.PostAsync(channelId, digest, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.SenderFailed(logger, platform, channelId, ex);
            return PostResult.Failed($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    internal static string Names(IEnumerable<string> names) => names.Any() ? string.Join(", ", names.Order(StringComparer.Ordinal)) : "none";

    private static partial class Log
    {
        [LoggerMessage(200, LogLevel.Error, "Weekly digest: the {Platform} sender failed on channel {Channel}")]
        public static partial void SenderFailed(ILogger logger, string platform, string channel, Exception exception);
    }
}
