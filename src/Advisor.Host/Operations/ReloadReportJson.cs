using Advisor.Core.Knowledge;

namespace Advisor.Host.Operations;

/// <summary>The JSON body of <c>POST /admin/reload</c>: the <see cref="ReloadReport"/> plus its admin summary text.</summary>
public sealed record ReloadReportJson(
    bool Succeeded,
    bool Changed,
    string Version,
    string? PreviousVersion,
    string? FailureReason,
    IReadOnlyList<string> ArticlesAdded,
    IReadOnlyList<string> ArticlesChanged,
    IReadOnlyList<string> ArticlesRemoved,
    IReadOnlyList<string> SectionsAdded,
    IReadOnlyList<string> SectionsChanged,
    IReadOnlyList<string> SectionsRemoved,
    IReadOnlyList<string> RolesAdded,
    IReadOnlyList<string> RolesRemoved,
    IReadOnlyList<LoadError> Errors,
    int SectionCount,
    double DurationMs,
    string Summary)
{
    public static ReloadReportJson From(ReloadReport r) => new(
        r.Succeeded, r.Changed, r.Version, r.PreviousVersion, r.FailureReason,
        r.ArticlesAdded, r.ArticlesChanged, r.ArticlesRemoved,
        r.SectionsAdded, r.SectionsChanged, r.SectionsRemoved,
        r.RolesAdded, r.RolesRemoved, r.Errors, r.SectionCount, Math.Round(r.DurationMs, 1), r.Summary());
}
