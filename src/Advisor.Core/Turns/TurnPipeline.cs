using System.Collections.Concurrent;
using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Advisor.Core.Coordination;
using Advisor.Core.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Core.Turns;

/// <summary>
/// The one path from a chat message to a delivered answer, for every platform and the console. An adapter turns its
/// event into an <see cref="IncomingMessage"/> and supplies an <see cref="IReplyChannel"/>; the pipeline decides and
/// does the rest, in order:
/// <list type="number">
/// <item>a message in a thread without a mention is a follow-up only when the bot takes part in that conversation
/// (<see cref="IConversationStore.KnowsAsync"/>), else it is left alone;</item>
/// <item>dedupe: a message taken on before (the platform delivered it again) is not answered again;</item>
/// <item>validation (<see cref="QuestionValidation"/>): an empty or too long question gets the problem as a notice;</item>
/// <item>the per-user limit (<see cref="IUserRateLimit"/>): a chat message over it is told once per window, a command each time;</item>
/// <item>a reply already on the platform (an event redelivered after a restart) is not sent again;</item>
/// <item>progress shown while the answer is worked out;</item>
/// <item>the conversation's recent turns from the store, and the call to <see cref="IAdvisor"/> with them;</item>
/// <item>any failure on the way becomes the one apology (<see cref="TurnNotice.Apology"/>);</item>
/// <item>the answer sent through the channel, and the turn kept (<see cref="IConversationStore.AppendTurnAsync"/>, the
/// user id hashed) only once it was delivered.</item>
/// </list>
/// Steps 2–4 are <see cref="Admit"/>: synchronous and without I/O, so an adapter that must decide on intake (a slash
/// command's acknowledgement, a gateway's receive loop) calls it there and <see cref="AnswerAsync"/> later from its
/// work queue; everything else calls <see cref="HandleAsync"/>. With several replicas (Redis), <see cref="AnswerAsync"/>
/// first asks what only the others know — whether another replica took the message on
/// (<see cref="IEventDedupe.TryClaimAcrossReplicasAsync"/>) and the asker's limit counted on every replica
/// (<see cref="IUserRateLimit.TryAcquireAcrossReplicasAsync"/>) — so intake stays fast and free of I/O.
/// Thread-safe; one instance serves every platform.
/// </summary>
public sealed partial class TurnPipeline
{
    /// <summary>How long a message's dedupe key is remembered.</summary>
    public static readonly TimeSpan DedupeWindow = TimeSpan.FromHours(2);

    private const int DedupeCapacity = 50_000;

    private readonly IAdvisor _advisor;
    private readonly IConversationStore _store;
    private readonly UserHasher _hasher;
    private readonly IUserRateLimit? _limiter;
    private readonly IEventDedupe _dedupe;
    private readonly AdvisorMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<TurnPipeline> _logger;
    private readonly ConcurrentDictionary<string, DedupeScope> _scopes = new(StringComparer.Ordinal);
    private readonly KnownConversations _known;
    private readonly IInFlightClaims? _claims;
    private readonly string _replica;
    private readonly TimeSpan _lease;
    private readonly QuestionGate? _gate;
    private long _attempts;

    /// <param name="limiter">The per-user limit; null for none (the console, where the one user is the operator).</param>
    /// <param name="dedupe">The dedupe of message keys; null: this process's memory (<see cref="InMemoryEventDedupe"/>).</param>
    /// <param name="claims">The questions being answered, held so that another replica can finish them; null: none are held.</param>
    /// <param name="replica">This replica (the owner of its claims); null: a name for this process.</param>
    /// <param name="inFlight">The claims' lease; null: the defaults.</param>
    /// <param name="gate">The question gate: a claim whose answer is cancelled while it is closed (shutdown ran out of
    /// time) is left for another replica rather than completed; null: every cancelled claim is completed.</param>
    public TurnPipeline(
        IAdvisor advisor,
        IConversationStore store,
        UserHasher hasher,
        IUserRateLimit? limiter,
        AdvisorMetrics metrics,
        IOptions<ConversationOptions> options,
        TimeProvider time,
        ILogger<TurnPipeline> logger,
        IEventDedupe? dedupe = null,
        IInFlightClaims? claims = null,
        ReplicaIdentity? replica = null,
        IOptions<InFlightOptions>? inFlight = null,
        QuestionGate? gate = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _advisor = advisor;
        _store = store;
        _hasher = hasher;
        _limiter = limiter;
        _dedupe = dedupe ?? new InMemoryEventDedupe(time);
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _known = new KnownConversations(time, TimeSpan.FromMinutes(options.Value.IdleMinutes), options.Value.MaxConversations);
        _claims = claims;
        _replica = (replica ?? ReplicaIdentity.ForThisProcess()).Id;
        _lease = (inFlight?.Value ?? new InFlightOptions()).Lease;
        _gate = gate;
    }

