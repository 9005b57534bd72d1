using Microsoft.Extensions.Hosting;

namespace Advisor.Core.Outbound;

/// <summary>The hosted service of a feature that is switched off: starts and stops at once, holding nothing.</summary>
internal sealed class Dormant : IHostedService
{
    public static Dormant Instance { get; } = new();

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
