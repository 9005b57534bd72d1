using System.Threading.Channels;
using Advisor.Core.Answers;
using Advisor.Discord.Rest;
using Microsoft.Extensions.Logging;

namespace Advisor.Discord.Messages;

/// <summary>
/// Shows a model's answer while it is written, as one Discord message edited in place: the first delta is shown at
/// once, then the text so far at most once per <c>interval</c> (and never faster than the route's X-RateLimit-*
/// bucket and 429 <c>retry_after</c> allow: the REST client waits for those). Reading the advisor's stream never waits
/// for Discord: the text is coalesced and a separate loop shows the latest. An answer that arrives whole (the first
/// update is final, as the extractive default's is) shows nothing, and the caller sends it as usual.
/// </summary>
internal sealed partial class AnswerStream(Func<DiscordMessagePayload, CancellationToken, Task<bool>> show, TimeSpan interval, TimeProvider time, ILogger logger)
{
    private readonly Channel<bool> _dirty = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private string _latest = "";
    private volatile bool _finishing;
    private DateTimeOffset _lastShown = DateTimeOffset.MinValue;

    /// <summary>True once something was shown (the caller then ends with an edit instead of a new message).</summary>
    public bool Shown { get; private set; }

    /// <summary>The text shown while writing: the answer's embed so far, marked unfinished, within one message's limits.</summary>
    public static DiscordMessagePayload Partial(string text) => DiscordFormatter.Pack("Answer", text.TrimEnd() + " …", [])[0];

    /// <summary>
    /// Reads the stream to its end, showing it as it comes. Returns the final answer (null when the stream ended
    /// without one). A failure of the stream is thrown once the showing has stopped.
    /// </summary>
    public async Task<Answer?> RunAsync(IAsyncEnumerable<AnswerUpdate> updates, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task? shower = null;
        var text = new System.Text.StringBuilder();
        try
        {
            await foreach (var update in updates.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (update.Final is { } final)
                {
                    return final;
                }

                if (update.TextDelta.Length == 0)
                {
                    continue;
                }

                text.Append(update.TextDelta);
                Volatile.Write(ref _latest, text.ToString());
                shower ??= ShowLoopAsync(stop.Token);
                _dirty.Writer.TryWrite(true);
            }

            return null;
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            _finishing = true;
            _dirty.Writer.TryComplete();
            if (shower is not null)
            {
                await shower.ConfigureAwait(false); // never throws
            }
        }
    }

    /// <summary>Waits until the next edit is allowed by the pacing (the final edit waits for it too).</summary>
    public Task PaceAsync(CancellationToken cancellationToken)
    {
        var wait = _lastShown == DateTimeOffset.MinValue ? TimeSpan.Zero : _lastShown + interval - time.GetUtcNow();
        return wait > TimeSpan.Zero ? Task.Delay(wait, time, cancellationToken) : Task.CompletedTask;
    }

    private async Task ShowLoopAsync(CancellationToken ct)
    {
        await Task.Yield();
        var shownText = "";
        try
        {
            while (await _dirty.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                _dirty.Reader.TryRead(out _);
                if (_finishing)
                {
                    return; // the final message follows; a partial one now would only delay it
                }

                await PaceAsync(ct).ConfigureAwait(false);
                var snapshot = Volatile.Read(ref _latest);
                if (_finishing)
                {
                    return;
                }

                if (snapshot == shownText)
                {
                    continue;
                }

                try
                {
                    Shown |= await show(Partial(snapshot), ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is DiscordApiException or HttpRequestException)
                {
                    // A partial view that did not make it is only a missed frame; the final message is what counts.
                    Log.PartialFailed(logger, ex.Message);
                }

                shownText = snapshot;
                _lastShown = time.GetUtcNow();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(320, LogLevel.Debug, "Discord: a partial view of a streamed answer was not shown: {Error}")]
        public static partial void PartialFailed(ILogger logger, string error);
    }
}
