using System.Text;
using System.Text.Json;
using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Advisor.Core.Turns;
using Microsoft.AspNetCore.Http;

namespace Advisor.Host.Web;

/// <summary>
/// The Ask page's side of a turn. Without <paramref name="events"/> it keeps the reply (answer or notice) for the
/// endpoint to return as JSON. With it, it writes Server-Sent Events as the answer arrives: <c>delta</c> events
/// (<c>{"text": …}</c>) while a model writes, then one <c>answer</c> event (the same JSON as the plain reply), or one
/// <c>notice</c> event. The extractive default's answer arrives whole: one <c>answer</c> event. The browser renders
/// every string as text.
/// </summary>
internal sealed class WebReplyChannel(HttpResponse? events) : IStreamingReplyChannel
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;
    private bool _started;

    /// <summary>The answer sent, if one was.</summary>
    public AnswerJson? Answer { get; private set; }

    /// <summary>The notice sent, if one was.</summary>
    public NoticeJson? Notice { get; private set; }

    public ReplyCapabilities Capabilities => events is null ? ReplyCapabilities.None : ReplyCapabilities.Streaming;

    public IAsyncDisposable ShowProgress(CancellationToken cancellationToken) => ReplyProgress.None;

    /// <summary>A browser request is never delivered twice by a platform.</summary>
    public ValueTask<bool> AnsweredBeforeAsync(CancellationToken cancellationToken) => ValueTask.FromResult(false);

    public async Task<DeliveryResult> SendAnswerAsync(TurnReply reply, CancellationToken cancellationToken)
    {
        Answer = AnswerJson.From(reply);
        return await WriteAsync("answer", Answer, cancellationToken).ConfigureAwait(false);
    }

    public async Task<(DeliveryResult Delivery, Answer? Final)> StreamAnswerAsync(
        TurnId turnId, IAsyncEnumerable<AnswerUpdate> updates, Func<Answer, TurnReply> finish, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        ArgumentNullException.ThrowIfNull(finish);
        await foreach (var update in updates.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (update.Final is { } final)
            {
                // The final answer replaces what was streamed (a model answer replaced by the extractive one shows as such).
                return (await SendAnswerAsync(finish(final), cancellationToken).ConfigureAwait(false), final);
            }

            if (update.TextDelta.Length > 0)
            {
                await WriteAsync("delta", new { text = update.TextDelta }, cancellationToken).ConfigureAwait(false);
            }
        }

        return (DeliveryResult.NotDelivered, null);
    }

    public async Task<DeliveryResult> SendNoticeAsync(TurnNotice notice, CancellationToken cancellationToken)
    {
        Notice = NoticeJson.From(notice);
        return await WriteAsync("notice", Notice, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What is on the page stays: nothing to update.</summary>
    public Task<DeliveryResult> UpdateAsync(string messageId, TurnReply reply, CancellationToken cancellationToken) =>
        Task.FromResult(DeliveryResult.NotDelivered);

    /// <summary>Starts the event stream (status and headers), once.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (events is null || _started)
        {
            return;
        }

        _started = true;
        events.StatusCode = StatusCodes.Status200OK;
        events.ContentType = "text/event-stream; charset=utf-8";
        events.Headers.CacheControl = "no-cache, no-store";
        events.Headers["X-Accel-Buffering"] = "no"; // a proxy in front must not hold the stream back
        await events.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<DeliveryResult> WriteAsync<T>(string name, T value, CancellationToken cancellationToken)
    {
        if (events is null)
        {
            return DeliveryResult.Sent(); // returned by the endpoint once the turn is kept
        }

        try
        {
            await StartAsync(cancellationToken).ConfigureAwait(false);
            var data = JsonSerializer.Serialize(value, Json); // one line: JSON escapes every newline
            await events.Body.WriteAsync(Encoding.UTF8.GetBytes($"event: {name}\ndata: {data}\n\n"), cancellationToken).ConfigureAwait(false);
            await events.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            return DeliveryResult.Sent();
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            return DeliveryResult.NotDelivered; // the browser went away
        }
    }
}
