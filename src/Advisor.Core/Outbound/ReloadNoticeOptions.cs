using System.ComponentModel.DataAnnotations;
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
    [Range(1, 10_000, ErrorMessage = "Advisor:ReloadNotices:MaxConversations must be between 1 and 10000.")]
    public int MaxConversations { get; set; } = 100;
}

/// <summary>The data annotations of <see cref="ReloadNoticeOptions"/>, checked by generated code.</summary>
[OptionsValidator]
internal sealed partial class ReloadNoticeOptionsValidator : IValidateOptions<ReloadNoticeOptions>;
