using System.ComponentModel.DataAnnotations;

namespace Advisor.Host.Operations;

/// <summary>Settings under "Advisor:Reload".</summary>
public sealed class ReloadOptions
{
    public const string SectionName = "Advisor:Reload";

    /// <summary>Reload when a file under the knowledge or prompts folder changes (default true).</summary>
    public bool WatchFiles { get; set; } = true;

    /// <summary>Quiet time after the last file change before reloading, so an editor's burst of writes makes one reload (default 500).</summary>
    [Range(0, 60_000, ErrorMessage = "Advisor:Reload:DebounceMilliseconds must be between 0 and 60000.")]
    public int DebounceMilliseconds { get; set; } = 500;
}
