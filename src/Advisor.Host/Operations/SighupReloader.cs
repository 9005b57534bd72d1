using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Advisor.Host.Operations;

/// <summary>SIGHUP reloads the knowledge (the Unix convention for "re-read your configuration"), instead of ending the process.</summary>
internal sealed class SighupReloader(ReloadCoordinator coordinator, IHostApplicationLifetime lifetime, ILogger<SighupReloader> logger) : IHostedService, IDisposable
{
    private PosixSignalRegistration? _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsWindows())
        {
            _registration = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await coordinator.ReloadAsync("SIGHUP", lifetime.ApplicationStopping).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        Log.ReloadCrashed(logger, ex);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                });
            });
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _registration?.Dispose();
        _registration = null;
    }
}
