using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Advisor.Slack;

/// <summary>Settings under "Advisor:Slack".</summary>
public sealed class SlackOptions : IValidatableObject
{
    public const string SectionName = "Advisor:Slack";

    /// <summary>The bot token (xoxb-…) used for every Web API call.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Advisor:Slack:BotToken is required (the xoxb- bot token).")]
    public string BotToken { get; set; } = "";

    /// <summary>The app-level token (xapp-…, scope connections:write); when set, events arrive over Socket Mode.</summary>
    public string? AppToken { get; set; }

    /// <summary>The signing secret; when set, the HTTP endpoints under /slack accept signed requests.</summary>
    public string? SigningSecret { get; set; }

    /// <summary>User ids allowed to run /reload besides workspace admins and owners.</summary>
    public string[] AdminUserIds { get; set; } = [];

    /// <summary>Slack's Web API base URL (default https://slack.com/api/).</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Advisor:Slack:ApiBaseUrl must not be empty.")]
    public string ApiBaseUrl { get; set; } = "https://slack.com/api/";

    /// <summary>How long a reply is retried through a Slack outage before it is given up (default 300 s).</summary>
    [Range(1, 3600, ErrorMessage = "Advisor:Slack:DeliveryWindowSeconds must be between 1 and 3600.")]
    public int DeliveryWindowSeconds { get; set; } = 300;

    /// <summary>Attempts per Web API call at most, including the first (default 12).</summary>
    [Range(1, 100, ErrorMessage = "Advisor:Slack:MaxAttempts must be between 1 and 100.")]
    public int MaxAttempts { get; set; } = 12;

    /// <summary>Emoji name of the reaction shown while an answer is composed (default "thinking_face").</summary>
    public string ThinkingReaction { get; set; } = "thinking_face";

    /// <summary>
    /// How the bot shows that it is working on an answer: <see cref="SlackProgressMode.Auto"/> (default) sets the thread's
    /// assistant status ("is thinking…") where the app may, else adds <see cref="ThinkingReaction"/>;
    /// <see cref="SlackProgressMode.Reaction"/> only the reaction; <see cref="SlackProgressMode.None"/> nothing.
    /// </summary>
    public SlackProgressMode Progress { get; set; } = SlackProgressMode.Auto;

    /// <summary>How long an answer may take before progress is shown (default 1000 ms; 0: at once).</summary>
    [Range(0, 60_000, ErrorMessage = "Advisor:Slack:ProgressDelayMilliseconds must be between 0 and 60000.")]
    public int ProgressDelayMilliseconds { get; set; } = 1000;

    /// <summary>The assistant status shown in the thread while an answer is worked out (default "is thinking…").</summary>
    [StringLength(100, MinimumLength = 1, ErrorMessage = "Advisor:Slack:ProgressStatus must be 1 to 100 characters.")]
    public string ProgressStatus { get; set; } = "is thinking…";

    /// <summary>
    /// True (default): a model-written answer streams into its thread (chat.startStream / appendStream / stopStream,
    /// or chat.postMessage + chat.update where streaming is refused). The extractive default is posted at once either way.
    /// </summary>
    public bool StreamAnswers { get; set; } = true;

    /// <summary>
    /// Least time between two updates of a streaming answer (default 1000 ms): chat.appendStream is Tier 4 (about 100 a
    /// minute per workspace); the chat.update fallback (Tier 3) never goes below 1200 ms whatever is set here.
    /// </summary>
    [Range(250, 60_000, ErrorMessage = "Advisor:Slack:StreamIntervalMilliseconds must be between 250 and 60000.")]
    public int StreamIntervalMilliseconds { get; set; } = 1000;

    /// <summary>
    /// Work items (an event to answer, a slash command) run at once (default 16). At most one per channel runs at a
    /// time, so a slow channel or a slow Slack call holds one worker, never all of them.
    /// </summary>
    [Range(1, 256, ErrorMessage = "Advisor:Slack:Workers must be between 1 and 256.")]
    public int Workers { get; set; } = 16;

    /// <summary>
    /// Accepted work waiting or running, in all (default 1000). When the queue is full an event is still
    /// acknowledged, and the asker gets "I'm busy right now" instead of an answer.
    /// </summary>
    [Range(1, 100_000, ErrorMessage = "Advisor:Slack:QueueCapacity must be between 1 and 100000.")]
    public int QueueCapacity { get; set; } = 1000;

    /// <summary>Accepted work waiting under one channel (default 100): one flooded channel cannot fill the whole queue.</summary>
    [Range(1, 100_000, ErrorMessage = "Advisor:Slack:QueueCapacityPerChannel must be between 1 and 100000.")]
    public int QueueCapacityPerChannel { get; set; } = 100;

    /// <summary>
    /// True (default): /ask answers only to the asker (response_type ephemeral) with a "Share in channel" button that
    /// posts the same answer in the channel; false: /ask answers in the channel at once. Mentions are not affected.
    /// </summary>
    public bool AskEphemeral { get; set; } = true;

    /// <summary>The slash commands' names (Advisor:Slack:Commands:Ask, …; defaults /ask, /compare, /roles, /reload, /gaps).</summary>
    public SlackCommandNames Commands { get; set; } = new();

    /// <summary>
    /// True when the "Advisor:Slack" section has any value: the adapter is then added, and its start-up validation
    /// reports whatever is missing (e.g. Advisor:Slack:BotToken) instead of the section being silently ignored.
    /// </summary>
    public static bool IsConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetSection(SectionName).AsEnumerable().Any(pair => !string.IsNullOrWhiteSpace(pair.Value));
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(BotToken) && !BotToken.StartsWith("xoxb-", StringComparison.Ordinal))
        {
            yield return new ValidationResult("Advisor:Slack:BotToken must be a bot token starting with xoxb-.", [nameof(BotToken)]);
        }

        if (!string.IsNullOrEmpty(AppToken) && !AppToken.StartsWith("xapp-", StringComparison.Ordinal))
        {
            yield return new ValidationResult("Advisor:Slack:AppToken must be an app-level token starting with xapp-.", [nameof(AppToken)]);
        }

        if (string.IsNullOrWhiteSpace(AppToken) && string.IsNullOrWhiteSpace(SigningSecret))
        {
            yield return new ValidationResult(
                "Set Advisor:Slack:AppToken (Socket Mode) or Advisor:Slack:SigningSecret (HTTP Request URL), or both.",
                [nameof(AppToken), nameof(SigningSecret)]);
        }

        if (!Uri.TryCreate(ApiBaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || uri.UserInfo.Length > 0)
        {
            yield return new ValidationResult("Advisor:Slack:ApiBaseUrl must be an absolute http(s) URL without user info.", [nameof(ApiBaseUrl)]);
        }

        foreach (var result in (Commands ?? new SlackCommandNames()).Validate())
        {
            yield return result;
        }

        if (QueueCapacityPerChannel > QueueCapacity)
        {
            yield return new ValidationResult(
                "Advisor:Slack:QueueCapacityPerChannel must not be larger than Advisor:Slack:QueueCapacity.",
                [nameof(QueueCapacityPerChannel), nameof(QueueCapacity)]);
        }
    }

    internal bool UsesSocketMode => !string.IsNullOrWhiteSpace(AppToken);

    internal bool UsesHttp => !string.IsNullOrWhiteSpace(SigningSecret);

    internal Uri ApiBase => new(ApiBaseUrl.EndsWith('/') ? ApiBaseUrl : ApiBaseUrl + "/");
}
