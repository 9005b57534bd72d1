using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Advisor.Core.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Slack;

/// <summary>
/// Slack's HTTP delivery: POST /slack/events, /slack/commands and /slack/interactivity. Every request is checked
/// before anything in it is parsed: the signature headers and their 5-minute window (before the body is read), the
/// content type, the size (1 MiB, while reading), the v0 signature over the raw body, and that the body is UTF-8.
/// Refusals: 401 (signature), 413 (size), 415 (content type), 400 (a signed body Slack would never send: not UTF-8,
/// not JSON, not an object, an event_callback without a readable event), 503 with Retry-After (an event once shutdown
/// began: Slack delivers it again). Each refusal is logged through the <see cref="RejectionLog"/> (one Warning per
/// endpoint and reason a minute), so a flood of bad requests cannot flood the log.
/// </summary>
public static partial class SlackEndpoints
{
    /// <summary>Seconds a 503 asks Slack to wait (Slack retries on its own schedule: at once, after 1 and after 5 minutes).</summary>
    public const int RetryAfterSeconds = 60;

    private const int MaxBodyBytes = 1 << 20;
    private const string Json = "application/json";
    private const string Form = "application/x-www-form-urlencoded";
    private const string Events = "slack events";
    private const string Commands = "slack commands";
    private const string Interactivity = "slack interactivity";

