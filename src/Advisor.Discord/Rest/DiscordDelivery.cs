using System.Text.Json;
using Advisor.Core.Hosting;
using Advisor.Core.Turns;
using Advisor.Discord.Gateway;
using Microsoft.Extensions.Logging;

namespace Advisor.Discord.Rest;

/// <summary>
/// Every reply the bot posts, sent by the core's one delivery policy (<see cref="Delivery"/>): nothing lost, nothing
/// doubled. An attempt that certainly did not arrive (a 429 after its waits, a connection refused before sending) is
/// sent again; one whose outcome is unclear (a 5xx, a timeout, a connection lost after sending) only when a repeat is
/// known to be harmless or Discord, asked, does not have it:
/// <list type="bullet">
/// <item>channel messages carry a <c>nonce</c> with <c>enforce_nonce</c>: Discord answers a repeat within a few minutes
/// with the message it already has, so a resend cannot double;</item>
/// <item>an interaction's initial response (callback): a repeat is refused with 40060 "already acknowledged", which
/// counts as delivered;</item>
/// <item>the edit of <c>@original</c>: Discord is asked (GET <c>@original</c>) whether it shows the edit; an edit
/// repeated leaves the same message anyway;</item>
/// <item>deleting <c>@original</c>: a repeat finds it gone (404), which counts as done;</item>
/// <item>follow-up messages: Discord has no way to ask for one whose id was never returned, and no nonce for them, so
/// an unclear follow-up is not repeated (logged by the policy as possibly lost) rather than risk showing it twice.</item>
/// </list>
/// Permanent refusals (400, 403, 404 on a channel, 401) are not retried: they are logged and the reply is given up.
/// Interaction tokens never appear in what is logged.
/// </summary>
internal sealed partial class DiscordDelivery(DiscordRestClient rest, GatewaySettings settings, TimeProvider time, ILogger<DiscordDelivery> logger)
{
    /// <summary>Discord's "Interaction has already been acknowledged".</summary>
    public const int AlreadyAcknowledged = 40060;

    /// <summary>Discord's "A thread has already been created for this message".</summary>
    public const int ThreadAlreadyCreated = 160004;

    private DeliveryOptions Options => new(settings.DeliveryAttempts, settings.DeliveryBackoff);

    /// <summary>
    /// Posts a channel message; <paramref name="message"/> should carry a nonce (<see cref="DiscordMessagePayload.WithNonce"/>).
    /// Delivered with the message's id (with the nonce enforced, a repeat returns the message Discord kept).
    /// </summary>
    public async Task<DeliveryResult> PostAsync(string channelId, DiscordMessagePayload message, string what, CancellationToken ct)
    {
        var nonce = message.Nonce is not null && message.EnforceNonce == true;
        string? id = null;
        var delivered = await DeliverAsync(
            what,
            (_, c) => AttemptAsync(async () => id = await rest.CreateMessageAsync(channelId, message, c)),
            // With the nonce enforced a repeat returns the message Discord has: sending again is the way to find out.
            // Without one nothing can be asked, and nothing is repeated.
            _ => Task.FromResult<bool?>(nonce ? false : null),
            ct);
        return delivered ? DeliveryResult.Sent(id) : DeliveryResult.NotDelivered;
    }

    /// <summary>Edits a message the bot posted in a channel (an edit repeated leaves the same message, so an unclear attempt is sent again).</summary>
    public Task<bool> EditAsync(string channelId, string messageId, DiscordMessagePayload message, CancellationToken ct) =>
        DeliverAsync(
            $"an edit of message {messageId} in channel {channelId}",
            (_, c) => AttemptAsync(() => rest.EditMessageAsync(channelId, messageId, message, c)),
            _ => Task.FromResult<bool?>(false),
            ct);

    /// <summary>Deletes a message the bot posted in a channel (a repeat finds it gone, 404, which counts as done).</summary>
    public Task<bool> DeleteAsync(string channelId, string messageId, CancellationToken ct) =>
        DeliverAsync(
            $"deleting message {messageId} in channel {channelId}",
            (_, c) => AttemptAsync(() => rest.DeleteMessageAsync(channelId, messageId, c), ex => ex.Status == 404 ? SendResult.Delivered : null),
            _ => Task.FromResult<bool?>(false),
            ct);

    /// <summary>The initial response to a gateway interaction (POST …/callback).</summary>
    public Task<bool> CallbackAsync(string interactionId, string token, InteractionResponse response, CancellationToken ct) =>
        DeliverAsync(
            $"the initial response to interaction {interactionId}",
            (_, c) => AttemptAsync(() => rest.CreateInteractionResponseAsync(interactionId, token, response, c), ex => ex.Code == AlreadyAcknowledged ? SendResult.Delivered : null),
            _ => Task.FromResult<bool?>(false), // a repeat is refused with 40060 when the first arrived
            ct);

