using Advisor.Core.Comparison;
using Advisor.Core.Knowledge;
using Advisor.Core.Retrieval;
using Advisor.Core.Roles;

namespace Advisor.Core.Answers;

/// <summary>
/// A question the user can ask next with one click: a button label and the question it asks. <see cref="Key"/> is the
/// same suggestion in a compact form that fits a button's id (Discord's <c>custom_id</c> holds 100 characters) and
/// turns back into the question with <see cref="FollowUps.Question"/>.
/// </summary>
public sealed record FollowUp(string Label, string Question, string Key);

/// <summary>
/// Up to three next questions for an answer, drawn from what the knowledge holds: the other role of a comparison's
/// article ("Compare with …"), another aspect of the same role ("Education", "Tools"), and getting started where an
/// article about the role has tips. Nothing is suggested that the knowledge could not answer, and nothing for small
/// talk, commands or off-topic questions.
/// </summary>
public static class FollowUps
{
    /// <summary>The most suggestions under one answer.</summary>
    public const int Max = 3;

    private const char Separator = '|';

    // The aspects offered next, in the order people usually ask them.
    private static readonly string[] NextAspects = ["responsibilities", "skills", "education", "tools", "industries", "outlook"];

    /// <summary>The suggestions for an answer (empty when there is nothing sensible to offer).</summary>
    public static IReadOnlyList<FollowUp> For(Answer answer, KnowledgeSnapshot knowledge)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(knowledge);
        var roles = answer.Roles.Where(r => knowledge.Catalog.Get(r) is not null).ToList();
        var result = new List<FollowUp>();
        switch (answer.Kind)
        {
            case AnswerKind.Comparison when roles.Count >= 2:
                foreach (var aspect in NextAspects.Where(a => a != answer.Aspect && roles.Take(2).All(r => RoleSections.For(knowledge, r, a) is not null)).Take(2))
                {
                    result.Add(Compare(roles[0], roles[1], aspect) with { Label = $"Compare {AspectLexicon.Display(aspect).ToLowerInvariant()}" });
                }

                result.AddRange(roles.Take(2).Where(r => HasTips(knowledge, r)).Take(1).Select(Start));
                break;

            case AnswerKind.Answer or AnswerKind.Profile when roles.Count >= 1:
                var role = roles[0];
                if (OtherRoleOfItsArticle(knowledge, role) is { } other)
                {
                    result.Add(Compare(role, other, answer.Kind == AnswerKind.Answer && answer.Aspect is { } a && RoleSections.For(knowledge, other, a) is not null ? a : null));
                }

                result.AddRange(NextAspects.Where(a => a != answer.Aspect && RoleSections.For(knowledge, role, a) is { Role: not null })
                    .Take(answer.Kind == AnswerKind.Profile ? 1 : 2).Select(a => About(role, a)));
                if (HasTips(knowledge, role) && answer.Aspect != "getting-started")
                {
                    result.Add(Start(role));
                }

                break;

            case AnswerKind.UncoveredRole:
                result.AddRange(answer.ClosestRoles.Where(r => knowledge.Catalog.Get(r) is not null).Take(Max).Select(Profile));
                break;

            case AnswerKind.UncoveredTopic:
                result.AddRange(roles.Take(Max).Select(Profile));
                break;
        }

        return result.DistinctBy(f => f.Key).Take(Max).ToList();
    }

    /// <summary>The question a key asks, or null for a key that is not one (a tampered or outdated button).</summary>
    public static string? Question(string key, KnowledgeSnapshot knowledge)
    {
        ArgumentNullException.ThrowIfNull(knowledge);
        var parts = (key ?? "").Split(Separator);
        bool Known(string role) => knowledge.Catalog.Get(role) is not null;
        return parts switch
        {
            ["c", var a, var b, var aspect] when Known(a) && Known(b) && (aspect.Length == 0 || AspectLexicon.IsAspect(aspect)) => Compare(a, b, aspect.Length == 0 ? null : aspect).Question,
            ["a", var role, var aspect] when Known(role) && AspectLexicon.IsAspect(aspect) => About(role, aspect).Question,
            ["s", var role] when Known(role) => Start(role).Question,
            ["p", var role] when Known(role) => Profile(role).Question,
            _ => null,
        };
    }

    private static FollowUp Compare(string role, string other, string? aspect) => new(
        $"Compare with {other}",
        aspect is null ? $"{role} vs {other}" : $"{role} vs {other}: {AspectLexicon.Display(aspect).ToLowerInvariant()}",
        Key("c", role, other, aspect ?? ""));

    private static FollowUp About(string role, string aspect) => new(
        AspectLexicon.Display(aspect),
        $"{AspectLexicon.Display(aspect)} of {RoleNames.Article(role)} {role}?",
        Key("a", role, aspect));

    private static FollowUp Start(string role) => new("Getting started", $"How do I get started as {RoleNames.Article(role)} {role}?", Key("s", role));

    private static FollowUp Profile(string role) => new($"About {role}", $"Give me an overview of the {role} role", Key("p", role));

    private static string Key(params string[] parts) => string.Join(Separator, parts);

    private static bool HasTips(KnowledgeSnapshot knowledge, string role) => RoleSections.For(knowledge, role, "getting-started") is not null;

    /// <summary>The other role of a two-role article about this role (the comparison the article makes).</summary>
    private static string? OtherRoleOfItsArticle(KnowledgeSnapshot knowledge, string role) =>
        knowledge.Articles.Where(a => a.Roles.Count == 2 && a.Roles.Contains(role)).Select(a => a.Roles.First(r => r != role)).FirstOrDefault();
}
