using Advisor.Core.Knowledge;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Advisor.Host.Operations;

/// <summary>Logs the outcome of every reload (the store raises <see cref="IKnowledgeStore.Reloaded"/> for each attempt).</summary>
internal sealed class ReloadLog(IKnowledgeStore store, ILogger<ReloadLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        store.Reloaded += OnReloaded;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        store.Reloaded -= OnReloaded;
        return Task.CompletedTask;
    }

    private void OnReloaded(object? sender, ReloadReport report)
    {
        if (report.Succeeded)
        {
            Log.ReloadSucceeded(
                logger,
                report.PreviousVersion,
                report.Version,
                report.ArticlesAdded.Count,
                report.ArticlesChanged.Count,
                report.ArticlesRemoved.Count,
                report.SectionsAdded.Count,
                report.SectionsChanged.Count,
                report.SectionsRemoved.Count,
                report.RolesAdded.Count,
                report.RolesRemoved.Count,
                report.Errors.Count,
                report.DurationMs,
                report.Summary());
        }
        else
        {
            Log.ReloadKeptOld(logger, report.Version, report.FailureReason ?? "unknown", report.DurationMs);
        }
    }
}
