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

    /// <summary>
    /// An eval file inside the knowledge folder (path relative to it; empty turns it off). When it exists, every load
    /// runs its questions, the score goes into the reload report, and a reload scoring below <see cref="EvalFloor"/>
    /// is refused: the last good knowledge keeps serving.
    /// </summary>
    public string EvalFile { get; set; } = Evaluation.EvalSet.DefaultFileName;

    /// <summary>The share of the eval file's questions (0–1) a new knowledge version must answer right to be served.</summary>
    [Range(0.0, 1.0)]
    public double EvalFloor { get; set; } = 0.9;

    /// <summary>
    /// Follow symbolic links (to files or folders) whose target lies outside the knowledge folder (default false: such
    /// a link is skipped and named in the reload report, so a link to a file elsewhere is never served by accident).
    /// Links that stay inside the folder are always followed.
    /// </summary>
    public bool FollowLinksOutside { get; set; }
}
