namespace Advisor.Core.Knowledge;

/// <summary>What a reload changed, or why it kept the last good knowledge.</summary>
public sealed record ReloadReport
{
    public required bool Succeeded { get; init; }

    /// <summary>Version now served (the old one when the reload failed).</summary>
    public required string Version { get; init; }

    public string? PreviousVersion { get; init; }

    /// <summary>Why the reload failed, when it did.</summary>
    public string? FailureReason { get; init; }

    public IReadOnlyList<string> ArticlesAdded { get; init; } = [];
    public IReadOnlyList<string> ArticlesChanged { get; init; } = [];
    public IReadOnlyList<string> ArticlesRemoved { get; init; } = [];
    public IReadOnlyList<string> SectionsAdded { get; init; } = [];
    public IReadOnlyList<string> SectionsChanged { get; init; } = [];
    public IReadOnlyList<string> SectionsRemoved { get; init; } = [];
    public IReadOnlyList<string> RolesAdded { get; init; } = [];
    public IReadOnlyList<string> RolesRemoved { get; init; } = [];

    /// <summary>Files that could not be loaded (the others did).</summary>
    public IReadOnlyList<LoadError> Errors { get; init; } = [];

    /// <summary>
    /// Links that were not followed, and why (a link out of the knowledge folder without
    /// <see cref="AdvisorOptions.FollowLinksOutside"/>, or a folder link that would loop).
    /// </summary>
    public IReadOnlyList<LoadError> Skipped { get; init; } = [];

    /// <summary>The knowledge folder's eval run (see <see cref="AdvisorOptions.EvalFile"/>), or null when it has no eval file.</summary>
    public Evaluation.EvalReport? Eval { get; init; }

    public int SectionCount { get; init; }

    public double DurationMs { get; init; }

    /// <summary>True when the reload served new content.</summary>
    public bool Changed => Succeeded && PreviousVersion != Version;

    /// <summary>A few lines for an admin in chat or on the console.</summary>
    public string Summary()
    {
        var lines = new List<string>();
        if (!Succeeded)
        {
            lines.Add($"Reload failed, still serving version {Version}: {FailureReason}");
        }
        else
        {
            lines.Add(Changed
                ? $"Reloaded knowledge: version {PreviousVersion ?? "(none)"} → {Version}, {SectionCount} sections, in {DurationMs:0} ms."
                : $"Reloaded knowledge: no changes (version {Version}, {SectionCount} sections), in {DurationMs:0} ms.");
            Add(lines, "Articles added", ArticlesAdded);
            Add(lines, "Articles changed", ArticlesChanged);
            Add(lines, "Articles removed", ArticlesRemoved);
            if (SectionsAdded.Count + SectionsChanged.Count + SectionsRemoved.Count > 0)
            {
                lines.Add($"Sections: {SectionsAdded.Count} added, {SectionsChanged.Count} changed, {SectionsRemoved.Count} removed.");
            }

            Add(lines, "Roles added", RolesAdded);
            Add(lines, "Roles removed", RolesRemoved);
        }

        if (Eval is not null)
        {
            lines.Add(Eval.Line());
            lines.AddRange(Eval.Misses.Take(Succeeded ? 3 : 5).Select(m => "  miss " + m));
        }

        foreach (var e in Errors)
        {
            lines.Add($"Not loaded: {e}");
        }

        foreach (var s in Skipped)
        {
            lines.Add($"Not followed: {s}");
        }

        return string.Join('\n', lines);
    }

    private static void Add(List<string> lines, string label, IReadOnlyList<string> items)
    {
        if (items.Count > 0)
        {
            lines.Add($"{label}: {string.Join(", ", items)}");
        }
    }

    /// <summary>The differences between two snapshots.</summary>
    public static ReloadReport Diff(KnowledgeSnapshot? before, KnowledgeSnapshot after)
    {
        var oldArticles = before?.Articles.ToDictionary(a => a.File, StringComparer.Ordinal) ?? [];
        var newArticles = after.Articles.ToDictionary(a => a.File, StringComparer.Ordinal);
        var oldSections = before?.SectionsById ?? new Dictionary<string, KnowledgeSection>();
        var oldRoles = before?.Catalog.Roles.Select(r => r.Name).ToHashSet() ?? [];
        var newRoles = after.Catalog.Roles.Select(r => r.Name).ToHashSet();
        return new ReloadReport
        {
            Succeeded = true,
            Version = after.Version,
            PreviousVersion = before?.Version,
            ArticlesAdded = newArticles.Keys.Where(k => !oldArticles.ContainsKey(k)).ToList(),
            ArticlesRemoved = oldArticles.Keys.Where(k => !newArticles.ContainsKey(k)).ToList(),
            ArticlesChanged = newArticles.Values.Where(a => oldArticles.TryGetValue(a.File, out var o) && o.ContentHash != a.ContentHash).Select(a => a.File).ToList(),
            SectionsAdded = after.Sections.Where(s => !oldSections.ContainsKey(s.Id)).Select(s => s.Id).ToList(),
            SectionsRemoved = oldSections.Keys.Where(k => !after.SectionsById.ContainsKey(k)).ToList(),
            SectionsChanged = after.Sections.Where(s => oldSections.TryGetValue(s.Id, out var o) && (o.Text != s.Text || o.Topic != s.Topic || o.ArticleTitle != s.ArticleTitle)).Select(s => s.Id).ToList(),
            RolesAdded = newRoles.Where(r => !oldRoles.Contains(r)).ToList(),
            RolesRemoved = oldRoles.Where(r => !newRoles.Contains(r)).ToList(),
            Errors = after.Errors,
            Skipped = after.Skipped,
            SectionCount = after.Sections.Count,
            DurationMs = after.LoadTime.TotalMilliseconds,
        };
    }
}
