using Advisor.Core.Answers;
using Advisor.Core.Conversations;

namespace Advisor.Storage.Tests;

/// <summary>Turns to store in the tests.</summary>
internal static class Turns
{
    public static readonly UserHasher Hasher = new("0123456789abcdef-test-salt"u8);

    public static string Alice => Hasher.Hash("slack", "U0ALICE01");

    public static string Bob => Hasher.Hash("slack", "U0BOB0002");

    public static TurnRecord Answered(string conversation, string question, string? user = null, string role = "AI Architect", string aspect = "skills") =>
        new(conversation, "slack", user ?? Alice, question, new TurnAnswer
        {
            Kind = AnswerKind.Answer,
            Roles = [role],
            Aspect = aspect,
            SectionIds = [$"ai-architect-vs-ml-research-engineer.txt#{aspect}/ai-architect", "ai-architect-vs-ml-research-engineer.txt#introduction"],
            Text = $"{role} — {aspect}:\n- Proficiency in system architecture. [1]",
            KnowledgeVersion = "k-0001",
            Composer = "extractive",
        }, TimeSpan.FromMilliseconds(12.5));

    public static TurnRecord Abstained(string conversation, string question, string? user = null) =>
        new(conversation, "discord", user ?? Bob, question, new TurnAnswer
        {
            Kind = AnswerKind.UncoveredRole,
            Abstained = true,
            Uncovered = "data analyst",
            KnowledgeVersion = "k-0001",
        }, TimeSpan.FromMilliseconds(3));
}
