using System.Threading.Channels;
using Advisor.Core.Conversations;
using Advisor.Core.Coordination;
using Advisor.Core.Knowledge;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Core.Outbound;

/// <summary>
/// After a reload that changed (or removed) sections, tells the conversations whose last kept answer cited one of them:
/// "The section this answer used was updated; ask again for the new version." (<see cref="ReloadNoticeOptions"/>, off
/// by default). It observes every completed reload of the knowledge store (<see cref="IKnowledgeStore.Reloaded"/>,
/// whatever triggered it), asks the store which conversations to tell
/// (<see cref="IConversationStore.FindLastCitingAsync"/>: active within the idle window, most recent first, capped),
/// and hands each notice to the <see cref="IReloadNoticeSender"/> of the platform its key names. Each conversation is
/// told once per reload: the notice is claimed in the store by the version and the conversation, so a second replica
/// running the same reload skips it. A notice that does not arrive is tried again after <see cref="RetryDelay"/>
/// (<see cref="Rounds"/> tries in all), then logged as not delivered.
/// </summary>
public sealed partial class ReloadNotices(
    IKnowledgeStore knowledge,
    IConversationStore store,
    IEnumerable<IReloadNoticeSender> senders,
    IOptions<ReloadNoticeOptions> options,
    ReplicaIdentity replica,
    TimeProvider time,
    ILogger<ReloadNotices> logger) : BackgroundService
{
    /// <summary>Tries per notice that does not arrive.</summary>
    public const int Rounds = 3;

    /// <summary>The wait before the notices that did not arrive are tried again.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMinutes(1);

    /// <summary>How long a claim keeps other replicas off a notice being sent.</summary>
    public static readonly TimeSpan ClaimTime = TimeSpan.FromMinutes(10);

    private readonly Channel<ReloadReport> _reports = Channel.CreateUnbounded<ReloadReport>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Dictionary<string, IReloadNoticeSender> _senders = senders
        .GroupBy(s => s.Platform.ToLowerInvariant(), StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

    private ReloadNoticeSummary? _last;
    private bool _subscribed;

    /// <summary>The summary of the last reload's notices, or null before any.</summary>
    public ReloadNoticeSummary? LastSummary => Volatile.Read(ref _last);

    /// <summary>The store's name of one reload's notice to one conversation.</summary>
    public static string ClaimName(string version, string conversationKey) => $"reload-notice:{version}:{conversationKey}";

    /// <inheritdoc/>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (o.Enabled)
        {
            knowledge.Reloaded += OnReloaded;
            _subscribed = true;
            Log.On(logger, o.MaxConversations, DigestPublisher.Names(_senders.Keys));
        }

        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        Unsubscribe();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        Unsubscribe();
        base.Dispose();
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        string? current = null;
        try
        {
            await foreach (var report in _reports.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                current = report.Version;
                try
                {
                    await NotifyAsync(report, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    Log.Failed(logger, report.Version, ex);
                }

                current = null;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            if (current is not null)
            {
                Log.StoppedByShutdown(logger, current); // the ones already told are recorded; the others are not told
            }
        }
    }

    /// <summary>Tells the conversations the reload of <paramref name="report"/> concerns. Throws only when the store cannot be queried.</summary>
    public async Task<ReloadNoticeSummary> NotifyAsync(ReloadReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var updated = report.SectionsChanged.Concat(report.SectionsRemoved).ToHashSet(StringComparer.Ordinal);
        if (!report.Changed || updated.Count == 0)
        {
            return Remember(ReloadNoticeSummary.Nothing(report.Version));
        }

        var o = options.Value;
        var found = await store.FindLastCitingAsync(updated, report.Version, o.MaxConversations, cancellationToken).ConfigureAwait(false);
        if (found.OverLimit > 0)
        {
            Log.OverLimit(logger, report.Version, found.Total, found.Conversations.Count, found.OverLimit);
        }

        var snapshot = knowledge.Current;
        var pending = new List<(CitingConversation Conversation, IReloadNoticeSender Sender)>();
        var noSender = 0;
        foreach (var conversation in found.Conversations)
        {
            if (_senders.TryGetValue(conversation.Platform, out var sender))
            {
                pending.Add((conversation, sender));
            }
            else
            {
                noSender++;
            }
        }

        int sent = 0, noPlace = 0, alreadyTold = 0, notDelivered = 0;
        for (var round = 1; pending.Count > 0; round++)
        {
            var again = new List<(CitingConversation, IReloadNoticeSender)>();
            foreach (var (conversation, sender) in pending)
            {
                var labels = conversation.SectionIds.Where(updated.Contains)
                    .Select(id => snapshot.SectionsById.TryGetValue(id, out var section) ? section.Label : null)
                    .OfType<string>().Distinct(StringComparer.Ordinal).ToList();
                var notice = new ReloadNotice(conversation.ConversationKey, ReloadNotice.DefaultText, labels, report.Version,
                    ReloadNotice.IdOf(report.Version, conversation.ConversationKey));
                switch (await TellAsync(notice, sender, round, cancellationToken).ConfigureAwait(false))
                {
                    case Told.Sent:
                        sent++;
                        break;
                    case Told.NoPlace:
                        noPlace++;
                        break;
                    case Told.AlreadyTold:
                        alreadyTold++;
                        break;
                    case Told.TryAgain:
                        again.Add((conversation, sender));
                        break;
                    default:
                        notDelivered++;
                        break;
                }
            }

            pending = again;
            if (pending.Count > 0)
            {
                Log.Retrying(logger, report.Version, pending.Count, RetryDelay.TotalSeconds);
                await Task.Delay(RetryDelay, time, cancellationToken).ConfigureAwait(false);
            }
        }

        var summary = new ReloadNoticeSummary(report.Version, found.Total, sent, noPlace, noSender, alreadyTold, notDelivered, found.OverLimit);
        Log.Summary(logger, report.Version, found.Total, sent, noPlace, noSender, alreadyTold, notDelivered, found.OverLimit);
        return Remember(summary);
    }

    private enum Told
    {
        Sent,
        NoPlace,
        AlreadyTold,
        TryAgain,
        NotDelivered,
    }

    /// <summary>Claims, sends and records one notice; every failure is logged here.</summary>
    private async Task<Told> TellAsync(ReloadNotice notice, IReloadNoticeSender sender, int round, CancellationToken cancellationToken)
    {
        var name = ClaimName(notice.KnowledgeVersion, notice.ConversationKey);
        SendClaim claim;
        try
        {
            claim = await store.ClaimSendAsync(name, replica.Id, ClaimTime, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Without the claim, sending could tell a conversation twice: it is not sent.
            Log.ClaimFailed(logger, notice.ConversationKey, notice.KnowledgeVersion, ex);
            return round < Rounds ? Told.TryAgain : Told.NotDelivered;
        }

        if (claim != SendClaim.Claimed)
        {
            return Told.AlreadyTold;
        }

        PostResult result;
        try
        {
            result = await sender.SendAsync(notice, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await ReleaseQuietlyAsync(name).ConfigureAwait(false);
            throw;
        }
        catch (Exception ex)
        {
            Log.SenderFailed(logger, notice.ConversationKey, ex);
            result = PostResult.Failed($"{ex.GetType().Name}: {ex.Message}");
        }

        if (result.Status == PostStatus.NotDelivered)
        {
            await ReleaseQuietlyAsync(name).ConfigureAwait(false);
            if (round < Rounds)
            {
                Log.NotDeliveredYet(logger, notice.ConversationKey, result.Problem ?? "not delivered", round, Rounds);
                return Told.TryAgain;
            }

            Log.NotDelivered(logger, notice.ConversationKey, notice.KnowledgeVersion, result.Problem ?? "not delivered", Rounds);
            return Told.NotDelivered;
        }

        if (result.Status == PostStatus.NoPlace)
        {
            // Nothing was sent, and nothing is kept: such a key can name a user's hash, which the store keeps only with their turns.
            await ReleaseQuietlyAsync(name).ConfigureAwait(false);
            Log.NoPlace(logger, notice.ConversationKey, result.Problem ?? "no place to post");
            return Told.NoPlace;
        }

        try
        {
            await store.CompleteSendAsync(name, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.NotRecorded(logger, notice.ConversationKey, ex);
        }

        return Told.Sent;
    }

    private async Task ReleaseQuietlyAsync(string name)
    {
        try
        {
            await store.ReleaseSendAsync(name, replica.Id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.ReleaseFailed(logger, name, ClaimTime.TotalMinutes, ex);
        }
    }

    private void OnReloaded(object? sender, ReloadReport report)
    {
        // Runs inside the reload: only queue it (the notices take their time on this service's own loop).
        if (report.Changed && report.SectionsChanged.Count + report.SectionsRemoved.Count > 0)
        {
            _reports.Writer.TryWrite(report);
        }
    }

    private void Unsubscribe()
    {
        if (_subscribed)
        {
            knowledge.Reloaded -= OnReloaded;
            _subscribed = false;
        }
    }

    private ReloadNoticeSummary Remember(ReloadNoticeSummary summary)
    {
        Volatile.Write(ref _last, summary);
        return summary;
    }

    private static partial class Log
    {
        [LoggerMessage(230, LogLevel.Information, "Reload notices on: after a reload, up to {Max} conversations whose last answer cited a changed section are told (platforms: {Platforms})")]
        public static partial void On(ILogger logger, int max, string platforms);

        [LoggerMessage(231, LogLevel.Information, "Reload notices for knowledge {Version}: {Matched} conversations cited an updated section; told {Sent}, {NoPlace} with no thread to post in, {NoSender} on a platform not running here, {AlreadyTold} told before, {NotDelivered} not delivered, {OverLimit} over Advisor:ReloadNotices:MaxConversations")]
        public static partial void Summary(ILogger logger, string version, int matched, int sent, int noPlace, int noSender, int alreadyTold, int notDelivered, int overLimit);

        [LoggerMessage(232, LogLevel.Warning, "Reload notices for knowledge {Version}: {Total} conversations cited an updated section; only the {Told} most recently active are told, {Skipped} are skipped (Advisor:ReloadNotices:MaxConversations)")]
        public static partial void OverLimit(ILogger logger, string version, int total, int told, int skipped);

        [LoggerMessage(233, LogLevel.Error, "Reload notices for knowledge {Version} could not be sent: the conversations to tell could not be read")]
        public static partial void Failed(ILogger logger, string version, Exception exception);

        [LoggerMessage(234, LogLevel.Error, "Reload notice to {Conversation} not sent: the store could not record it (knowledge {Version}), and without that it could be sent twice")]
        public static partial void ClaimFailed(ILogger logger, string conversation, string version, Exception exception);

        [LoggerMessage(235, LogLevel.Error, "Reload notice to {Conversation}: the sender failed")]
        public static partial void SenderFailed(ILogger logger, string conversation, Exception exception);

        [LoggerMessage(236, LogLevel.Warning, "Reload notice to {Conversation} not delivered ({Problem}), try {Round} of {Rounds}; tried again shortly")]
        public static partial void NotDeliveredYet(ILogger logger, string conversation, string problem, int round, int rounds);

        [LoggerMessage(237, LogLevel.Error, "Reload notice to {Conversation} (knowledge {Version}) not delivered after {Rounds} tries: {Problem}")]
        public static partial void NotDelivered(ILogger logger, string conversation, string version, string problem, int rounds);

        [LoggerMessage(238, LogLevel.Debug, "Reload notice to {Conversation} not sent: {Why}")]
        public static partial void NoPlace(ILogger logger, string conversation, string why);

        [LoggerMessage(239, LogLevel.Warning, "Reload notice to {Conversation} was sent but could not be recorded; another replica running the same reload may send it too")]
        public static partial void NotRecorded(ILogger logger, string conversation, Exception exception);

        [LoggerMessage(240, LogLevel.Warning, "Reload notices: the claim {Name} could not be given back; it can be taken again in {Minutes} minutes")]
        public static partial void ReleaseFailed(ILogger logger, string name, double minutes, Exception exception);

        [LoggerMessage(242, LogLevel.Warning, "Reload notices for knowledge {Version} stopped by the shutdown: the conversations not told yet are not told")]
        public static partial void StoppedByShutdown(ILogger logger, string version);

        [LoggerMessage(241, LogLevel.Information, "Reload notices for knowledge {Version}: {Count} not delivered yet, tried again in {Seconds} s")]
        public static partial void Retrying(ILogger logger, string version, int count, double seconds);
    }
}
