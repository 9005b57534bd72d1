using Microsoft.Extensions.Options;

namespace Advisor.Core.Outbound;

/// <summary>
/// Settings under "Advisor:ReloadNotices": after a reload, tell the conversations whose last answer cited a section
/// that changed (off by default).
/// </summary>
public sealed class ReloadNoticeOptions
{
    public const string SectionName = "Advisor:ReloadNotices";

    /// <summary>Sends the notices (default false).</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// The most conversations told per reload (1–10000; default 100), the most recently active first; the others are
    /// counted in the log line. Only conversations active within <c>Advisor:Conversations:IdleMinutes</c> are considered.
    /// </summary>
    public int MaxConversations { get; set; } = 100;
}

/// <summary>
/// The checks of <see cref="ReloadNoticeOptions"/>, each naming the setting (written out: the generated range check
/// drops a custom message).
/// </summary>
internal sealed class ReloadNoticeOptionsValidator : IValidateOptions<ReloadNoticeOptions>
{
    public ValidateOptionsResult Validate(string? name, ReloadNoticeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.MaxConversations is < 1 or > 10_000
            ? ValidateOptionsResult.Fail($"{ReloadNoticeOptions.SectionName}:MaxConversations must be between 1 and 10000 (it is {options.MaxConversations}; default 100).")
            : ValidateOptionsResult.Success;
    }
}
