using System.ComponentModel;
using Advisor.Core.Answers;
using Advisor.Core.Comparison;
using Advisor.Core.Knowledge;
using Advisor.Core.Retrieval;
using Microsoft.SemanticKernel;

namespace Advisor.Core.Semantic;

/// <summary>
/// The knowledge as a Semantic Kernel plugin. The answering pipeline calls <see cref="Retrieve"/>; a model
/// with function calling can call <see cref="SearchSections"/>, <see cref="CompareRoles"/> and <see cref="ListRoles"/>.
/// </summary>
public sealed class KnowledgePlugin(IKnowledgeStore store)
{
    public const string PluginName = "knowledge";
    public const string RetrieveFunction = "retrieve";

    /// <summary>The names of the functions a model may call as tools.</summary>
    public static readonly IReadOnlyList<string> ToolFunctions = ["search_sections", "compare_roles", "list_roles"];

    [KernelFunction(RetrieveFunction)]
    [Description("Ranks the knowledge sections for a question, taking the previous turns of the conversation into account.")]
    public RetrievalResult Retrieve(string question, IReadOnlyList<ConversationTurn>? history = null) =>
        Retriever.Retrieve(store.Current, question, history ?? []);

    [KernelFunction("search_sections")]
    [Description("Searches the career articles and returns the most relevant sections with their ids, citation labels and text.")]
    public IReadOnlyList<SectionHit> SearchSections(
        [Description("What to look for, e.g. 'AI Architect education'")] string query,
        [Description("How many sections to return (1-8)")] int top = 5)
    {
        var result = Retriever.Retrieve(store.Current, query, []);
        return result.Ranked.Take(Math.Clamp(top, 1, 8))
            .Select(s => new SectionHit(s.Section.Id, s.Section.Label, s.Section.Role, s.Section.Text))
            .ToList();
    }

    [KernelFunction("compare_roles")]
    [Description("Compares two roles aspect by aspect (definition, responsibilities, skills, education, tools, industries, ...).")]
    public object CompareRoles(
        [Description("First role, e.g. 'AI Architect'")] string roleA,
        [Description("Second role, e.g. 'AI Scientist'")] string roleB,
        [Description("Optional aspect, e.g. 'skills'")] string? aspect = null)
    {
        var outcome = RoleComparer.Compare(store.Current, roleA, roleB, aspect);
        return outcome.Succeeded ? outcome.Comparison! : new { error = outcome.Error };
    }

    [KernelFunction("list_roles")]
    [Description("Lists the roles the knowledge describes, with the names people also use for them.")]
    public IReadOnlyList<string> ListRoles() => store.Current.Catalog.Roles.Select(r => r.Name).ToList();
}

/// <summary>A section as a model sees it through the search tool.</summary>
public sealed record SectionHit(string Id, string Label, string? Role, string Text);
