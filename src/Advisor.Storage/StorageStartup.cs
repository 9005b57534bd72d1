using Advisor.Core.Conversations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Advisor.Storage;

/// <summary>
/// Brings the database schema up to date and reads the user hash salt before any hosted service starts (a platform
/// connection included): a database that cannot be opened or migrated stops start-up with a <see cref="StorageException"/>.
/// </summary>
internal sealed class StorageStartup(IServiceProvider services) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await services.GetRequiredService<SqlConversationStore>().MigrateAsync(cancellationToken).ConfigureAwait(false);
        _ = services.GetRequiredService<UserHasher>();
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
