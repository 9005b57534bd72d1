using Advisor.Host.Operations;
using Advisor.Host.Platforms;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace Advisor.Host.Tests;

public sealed class StartupTests : IDisposable
{
    private readonly string _data = Paths.NewDataFolder();

    public void Dispose() => Paths.DeleteDataFolder(_data);

    [Theory]
    [InlineData("Advisor:Reload:DebounceMilliseconds", "-5")]
    [InlineData("Advisor:Host:ShutdownTimeoutSeconds", "0")]
    [InlineData("Advisor:Host:LogFormat", "xml")]
    [InlineData("Advisor:Admin:Token", "short")]
    [InlineData("Advisor:Data:RetentionDays", "0")]
    [InlineData("Advisor:Data:UserHashSalt", "short")]
    [InlineData("Advisor:Data:PostgresConnectionString", "Hostx=1")]
    [InlineData("Advisor:Redis:ConnectionString", "localhost:6379,nonsense=1")]
    [InlineData("Advisor:Redis:ConnectionString", ",")]
    [InlineData("Advisor:Redis:KeyPrefix", "has space")]
    public async Task An_invalid_setting_fails_at_start_up_naming_the_key(string key, string value)
    {
        var problem = await StartupProblemAsync(new() { ["Advisor:Data:UserHashSalt"] = "a-salt-of-sixteen-or-more", [key] = value });
        Assert.Contains(key, problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replicas_without_a_shared_user_hash_salt_fail_at_start_up_naming_the_setting()
    {
        var problem = await StartupProblemAsync(new() { ["Advisor:Redis:ConnectionString"] = "127.0.0.1:1,connectTimeout=200" });
        Assert.Contains("Advisor:Data:UserHashSalt must be set to the same secret on every replica", problem, StringComparison.Ordinal);
    }

    /// <summary>Builds and starts the server with these settings over the defaults; the one-line problem it stops with.</summary>
    private async Task<string> StartupProblemAsync(Dictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["Advisor:KnowledgePath"] = Paths.RepositoryKnowledge,
            ["Logging:LogLevel:Default"] = "None",
            ["Advisor:Data:Folder"] = _data,
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        var builder = AdvisorServer.CreateBuilder([], all);
        builder.WebHost.UseUrls("http://127.0.0.1:0");

        // Some settings are read while the app is built (the shutdown timeout, the admin endpoint), the others at start.
        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = AdvisorServer.Build(builder);
            await app.StartAsync();
        });

        var problem = ServeCommand.StartupProblem(ex);
        Assert.NotNull(problem);
        return problem;
    }

    [Fact]
    public async Task A_missing_knowledge_folder_fails_at_start_up_with_the_folder_named()
    {
        var missing = Path.Combine(Path.GetTempPath(), "advisor-missing-" + Guid.NewGuid().ToString("N"));
        var builder = AdvisorServer.CreateBuilder([], new Dictionary<string, string?>
        {
            ["Advisor:KnowledgePath"] = missing,
            ["Logging:LogLevel:Default"] = "None",
            ["Advisor:Data:Folder"] = _data,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = AdvisorServer.Build(builder);

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

        Assert.Contains(missing, ServeCommand.StartupProblem(ex), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_command_reports_a_bad_setting_on_stderr_and_exits_1()
    {
        using var error = new StringWriter();

        var code = await ServeCommand.RunAsync(["--knowledge", Paths.RepositoryKnowledge, "--urls", "http://127.0.0.1:0", "--Advisor:Reload:DebounceMilliseconds=abc", "--Logging:LogLevel:Default=None"], error);

        Assert.Equal(1, code);
        Assert.Contains("Advisor:Reload:DebounceMilliseconds", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_platform_counts_as_configured_only_when_its_section_has_a_value()
    {
        static IConfiguration Config(params (string Key, string? Value)[] pairs) =>
            new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))).Build();

        Assert.Empty(PlatformRegistration.Configured(Config()));
        Assert.Empty(PlatformRegistration.Configured(Config(("Advisor:Slack:BotToken", ""))));
        Assert.Equal(["slack"], PlatformRegistration.Configured(Config(("Advisor:Slack:BotToken", "xoxb-1"))));
        Assert.Equal(["slack", "discord"], PlatformRegistration.Configured(Config(("Advisor:Slack:AppToken", "xapp-1"), ("Advisor:Discord:Token", "abc"))));
    }
}
