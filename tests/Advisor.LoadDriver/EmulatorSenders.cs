using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Advisor.Testing;
using Advisor.Testing.Discord;
using Advisor.Testing.Slack;

namespace Advisor.LoadDriver;

/// <summary>
/// Questions as Slack app_mention events over Socket Mode: the emulator writes an events_api envelope on the worker's
/// WebSocket, the Slack adapter acks it and answers with chat.postMessage in the thread. Bot time is from the moment
/// the emulator starts writing the envelope to the moment the reply's chat.postMessage request reaches the emulator
/// (so the emulator's own frame writing and HTTP request handling are inside it).
/// </summary>
internal sealed class SlackSender : IQuestionSender
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly SlackEmulator _slack;
    private readonly int _users;
    private readonly int _channels;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _pending = new();

    public SlackSender(SlackEmulator slack, int users, int channels)
    {
        _slack = slack;
        _users = users;
        _channels = channels;
        _slack.CallObserver = OnCall;
    }

    public string Name => "Slack emulator (app_mention over Socket Mode → chat.postMessage)";

    public async Task<double> SendAsync(int sequence, string question, CancellationToken cancellationToken)
    {
        // Warm-up questions (negative numbers) come from their own users and channels.
        var n = sequence < 0 ? 1_000_000 - sequence : sequence;
        var ts = string.Create(CultureInfo.InvariantCulture, $"1700000000.{n:D7}");
        var user = sequence < 0 ? $"UW{-sequence}" : $"UL{sequence % _users}";
        var channel = sequence < 0 ? "CWARM" : $"CL{sequence % _channels}";
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[ts] = done;
        var (_, sentAt) = await _slack.DeliverEventAsync(SlackEmulator.Mention(question, ts, $"Ev{n}", channel, user: user)).ConfigureAwait(false);
        var repliedAt = await done.Task.WaitAsync(Timeout, cancellationToken).ConfigureAwait(false);
        _pending.TryRemove(ts, out _);
        return Stopwatch.GetElapsedTime(sentAt, repliedAt).TotalMilliseconds;
    }

    private void OnCall(ApiCall call)
    {
        var now = Stopwatch.GetTimestamp();
        if (call.Method == "chat.postMessage" && (string?)call.Body["thread_ts"] is { } ts && _pending.TryGetValue(ts, out var done))
        {
            done.TrySetResult(now);
        }
    }

    public ValueTask DisposeAsync()
    {
        _slack.CallObserver = null;
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Questions as Discord MESSAGE_CREATE dispatches mentioning the bot: the emulator writes the dispatch on the gateway
/// WebSocket, the Discord adapter answers with POST /channels/{id}/messages replying to it. Bot time is from the moment
/// the emulator starts writing the dispatch to the moment the reply's REST request reaches the emulator.
/// Questions are spread over many channels: Discord rate-limits messages per channel (the emulator announces a bucket
/// of 5 per 0.1 s, which the adapter honours), as real traffic would be.
/// </summary>
internal sealed class DiscordSender : IQuestionSender
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly DiscordEmulator _discord;
    private readonly GatewayConnection _gateway;
    private readonly int _users;
    private readonly int _channels;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _pending = new();

    public DiscordSender(DiscordEmulator discord, GatewayConnection gateway, int users, int channels)
    {
        _discord = discord;
        _gateway = gateway;
        _users = users;
        _channels = channels;
        _discord.RequestObserver = OnRequest;
    }

    public string Name => "Discord emulator (MESSAGE_CREATE over the gateway → POST channel message)";

    public async Task<double> SendAsync(int sequence, string question, CancellationToken cancellationToken)
    {
        var n = sequence < 0 ? 1_000_000 - sequence : sequence;
        var id = (1_300_000_000_000_000_000L + n).ToString(CultureInfo.InvariantCulture);
        var author = (sequence < 0 ? 555_000_000_000_000_000L - sequence : 444_000_000_000_000_000L + (sequence % _users)).ToString(CultureInfo.InvariantCulture);
        var channel = (222_000_000_000_000_000L + (sequence < 0 ? 999_999 : sequence % _channels)).ToString(CultureInfo.InvariantCulture);
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = done;
        var message = DiscordEmulator.MessageCreate(id, channel, "111000000000000001", author, question, EmulatorSettings.DiscordBotUserId);
        var sentAt = await _gateway.DispatchNextAsync("MESSAGE_CREATE", message).ConfigureAwait(false);
        var repliedAt = await done.Task.WaitAsync(Timeout, cancellationToken).ConfigureAwait(false);
        _pending.TryRemove(id, out _);
        return Stopwatch.GetElapsedTime(sentAt, repliedAt).TotalMilliseconds;
    }

    private void OnRequest(RecordedRequest request)
    {
        var now = Stopwatch.GetTimestamp();
        if (request is { Method: "POST" } && request.Body?["message_reference"]?["message_id"]?.GetValue<string>() is { } id && _pending.TryGetValue(id, out var done))
        {
            done.TrySetResult(now);
        }
    }

    public ValueTask DisposeAsync()
    {
        _discord.RequestObserver = null;
        return ValueTask.CompletedTask;
    }
}

/// <summary>Even-numbered questions through Slack, odd ones through Discord.</summary>
internal sealed class MixedSender(SlackSender slack, DiscordSender discord) : IQuestionSender
{
    public string Name => "Slack and Discord emulators, alternating";

    public Task<double> SendAsync(int sequence, string question, CancellationToken cancellationToken) =>
        (sequence % 2 == 0 ? (IQuestionSender)slack : discord).SendAsync(sequence, question, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await slack.DisposeAsync().ConfigureAwait(false);
        await discord.DisposeAsync().ConfigureAwait(false);
    }
}