    /// <summary>The lease of the questions this pipeline holds (<see cref="InFlightOptions.LeaseMilliseconds"/>).</summary>
    public TimeSpan ClaimLease => _lease;

    /// <summary>
    /// Whether this process kept a turn in the conversation lately: a hint, without I/O, for decisions an adapter takes
    /// at once (is a thread message that did not fit in a full queue worth a "busy" reply?). Not the store's answer:
    /// false after a restart until the conversation's next turn.
    /// </summary>
    public bool Follows(string conversationKey) => _known.Contains(conversationKey);

    /// <summary>
    /// The whole turn of one message: the follow-up check for a message not addressed to the bot, <see cref="Admit"/>
    /// (a refusal's notice is sent through <paramref name="channel"/>), then <see cref="AnswerAsync(IncomingMessage, IReplyChannel, CancellationToken)"/>.
    /// </summary>
    public Task<TurnOutcome> HandleAsync(IncomingMessage message, IReplyChannel channel, CancellationToken cancellationToken) =>
        HandleAsync(message, channel, claim: null, cancellationToken);

    /// <summary>
    /// <see cref="HandleAsync(IncomingMessage, IReplyChannel, CancellationToken)"/> for a message whose claim the adapter
    /// began at intake (<see cref="BeginClaim(IncomingMessage, IReplyChannel)"/>): the claim is completed however the
    /// turn ends (left for another replica only when this one stops before it could finish).
    /// </summary>
    public async Task<TurnOutcome> HandleAsync(IncomingMessage message, IReplyChannel channel, InFlightClaim? claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(channel);
        var outcome = await ScreenAsync(message, channel, claim, cancellationToken).ConfigureAwait(false);
        if (outcome is { } done)
        {
            return done;
        }

        return await AnswerAsync(message, channel, claim, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The part of <see cref="HandleAsync(IncomingMessage, IReplyChannel, InFlightClaim?, CancellationToken)"/> before the answer: null when it is to be answered.</summary>
    private async Task<TurnOutcome?> ScreenAsync(IncomingMessage message, IReplyChannel channel, InFlightClaim? claim, CancellationToken cancellationToken)
    {
        if (claim is not null && !await claim.HeldAsync().ConfigureAwait(false))
        {
            // Another delivery of the same message holds it (Slack's app_mention and message events of one mention):
            // that one answers it, and this one leaves the dedupe to it.
            Log.HeldElsewhere(_logger, message.Platform, message.DedupeKey);
            return new TurnOutcome(TurnStatus.Repeat);
        }

        return await RunClaimedAsync<TurnOutcome?>(claim, message, async ct =>
        {
            if (!message.Addressed)
            {
                var conversation = message.PerUser ? Conversation(message, UserHash(message)) : message.ConversationKey;
                if (!await _store.KnowsAsync(conversation, ct).ConfigureAwait(false))
                {
                    return new TurnOutcome(TurnStatus.NotForTheBot);
                }

                if (string.IsNullOrWhiteSpace(message.Text))
                {
                    // A picture, a file, or the platform withheld the text: not a question, and not worth "the question is empty".
                    Log.NoQuestion(_logger, message.Platform, message.DedupeKey);
                    return new TurnOutcome(TurnStatus.NoQuestion);
                }
            }

            var admission = Admit(message);
            if (admission.Status == AdmissionStatus.Repeat)
            {
                return new TurnOutcome(TurnStatus.Repeat);
            }

            if (!admission.Accepted)
            {
                var delivery = admission.Notice is { } notice ? await SendNoticeAsync(channel, message, notice, ct).ConfigureAwait(false) : default;
                return new TurnOutcome(TurnStatus.Refused, Delivery: delivery);
            }

            return (TurnOutcome?)null;
        }, complete: static outcome => outcome is not null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Decides at once, without I/O, whether a message is to be answered: not a repeat (its dedupe key is claimed
    /// here), a valid question, and the asker within the per-user limit. A refusal carries the notice to give, or none
    /// when the asker was told already in this window.
    /// </summary>
    public TurnAdmission Admit(IncomingMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.DedupeKey.Length > 0 && !_dedupe.TryClaim(Scope(message.Platform), message.DedupeKey))
        {
            Log.Repeat(_logger, message.Platform, message.DedupeKey);
            return new TurnAdmission(AdmissionStatus.Repeat);
        }

        if (QuestionValidation.Problem(message.Text) is { } problem)
        {
            return new TurnAdmission(AdmissionStatus.Refused, new TurnNotice(NoticeKind.Invalid, problem));
        }

        if (_limiter is not null && !_limiter.TryAcquire(string.Concat(message.Platform, ":", message.UserKey), out var retryAfter, out var notify))
        {
            // A chat message is told once per window; a command must be answered, so each one gets its refusal.
            _metrics.Refused(message.Platform, "rate_limited");
            var tell = notify || message.IsCommand;
            Log.RateLimited(_logger, message.Platform, message.DedupeKey, tell);
            return new TurnAdmission(AdmissionStatus.Refused, tell ? new TurnNotice(NoticeKind.RateLimited, _limiter.Refusal(retryAfter)) : null);
        }

        return new TurnAdmission(AdmissionStatus.Accepted);
    }

    /// <summary>
    /// Begins holding a message <see cref="Admit"/> accepted, at intake, so that another replica can finish its answer
    /// should this one die before it is delivered — while it waits in the work queue too. Never waits: the claim is
    /// recorded in the background. Null when the channel cannot be rebuilt elsewhere (no <see cref="IReplyChannel.Target"/>)
    /// or no claims are kept. Hand it to <see cref="AnswerAsync(IncomingMessage, IReplyChannel, InFlightClaim?, CancellationToken)"/>;
    /// when the work is not queued after all, complete it (<see cref="InFlightClaim.CompleteAsync"/>).
    /// </summary>
    public InFlightClaim? BeginClaim(IncomingMessage message, IReplyChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return channel.Target is { } target ? BeginClaim(message, target) : null;
    }

    /// <summary><see cref="BeginClaim(IncomingMessage, IReplyChannel)"/> for a reply target known before its channel is made.</summary>
    public InFlightClaim? BeginClaim(IncomingMessage message, ReplyTarget target)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(target);
        if (_claims is null)
        {
            return null;
        }

        var keyed = message.DedupeKey.Length > 0;
        var record = new InFlightRecord
        {
            Id = keyed ? string.Concat(message.Platform, ":", message.DedupeKey) : string.Concat(message.Platform, ":once:", Guid.NewGuid().ToString("N")),
            Message = message,
            Target = target,
            Owner = NewClaimOwner(),
            Replica = _replica,
            Dedupe = keyed ? string.Concat(Scope(message.Platform).Name, ":", message.DedupeKey) : null,
            DedupeLifetime = DedupeWindow,
            Since = message.ReceivedAt == default ? _time.GetUtcNow() : message.ReceivedAt,
        };
        return InFlightClaim.Begin(_claims, record, _lease, _time, _logger);
    }

    /// <summary>
    /// True when a message this replica will not answer (it is stopping) can be handed to the other replicas instead of
    /// being refused: the claims are shared and their store answers.
    /// </summary>
    public bool CanHandOff => _claims is { Shared: true, Reachable: true };

    /// <summary>
    /// Hands a claimed message to the other replicas (this one is stopping and takes no new work): once the claim is
    /// recorded — and, for a response that must reach the platform first (an interaction's deferral), once
    /// <paramref name="acknowledged"/> says it did — its lease is given back, so the next sweep of another replica takes
    /// it over and answers it. Never waits. A claim that could not be recorded is logged as lost (the caller checked
    /// <see cref="CanHandOff"/>, so only a store that went away at that moment loses one).
    /// </summary>
    public void HandOff(InFlightClaim claim, Task<bool>? acknowledged = null)
    {
        ArgumentNullException.ThrowIfNull(claim);
        _ = HandOverAsync(claim, acknowledged);
    }

    private async Task HandOverAsync(InFlightClaim claim, Task<bool>? acknowledged)
    {
        var message = claim.Record.Message;
        try
        {
            if (acknowledged is not null && !await acknowledged.ConfigureAwait(false))
            {
                await claim.CompleteAsync().ConfigureAwait(false); // the platform never had it: nobody can answer it
                return;
            }

            if (!await claim.HeldAsync().ConfigureAwait(false))
            {
                return; // another delivery holds it already
            }

            if (!await claim.RecordedAsync().ConfigureAwait(false))
            {
                Log.HandOffFailed(_logger, message.Platform, message.DedupeKey);
                await claim.CompleteAsync().ConfigureAwait(false);
                return;
            }

            await claim.ReleaseAsync().ConfigureAwait(false);
            Log.HandedOff(_logger, message.Platform, message.DedupeKey);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.HandOffCrashed(_logger, ex, message.Platform, message.DedupeKey);
        }
    }

    /// <summary>A lease owner for one attempt of this replica: its id and a number of its own.</summary>
    public string NewClaimOwner() => string.Concat(_replica, "#", Interlocked.Increment(ref _attempts).ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// Answers a message <see cref="Admit"/> accepted: unless its reply is on the platform already, shows progress, reads
    /// the conversation's recent turns, asks the advisor, sends the answer and — only once it was delivered — keeps the
    /// turn. Any failure becomes the apology; a question the core refuses gets its reason. While it is answered, the
    /// question is held (<see cref="IInFlightClaims"/>) so that another replica finishes it should this one die.
    /// </summary>
    public Task<TurnOutcome> AnswerAsync(IncomingMessage message, IReplyChannel channel, CancellationToken cancellationToken) =>
        AnswerAsync(message, channel, claim: null, cancellationToken);

    /// <summary>
    /// <see cref="AnswerAsync(IncomingMessage, IReplyChannel, CancellationToken)"/> with the claim begun at intake
    /// (<see cref="BeginClaim(IncomingMessage, IReplyChannel)"/>), or null to begin one now.
    /// </summary>
    public async Task<TurnOutcome> AnswerAsync(IncomingMessage message, IReplyChannel channel, InFlightClaim? claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(channel);
        claim ??= BeginClaim(message, channel);
        if (claim is not null && !await claim.HeldAsync().ConfigureAwait(false))
        {
            Log.HeldElsewhere(_logger, message.Platform, message.DedupeKey);
            return new TurnOutcome(TurnStatus.Repeat);
        }

        return await RunClaimedAsync(claim, message, async ct =>
        {
            if (await AdmitAcrossReplicasAsync(message, channel, ct).ConfigureAwait(false) is { } notHere)
            {
                return notHere;
            }

            if (await channel.AnsweredBeforeAsync(ct).ConfigureAwait(false))
            {
                Log.AnsweredBefore(_logger, message.Platform, message.DedupeKey);
                return new TurnOutcome(TurnStatus.Repeat);
            }

            return await ComposeAndSendAsync(message, channel, claim, ct).ConfigureAwait(false);
        }, complete: static _ => true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Finishes a question this replica took over from one that stopped answering it (<see cref="Hosting.InFlightSweeper"/>),
    /// through the channel rebuilt from its target: the message was admitted and claimed across replicas by the first
    /// one (its claim now this replica's), so only the platform is asked — a reply found there (the first replica
    /// sent it just before it died) is not sent again — then it is answered as any other.
    /// </summary>
    public Task<TurnOutcome> ResumeAsync(InFlightClaim claim, IReplyChannel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(channel);
        var message = claim.Record.Message;
        if (message.DedupeKey.Length > 0)
        {
            _dedupe.TryClaim(Scope(message.Platform), message.DedupeKey); // a redelivery here is a repeat from now on
        }

        return RunClaimedAsync(claim, message, async ct =>
        {
            if (await channel.AnsweredBeforeAsync(ct).ConfigureAwait(false))
            {
                Log.TakenOverAnsweredBefore(_logger, message.Platform, message.DedupeKey);
                return new TurnOutcome(TurnStatus.Repeat);
            }

            Log.Resuming(_logger, message.Platform, message.DedupeKey, claim.Record.TakeOvers);
            return await ComposeAndSendAsync(message, channel, claim, ct).ConfigureAwait(false);
        }, complete: static _ => true, cancellationToken);
    }

    /// <summary>
    /// Runs part of a turn under its claim (if any): completes the claim when <paramref name="complete"/> says the turn
    /// ended with this outcome; on cancellation, leaves it for another replica when this one is stopping (its gate is
    /// closed) and completes it otherwise (the user stopped the answer); on any other failure, completes it (a question
    /// that fails is not handed round the replicas).
    /// </summary>
    private async Task<T> RunClaimedAsync<T>(InFlightClaim? claim, IncomingMessage message, Func<CancellationToken, Task<T>> turn, Func<T, bool> complete, CancellationToken cancellationToken)
    {
        if (claim is null)
        {
            return await turn(cancellationToken).ConfigureAwait(false);
        }

        T outcome;
        try
        {
            outcome = await turn(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_gate is { Accepting: false })
        {
            claim.Leave();
            throw;
        }
        catch
        {
            Log.ClaimEndedUnfinished(_logger, message.Platform, message.DedupeKey);
            await claim.CompleteAsync().ConfigureAwait(false);
            throw;
        }

        if (complete(outcome))
        {
            await claim.CompleteAsync().ConfigureAwait(false);
        }

        return outcome;
    }

    /// <summary>The answer itself: progress, history, the advisor, the reply, the turn kept.</summary>
    private async Task<TurnOutcome> ComposeAndSendAsync(IncomingMessage message, IReplyChannel channel, InFlightClaim? claim, CancellationToken cancellationToken)
    {
        Log.Answering(_logger, message.Platform, message.DedupeKey, message.IsCommand);
        Log.QuestionText(_logger, message.Text);
        var userHash = UserHash(message);
        var conversation = Conversation(message, userHash);
        var progress = channel.ShowProgress(cancellationToken);
        try
        {
            var id = TurnId.New(_time.GetUtcNow());
            Answer answer;
            DeliveryResult? streamed = null;
            try
            {
                var history = await HistoryAsync(conversation, cancellationToken).ConfigureAwait(false);
                var question = new AdvisorQuestion(message.Text, history, message.Platform, conversation);
                if (channel is IStreamingReplyChannel streaming && channel.Capabilities.HasFlag(ReplyCapabilities.Streaming))
                {
                    if (claim is not null && !await claim.StillHeldAsync(cancellationToken).ConfigureAwait(false))
                    {
                        return Lost(message);
                    }

                    // Shown as it is written; the channel sends the final message itself, so "sent" is decided here.
                    var (shown, final) = await streaming.StreamAnswerAsync(id, _advisor.AskStreamingAsync(question, cancellationToken), a => Reply(id, message, a), cancellationToken)
                        .ConfigureAwait(false);
                    answer = final ?? throw new InvalidOperationException("the answer stream ended without a final answer");
                    streamed = shown;
                }
                else
                {
                    answer = await _advisor.AskAsync(question, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (InvalidQuestionException ex)
            {
                var refused = await SendNoticeAsync(channel, message, new TurnNotice(NoticeKind.Invalid, ex.Message), cancellationToken).ConfigureAwait(false);
                return new TurnOutcome(TurnStatus.Refused, Delivery: refused);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                Log.AnswerFailed(_logger, ex, message.Platform, message.DedupeKey);
                var apology = await SendNoticeAsync(channel, message, TurnNotice.Apology, cancellationToken).ConfigureAwait(false);
                return new TurnOutcome(TurnStatus.Failed, Delivery: apology);
            }

            if (streamed is null && claim is not null && !await claim.StillHeldAsync(cancellationToken).ConfigureAwait(false))
            {
                return Lost(message);
            }

            DeliveryResult delivery;
            try
            {
                delivery = streamed ?? await channel.SendAnswerAsync(Reply(id, message, answer), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                Log.SendFailed(_logger, ex, message.Platform, message.DedupeKey);
                delivery = DeliveryResult.NotDelivered;
            }

            if (!delivery.Delivered)
            {
                // Only an answer the asker has becomes part of the conversation (and makes a thread one the bot follows).
                Log.NotDelivered(_logger, message.Platform, message.DedupeKey);
                return new TurnOutcome(TurnStatus.NotDelivered, Answer: answer, Delivery: delivery);
            }

            if (claim is not null)
            {
                // Delivered: from here on nobody must answer it again, whatever happens to this replica.
                await claim.CompleteAsync().ConfigureAwait(false);
            }

            var kept = await KeepAsync(message, delivery.ConversationKey ?? conversation, userHash, id, answer, cancellationToken).ConfigureAwait(false);
            return new TurnOutcome(TurnStatus.Answered, kept ? id : null, answer, delivery);
        }
        finally
        {
            await progress.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A question taken over by another replica while this one answered it: not replied to here.</summary>
    private TurnOutcome Lost(IncomingMessage message)
    {
        Log.ClaimLost(_logger, message.Platform, message.DedupeKey);
        return new TurnOutcome(TurnStatus.Repeat);
    }

    /// <summary>
    /// The part of admission that needs the other replicas, asked off the intake path (so <see cref="Admit"/> stays
    /// synchronous): whether another replica took the message on already, and the asker's limit counted across every
    /// replica. In one process both let the turn go on at once. Null when it goes on; else the outcome.
    /// </summary>
    private async ValueTask<TurnOutcome?> AdmitAcrossReplicasAsync(IncomingMessage message, IReplyChannel channel, CancellationToken cancellationToken)
    {
        if (message.DedupeKey.Length > 0
            && !await _dedupe.TryClaimAcrossReplicasAsync(Scope(message.Platform), message.DedupeKey, cancellationToken).ConfigureAwait(false))
        {
            Log.RepeatElsewhere(_logger, message.Platform, message.DedupeKey);
            return new TurnOutcome(TurnStatus.Repeat);
        }

        if (_limiter is null)
        {
            return null;
        }

        var decision = await _limiter.TryAcquireAcrossReplicasAsync(string.Concat(message.Platform, ":", message.UserKey), cancellationToken).ConfigureAwait(false);
        if (decision.Allowed)
        {
            return null;
        }

        _metrics.Refused(message.Platform, "rate_limited");
        var tell = decision.Notify || message.IsCommand;
        Log.RateLimited(_logger, message.Platform, message.DedupeKey, tell);
        var delivery = tell
            ? await SendNoticeAsync(channel, message, new TurnNotice(NoticeKind.RateLimited, _limiter.Refusal(decision.RetryAfter)), cancellationToken).ConfigureAwait(false)
            : default;
        return new TurnOutcome(TurnStatus.Refused, Delivery: delivery);
    }

    /// <summary>The dedupe scope of a platform's message keys.</summary>
    private DedupeScope Scope(string platform) =>
        _scopes.GetOrAdd(platform, static p => new DedupeScope("message:" + p, DedupeWindow, DedupeCapacity));

    /// <summary>The reply a renderer gets: the answer, its turn id and the follow-ups drawn from the knowledge.</summary>
    private TurnReply Reply(TurnId id, IncomingMessage message, Answer answer) =>
        new(id, message.Text, answer) { FollowUps = FollowUps.For(answer, _advisor.Knowledge) };

    /// <summary>
    /// Records 👍/👎 (and the words of "what was missing?") on a turn from a click on its answer. The last click wins.
    /// An id that is not one, or a turn no longer kept, is <see cref="FeedbackOutcome.UnknownTurn"/> — acknowledged
    /// quietly by the adapter all the same.
    /// </summary>
    public async Task<FeedbackOutcome> RecordFeedbackAsync(string platform, string turnId, FeedbackRating rating, string? text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(platform);
        if (!TurnId.TryParse(turnId, out var id))
        {
            Log.FeedbackUnknown(_logger, platform);
            return FeedbackOutcome.UnknownTurn;
        }

        try
        {
            var kept = await _store.RecordFeedbackAsync(id, new TurnFeedback(rating, text).Normalized(), cancellationToken).ConfigureAwait(false);
            if (!kept)
            {
                Log.FeedbackUnknown(_logger, platform);
                return FeedbackOutcome.UnknownTurn;
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.FeedbackFailed(_logger, ex, platform);
            return FeedbackOutcome.Failed;
        }

        _metrics.Feedback(platform, rating == FeedbackRating.Up ? "up" : "down", text is { Length: > 0 });
        return FeedbackOutcome.Recorded;
    }

    private async Task<IReadOnlyList<ConversationTurn>> HistoryAsync(string conversationKey, CancellationToken cancellationToken)
    {
        var turns = await _store.RecentTurnsAsync(conversationKey, cancellationToken).ConfigureAwait(false);
        if (turns.Count == 0)
        {
            return [];
        }

        var history = new ConversationTurn[turns.Count];
        for (var i = 0; i < history.Length; i++)
        {
            history[i] = turns[i].ToConversationTurn();
        }

        return history;
    }

    /// <summary>The asker's salted hash (the only form of the user id that is stored); null without a user id.</summary>
    private string? UserHash(IncomingMessage message) =>
        string.IsNullOrWhiteSpace(message.UserKey) ? null : _hasher.Hash(message.Platform, message.UserKey);

    /// <summary>The conversation's key in the store: the message's, scoped by the asker's hash for a per-user conversation.</summary>
    private static string Conversation(IncomingMessage message, string? userHash) =>
        message.PerUser ? string.Concat(message.ConversationKey, ":", userHash ?? "-") : message.ConversationKey;

    /// <summary>Keeps a delivered turn; a failure is logged (the answer is out, only its memory is lost).</summary>
    private async Task<bool> KeepAsync(IncomingMessage message, string conversation, string? userHash, TurnId id, Answer answer, CancellationToken cancellationToken)
    {
        try
        {
            var latency = message.ReceivedAt == default ? TimeSpan.Zero : _time.GetUtcNow() - message.ReceivedAt;
            var record = TurnRecord.From(conversation, message.Platform, userHash, message.Text, answer, latency < TimeSpan.Zero ? TimeSpan.Zero : latency) with { Id = id };
            await _store.AppendTurnAsync(record, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.KeepFailed(_logger, ex, message.Platform, message.DedupeKey);
            return false;
        }

        _known.Remember(conversation);
        return true;
    }

    private async Task<DeliveryResult> SendNoticeAsync(IReplyChannel channel, IncomingMessage message, TurnNotice notice, CancellationToken cancellationToken)
    {
        try
        {
            var delivery = await channel.SendNoticeAsync(notice, cancellationToken).ConfigureAwait(false);
            if (!delivery.Delivered)
            {
                Log.NotDelivered(_logger, message.Platform, message.DedupeKey);
            }

            return delivery;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.SendFailed(_logger, ex, message.Platform, message.DedupeKey);
            return DeliveryResult.NotDelivered;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(100, LogLevel.Debug, "{Platform} feedback on a turn that is not (or no longer) kept; acknowledged and dropped")]
        public static partial void FeedbackUnknown(ILogger logger, string platform);

        [LoggerMessage(101, LogLevel.Warning, "{Platform} feedback could not be kept")]
        public static partial void FeedbackFailed(ILogger logger, Exception exception, string platform);

        [LoggerMessage(90, LogLevel.Debug, "{Platform} message {Key} taken on before; not answered again")]
        public static partial void Repeat(ILogger logger, string platform, string key);

        [LoggerMessage(89, LogLevel.Debug, "{Platform} message {Key} taken on by another replica; not answered here")]
        public static partial void RepeatElsewhere(ILogger logger, string platform, string key);

        [LoggerMessage(91, LogLevel.Debug, "{Platform} message {Key}: the user is over the per-user limit (told: {Told})")]
        public static partial void RateLimited(ILogger logger, string platform, string key, bool told);

        [LoggerMessage(92, LogLevel.Information, "{Platform} message {Key} delivered again was answered before (its reply is on the platform); not answered twice")]
        public static partial void AnsweredBefore(ILogger logger, string platform, string key);

        [LoggerMessage(93, LogLevel.Debug, "Answering {Platform} message {Key} (command: {Command}); every answered turn is in the question log")]
        public static partial void Answering(ILogger logger, string platform, string key, bool command);

        [LoggerMessage(94, LogLevel.Debug, "Question: {Text}")]
        public static partial void QuestionText(ILogger logger, string text);

        [LoggerMessage(95, LogLevel.Error, "Answering {Platform} message {Key} failed; the user gets the apology")]
        public static partial void AnswerFailed(ILogger logger, Exception exception, string platform, string key);

        [LoggerMessage(96, LogLevel.Error, "Sending the reply to {Platform} message {Key} failed unexpectedly")]
        public static partial void SendFailed(ILogger logger, Exception exception, string platform, string key);

        [LoggerMessage(97, LogLevel.Debug, "The reply to {Platform} message {Key} was not delivered; nothing is kept")]
        public static partial void NotDelivered(ILogger logger, string platform, string key);

        [LoggerMessage(98, LogLevel.Error, "The answer to {Platform} message {Key} was delivered but its turn could not be kept (a follow-up will lack its context)")]
        public static partial void KeepFailed(ILogger logger, Exception exception, string platform, string key);

        [LoggerMessage(160, LogLevel.Debug, "{Platform} message {Key} is being answered by another replica (or another delivery here); not answered twice")]
        public static partial void HeldElsewhere(ILogger logger, string platform, string key);

        [LoggerMessage(161, LogLevel.Information, "{Platform} message {Key}, taken over from a replica that stopped, had been answered before it stopped (its reply is on the platform); not answered twice")]
        public static partial void TakenOverAnsweredBefore(ILogger logger, string platform, string key);

        [LoggerMessage(162, LogLevel.Information, "{Platform} message {Key}: finishing the answer a replica that stopped began (take-over {TakeOvers})")]
        public static partial void Resuming(ILogger logger, string platform, string key, int takeOvers);

        [LoggerMessage(163, LogLevel.Warning, "{Platform} message {Key}: its turn failed unexpectedly; its claim is given up rather than handed to another replica")]
        public static partial void ClaimEndedUnfinished(ILogger logger, string platform, string key);

        [LoggerMessage(164, LogLevel.Warning, "{Platform} message {Key} was taken over by another replica while this one answered it (it missed its renewals); the answer is not sent from here")]
        public static partial void ClaimLost(ILogger logger, string platform, string key);

        [LoggerMessage(165, LogLevel.Information, "{Platform} message {Key} arrived as this replica stops; handed to the other replicas")]
        public static partial void HandedOff(ILogger logger, string platform, string key);

        [LoggerMessage(166, LogLevel.Error, "{Platform} message {Key} arrived as this replica stops and could not be handed to the other replicas (the shared store went away); it is not answered")]
        public static partial void HandOffFailed(ILogger logger, string platform, string key);

        [LoggerMessage(167, LogLevel.Error, "{Platform} message {Key}: handing it to the other replicas failed")]
        public static partial void HandOffCrashed(ILogger logger, Exception exception, string platform, string key);

        [LoggerMessage(99, LogLevel.Debug, "{Platform} message {Key} in a conversation the bot takes part in holds no question; left alone")]
        public static partial void NoQuestion(ILogger logger, string platform, string key);
    }
}
