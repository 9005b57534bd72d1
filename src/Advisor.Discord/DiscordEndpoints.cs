using System.Buffers;
using System.Text.Json;
using Advisor.Core.Hosting;
using Advisor.Discord.Interactions;
using Advisor.Discord.Messages;
using Advisor.Discord.Rest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Advisor.Discord;

/// <summary>The HTTP interactions endpoint (the app's "Interactions Endpoint URL").</summary>
public static class DiscordEndpoints
{
    /// <summary>The path to enter, after the host's address, as the app's Interactions Endpoint URL.</summary>
    public const string InteractionsPath = "/discord/interactions";

    /// <summary>How long a repeated interaction waits for the first one's response (decided without I/O, so at once in practice).</summary>
    private static readonly TimeSpan RepeatWait = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Maps <c>POST /discord/interactions</c>. In order, before anything is parsed: the signature headers must be there
    /// and well-formed (else 401), the body no larger than <c>Advisor:Discord:MaxInteractionBodyBytes</c> — by its
    /// Content-Length before reading, and cut off while reading one sent in chunks (else 413) — and the Ed25519
    /// signature valid over the raw bytes (else 401). Then: PING → PONG; a command is answered inline with its initial
    /// response (a deferral, or an ephemeral notice: restarting once shutdown began, busy, not allowed) and finished
    /// from the work queue; a malformed interaction gets 400; a repeated one gets the response the first one got.
    /// Every refusal is logged through the <see cref="RejectionLog"/> (one Warning a minute per kind).
    /// Does nothing when the Discord adapter is not registered.
    /// </summary>
    public static IEndpointRouteBuilder MapDiscordEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<InteractionHandler>() is null)
        {
            return endpoints;
        }

        endpoints.MapPost(InteractionsPath, HandleAsync);
        return endpoints;
    }

    internal static async Task HandleAsync(HttpContext http)
    {
        var services = http.RequestServices;
        var rejections = services.GetRequiredService<RejectionLog>();
        var cap = services.GetRequiredService<IOptions<DiscordOptions>>().Value.MaxInteractionBodyBytes;
        var timestamp = http.Request.Headers["X-Signature-Timestamp"].ToString();
        var signature = http.Request.Headers["X-Signature-Ed25519"].ToString();
        if (!WellFormed(timestamp, signature))
        {
            await RefuseAsync(http, rejections, StatusCodes.Status401Unauthorized, "missing or malformed signature headers", "invalid request signature");
            return;
        }

        if (http.Request.ContentLength > cap)
        {
            await RefuseAsync(http, rejections, StatusCodes.Status413PayloadTooLarge, "body too large", "request body too large");
            return;
        }

        var raw = await ReadCappedAsync(http, cap);
        if (raw is null)
        {
            await RefuseAsync(http, rejections, StatusCodes.Status413PayloadTooLarge, "body too large", "request body too large");
            return;
        }

        if (!services.GetRequiredService<Ed25519Verifier>().VerifyDiscordRequest(timestamp, raw, signature))
        {
            await RefuseAsync(http, rejections, StatusCodes.Status401Unauthorized, "invalid signature", "invalid request signature");
            return;
        }

        InteractionOutcome outcome;
        var acknowledged = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            using var document = JsonDocument.Parse(raw);
            outcome = services.GetRequiredService<InteractionHandler>().Accept(document.RootElement, acknowledged.Task);
        }
        catch (JsonException)
        {
            await RefuseAsync(http, rejections, StatusCodes.Status400BadRequest, "body is not JSON", "the body is not JSON");
            return;
        }

        if (outcome.Problem is not null)
        {
            await RefuseAsync(http, rejections, StatusCodes.Status400BadRequest, "malformed interaction", "malformed interaction: " + outcome.Problem);
            return;
        }

        var response = outcome.Response;
        if (outcome.Earlier is { } earlier)
        {
            // The same interaction again: the same initial response (Discord takes the first it gets; the work runs once).
            rejections.Rejected(InteractionsPath, "repeated interaction (answered as the first)");
            try
            {
                response = await earlier.WaitAsync(RepeatWait, http.RequestAborted);
            }
            catch (TimeoutException)
            {
                response = InteractionResponse.Message(DiscordFormatter.Text("This request is being answered already.", ephemeral: true)[0]);
            }
        }

        try
        {
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(JsonSerializer.Serialize(response, DiscordJson.Options), http.RequestAborted);
            await http.Response.CompleteAsync();
            acknowledged.TrySetResult(true);
        }
        finally
        {
            acknowledged.TrySetResult(false); // the response could not be written: Discord has no deferral to edit
        }
    }

    /// <summary>A timestamp of digits and a 64-byte signature in hex: anything else cannot be a Discord request.</summary>
    private static bool WellFormed(string timestamp, string signature) =>
        timestamp.Length is > 0 and <= 20 && timestamp.All(char.IsAsciiDigit)
        && signature.Length == 128 && signature.All(char.IsAsciiHexDigit);

    /// <summary>The body, or null once it is over <paramref name="cap"/> bytes (no more than cap + 1 bytes are read).</summary>
    private static async Task<byte[]?> ReadCappedAsync(HttpContext http, int cap)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = cap + 1L; // the server refuses beyond it as well
        }

        var declared = http.Request.ContentLength;
        using var body = new MemoryStream(declared is { } n ? (int)n : 16 * 1024);
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                var room = (int)Math.Min(chunk.Length, cap + 1L - body.Length);
                var read = await http.Request.Body.ReadAsync(chunk.AsMemory(0, room), http.RequestAborted);
                if (read == 0)
                {
                    return body.ToArray();
                }

                body.Write(chunk, 0, read);
                if (body.Length > cap)
                {
                    return null;
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static async Task RefuseAsync(HttpContext http, RejectionLog rejections, int status, string reason, string body)
    {
        rejections.Rejected(InteractionsPath, reason);
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        try
        {
            await http.Response.WriteAsync(body, http.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
