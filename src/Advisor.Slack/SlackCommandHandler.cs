using System.Text.Json.Nodes;
using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Comparison;
using Advisor.Core.Conversations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Slack;

/// <summary>
/// /ask, /compare, /roles and /reload. The acknowledgement is immediate (usage errors come back in it, ephemeral);
/// the result is posted through response_url afterwards: answers in the channel, errors only to the user.
/// </summary>
public sealed partial class SlackCommandHandler(
    IAdvisor advisor,
    SlackApiClient api,
    SlackWorkQueue queue,
    UserRateLimiter limiter,
    IOptions<SlackOptions> options,
    ILogger<SlackCommandHandler> logger) : ISlashCommandHandler
{
    public const string ReloadRefusal = "Sorry, /reload is for workspace admins and owners only.";

    private const string Usage =
        "Commands: `/ask <question>`, `/compare <role A> vs <role B> [aspect]`, `/roles`, `/reload` (admins).";

    private const int MaxResponses = 5;

    private readonly HashSet<string> _admins = new(options.Value.AdminUserIds, StringComparer.Ordinal);

    public JsonObject? Handle(SlashCommand command)
    {
        var name = command.Command.Trim().TrimStart('/').ToUpperInvariant();
        Log.Command(logger, command.Command, command.UserId, command.ChannelId);
        if (string.IsNullOrEmpty(command.ResponseUrl))
        {
            return Ephemeral("This command came without a response_url, so I cannot answer it.");
        }

        switch (name)
        {
            case "ASK":
                return Ask(command);
            case "COMPARE":
                return Compare(command);
            case "ROLES":
                Later(command, "roles", _ => One(InChannel(SlackRenderer.Roles(advisor.Roles()))));
                return null;
            case "RELOAD":
                Later(command, "reload", ct => ReloadAsync(command, ct));
                return null;
            default:
                return Ephemeral($"I don't know the command {SlackRenderer.Escape(command.Command)}. {Usage}");
        }
    }

    private JsonObject? Ask(SlashCommand command)
    {
        var text = command.Text.Trim();
        if (QuestionValidation.Problem(text) is { } problem)
        {
            return Ephemeral(SlackRenderer.Escape(problem));
        }

        if (!limiter.TryAcquire($"slack:{command.TeamId ?? "-"}:{command.UserId}", out var retryAfter))
        {
            return Ephemeral(SlackRenderer.Escape(limiter.Refusal(retryAfter)));
        }

        Later(command, "ask", async ct =>
        {
            var answer = await advisor.AskAsync(new AdvisorQuestion(text, [], "slack", $"slack:{command.TeamId}:{command.ChannelId}:command", command.UserId), ct)
                .ConfigureAwait(false);
            var messages = SlackRenderer.Answer(answer);
            return messages.Select((m, i) => InChannel(i == 0 ? WithQuestion(text, m) : m)).ToList();
        });
        return null;
    }

    private JsonObject? Compare(SlashCommand command)
    {
        if (!CompareRequest.TryParse(command.Text, out var roleA, out var roleB, out var aspect))
        {
            return Ephemeral("Usage: `/compare <role A> vs <role B> [aspect]`, e.g. `/compare AI Architect vs AI Scientist skills`.");
        }

        Later(command, "compare", _ =>
        {
            var outcome = advisor.Compare(roleA, roleB, aspect);
            if (!outcome.Succeeded)
            {
                var text = outcome.Error ?? "I could not compare those roles.";
                if (outcome.Error is null && outcome.KnownRoles.Count > 0)
                {
                    text += " Known roles: " + string.Join(", ", outcome.KnownRoles) + ".";
                }

                return One(Ephemeral(SlackRenderer.Escape(text)));
            }

            return Task.FromResult<IReadOnlyList<JsonObject>>(SlackRenderer.Comparison(outcome.Comparison!).Select(InChannel).ToList());
        });
        return null;
    }

    private async Task<IReadOnlyList<JsonObject>> ReloadAsync(SlashCommand command, CancellationToken cancellationToken)
    {
        if (!await IsAdminAsync(command.UserId, cancellationToken).ConfigureAwait(false))
        {
            Log.ReloadRefused(logger, command.UserId);
            return [Ephemeral(ReloadRefusal)];
        }

        var report = await advisor.ReloadAsync(cancellationToken).ConfigureAwait(false);
        Log.Reloaded(logger, command.UserId, report.Succeeded, report.Version);
        return [Ephemeral(SlackRenderer.Escape(report.Summary()))];
    }

    private async Task<bool> IsAdminAsync(string userId, CancellationToken cancellationToken)
    {
        if (_admins.Contains(userId))
        {
            return true;
        }

        try
        {
            var user = await api.UserInfoAsync(userId, cancellationToken).ConfigureAwait(false);
            return !user.IsBot && (user.IsAdmin || user.IsOwner || user.IsPrimaryOwner);
        }
        catch (SlackApiException)
        {
            return false; // fail closed; the error is logged by the client
        }
    }

    /// <summary>Runs the command after the ack and posts its result (or a polite error) to response_url.</summary>
    private void Later(SlashCommand command, string name, Func<CancellationToken, Task<IReadOnlyList<JsonObject>>> work)
    {
        queue.Enqueue("/" + name, async ct =>
        {
            IReadOnlyList<JsonObject> results;
            try
            {
                results = await work(ct).ConfigureAwait(false);
            }
            catch (InvalidQuestionException ex)
            {
                results = [Ephemeral(SlackRenderer.Escape(ex.Message))];
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.CommandFailed(logger, ex, name);
                results = [Ephemeral("Sorry, something went wrong while answering. Please try again in a moment.")];
            }

            // A response_url takes at most 5 messages.
            foreach (var result in results.Take(MaxResponses))
            {
                await api.RespondAsync(command.ResponseUrl!, result, ct).ConfigureAwait(false);
            }
        });
    }

    private static Task<IReadOnlyList<JsonObject>> One(JsonObject message) => Task.FromResult<IReadOnlyList<JsonObject>>([message]);

    private static SlackMessage WithQuestion(string question, SlackMessage answer)
    {
        var shown = SlackRenderer.Split(SlackRenderer.Escape(MentionGuard.Neutralize(question)), SlackRenderer.MaxSectionText / 2)[0];
        var quoted = SlackRenderer.Section("> " + shown.Replace("\n", "\n> ", StringComparison.Ordinal));
        var blocks = new List<JsonObject> { quoted };
        blocks.AddRange(answer.Blocks.Take(SlackRenderer.MaxBlocksPerMessage - 1));
        return answer with { Blocks = blocks };
    }

    private static JsonObject InChannel(SlackMessage message)
    {
        var json = message.ToJson();
        json["response_type"] = "in_channel";
        json["replace_original"] = false;
        return json;
    }

    private static JsonObject Ephemeral(string escapedText)
    {
        var json = SlackMessage.Plain(escapedText).ToJson();
        json["response_type"] = "ephemeral";
        return json;
    }

    private static partial class Log
    {
        [LoggerMessage(1401, LogLevel.Information, "Slack command {Command} from {UserId} in {ChannelId}")]
        public static partial void Command(ILogger logger, string command, string userId, string channelId);

        [LoggerMessage(1402, LogLevel.Warning, "Slack /reload refused for {UserId}: not an admin")]
        public static partial void ReloadRefused(ILogger logger, string userId);

        [LoggerMessage(1403, LogLevel.Information, "Slack /reload by {UserId}: succeeded={Succeeded}, version {Version}")]
        public static partial void Reloaded(ILogger logger, string userId, bool succeeded, string version);

        [LoggerMessage(1404, LogLevel.Error, "Slack command {Name} failed")]
        public static partial void CommandFailed(ILogger logger, Exception exception, string name);
    }
}
