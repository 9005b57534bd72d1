using Advisor.Core;
using Advisor.Core.Knowledge;
using Microsoft.Extensions.Logging;

namespace Advisor.Host.Operations;

/// <summary>
/// Runs a reload for one trigger (file change, SIGHUP, HTTP). Chat commands call <see cref="IAdvisor.ReloadAsync"/>
/// directly. Every reload, whatever started it, is logged once, by the knowledge store; a reload started here
/// runs in a logging scope carrying <c>ReloadTrigger</c>, so that line (and any "file not loaded" warning) says who asked.
/// </summary>
public sealed partial class ReloadCoordinator(IAdvisor advisor, ILogger<ReloadCoordinator> logger)
{
    public async Task<ReloadReport> ReloadAsync(string trigger, CancellationToken cancellationToken = default)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["ReloadTrigger"] = trigger });
        Log.ReloadRequested(logger, trigger);
        return await advisor.ReloadAsync(cancellationToken).ConfigureAwait(false);
    }
}
