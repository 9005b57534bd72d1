using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Slack;

/// <summary>
/// Slack's HTTP delivery: POST /slack/events, /slack/commands and /slack/interactivity. Every request is verified
/// (v0 signature over the raw body, 5-minute window) before anything is parsed; a bad or stale one gets 401.
/// </summary>
public static partial class SlackEndpoints
{
    private const int MaxBodyBytes = 1 << 20;

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
        var (body, refusal) = await ReadVerifiedAsync(context).ConfigureAwait(false);
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
            return Results.BadRequest("The body is not JSON.");
        }

        using var _ = document;
        var payload = document.RootElement;
        var type = SlackEventEnvelope.Str(payload, "type");
        if (type == "url_verification")
        {
            return Results.Text(SlackEventEnvelope.Str(payload, "challenge") ?? "", "text/plain", Encoding.UTF8);
        }

        var retryNum = int.TryParse(context.Request.Headers["X-Slack-Retry-Num"], out var n) ? n : 0;
        if (SlackEventEnvelope.Parse(payload, retryNum, context.Request.Headers["X-Slack-Retry-Reason"]) is { } envelope)
        {
            context.RequestServices.GetRequiredService<SlackEventDispatcher>().Dispatch(envelope);
        }

        return Results.Ok();
    }

    private static async Task<IResult> CommandsAsync(HttpContext context)
    {
        var (body, refusal) = await ReadVerifiedAsync(context).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
        if (form.ContainsKey("ssl_check"))
        {
            return Results.Ok();
        }

        var command = SlashCommand.From(name => form.TryGetValue(name, out var v) ? v.ToString() : null);
        var ack = context.RequestServices.GetRequiredService<ISlashCommandHandler>().Handle(command);
        return ack is null ? Results.Ok() : Results.Content(ack.ToJsonString(), "application/json", Encoding.UTF8);
    }

    private static async Task<IResult> InteractivityAsync(HttpContext context)
    {
        var (body, refusal) = await ReadVerifiedAsync(context).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SlackEndpoints));
        var type = "-";
        if (form.TryGetValue("payload", out var raw))
        {
            try
            {
                using var payload = JsonDocument.Parse(raw.ToString());
                type = SlackEventEnvelope.Str(payload.RootElement, "type") ?? "-";
            }
            catch (JsonException)
            {
                return Results.BadRequest("The payload is not JSON.");
            }
        }

        // The bot posts no interactive components yet: acknowledge so Slack shows no error.
        Log.Interaction(logger, type);
        return Results.Ok();
    }

    private static async Task<(byte[] Body, IResult? Refusal)> ReadVerifiedAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<SlackOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SlackEndpoints));
        if (!options.UsesHttp)
        {
            return ([], Results.Problem("Slack HTTP delivery is off: set Advisor:Slack:SigningSecret.", statusCode: StatusCodes.Status404NotFound));
        }

        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return ([], Results.StatusCode(StatusCodes.Status413PayloadTooLarge));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return ([], Results.StatusCode(StatusCodes.Status413PayloadTooLarge));
            }

            buffer.Write(chunk, 0, read);
        }

        var body = buffer.ToArray();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var problem = SlackSignature.Problem(
            options.SigningSecret!,
            context.Request.Headers["X-Slack-Request-Timestamp"],
            context.Request.Headers["X-Slack-Signature"],
            body,
            now);
        if (problem is not null)
        {
            Log.Refused(logger, context.Request.Path, problem);
            return ([], Results.Text("invalid signature", "text/plain", statusCode: StatusCodes.Status401Unauthorized));
        }

        return (body, null);
    }

    private static partial class Log
    {
        [LoggerMessage(1601, LogLevel.Warning, "Refused Slack request to {Path}: {Reason}")]
        public static partial void Refused(ILogger logger, string path, string reason);

        [LoggerMessage(1602, LogLevel.Debug, "Slack interaction {Type} acknowledged")]
        public static partial void Interaction(ILogger logger, string type);
    }
}
