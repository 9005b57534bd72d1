using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Advisor.Core;
using Microsoft.Extensions.Logging;

namespace Advisor.Slack;

/// <summary>
/// The agent messaging experience's welcome: when a user opens the app's Messages tab (<c>app_home_opened</c> with
/// <c>tab: "messages"</c>), the DM gets suggested prompts drawn from the knowledge's roles through
/// <c>assistant.threads.setSuggestedPrompts</c> (no thread_ts: an agent app that sends one "silently fails"). When
/// Slack refuses the method for good (<c>not_agent_app</c>, <c>missing_scope</c>, …: the app is not an agent app), that
/// is remembered and the welcome is a message with the same questions instead, posted once per user per process.
/// </summary>
public sealed partial class SlackAgentHome(IAdvisor advisor, SlackApiClient api, ILogger<SlackAgentHome> logger)
{
    /// <summary>The prompts' title in Slack's UI.</summary>
    public const string PromptsTitle = "Try asking";

    /// <summary>Users remembered as welcomed by message, at most (then the set starts again).</summary>
    private const int MaxWelcomed = 100_000;

    private readonly SlackStatusSupport _prompts = new();
    private readonly ConcurrentDictionary<string, byte> _welcomed = new(StringComparer.Ordinal);

    /// <summary>Handles an app_home_opened event; anything but the Messages tab is ignored.</summary>
    public async Task HandleAsync(SlackEventEnvelope envelope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var e = envelope.Event;
        var tab = SlackEventEnvelope.Str(e, "tab");
        var channel = SlackEventEnvelope.Str(e, "channel");
        var user = SlackEventEnvelope.Str(e, "user");
        if (tab != "messages" || channel is null || user is null || !SlackKeys.IsDirectMessage(channel))
        {
            return;
        }

        var prompts = SlackManifest.SuggestedPrompts(advisor.Roles());
        if (!_prompts.Refused)
        {
            var body = new JsonObject
            {
                ["channel_id"] = channel,
                ["title"] = PromptsTitle,
                ["prompts"] = new JsonArray([.. prompts.Select(p => (JsonNode)new JsonObject { ["title"] = p.Title, ["message"] = p.Message })]),
            };
            var error = await api.TrySetSuggestedPromptsAsync(body, cancellationToken).ConfigureAwait(false);
            if (error is null || !_prompts.Learn(error, logger))
            {
                return;
            }
        }

        if (_welcomed.Count >= MaxWelcomed)
        {
            _welcomed.Clear();
        }

        if (!_welcomed.TryAdd(user, 0))
        {
            return;
        }

        await api.PostMessageAsync(Welcome(prompts), channel, threadTs: null, mark: null, cancellationToken, attempts: 1).ConfigureAwait(false);
        Log.Welcomed(logger, channel);
    }

    /// <summary>The welcome message where suggested prompts are not available: the questions as a list.</summary>
    internal static SlackMessage Welcome(IReadOnlyList<(string Title, string Message)> prompts)
    {
        var text = "Hi! I answer questions about AI roles from the team's articles, and cite the section each answer rests on. Try asking:\n"
            + string.Join('\n', prompts.Select(p => "• " + SlackRenderer.Escape(p.Message)));
        return new SlackMessage(text, [SlackRenderer.Section(text)]);
    }

    private static partial class Log
    {
        [LoggerMessage(1330, LogLevel.Debug, "Slack Messages tab opened in {Channel}: welcomed with a message (no suggested prompts for this app)")]
        public static partial void Welcomed(ILogger logger, string channel);
    }
}
