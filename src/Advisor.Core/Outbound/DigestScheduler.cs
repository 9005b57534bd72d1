using Advisor.Core.Conversations;
using Advisor.Core.Coordination;
using Advisor.Core.Insights;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Core.Outbound;

/// <summary>
/// Sends the weekly digest (<see cref="DigestOptions"/>, off by default) to each configured admin channel once a week.
/// Every <see cref="Tick"/> it looks at the latest due time (<see cref="DigestSchedule"/>); a week's digest not yet
/// sent on a platform is claimed in the store (<see cref="IConversationStore.ClaimSendAsync"/>, named by the week and
/// the platform), composed by the <see cref="DigestPublisher"/>, posted, and marked sent — so a restart, or a second
/// replica on the same database, does not send it again. A post that fails is logged with the reason and tried again
/// at the next tick, until <see cref="DigestOptions.CatchUpHours"/> after its time.
/// </summary>
public sealed partial class DigestScheduler(
    DigestPublisher publisher,
    IConversationStore store,
    IOptions<DigestOptions> options,
    ReplicaIdentity replica,
    TimeProvider time,
    ILogger<DigestScheduler> logger) : BackgroundService
{
    /// <summary>How often the scheduler looks whether a digest is due (and retries one that failed).</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMinutes(5);

    /// <summary>How long a claim keeps other replicas off a digest being posted (longer than any delivery takes).</summary>
    public static readonly TimeSpan ClaimTime = TimeSpan.FromMinutes(15);

    private readonly Dictionary<string, (string Week, DigestOutcome Outcome)> _settled = new(StringComparer.Ordinal);
    private readonly HashSet<string> _failed = new(StringComparer.Ordinal);
    private DigestTick? _last;

    /// <summary>The last check, or null before the first.</summary>
    public DigestTick? LastTick => Volatile.Read(ref _last);

    /// <summary>The store's name of one week's digest to one platform.</summary>
    public static string ClaimName(string week, string platform) => $"digest:{week}:{platform}";

    /// <inheritdoc/>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (o.Enabled)
        {
            var missing = o.Targets.Keys.Where(p => !publisher.Platforms.Contains(p)).Order(StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
            {
                throw new OptionsValidationException(DigestOptions.SectionName, typeof(DigestOptions),
                    missing.Select(p => $"{DigestOptions.SectionName}:Channels:{p} names a platform this worker does not run (running: {DigestPublisher.Names(publisher.Platforms)})"));
            }

            var latest = DigestSchedule.LatestDue(time.GetUtcNow(), o.Day, o.Hour);
            Log.On(logger, o.Day, o.Hour, string.Join(", ", o.Targets.Select(t => $"{t.Key} {t.Value}")), latest, latest.AddDays(7), o.CatchUpHours,
                o.WebBase is null ? "none (Advisor:Digest:WebUrl unset)" : WeeklyDigest.LinkTo(o.WebBase).AbsoluteUri);
        }

        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        await Task.Yield(); // let start-up go on
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await TickAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(Tick, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>One check: sends what is due and not yet sent. Never throws but for cancellation; failures are logged and in the result.</summary>
    public async Task<DigestTick> TickAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var due = DigestSchedule.LatestDue(now, o.Day, o.Hour);
        var week = DigestSchedule.WeekOf(due);
        var late = now - due > TimeSpan.FromHours(o.CatchUpHours);
        WeeklyDigest? digest = null;
        var outcomes = new Dictionary<string, DigestOutcome>(StringComparer.Ordinal);
        foreach (var (platform, channel) in o.Targets)
        {
            if (_settled.TryGetValue(platform, out var settled) && settled.Week == week)
            {
                outcomes[platform] = settled.Outcome;
                continue;
            }

            var name = ClaimName(week, platform);
            var claimed = false;
            try
            {
                if (late)
                {
                    var sent = await store.WasSentAsync(name, cancellationToken).ConfigureAwait(false);
                    if (!sent)
                    {
                        var next = due.AddDays(7);
                        if (_failed.Contains(name))
                        {
                            Log.GaveUp(logger, week, platform, channel, due, o.CatchUpHours, next);
                        }
                        else
                        {
                            Log.Skipped(logger, week, platform, channel, due, o.CatchUpHours, next);
                        }
                    }

                    outcomes[platform] = Settle(platform, week, sent ? DigestOutcome.AlreadySent : DigestOutcome.Missed);
                    continue;
                }

                switch (await store.ClaimSendAsync(name, replica.Id, ClaimTime, cancellationToken).ConfigureAwait(false))
                {
                    case SendClaim.AlreadySent:
                        outcomes[platform] = Settle(platform, week, DigestOutcome.AlreadySent);
                        continue;
                    case SendClaim.Held:
                        Log.HeldElsewhere(logger, week, platform);
                        outcomes[platform] = DigestOutcome.Held;
                        continue;
                }

                claimed = true;
                digest ??= await publisher.ComposeAsync(week, week, now, cancellationToken).ConfigureAwait(false);
                var result = await publisher.PostAsync(platform, channel, digest, cancellationToken).ConfigureAwait(false);
                if (result.Status == PostStatus.Sent)
                {
                    outcomes[platform] = Settle(platform, week, DigestOutcome.Sent); // this process does not post it again, whatever the store says
                    claimed = false;
                    Log.Sent(logger, week, platform, channel, digest.Counts.Questions, digest.TopGaps.Count);
                    try
                    {
                        await store.CompleteSendAsync(name, CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        Log.NotRecorded(logger, week, platform, ex);
                    }

                    continue;
                }

                claimed = false;
                await store.ReleaseSendAsync(name, replica.Id, cancellationToken).ConfigureAwait(false);
                _failed.Add(name);
                Log.PostFailed(logger, week, platform, channel, result.Problem ?? "not delivered", Tick.TotalMinutes, due.AddHours(o.CatchUpHours));
                outcomes[platform] = DigestOutcome.Failed;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                if (claimed)
                {
                    await ReleaseQuietlyAsync(name).ConfigureAwait(false); // shutting down mid-post: the next run may take it at once
                }

                throw;
            }
            catch (Exception ex)
            {
                // The store failed (or the mark after a post that went out): logged, and the next tick looks again.
                if (claimed)
                {
                    await ReleaseQuietlyAsync(name).ConfigureAwait(false);
                }

                _failed.Add(name);
                Log.CheckFailed(logger, week, platform, Tick.TotalMinutes, ex);
                outcomes[platform] = DigestOutcome.Failed;
            }
        }

        var tick = new DigestTick(week, due, now, outcomes);
        Volatile.Write(ref _last, tick);
        return tick;
    }

    /// <summary>Remembers what is settled for the week (the later ticks of the week say so without asking the store).</summary>
    private DigestOutcome Settle(string platform, string week, DigestOutcome outcome)
    {
        _settled[platform] = (week, outcome == DigestOutcome.Sent ? DigestOutcome.AlreadySent : outcome);
        return outcome;
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

    private static partial class Log
    {
        [LoggerMessage(201, LogLevel.Information, "Weekly digest on: {Day}s at {Hour}:00 UTC to {Targets}; last due {Latest:u} (sent now if it was not, within {CatchUpHours} hours), next {Next:u}; gap report link: {Link}")]
        public static partial void On(ILogger logger, DayOfWeek day, int hour, string targets, DateTimeOffset latest, DateTimeOffset next, int catchUpHours, string link);

        [LoggerMessage(202, LogLevel.Information, "Weekly digest {Week} posted to {Platform} channel {Channel} ({Questions} questions, {Gaps} top gaps)")]
        public static partial void Sent(ILogger logger, string week, string platform, string channel, int questions, int gaps);

        [LoggerMessage(203, LogLevel.Error, "Weekly digest {Week} could not be posted to {Platform} channel {Channel}: {Problem}. It is tried again in {Minutes} minutes, until {Until:u}")]
        public static partial void PostFailed(ILogger logger, string week, string platform, string channel, string problem, double minutes, DateTimeOffset until);

        [LoggerMessage(204, LogLevel.Error, "Weekly digest {Week} for {Platform}: the store could not be read or written; looked at again in {Minutes} minutes")]
        public static partial void CheckFailed(ILogger logger, string week, string platform, double minutes, Exception exception);

        [LoggerMessage(205, LogLevel.Information, "Weekly digest {Week} for {Platform} channel {Channel} was due {Due:u} and was not sent; more than {Hours} hours have passed (Advisor:Digest:CatchUpHours), so it is skipped. The next is due {Next:u}")]
        public static partial void Skipped(ILogger logger, string week, string platform, string channel, DateTimeOffset due, int hours, DateTimeOffset next);

        [LoggerMessage(206, LogLevel.Error, "Weekly digest {Week} for {Platform} channel {Channel} (due {Due:u}) could not be posted within {Hours} hours (Advisor:Digest:CatchUpHours) and is given up; the errors are logged above. The next is due {Next:u}")]
        public static partial void GaveUp(ILogger logger, string week, string platform, string channel, DateTimeOffset due, int hours, DateTimeOffset next);

        [LoggerMessage(207, LogLevel.Debug, "Weekly digest {Week} for {Platform}: another replica is posting it")]
        public static partial void HeldElsewhere(ILogger logger, string week, string platform);

        [LoggerMessage(209, LogLevel.Error, "Weekly digest {Week} was posted to {Platform} but could not be recorded as sent: this worker will not post it again, but after a restart (or on another replica) it may be posted twice")]
        public static partial void NotRecorded(ILogger logger, string week, string platform, Exception exception);

        [LoggerMessage(208, LogLevel.Warning, "Weekly digest: the claim {Name} could not be given back; another attempt can take it in {Minutes} minutes")]
        public static partial void ReleaseFailed(ILogger logger, string name, double minutes, Exception exception);
    }
}
