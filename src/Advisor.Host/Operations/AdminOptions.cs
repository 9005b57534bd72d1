using System.ComponentModel.DataAnnotations;

namespace Advisor.Host.Operations;

/// <summary>Settings under "Advisor:Admin".</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Advisor:Admin";

    /// <summary>
    /// Bearer token for <c>POST /admin/reload</c>. Unset (the default) turns the admin endpoints off: they answer 404.
    /// </summary>
    [MinLength(16, ErrorMessage = "Advisor:Admin:Token must be at least 16 characters (or left unset to turn the admin endpoint off).")]
    public string? Token { get; set; }

    internal bool Enabled => !string.IsNullOrEmpty(Token);
}
