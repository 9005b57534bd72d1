using Microsoft.Extensions.Configuration;

namespace Advisor.Core.Hosting;

/// <summary>
/// <c>advisor doctor</c> for one platform: checks a configuration against the live API it points at. Each adapter
/// implements it; the CLI runs every one and prints their results.
/// </summary>
public interface IDoctorCheck
{
    /// <summary>The platform's name as shown ("Slack").</summary>
    string Platform { get; }

    /// <summary>True when the configuration sets this platform up (its token is set).</summary>
    bool IsConfigured(IConfiguration configuration);

    /// <summary>Runs the checks, one result each; never throws for a failed check (a failure is a result with its fix).</summary>
    Task<IReadOnlyList<DoctorResult>> RunAsync(DoctorContext context, CancellationToken cancellationToken);
}
