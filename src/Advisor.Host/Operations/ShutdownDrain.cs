using Advisor.Core.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Advisor.Host.Operations;

/// <summary>
/// Graceful shutdown, step one. In <see cref="StoppingAsync"/> — which the host calls for every service before any
/// <c>StopAsync</c> — it closes the <see cref="QuestionGate"/> and waits, within <c>HostOptions.ShutdownTimeout</c>,
/// for the questions in flight to be answered. Only then do the adapters' <c>StopAsync</c> close their connections,
/// so every answer started is also delivered.
/// </summary>
internal sealed class ShutdownDrain(QuestionGate gate, ILogger<ShutdownDrain> logger) : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        gate.Close();
        Log.Draining(logger, gate.InFlight);
        try
        {
            await gate.WaitDrainedAsync(cancellationToken).ConfigureAwait(false);
            Log.Drained(logger);
        }
        catch (OperationCanceledException)
        {
            Log.DrainTimedOut(logger, gate.InFlight);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
