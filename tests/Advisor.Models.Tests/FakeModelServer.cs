using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Advisor.Models.Tests;

/// <summary>What the fake server answers to one chat request.</summary>
internal abstract record Reply
{
    /// <summary>The assistant's text, sent in several chunks when the request streams.</summary>
    public sealed record Text(string Content) : Reply;

    /// <summary>A tool call (the model asks for a knowledge function).</summary>
    public sealed record ToolCall(string Function, string ArgumentsJson) : Reply;

    /// <summary>An HTTP error status, optionally with Retry-After (seconds).</summary>
    public sealed record Status(int Code, int? RetryAfterSeconds = null, string? Message = null) : Reply;

    /// <summary>Waits, then answers (the client should give up first).</summary>
    public sealed record Slow(TimeSpan Delay, Reply Then) : Reply;

    /// <summary>A 200 whose body is not the wire format.</summary>
    public sealed record Malformed : Reply;

    /// <summary>A refusal (OpenAI's "refusal" field).</summary>
    public sealed record Refusal(string Message) : Reply;
}

/// <summary>One chat request as the server saw it.</summary>
internal sealed record SeenChat(string Path, JsonNode Body)
{
    public JsonArray Messages => Body["messages"]!.AsArray();

    public string System => Messages.Where(m => (string?)m!["role"] == "system").Select(m => Content(m!)).FirstOrDefault() ?? "";

    public string User => Messages.Where(m => (string?)m!["role"] == "user").Select(m => Content(m!)).LastOrDefault() ?? "";

    /// <summary>The section ids the prompt gave the model.</summary>
    public IReadOnlyList<string> SectionIds => Ids(User);

    /// <summary>The contents of the tool result messages.</summary>
    public IReadOnlyList<string> ToolResults => Messages.Where(m => (string?)m!["role"] == "tool").Select(m => Content(m!)).ToList();

    private static IReadOnlyList<string> Ids(string text) =>
        global::System.Text.RegularExpressions.Regex.Matches(text, @"SECTION id=(\S+)").Select(m => m.Groups[1].Value).ToList();

    internal static string Content(JsonNode message) => message["content"] switch
    {
        JsonValue v => (string?)v ?? "",
        JsonArray parts => string.Concat(parts.Select(p => (string?)p!["text"] ?? "")),
        _ => "",
    };
}

