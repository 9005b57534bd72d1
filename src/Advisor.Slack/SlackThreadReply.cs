using System.Text;
using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Advisor.Core.Turns;
using Microsoft.Extensions.Logging;

namespace Advisor.Slack;

/// <summary>
/// The replies to one Slack message (a mention, a direct message, a follow-up in a thread, a click on a suggested
/// follow-up), rendered as Block Kit and posted in its thread — or in the channel, for a direct message outside a
/// thread. Every part of a reply carries metadata with its id (the question's ts and the part), so a post whose
/// outcome is unknown is looked for before it is sent again, and an event Slack delivers again after a restart is found
/// answered. An answer carries its suggested follow-ups and 👍/👎 (<see cref="SlackRenderer.Controls"/>).
/// <para>
/// Progress: in an agent app, the thread's agent session is processing (titled from the question) from the start of
/// every answer and active once it is delivered, and renamed when the answer's roles differ from the thread's previous
/// answer's. Elsewhere, once the answer takes longer than <see cref="SlackReplySettings.ProgressDelay"/>, the thread's assistant
/// status ("is thinking…") where the app may set it, else the thinking reaction on the question; never awaited by the
/// answer. Slack clears the status when the reply is posted; it is cleared here only when no reply came, or when the
/// status landed after the reply.
/// </para>
/// <para>
/// Streaming (<see cref="ReplyCapabilities.Streaming"/>, with <see cref="SlackReplySettings.StreamAnswers"/>): a
/// model-written answer is shown as it is written with chat.startStream / chat.appendStream (at most one append per
/// <see cref="SlackReplySettings.StreamInterval"/>), ended with chat.stopStream (the follow-up and feedback buttons at
/// the bottom, and the reply's metadata), then replaced with chat.update by exactly the message
/// <see cref="SendAnswerAsync"/> would have posted. Where Slack refuses streams, the first text is posted and then
/// updated (no faster than <see cref="SlackReplySettings.MinUpdateInterval"/>). An answer that arrives whole (the
/// extractive default) is posted at once, without a stream.
/// </para>
/// </summary>
internal sealed partial class SlackThreadReply(
    SlackApiClient api,
    string channel,
    string? threadTs,
    string questionTs,
    string? botId,
    string reaction,
    int retryAttempt,
    ILogger logger,
    SlackReplySettings? settings = null,
    string? userId = null,
    string? teamId = null,
    string? reactionTs = null,
    string? question = null) : IStreamingReplyChannel
{
    private readonly string? _question = question;
    private readonly SlackApiClient _api = api;
    private readonly string _channel = channel;
    private readonly string? _threadTs = threadTs;
    private readonly string _questionTs = questionTs;
    private readonly string? _botId = botId;
    private readonly string _reaction = reaction;
    private readonly int _retryAttempt = retryAttempt;
    private readonly ILogger _logger = logger;
    private readonly string? _userId = userId;
    private readonly string? _teamId = teamId;
    private readonly string? _reactionTs = reactionTs;
    /// <summary>What replaces a streamed text whose answer failed midway (the pipeline then sends its one apology).</summary>
    public const string InterruptedText = "_This answer was interrupted._";

    /// <summary>What ends the text shown so far when the user pressed Stop while the answer was streaming.</summary>
    public const string StoppedMark = "_Stopped by you._";

    /// <summary>Most text shown while streaming with chat.update (Slack refuses an update over 4,000 characters).</summary>
    private const int MaxUpdateText = 3900;

    private readonly SlackReplySettings _settings = settings ?? SlackReplySettings.Default;
    private int _replied;
    private int _stoppedInPlace;
    private Answer? _delivered;

    /// <summary>
    /// True when the user stopped this answer (an agent session's Stop): a stream that was showing it then ends with
    /// what was shown and <see cref="StoppedMark"/> instead of being replaced by <see cref="InterruptedText"/>.
    /// </summary>
    public Func<bool>? StoppedByUser { get; init; }

    /// <summary>True when the answer runs in the thread's agent session (a user's Stop cancels it); written in its <see cref="Target"/>.</summary>
    public bool InSession { get; init; }

    /// <summary>
    /// Where this channel replies, for another replica to rebuild it (<see cref="SlackReplyChannelFactory"/>): the
    /// thread (or direct-message channel), the question's ts its replies are marked with, the asker and team, the
    /// message the thinking reaction goes on, the question, and whether it is an agent session.
    /// </summary>
    public ReplyTarget Target => SlackReplyChannelFactory.Target(SlackReplyChannelFactory.ThreadKind, until: null,
        ("channel", _channel), ("thread", _threadTs), ("question_ts", _questionTs), ("team", _teamId), ("user", _userId),
        ("reaction_ts", _reactionTs), ("question", _question), ("session", InSession ? "1" : null));

    /// <summary>True when a stopped answer's partial text was kept and marked stopped (so nothing more needs saying).</summary>
    public bool StoppedInPlace => Volatile.Read(ref _stoppedInPlace) == 1;

    /// <summary>True once an answer was delivered.</summary>
    public bool AnswerDelivered => Volatile.Read(ref _delivered) is not null;

    public ReplyCapabilities Capabilities => _settings.StreamAnswers ? ReplyCapabilities.Update | ReplyCapabilities.Streaming : ReplyCapabilities.Update;

    /// <summary>True once something was posted (or a stream started) in the conversation: Slack then cleared the assistant status.</summary>
    private bool Replied => Volatile.Read(ref _replied) == 1;

    public IAsyncDisposable ShowProgress(CancellationToken cancellationToken)
    {
        var auto = _settings.Progress == SlackProgressMode.Auto && _threadTs is not null;
        var agent = auto && !_settings.Status.AgentRefused;
        var status = auto && !_settings.Status.Refused;
        var react = _settings.Progress != SlackProgressMode.None && !string.IsNullOrWhiteSpace(_reaction);
        if (_settings.Progress == SlackProgressMode.None || (!agent && !status && !react))
        {
            return ReplyProgress.None;
        }

        // Cosmetic, so not awaited: a slow or rate-limited status or _reaction never delays the answer.
        var progress = new Progress(this, agent, status, react);
        progress.Start();
        return progress;
    }

    /// <summary>
    /// Slack delivers an event again when an earlier delivery was not acknowledged in time, for instance to the process
    /// that took over after a restart: if the reply is in the conversation already, it is not sent twice.
    /// </summary>
    public async ValueTask<bool> AnsweredBeforeAsync(CancellationToken cancellationToken) =>
        _retryAttempt > 0 && (await _api.FindReplyAsync(_channel, _threadTs, Mark(1), cancellationToken).ConfigureAwait(false)).Found == true;

    public async Task<DeliveryResult> SendAnswerAsync(TurnReply reply, CancellationToken cancellationToken)
    {
        var delivery = await PostAsync(SlackRenderer.Answer(reply), 1, cancellationToken).ConfigureAwait(false);
        Delivered(delivery, reply.Answer);
        return delivery;
    }

    /// <summary>Remembers a delivered answer: its roles may rename the agent session (<see cref="Progress"/>).</summary>
    private void Delivered(DeliveryResult delivery, Answer answer)
    {
        if (delivery.Delivered)
        {
            Volatile.Write(ref _delivered, answer);
        }
    }

    public Task<DeliveryResult> SendNoticeAsync(TurnNotice notice, CancellationToken cancellationToken) =>
        PostAsync(SlackRenderer.Notice(notice.Text), 1, cancellationToken);

    /// <summary>chat.update of a message the bot posted, with the first message of the answer's rendering.</summary>
    public async Task<DeliveryResult> UpdateAsync(string messageId, TurnReply reply, CancellationToken cancellationToken)
    {
        try
        {
            await _api.UpdateMessageAsync(SlackRenderer.Answer(reply)[0], _channel, messageId, cancellationToken).ConfigureAwait(false);
            return DeliveryResult.Sent(messageId);
        }
        catch (SlackApiException ex)
        {
            Log.NotUpdated(_logger, _channel, messageId, ex.Error);
            return DeliveryResult.NotDelivered;
        }
    }

    public async Task<(DeliveryResult Delivery, Answer? Final)> StreamAnswerAsync(
        TurnId turnId, IAsyncEnumerable<AnswerUpdate> updates, Func<Answer, TurnReply> finish, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        ArgumentNullException.ThrowIfNull(finish);
        var stream = updates.GetAsyncEnumerator(cancellationToken);
        await using (stream.ConfigureAwait(false))
        {
            if (!await stream.MoveNextAsync().ConfigureAwait(false))
            {
                return (DeliveryResult.NotDelivered, null);
            }

            if (stream.Current.Final is { } whole)
            {
                // Instant (the extractive default): no stream, just the answer.
                return (await SendAnswerAsync(finish(whole), cancellationToken).ConfigureAwait(false), whole);
            }

            var shown = new Shown(this);
            try
            {
                await shown.StartAsync(stream.Current.TextDelta, cancellationToken).ConfigureAwait(false);
                Answer? final = null;
                while (await stream.MoveNextAsync().ConfigureAwait(false))
                {
                    if (stream.Current.Final is { } last)
                    {
                        final = last;
                        break;
                    }

                    await shown.AddAsync(stream.Current.TextDelta, cancellationToken).ConfigureAwait(false);
                }

                if (final is null)
                {
                    await shown.AbandonAsync(byUser: false).ConfigureAwait(false);
                    return (DeliveryResult.NotDelivered, null);
                }

                var delivery = await shown.FinishAsync(finish(final), cancellationToken).ConfigureAwait(false);
                Delivered(delivery, final);
                return (delivery, final);
            }
            catch
            {
                // The user pressed Stop: what was shown stays, marked stopped. The advisor failed midway (or the host is
                // stopping): take back what was shown; the pipeline sends the one apology.
                await shown.AbandonAsync(byUser: StoppedByUser?.Invoke() == true).ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>Posts a reply's messages in order, each marked with its part (from <paramref name="firstPart"/>); not delivered when one was not (logged already).</summary>
    private async Task<DeliveryResult> PostAsync(IReadOnlyList<SlackMessage> messages, int firstPart, CancellationToken cancellationToken)
    {
        string? first = null;
        for (var i = 0; i < messages.Count; i++)
        {
            try
            {
                var ts = await _api.PostMessageAsync(messages[i], _channel, _threadTs, Mark(firstPart + i), cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _replied, 1);
                first ??= ts;
            }
            catch (SlackApiException ex)
            {
                Log.NotDelivered(_logger, _channel, _questionTs, firstPart + i, ex.Error);
                return DeliveryResult.NotDelivered;
            }
        }

        return DeliveryResult.Sent(string.IsNullOrEmpty(first) ? null : first);
    }

    private SlackReplyMark Mark(int part) => new(SlackKeys.Reply(_questionTs, part), _questionTs, _botId);

    /// <summary>Text from a model as Slack markdown that cannot ping anyone or form a link.</summary>
    private static string Safe(string text) => SlackRenderer.Escape(MentionGuard.Neutralize(text));

    /// <summary>A streaming answer on its way: the stream (or the posted message of the fallback), and the text not shown yet.</summary>
    private sealed class Shown(SlackThreadReply owner)
    {
        private readonly StringBuilder _all = new();
        private readonly StringBuilder _pending = new();
        private string? _ts;
        private bool _streaming;
        private bool _appending = true;
        private DateTimeOffset _last;

        private TimeProvider Time => owner._settings.Time;

        private TimeSpan Interval => _streaming ? owner._settings.StreamInterval : Max(owner._settings.StreamInterval, SlackReplySettings.MinUpdateInterval);

        public async Task StartAsync(string first, CancellationToken cancellationToken)
        {
            _all.Append(first);
            var text = Safe(first);
            try
            {
                _ts = await owner._api.StartStreamAsync(owner._channel, owner._threadTs, owner._userId, owner._teamId, text.Length == 0 ? "…" : text, cancellationToken)
                    .ConfigureAwait(false);
                _streaming = true;
            }
            catch (SlackApiException ex)
            {
                // Not here (e.g. a surface without streams, or throttled): post the text and update it instead.
                Log.StreamRefused(owner._logger, owner._channel, ex.Error);
                _ts = await owner._api.PostMessageAsync(new SlackMessage(Shorten(text), [SlackRenderer.Section(Shorten(text))]), owner._channel, owner._threadTs,
                    owner.Mark(1), cancellationToken).ConfigureAwait(false);
            }

            Volatile.Write(ref owner._replied, 1);
            _last = Time.GetUtcNow();
        }

        public async Task AddAsync(string delta, CancellationToken cancellationToken)
        {
            _all.Append(delta);
            _pending.Append(delta);
            if (!_appending || _pending.Length == 0 || Time.GetUtcNow() - _last < Interval)
            {
                return;
            }

            _last = Time.GetUtcNow();
            try
            {
                if (_streaming)
                {
                    await owner._api.AppendStreamAsync(owner._channel, _ts!, Safe(_pending.ToString()), cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    var text = Shorten(Safe(_all.ToString()));
                    await owner._api.UpdateMessageAsync(new SlackMessage(text, [SlackRenderer.Section(text)]), owner._channel, _ts!, cancellationToken, owner.Mark(1))
                        .ConfigureAwait(false);
                }

                _pending.Clear();
            }
            catch (SlackApiException ex)
            {
                // stopped_by_user, a throttle, a failure: the rest is shown when the answer is finished.
                Log.AppendFailed(owner._logger, owner._channel, _ts!, ex.Error);
                _appending = ex.Error is not ("stopped_by_user" or "message_not_in_streaming_state");
            }
        }

        /// <summary>Ends the stream with the buttons and metadata, then makes the message exactly the non-streamed answer.</summary>
        public async Task<DeliveryResult> FinishAsync(TurnReply reply, CancellationToken cancellationToken)
        {
            var messages = SlackRenderer.Answer(reply);
            try
            {
                if (_streaming)
                {
                    var rest = _pending.Length > 0 && _appending ? Safe(_pending.ToString()) : null;
                    await owner._api.StopStreamAsync(owner._channel, _ts!, rest, SlackRenderer.Controls(reply), owner.Mark(1), cancellationToken).ConfigureAwait(false);
                }

                await owner._api.UpdateMessageAsync(messages[0], owner._channel, _ts!, cancellationToken, owner.Mark(1)).ConfigureAwait(false);
            }
            catch (SlackApiException ex)
            {
                Log.NotDelivered(owner._logger, owner._channel, owner._questionTs, 1, ex.Error);
                return DeliveryResult.NotDelivered;
            }

            if (messages.Count > 1)
            {
                var rest = await owner.PostAsync(messages.Skip(1).ToList(), 2, cancellationToken).ConfigureAwait(false);
                if (!rest.Delivered)
                {
                    return DeliveryResult.NotDelivered;
                }
            }

            return DeliveryResult.Sent(_ts);
        }

        /// <summary>
        /// Stops the stream (best effort). Stopped by the user: the text shown so far stays, ended with
        /// <see cref="StoppedMark"/>. Otherwise the partial text is replaced by <see cref="InterruptedText"/>.
        /// </summary>
        public async Task AbandonAsync(bool byUser)
        {
            if (_ts is null)
            {
                return;
            }

            // The partial text is no answer: it gets no buttons and no reply metadata, so a redelivery answers afresh.
            var shownText = Safe(_all.ToString()).TrimEnd();
            var last = byUser
                ? (shownText.Length + StoppedMark.Length + 2 > MaxUpdateText ? shownText[..(MaxUpdateText - StoppedMark.Length - 3)] + "…" : shownText) + "\n\n" + StoppedMark
                : InterruptedText;
            try
            {
                if (_streaming)
                {
                    var rest = byUser && _appending && _pending.Length > 0 ? Safe(_pending.ToString()) + "\n\n" + StoppedMark : byUser ? "\n\n" + StoppedMark : null;
                    await owner._api.StopStreamAsync(owner._channel, _ts, rest, null, null, CancellationToken.None).ConfigureAwait(false);
                }

                await owner._api.UpdateMessageAsync(new SlackMessage(last, [SlackRenderer.Section(last)]), owner._channel, _ts, CancellationToken.None)
                    .ConfigureAwait(false);
                if (byUser)
                {
                    Volatile.Write(ref owner._stoppedInPlace, 1);
                }
            }
            catch (SlackApiException ex)
            {
                Log.NotUpdated(owner._logger, owner._channel, _ts, ex.Error);
            }
        }

        private static string Shorten(string text) => text.Length <= MaxUpdateText ? (text.Length == 0 ? "…" : text) : text[..MaxUpdateText] + "…";

        private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
    }

    /// <summary>
    /// Progress. In an agent app (agents.sessions.setStatus not refused yet) the thread's session is set processing,
    /// titled with the question's first words, as soon as the answer starts, and active once it is delivered (or the
    /// apology is); the session is renamed when the answer's roles differ from the thread's previous answer's. Elsewhere
    /// the assistant status or the reaction, shown once the answer takes long enough, and taken back afterwards.
    /// </summary>
    private sealed class Progress(SlackThreadReply owner, bool agent, bool status, bool react) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _shown = Task.CompletedTask;
        private bool _statusSet;
        private bool _agentSet;
        private bool _statusAfterReply;
        private bool _reacted;

        public void Start() => _shown = Task.Run(ShowAsync);

        public ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _ = EndAsync();
            return ValueTask.CompletedTask;
        }

        private async Task ShowAsync()
        {
            // An agent app: the thread is an agent session, processing while the answer is composed (every answer, at once).
            if (agent)
            {
                var agentError = await owner._api.TrySetAgentSessionStatusAsync(owner._channel, owner._threadTs!, "processing",
                    SlackAgentTitles.FromQuestion(owner._question), CancellationToken.None).ConfigureAwait(false);
                if (agentError is null)
                {
                    _agentSet = true;
                    return;
                }

                // Not an agent app (remembered), or this call failed: today's progress, after the delay.
                owner._settings.Status.LearnAgent(agentError, owner._logger);
            }

            var delay = owner._settings.ProgressDelay;
            if (delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(delay, owner._settings.Time, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return; // answered in time: nothing to show
                }
            }

            if (status && !owner._settings.Status.Refused)
            {
                var error = await owner._api.TrySetAssistantStatusAsync(owner._channel, owner._threadTs!, owner._settings.ProgressStatus, CancellationToken.None)
                    .ConfigureAwait(false);
                if (error is null)
                {
                    _statusSet = true;
                    _statusAfterReply = owner.Replied;
                    return;
                }

                owner._settings.Status.Learn(error, owner._logger);
            }

            if (react && !_stop.IsCancellationRequested)
            {
                _reacted = await owner._api.AddReactionAsync(owner._channel, owner._reactionTs ?? owner._questionTs, owner._reaction, CancellationToken.None).ConfigureAwait(false);
            }
        }

        private async Task EndAsync()
        {
            try
            {
                await _shown.ConfigureAwait(false);
                if (_reacted)
                {
                    await owner._api.RemoveReactionAsync(owner._channel, owner._reactionTs ?? owner._questionTs, owner._reaction, CancellationToken.None).ConfigureAwait(false);
                }

                if (_agentSet)
                {
                    await owner._api.TrySetAgentSessionStatusAsync(owner._channel, owner._threadTs!, "active", CancellationToken.None).ConfigureAwait(false);
                    if (owner._settings.Sessions is { } sessions && Volatile.Read(ref owner._delivered) is { } answer
                        && SlackAgentTitles.FromAnswer(answer) is { } title && sessions.TopicChanged(owner._channel, owner._threadTs!, answer.Roles))
                    {
                        await sessions.RenameAsync(owner._channel, owner._threadTs!, title, CancellationToken.None).ConfigureAwait(false);
                    }
                }

                // A reply clears the status; without one (or when the status landed after it) it is cleared here.
                if (_statusSet && (_statusAfterReply || !owner.Replied))
                {
                    await owner._api.TrySetAssistantStatusAsync(owner._channel, owner._threadTs!, "", CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                // shutting down: progress is only cosmetic
            }
            finally
            {
                _stop.Dispose();
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1308, LogLevel.Debug, "Reply to Slack message {Channel}/{Ts}, part {Part}, not delivered: {Error}")]
        public static partial void NotDelivered(ILogger logger, string channel, string ts, int part, string error);

        [LoggerMessage(1309, LogLevel.Debug, "Slack message {Channel}/{Ts} not updated: {Error}")]
        public static partial void NotUpdated(ILogger logger, string channel, string ts, string error);

        [LoggerMessage(1310, LogLevel.Information, "Slack refused a stream in {Channel} ({Error}); the answer is posted and updated instead")]
        public static partial void StreamRefused(ILogger logger, string channel, string error);

        [LoggerMessage(1311, LogLevel.Debug, "Streaming Slack message {Channel}/{Ts} not appended to ({Error}); the rest comes with the finished answer")]
        public static partial void AppendFailed(ILogger logger, string channel, string ts, string error);
    }
}