    /// <summary>
    /// Maps the Slack endpoints on the host's app. Maps nothing when the Slack adapter is not registered
    /// (no Advisor:Slack section); the endpoints answer 404 when no signing secret is set.
    /// </summary>
    public static IEndpointRouteBuilder MapSlackEndpoints(this IEndpointRouteBuilder endpoints, string prefix = "/slack")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<SlackEventDispatcher>() is null)
        {
            return endpoints;
        }

        var group = endpoints.MapGroup(prefix);
        group.MapPost("/events", (Delegate)EventsAsync);
        group.MapPost("/commands", (Delegate)CommandsAsync);
        group.MapPost("/interactivity", (Delegate)InteractivityAsync);
        return endpoints;
    }

    private static async Task<IResult> EventsAsync(HttpContext context)
    {
        try
        {
            return await ReadEventAsync(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (JsonPayload.IsUnreadable(ex))
        {
            return Refuse(context, Events, "the body holds a value of the wrong kind, or text that is not valid Unicode", StatusCodes.Status400BadRequest);
        }
    }

    private static async Task<IResult> ReadEventAsync(HttpContext context)
    {
        var (body, refusal) = await ReadVerifiedAsync(context, Events, Json).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return Refuse(context, Events, "the body is not JSON", StatusCodes.Status400BadRequest);
        }

        using var _ = document;
        var payload = document.RootElement;
        if (SlackEventEnvelope.IsMalformedCallback(payload))
        {
            return Refuse(context, Events, "the body is not a Slack event (no string type, or an event without one)", StatusCodes.Status400BadRequest);
        }

        var type = SlackEventEnvelope.Str(payload, "type");
        if (type == "url_verification")
        {
            return Results.Text(SlackEventEnvelope.Str(payload, "challenge") ?? "", "text/plain", Encoding.UTF8);
        }

        var retryNum = int.TryParse(context.Request.Headers["X-Slack-Retry-Num"], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        if (SlackEventEnvelope.Parse(payload, retryNum, context.Request.Headers["X-Slack-Retry-Reason"]) is not { } envelope)
        {
            Log.Ignored(Logger(context), type ?? "-");
            return Results.Ok();
        }

        if (!context.RequestServices.GetRequiredService<SlackEventDispatcher>().Dispatch(envelope))
        {
            // Shutdown began, or the work queue is full: not accepted. Slack delivers the event again (no X-Slack-No-Retry).
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return Refuse(context, Events, "not taken on now (shutting down, or busy); Slack will deliver the event again", StatusCodes.Status503ServiceUnavailable);
        }

        return Results.Ok();
    }

    private static async Task<IResult> CommandsAsync(HttpContext context)
    {
        var (body, refusal) = await ReadVerifiedAsync(context, Commands, Form).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
        if (form.ContainsKey("ssl_check"))
        {
            return Results.Ok();
        }

        // Slack does not send a slash command again, so once shutdown began the handler answers "restarting" in the ack.
        var command = SlashCommand.From(name => form.TryGetValue(name, out var v) ? v.ToString() : null);
        var ack = context.RequestServices.GetRequiredService<ISlashCommandHandler>().Handle(command);
        return ack is null ? Results.Ok() : Results.Content(ack.ToJsonString(), Json, Encoding.UTF8);
    }

    private static async Task<IResult> InteractivityAsync(HttpContext context)
    {
        var (body, refusal) = await ReadVerifiedAsync(context, Interactivity, Form).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
        var type = "-";
        if (form.TryGetValue("payload", out var raw))
        {
            try
            {
                using var payload = JsonDocument.Parse(raw.ToString());
                type = SlackEventEnvelope.Str(payload.RootElement, "type") ?? "-";
                // Decided at once (the work runs afterwards), so the acknowledgement comes well within Slack's 3 s.
                var ack = context.RequestServices.GetRequiredService<SlackInteractionHandler>().Handle(payload.RootElement);
                if (ack is not null)
                {
                    return Results.Content(ack.ToJsonString(), Json, Encoding.UTF8);
                }
            }
            catch (Exception ex) when (JsonPayload.IsUnreadable(ex))
            {
                return Refuse(context, Interactivity, "the payload is not JSON, or holds a value of the wrong kind", StatusCodes.Status400BadRequest);
            }
        }

        // Acknowledged quietly: an empty 200 (for a modal's submission, it closes the modal).
        Log.Interaction(Logger(context), type);
        return Results.Ok();
    }

    /// <summary>The raw body of a request that passed every check, or the refusal (already logged).</summary>
    private static async Task<(byte[] Body, IResult? Refusal)> ReadVerifiedAsync(HttpContext context, string endpoint, string contentType)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<SlackOptions>>().Value;
        if (!options.UsesHttp)
        {
            Rejections(context).Rejected(endpoint, "Slack HTTP delivery is off (no Advisor:Slack:SigningSecret)");
            return ([], Results.Problem("Slack HTTP delivery is off: set Advisor:Slack:SigningSecret.", statusCode: StatusCodes.Status404NotFound));
        }

        // What the headers alone tell comes first: an unsigned or stale request is refused without reading its body.
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var timestamp = context.Request.Headers["X-Slack-Request-Timestamp"].ToString();
        var signature = context.Request.Headers["X-Slack-Signature"].ToString();
        if (SlackSignature.HeaderProblem(timestamp, signature, now) is { } headerProblem)
        {
            return ([], Unauthorized(context, endpoint, headerProblem));
        }

        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var media)
            || !string.Equals(media.MediaType, contentType, StringComparison.OrdinalIgnoreCase))
        {
            return ([], Refuse(context, endpoint, "content type is not " + contentType, StatusCodes.Status415UnsupportedMediaType));
        }

        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return ([], Refuse(context, endpoint, "body larger than 1 MiB", StatusCodes.Status413PayloadTooLarge));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return ([], Refuse(context, endpoint, "body larger than 1 MiB", StatusCodes.Status413PayloadTooLarge));
            }

            buffer.Write(chunk, 0, read);
        }

        var body = buffer.ToArray();
        if (SlackSignature.Problem(options.SigningSecret!, timestamp, signature, body, now) is { } problem)
        {
            return ([], Unauthorized(context, endpoint, problem));
        }

        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            return ([], Refuse(context, endpoint, "the body is not UTF-8", StatusCodes.Status400BadRequest));
        }

        return (body, null);
    }

    private static IResult Unauthorized(HttpContext context, string endpoint, string reason)
    {
        Rejections(context).Rejected(endpoint, reason);
        return Results.Text("invalid signature", "text/plain", statusCode: StatusCodes.Status401Unauthorized);
    }

    /// <summary>Logs the refusal through the rejection log (never the body, never a header value) and answers with the status.</summary>
    private static IResult Refuse(HttpContext context, string endpoint, string reason, int status)
    {
        Rejections(context).Rejected(endpoint, reason);
        return Results.StatusCode(status);
    }

    private static RejectionLog Rejections(HttpContext context) => context.RequestServices.GetRequiredService<RejectionLog>();

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SlackEndpoints));

    private static partial class Log
    {
        [LoggerMessage(1602, LogLevel.Debug, "Slack interaction {Type} acknowledged")]
        public static partial void Interaction(ILogger logger, string type);

        [LoggerMessage(1603, LogLevel.Debug, "Slack event body of type {Type} acknowledged and ignored")]
        public static partial void Ignored(ILogger logger, string type);
    }
}
