using Advisor.Core;

namespace Advisor.Models.Tests;

/// <summary>Builds model replies from what the prompt actually gave the model.</summary>
internal static class Scripts
{
    public const string SkillsQuestion = "What skills does an AI Architect need?";

    /// <summary>A few words copied from the start of a section.</summary>
    public static string QuoteOf(IAdvisor advisor, string sectionId, int words = 6) =>
        string.Join(' ', advisor.Knowledge.SectionsById[sectionId].Units[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(words));

    /// <summary>A well-behaved answer citing the first section the prompt showed, with an exact quote.</summary>
    public static Func<SeenChat, Reply> Grounded(IAdvisor advisor, string extra = "") => seen =>
    {
        var id = seen.SectionIds[0];
        return new Reply.Text($"An AI Architect needs a broad skill set. {extra}\n- They need these skills [[{id} | \"{QuoteOf(advisor, id)}\"]].");
    };
}
