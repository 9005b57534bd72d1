using System.Text.Json;
using Advisor.Discord.Interactions;
using Advisor.Discord.Rest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Advisor.Discord;

/// <summary>The HTTP interactions endpoint (the app's "Interactions Endpoint URL").</summary>
public static partial class DiscordEndpoints
{
    public const string InteractionsPath = "/discord/interactions";

    /// <summary>
    /// Maps <c>POST /discord/interactions</c>: Ed25519-verified (anything else gets 401), PING → PONG, commands answered
    /// inline with their initial response (defer or result) and finished in the background.
    /// Does nothing when the Discord adapter is not registered.
    /// </summary>
    public static IEndpointRouteBuilder MapDiscordEndpoints(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetService<InteractionHandler>() is null)
        {
            return endpoints;
        }

        endpoints.MapPost(InteractionsPath, HandleAsync);
        return endpoints;
    }

    private static async Task HandleAsync(HttpContext http)
    {
        var services = http.RequestServices;
        var verifier = services.GetRequiredService<Ed25519Verifier>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DiscordEndpoints).FullName!);
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, http.RequestAborted);
        var raw = body.ToArray();
        var timestamp = http.Request.Headers["X-Signature-Timestamp"].ToString();
        var signature = http.Request.Headers["X-Signature-Ed25519"].ToString();
        if (!verifier.VerifyDiscordRequest(timestamp, raw, signature))
        {
            Log.BadSignature(logger, http.Connection.RemoteIpAddress?.ToString() ?? "?");
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await http.Response.WriteAsync("invalid request signature", http.RequestAborted);
            return;
        }

        JsonElement interaction;
        try
        {
            using var doc = JsonDocument.Parse(raw);
            interaction = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync("the body is not JSON", http.RequestAborted);
            return;
        }

        var handler = services.GetRequiredService<InteractionHandler>();
        var stopped = services.GetRequiredService<DiscordStatus>().Stopped;
        var initial = new TaskCompletionSource<InteractionResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var work = Task.Run(async () =>
        {
            try
            {
                await handler.ProcessAsync(interaction, async response =>
                {
                    initial.TrySetResult(response);
                    await sent.Task; // follow-ups (PATCH @original) only after Discord has the deferral
                }, stopped);
            }
            catch (Exception ex)
            {
                Log.Failed(logger, ex);
            }
            finally
            {
                initial.TrySetCanceled();
            }
        }, CancellationToken.None);

        try
        {
            var response = await initial.Task;
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(JsonSerializer.Serialize(response, DiscordJson.Options), http.RequestAborted);
            await http.Response.CompleteAsync();
        }
        catch (TaskCanceledException)
        {
            http.Response.StatusCode = StatusCodes.Status500InternalServerError;
        }
        finally
        {
            sent.TrySetResult();
        }

        _ = work;
    }

    private static partial class Log
    {
        [LoggerMessage(600, LogLevel.Warning, "Discord interactions endpoint: rejected a request with a missing or invalid Ed25519 signature from {Remote} (401)")]
        public static partial void BadSignature(ILogger logger, string remote);

        [LoggerMessage(601, LogLevel.Error, "Discord interactions endpoint: handling an interaction failed")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
