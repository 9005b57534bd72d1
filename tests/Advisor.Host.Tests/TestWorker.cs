using Advisor.Core.Knowledge;
using Advisor.Core;
using Advisor.Host.Operations;
using Advisor.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Host.Tests;

/// <summary>The real worker on Kestrel at 127.0.0.1 with a free port, for one test.</summary>
internal sealed class TestWorker : IAsyncDisposable
{
    public const string AdminToken = "test-admin-token-0123456789";

    private readonly string _dataFolder;

    private TestWorker(WebApplication app, string dataFolder)
    {
        App = app;
        _dataFolder = dataFolder;
        BaseAddress = new Uri(app.Urls.First());
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public IAdvisor Advisor => App.Services.GetRequiredService<IAdvisor>();

    public IKnowledgeStore Store => App.Services.GetRequiredService<IKnowledgeStore>();

    public static async Task<TestWorker> StartAsync(
        string? knowledgePath = null,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var dataFolder = Paths.NewDataFolder();
        var overrides = new Dictionary<string, string?>
        {
            ["Advisor:KnowledgePath"] = knowledgePath ?? Paths.RepositoryKnowledge,
            ["Advisor:Data:Folder"] = dataFolder,
            ["Advisor:PromptsPath"] = Path.Combine(Paths.RepositoryRoot, "prompts"),
            ["Advisor:Model:Provider"] = "none",
            ["Advisor:Reload:DebounceMilliseconds"] = "100",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Advisor.Host.Operations.OperationsEndpoints"] = "Error",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            overrides[key] = value;
        }

        var builder = AdvisorServer.CreateBuilder([], overrides);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        services?.Invoke(builder.Services);
        var app = AdvisorServer.Build(builder);
        app.Lifetime.ApplicationStopped.Register(() => Paths.DeleteDataFolder(dataFolder)); // also when a test stops the app itself
        await app.StartAsync();
        return new TestWorker(app, dataFolder);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Paths.DeleteDataFolder(_dataFolder);
    }
}

internal static class Paths
{
    public static string RepositoryRoot { get; } = RepoPaths.RepoRoot();

    public static string RepositoryKnowledge => Path.Combine(RepositoryRoot, "knowledge");

    /// <summary>A temp copy of the repository's knowledge folder, deleted on dispose.</summary>
    public static TempKnowledge CopyKnowledge() => new();

    /// <summary>A data folder (store and salt) of a test's own, under the temp folder; it is created when first used.</summary>
    public static string NewDataFolder() => Path.Combine(Path.GetTempPath(), "advisor-host-data-" + Guid.NewGuid().ToString("N")[..12]);

    public static void DeleteDataFolder(string folder)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }
}

internal sealed class TempKnowledge : IDisposable
{
    public TempKnowledge()
    {
        Folder = Path.Combine(Path.GetTempPath(), "advisor-host-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        foreach (var file in Directory.EnumerateFiles(Paths.RepositoryKnowledge))
        {
            File.Copy(file, Path.Combine(Folder, Path.GetFileName(file)));
        }
    }

    public string Folder { get; }

    public string FileOf(string name) => Path.Combine(Folder, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
