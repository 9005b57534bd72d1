using System.Threading.Channels;
using Advisor.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Host.Operations;

/// <summary>
/// Watches the knowledge and prompts folders and reloads once they have been quiet for
/// <see cref="ReloadOptions.DebounceMilliseconds"/>, so an editor's burst of writes makes one reload.
/// Changes that arrive during a reload cause one more reload after it.
/// </summary>
internal sealed class KnowledgeWatcher(
    IOptions<AdvisorOptions> advisorOptions,
    IOptions<ReloadOptions> reloadOptions,
    ReloadCoordinator coordinator,
    TimeProvider time,
    ILogger<KnowledgeWatcher> logger) : BackgroundService
{
    private readonly Channel<string> _changes = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = false });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!reloadOptions.Value.WatchFiles)
        {
            Log.WatchingOff(logger);
            return;
        }

        var watchers = new List<FileSystemWatcher>();
        try
        {
            foreach (var folder in new[] { advisorOptions.Value.KnowledgePath, advisorOptions.Value.PromptsPath })
            {
                var full = Path.GetFullPath(folder);
                if (!Directory.Exists(full))
                {
                    Log.FolderMissing(logger, full);
                    continue;
                }

                watchers.Add(Watch(full));
                Log.Watching(logger, full, reloadOptions.Value.DebounceMilliseconds);
            }

            if (watchers.Count == 0)
            {
                return;
            }

            var debounce = TimeSpan.FromMilliseconds(reloadOptions.Value.DebounceMilliseconds);
            while (await _changes.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                var first = Drain();
                await QuietAsync(debounce, stoppingToken).ConfigureAwait(false);
                try
                {
                    await coordinator.ReloadAsync($"file change ({first})", stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.ReloadCrashed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var watcher in watchers)
            {
                watcher.Dispose();
            }
        }
    }

    private FileSystemWatcher Watch(string folder)
    {
        var watcher = new FileSystemWatcher(folder)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        watcher.Changed += (_, e) => Signal(e.Name);
        watcher.Created += (_, e) => Signal(e.Name);
        watcher.Deleted += (_, e) => Signal(e.Name);
        watcher.Renamed += (_, e) => Signal(e.Name);
        watcher.Error += (_, e) =>
        {
            // A lost event (buffer overflow) means we no longer know what changed: reload to be safe.
            Log.WatcherError(logger, folder, e.GetException().Message);
            Signal(null);
        };
        watcher.EnableRaisingEvents = true;
        return watcher;
    }

    private void Signal(string? name) => _changes.Writer.TryWrite(name ?? "unknown");

    private string Drain()
    {
        string? first = null;
        while (_changes.Reader.TryRead(out var name))
        {
            first ??= name;
        }

        return first ?? "unknown";
    }

    /// <summary>Waits until no change has arrived for <paramref name="debounce"/>.</summary>
    private async Task QuietAsync(TimeSpan debounce, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var round = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var quiet = Task.Delay(debounce, time, round.Token);
            var more = _changes.Reader.WaitToReadAsync(round.Token).AsTask();
            var winner = await Task.WhenAny(quiet, more).ConfigureAwait(false);
            await round.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (winner == quiet)
            {
                return;
            }

            Drain();
        }
    }
}
