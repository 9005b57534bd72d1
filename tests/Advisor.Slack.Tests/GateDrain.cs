using Advisor.Core.Hosting;
using Microsoft.Extensions.Hosting;

namespace Advisor.Slack.Tests;

/// <summary>
/// What the host's shutdown drain does (src/Advisor.Host/Operations/ShutdownDrain.cs), for the adapter tests that run
/// without the host: before any service stops, close the <see cref="QuestionGate"/> and wait, within the shutdown
/// timeout, for the work held on it.
/// </summary>
internal sealed class GateDrain(QuestionGate gate) : IHostedLifecycleService
{
    /// <summary>Called when the drain has finished, before any service stops (a test notes what was delivered by then).</summary>
    public Action? Drained { get; set; }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        gate.Close();
        try
        {
            await gate.WaitDrainedAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        Drained?.Invoke();
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
