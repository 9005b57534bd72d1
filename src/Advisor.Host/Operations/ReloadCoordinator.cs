using Advisor.Core;
using Advisor.Core.Knowledge;
using Microsoft.Extensions.Logging;

namespace Advisor.Host.Operations;

/// <summary>
/// Runs a reload for one trigger (file change, SIGHUP, HTTP). Chat commands call <see cref="IAdvisor.ReloadAsync"/>
/// directly; every reload, whatever started it, is logged by <see cref="ReloadLog"/>.
/// </summary>
public sealed partial class ReloadCoordinator(IAdvisor advisor, ILogger<ReloadCoordinator> logger)
{
    public async Task<ReloadReport> ReloadAsync(string trigger, CancellationToken cancellationToken = default)
    {
        Log.ReloadRequested(logger, trigger);
        return await advisor.ReloadAsync(cancellationToken).ConfigureAwait(false);
    }
}
