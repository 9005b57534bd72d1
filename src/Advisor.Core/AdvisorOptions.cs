using System.ComponentModel.DataAnnotations;

namespace Advisor.Core;

/// <summary>Settings under "Advisor".</summary>
public sealed class AdvisorOptions
{
    public const string SectionName = "Advisor";

    /// <summary>The knowledge folder (default "knowledge").</summary>
    [Required(AllowEmptyStrings = false)]
    public string KnowledgePath { get; set; } = "knowledge";

    /// <summary>The prompt templates folder (default "prompts").</summary>
    [Required(AllowEmptyStrings = false)]
    public string PromptsPath { get; set; } = "prompts";
}
