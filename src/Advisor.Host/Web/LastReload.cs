using Advisor.Core.Knowledge;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Advisor.Host.Web;

/// <summary>
/// The last reload's report, whatever started it (file change, SIGHUP, /reload, the web page), for the Knowledge page.
/// Listens from the host's start (not from its build, so knowledge that cannot load fails start-up, as before).
/// </summary>
internal sealed class LastReload(IServiceProvider services) : IHostedService
{
    private ReloadReport? _report;

    /// <summary>Null until the first reload after start-up.</summary>
    public ReloadReport? Report => Volatile.Read(ref _report);

    /// <summary>Remembers a report (the web page's own reload, in case the store's event has not run yet).</summary>
    public void Set(ReloadReport report) => Volatile.Write(ref _report, report);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<IKnowledgeStore>().Reloaded += (_, report) => Set(report);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