    /// <summary>Edits the interaction's original response (the deferred "thinking…" message) into <paramref name="message"/>.</summary>
    public Task<bool> EditOriginalAsync(string interactionId, string token, DiscordMessagePayload message, CancellationToken ct) =>
        DeliverAsync(
            $"the response to interaction {interactionId}",
            (_, c) => AttemptAsync(() => rest.EditOriginalResponseAsync(token, message, c)),
            async c =>
            {
                try
                {
                    return await rest.GetOriginalResponseAsync(token, c) is { } shown && Shows(shown, message);
                }
                catch (Exception ex) when (ex is DiscordApiException or HttpRequestException && ex is not DiscordUnauthorizedException)
                {
                    return false; // not known to be there; an edit repeated cannot double
                }
            },
            ct);

    /// <summary>Deletes the interaction's original response.</summary>
    public Task<bool> DeleteOriginalAsync(string interactionId, string token, CancellationToken ct) =>
        DeliverAsync(
            $"deleting the response to interaction {interactionId}",
            (_, c) => AttemptAsync(() => rest.DeleteOriginalResponseAsync(token, c), ex => ex.Status == 404 ? SendResult.Delivered : null),
            _ => Task.FromResult<bool?>(false), // a repeat finds it gone
            ct);

    /// <summary>A follow-up message of an interaction (not repeated when its outcome is unclear; see the class notes).</summary>
    public Task<bool> FollowupAsync(string interactionId, string token, DiscordMessagePayload message, CancellationToken ct) =>
        DeliverAsync(
            $"a follow-up to interaction {interactionId}",
            (_, c) => AttemptAsync(() => rest.CreateFollowupAsync(token, message, c)),
            _ => Task.FromResult<bool?>(null),
            ct);

    /// <summary>
    /// Opens a public thread from a message and returns its id (null when it could not be opened). A thread started
    /// from a message has the message's id, and Discord refuses a second one (160004), so an unclear attempt is repeated.
    /// </summary>
    public async Task<string?> StartThreadAsync(string channelId, string messageId, string name, CancellationToken ct)
    {
        string? id = null;
        var ok = await DeliverAsync(
            $"a thread for message {messageId}",
            (_, c) => AttemptAsync(
                async () => id = await rest.StartThreadAsync(channelId, messageId, name, c) ?? messageId,
                ex => ex.Code == ThreadAlreadyCreated ? SendResult.Delivered : null),
            _ => Task.FromResult<bool?>(false),
            ct);
        return ok ? id ?? messageId : null;
    }

    /// <summary>True when the message Discord shows has the text of <paramref name="sent"/> (content, embed titles and descriptions).</summary>
    internal static bool Shows(JsonElement shown, DiscordMessagePayload sent)
    {
        static string Norm(string? s) => (s ?? "").Trim();
        if (Norm(shown.Str("content")) != Norm(sent.Content))
        {
            return false;
        }

        var embeds = shown.Array("embeds").ToList();
        var expected = sent.Embeds ?? [];
        if (embeds.Count != expected.Count)
        {
            return false;
        }

        for (var i = 0; i < embeds.Count; i++)
        {
            if (Norm(embeds[i].Str("title")) != Norm(expected[i].Title) || Norm(embeds[i].Str("description")) != Norm(expected[i].Description))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>One attempt, told as the delivery policy needs it; a permanent refusal is thrown.</summary>
    private static async Task<SendResult> AttemptAsync(Func<Task> call, Func<DiscordApiException, SendResult?>? special = null)
    {
        try
        {
            await call();
            return SendResult.Delivered;
        }
        catch (DiscordTimeoutException)
        {
            return SendResult.Unknown;
        }
        catch (DiscordApiException ex) when (ex is not DiscordUnauthorizedException && special?.Invoke(ex) is { } result)
        {
            return result;
        }
        catch (DiscordApiException ex) when (ex.Status >= 500)
        {
            return SendResult.Unknown;
        }
        catch (DiscordApiException ex) when (ex.Status == 429)
        {
            return SendResult.NotDelivered; // refused unprocessed, after the client's own waits
        }
        catch (HttpRequestException ex)
        {
            return NeverReachedDiscord(ex.HttpRequestError) ? SendResult.NotDelivered : SendResult.Unknown;
        }
    }

    /// <summary>Failures before the request was sent: it cannot have arrived.</summary>
    private static bool NeverReachedDiscord(HttpRequestError error) =>
        error is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError;

    private async Task<bool> DeliverAsync(string what, Func<int, CancellationToken, Task<SendResult>> send, Func<CancellationToken, Task<bool?>> arrived, CancellationToken ct)
    {
        try
        {
            return await Delivery.DeliverAsync(send, arrived, Options, time, logger, what, ct);
        }
        catch (DiscordApiException ex)
        {
            Log.Refused(logger, what, ex.Message);
            return false;
        }
        catch (ArgumentException ex)
        {
            Log.Refused(logger, what, ex.Message);
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(110, LogLevel.Error, "Discord: {What} was refused and is not sent again: {Error}")]
        public static partial void Refused(ILogger logger, string what, string error);
    }
}
