using Advisor.Core;
using Advisor.Core.Coordination;
using Advisor.Core.Knowledge;
using Advisor.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace Advisor.Redis.Tests;

/// <summary>
/// Replicas kept on one knowledge version: each replica is a service provider with the core and <c>AddAdvisorRedis</c>
/// and its reload broadcast started, reading a knowledge folder of its own or one they share (a shared volume).
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class ReloadBroadcastTests(RedisServer server, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Article = "ai-architect-vs-ml-research-engineer.txt";
    private readonly string _prefix = RedisServer.NewPrefix();
    private readonly List<(ServiceProvider Provider, RedisReloadBroadcast Broadcast)> _replicas = [];
    private readonly List<string> _folders = [];

    private sealed record Replica(IAdvisor Advisor, IKnowledgeStore Knowledge, ISharedStateStatus Status);

    private string NewKnowledgeFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "advisor-kb-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.RepoRoot(), "knowledge"), "*.txt"))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        _folders.Add(folder);
        return folder;
    }

    private static void Edit(string folder, string sentence) =>
        File.AppendAllText(Path.Combine(folder, Article), "\n" + sentence + "\n");

    private async Task<Replica> StartAsync(string knowledge, string? redis = null)
    {
        server.SkipUnlessAvailable(output);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Advisor:KnowledgePath"] = knowledge,
            ["Advisor:Redis:ConnectionString"] = (redis ?? server.ConnectionString) + ",connectTimeout=2000",
            ["Advisor:Redis:KeyPrefix"] = _prefix,
        }).Build();
        var services = new ServiceCollection();
        services.AddAdvisorCore(configuration);
        services.AddAdvisorRedis(configuration);
        var provider = services.BuildServiceProvider();
        var broadcast = provider.GetServices<IHostedService>().OfType<RedisReloadBroadcast>().Single();
        await broadcast.StartAsync(CancellationToken.None);
        _replicas.Add((provider, broadcast));
        return new Replica(provider.GetRequiredService<IAdvisor>(), provider.GetRequiredService<IKnowledgeStore>(), provider.GetRequiredService<ISharedStateStatus>());
    }

    [SkippableFact]
    public async Task A_reload_on_one_replica_is_served_by_every_replica()
    {
        var shared = NewKnowledgeFolder(); // one volume, mounted by all three
        var a = await StartAsync(shared);
        var b = await StartAsync(shared);
        var c = await StartAsync(shared);
        var before = a.Knowledge.Current.Version;

        Edit(shared, "In short, an AI Architect plans AI systems from end to end.");
        var report = await a.Advisor.ReloadAsync();

        Assert.True(report.Changed);
        await Eventually.TrueAsync(() => b.Knowledge.Current.Version == report.Version && c.Knowledge.Current.Version == report.Version, "every replica to serve the new version");
        Assert.NotEqual(before, report.Version);
        Assert.All([a, b, c], r =>
        {
            Assert.Equal(report.Version, r.Status.AnnouncedKnowledgeVersion);
            Assert.Null(r.Status.NotReadyReason);
            Assert.True(r.Status.Connected);
        });
    }

    [SkippableFact]
    public async Task A_replica_that_cannot_load_the_announced_version_says_why_until_it_can()
    {
        var folderA = NewKnowledgeFolder();
        var folderB = NewKnowledgeFolder(); // not shared: B's files stay as they were
        var a = await StartAsync(folderA);
        var b = await StartAsync(folderB);

        Edit(folderA, "In short, an AI Architect plans AI systems from end to end.");
        var report = await a.Advisor.ReloadAsync();

        await Eventually.TrueAsync(() => b.Status.NotReadyReason?.Contains("files differ", StringComparison.Ordinal) == true, "B to have tried, and to report it is out of step");
        Assert.NotEqual(report.Version, b.Knowledge.Current.Version);
        Assert.Contains(report.Version, b.Status.NotReadyReason, StringComparison.Ordinal);
        Assert.Null(a.Status.NotReadyReason);

        // B's files catch up and B reloads (its watcher would): in step again, and nobody else has to move.
        Edit(folderB, "In short, an AI Architect plans AI systems from end to end.");
        var caughtUp = await b.Advisor.ReloadAsync();
        Assert.Equal(report.Version, caughtUp.Version);
        Assert.Null(b.Status.NotReadyReason);
        await Eventually.TrueAsync(() => a.Status.NotReadyReason is null && a.Knowledge.Current.Version == report.Version, "A to stay on the same version");
    }

    [SkippableFact]
    public async Task A_replica_started_with_other_files_than_the_announced_version_is_not_ready_from_the_start()
    {
        var folderA = NewKnowledgeFolder();
        var a = await StartAsync(folderA);
        Edit(folderA, "In short, an AI Architect plans AI systems from end to end.");
        var report = await a.Advisor.ReloadAsync();
        await Eventually.TrueAsync(async () => (await server.KeysAsync(_prefix)).Contains(_prefix + "knowledge:announced"), "the announcement to be kept");

        var late = await StartAsync(NewKnowledgeFolder());

        Assert.Equal(report.Version, late.Status.AnnouncedKnowledgeVersion);
        Assert.Contains(report.Version, late.Status.NotReadyReason, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_reload_while_Redis_is_away_is_announced_when_it_is_back()
    {
        server.SkipUnlessAvailable(output);
        await using var proxy = new CuttableProxy(server.ConnectionString);
        var shared = NewKnowledgeFolder();
        var a = await StartAsync(shared, proxy.Address); // only A loses Redis
        var b = await StartAsync(shared);
        Assert.True(a.Status.Connected);

        proxy.Cut();
        Edit(shared, "In short, an AI Architect plans AI systems from end to end.");
        var report = await a.Advisor.ReloadAsync();
        await Eventually.TrueAsync(() => !a.Status.Connected, "A to see Redis gone", timeoutSeconds: 30);
        Assert.StartsWith("unreachable since", a.Status.State, StringComparison.Ordinal);
        Assert.NotEqual(report.Version, b.Knowledge.Current.Version); // nobody told B
        Assert.Null(b.Status.NotReadyReason);

        proxy.Restore();
        await Eventually.TrueAsync(() => b.Knowledge.Current.Version == report.Version, "B to reload once A's announcement goes out", timeoutSeconds: 60);
        Assert.True(a.Status.Connected);
        Assert.Equal(report.Version, b.Status.AnnouncedKnowledgeVersion);
        Assert.Null(a.Status.NotReadyReason);
        Assert.Null(b.Status.NotReadyReason);
    }

    [SkippableFact]
    public async Task A_failed_reload_is_not_announced()
    {
        var folderA = NewKnowledgeFolder();
        var a = await StartAsync(folderA);
        var b = await StartAsync(NewKnowledgeFolder());
        foreach (var file in Directory.GetFiles(folderA))
        {
            File.Delete(file); // nothing left to load: the reload fails and the last good knowledge serves
        }

        var report = await a.Advisor.ReloadAsync();

        Assert.False(report.Succeeded);
        Assert.Null(a.Status.AnnouncedKnowledgeVersion);
        Assert.DoesNotContain(_prefix + "knowledge:announced", await server.KeysAsync(_prefix));
        Assert.Null(b.Status.NotReadyReason);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var (provider, broadcast) in _replicas)
        {
            await broadcast.StopAsync(CancellationToken.None);
            await provider.DisposeAsync();
        }

        await server.DeleteAsync(_prefix);
        foreach (var folder in _folders)
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
