using System.ComponentModel.DataAnnotations;

namespace Advisor.Host.Operations;

/// <summary>Settings under "Advisor:Host" for <c>advisor serve</c>.</summary>
public sealed class ServeOptions
{
    public const string SectionName = "Advisor:Host";

    /// <summary>Used when neither <c>urls</c> (ASPNETCORE_URLS, --urls) nor ASPNETCORE_HTTP_PORTS is set.</summary>
    public const string DefaultUrl = "http://0.0.0.0:8080";

    /// <summary>
    /// How long shutdown waits for questions in flight (and then for platform connections to close) before giving up (default 20).
    /// </summary>
    [Range(1, 600, ErrorMessage = "Advisor:Host:ShutdownTimeoutSeconds must be between 1 and 600.")]
    public int ShutdownTimeoutSeconds { get; set; } = 20;

    /// <summary>Console log format: "simple" (one line per entry, the default) or "json" (one JSON object per line).</summary>
    [RegularExpression("^(?i)(simple|json)$", ErrorMessage = "Advisor:Host:LogFormat must be \"simple\" or \"json\".")]
    public string LogFormat { get; set; } = "simple";
}