/// <summary>
/// A loopback model server owned by the tests. It speaks the OpenAI chat-completions (JSON and SSE, tool
/// calls, refusals) and embeddings wire format, and Ollama's /api/chat (NDJSON, tool calls) and /api/embed.
/// </summary>
internal sealed class FakeModelServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<SeenChat, Reply>> _replies = new();

    private FakeModelServer(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public ConcurrentQueue<SeenChat> Chats { get; } = new();

    public ConcurrentQueue<string[]> EmbeddingInputs { get; } = new();

    /// <summary>The vector for a text; tests may override (e.g. to point a question at one section).</summary>
    public Func<string, float[]> Embed { get; set; } = BagOfWords;

    /// <summary>Embedding requests holding a text this is true for never get an answer (until the client gives up).</summary>
    public Func<string, bool> HangsOn { get; set; } = _ => false;

    public static async Task<FakeModelServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeModelServer(app);
        app.MapPost("/v1/chat/completions", server.OpenAIChatAsync);
        app.MapPost("/v1/embeddings", server.OpenAIEmbeddingsAsync);
        app.MapPost("/api/chat", server.OllamaChatAsync);
        app.MapPost("/api/embed", server.OllamaEmbedAsync);
        await app.StartAsync();
        server.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return server;
    }

    public void Enqueue(Reply reply) => _replies.Enqueue(_ => reply);

    public void Enqueue(Func<SeenChat, Reply> reply) => _replies.Enqueue(reply);

    public int ChatCount => Chats.Count;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    public static float[] BagOfWords(string text)
    {
        var v = new float[64];
        foreach (var word in text.ToLowerInvariant().Split([' ', '\n', '.', ',', ':', '(', ')', '›'], StringSplitOptions.RemoveEmptyEntries))
        {
            v[(int)((uint)StableHash(word) % 64)] += 1;
        }

        v[63] += 0.01f;
        return v;
    }

    private static int StableHash(string s)
    {
        var h = 17;
        foreach (var c in s)
        {
            h = unchecked((h * 31) + c);
        }

        return h;
    }

    private async Task<Reply> NextAsync(HttpContext context)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!;
        var seen = new SeenChat(context.Request.Path, body);
        Chats.Enqueue(seen);
        return _replies.TryDequeue(out var next) ? next(seen) : new Reply.Text("(no scripted reply)");
    }

    private async Task OpenAIChatAsync(HttpContext context)
    {
        var reply = await NextAsync(context);
        var stream = Chats.Last().Body["stream"]?.GetValue<bool>() == true;
        while (reply is Reply.Slow slow)
        {
            await Task.Delay(slow.Delay, context.RequestAborted);
            reply = slow.Then;
        }

        switch (reply)
        {
            case Reply.Status status:
                context.Response.StatusCode = status.Code;
                if (status.RetryAfterSeconds is { } wait)
                {
                    context.Response.Headers.RetryAfter = wait.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                await context.Response.WriteAsJsonAsync(new { error = new { message = status.Message ?? $"status {status.Code}", type = "test", code = (string?)null } });
                return;
            case Reply.Malformed:
                context.Response.ContentType = stream ? "text/event-stream" : "application/json";
                await context.Response.WriteAsync(stream ? "data: {\"choices\": [ this is not json\n\n" : "<html>not json</html>");
                return;
        }

        if (!stream)
        {
            var message = reply switch
            {
                Reply.Text t => new JsonObject { ["role"] = "assistant", ["content"] = t.Content },
                Reply.Refusal r => new JsonObject { ["role"] = "assistant", ["content"] = null, ["refusal"] = r.Message },
                Reply.ToolCall c => new JsonObject { ["role"] = "assistant", ["content"] = null, ["tool_calls"] = ToolCalls(c, withIndex: false) },
                _ => throw new InvalidOperationException(reply.ToString()),
            };
            var finish = reply is Reply.ToolCall ? "tool_calls" : "stop";
            await context.Response.WriteAsJsonAsync(new JsonObject
            {
                ["id"] = "chatcmpl-1", ["object"] = "chat.completion", ["created"] = 1_700_000_000, ["model"] = "test-model",
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = finish }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 10, ["completion_tokens"] = 10, ["total_tokens"] = 20 },
            });
            return;
        }

        context.Response.ContentType = "text/event-stream";
        var deltas = reply switch
        {
            Reply.Text t => Chunks(t.Content).Select((c, i) => i == 0
                ? new JsonObject { ["role"] = "assistant", ["content"] = c }
                : new JsonObject { ["content"] = c }).ToList(),
            Reply.Refusal r => [new JsonObject { ["role"] = "assistant", ["refusal"] = r.Message }],
            Reply.ToolCall c => [new JsonObject { ["role"] = "assistant", ["tool_calls"] = ToolCalls(c, withIndex: true) }],
            _ => throw new InvalidOperationException(reply.ToString()),
        };
        foreach (var delta in deltas)
        {
            await Sse(context, Chunk(delta, null));
        }

        await Sse(context, Chunk(new JsonObject(), reply is Reply.ToolCall ? "tool_calls" : "stop"));
        await context.Response.WriteAsync("data: [DONE]\n\n");
    }

    private static JsonArray ToolCalls(Reply.ToolCall call, bool withIndex)
    {
        var item = new JsonObject
        {
            ["id"] = "call_1",
            ["type"] = "function",
            ["function"] = new JsonObject { ["name"] = call.Function, ["arguments"] = call.ArgumentsJson },
        };
        if (withIndex)
        {
            item["index"] = 0;
        }

        return [item];
    }

    private static JsonObject Chunk(JsonObject delta, string? finish) => new()
    {
        ["id"] = "chatcmpl-1", ["object"] = "chat.completion.chunk", ["created"] = 1_700_000_000, ["model"] = "test-model",
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
    };

    private static async Task Sse(HttpContext context, JsonNode data)
    {
        await context.Response.WriteAsync("data: " + data.ToJsonString() + "\n\n");
        await context.Response.Body.FlushAsync();
    }

    /// <summary>Splits text into pieces of a few words (and splits inside citation markers, as real models do).</summary>
    internal static List<string> Chunks(string text)
    {
        var pieces = new List<string>();
        for (var i = 0; i < text.Length; i += 7)
        {
            pieces.Add(text.Substring(i, Math.Min(7, text.Length - i)));
        }

        return pieces.Count == 0 ? [""] : pieces;
    }

    private async Task OpenAIEmbeddingsAsync(HttpContext context)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!;
        var inputs = body["input"] is JsonArray a ? a.Select(x => (string)x!).ToArray() : [(string)body["input"]!];
        EmbeddingInputs.Enqueue(inputs);
        if (inputs.Any(HangsOn))
        {
            await Hang(context);
            return;
        }

        var base64 = (string?)body["encoding_format"] == "base64";
        var data = new JsonArray();
        for (var i = 0; i < inputs.Length; i++)
        {
            var vector = Embed(inputs[i]);
            JsonNode embedding = base64
                ? JsonValue.Create(Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan())))
                : new JsonArray(vector.Select(f => (JsonNode)JsonValue.Create(f)).ToArray());
            data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = embedding });
        }

        await context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["object"] = "list", ["data"] = data, ["model"] = (string?)body["model"],
            ["usage"] = new JsonObject { ["prompt_tokens"] = 1, ["total_tokens"] = 1 },
        });
    }

    private static async Task Hang(HttpContext context)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task OllamaChatAsync(HttpContext context)
    {
        var reply = await NextAsync(context);
        var stream = Chats.Last().Body["stream"]?.GetValue<bool>() != false;
        if (reply is Reply.Status status)
        {
            context.Response.StatusCode = status.Code;
            await context.Response.WriteAsJsonAsync(new { error = $"status {status.Code}" });
            return;
        }

        context.Response.ContentType = "application/x-ndjson";
        var model = (string?)Chats.Last().Body["model"];
        if (reply is Reply.ToolCall call)
        {
            // Ollama sends a tool call whole, in one message (arguments as a JSON object, no call id), then the "done" line.
            var message = new JsonObject
            {
                ["role"] = "assistant", ["content"] = "",
                ["tool_calls"] = new JsonArray(new JsonObject
                {
                    ["function"] = new JsonObject { ["name"] = call.Function, ["arguments"] = JsonNode.Parse(call.ArgumentsJson) },
                }),
            };
            if (stream)
            {
                var line = new JsonObject { ["model"] = model, ["created_at"] = "2025-01-01T00:00:00Z", ["message"] = message, ["done"] = false };
                await context.Response.WriteAsync(line.ToJsonString() + "\n");
                await context.Response.WriteAsync(OllamaDone(model, new JsonObject { ["role"] = "assistant", ["content"] = "" }).ToJsonString() + "\n");
            }
            else
            {
                await context.Response.WriteAsync(OllamaDone(model, message).ToJsonString() + "\n");
            }

            return;
        }

        var text = reply is Reply.Text t ? t.Content : throw new InvalidOperationException(reply.ToString());
        foreach (var piece in stream ? Chunks(text) : [text])
        {
            var line = new JsonObject
            {
                ["model"] = model, ["created_at"] = "2025-01-01T00:00:00Z",
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = piece }, ["done"] = false,
            };
            await context.Response.WriteAsync(line.ToJsonString() + "\n");
            await context.Response.Body.FlushAsync();
        }

        await context.Response.WriteAsync(OllamaDone(model, new JsonObject { ["role"] = "assistant", ["content"] = "" }).ToJsonString() + "\n");
    }

    private static JsonObject OllamaDone(string? model, JsonObject message) => new()
    {
        ["model"] = model, ["created_at"] = "2025-01-01T00:00:00Z", ["message"] = message,
        ["done"] = true, ["done_reason"] = "stop", ["total_duration"] = 1000, ["eval_count"] = 10, ["prompt_eval_count"] = 10,
    };

    private async Task OllamaEmbedAsync(HttpContext context)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!;
        var inputs = body["input"] is JsonArray a ? a.Select(x => (string)x!).ToArray() : [(string)body["input"]!];
        EmbeddingInputs.Enqueue(inputs);
        if (inputs.Any(HangsOn))
        {
            await Hang(context);
            return;
        }

        await context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["model"] = (string?)body["model"],
            ["embeddings"] = new JsonArray(inputs.Select(i => (JsonNode)new JsonArray(Embed(i).Select(f => (JsonNode)JsonValue.Create(f)).ToArray())).ToArray()),
        });
    }
}
