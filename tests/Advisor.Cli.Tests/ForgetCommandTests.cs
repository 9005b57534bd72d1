using Advisor.Cli;
using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Advisor.Storage;
using Advisor.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Cli.Tests;

/// <summary><c>advisor forget --user platform:id</c> against a SQLite store in a temp data folder.</summary>
public sealed class ForgetCommandTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "advisor-cli-data-" + Guid.NewGuid().ToString("N")[..12]);

    private IConfiguration Configuration(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Advisor:KnowledgePath"] = Path.Combine(RepoPaths.RepoRoot(), "knowledge"),
            ["Advisor:Data:Folder"] = _data,
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
    }

    private async Task<(int Code, string Out, string Err)> Run(IConfiguration configuration, bool withStorage, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var app = new CliApp(new StringReader(""), output, error);
        var code = await app.RunAsync(args, configuration, withStorage ? static (services, config) => services.AddAdvisorStorage(config) : null);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Stores turns the way the bot will: through the registered store, with the kept salt.</summary>
    private async Task Seed(params (string Platform, string User, string Conversation)[] turns)
    {
        var services = new ServiceCollection();
        var configuration = Configuration();
        services.AddAdvisorCore(configuration);
        services.AddAdvisorStorage(configuration);
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IConversationStore>();
        var hasher = provider.GetRequiredService<UserHasher>();
        foreach (var (platform, user, conversation) in turns)
        {
            var answer = new Answer { Text = "an answer", Citations = [], Roles = ["AI Architect"], KnowledgeVersion = "k1" };
            await store.AppendTurnAsync(TurnRecord.From(conversation, platform, hasher.Hash(platform, user), "a question", answer, TimeSpan.FromMilliseconds(2)));
        }
    }

    private async Task<IReadOnlyList<QuestionLogEntry>> Log()
    {
        await using var store = new SqliteConversationStore(Path.Combine(_data, DataOptions.DatabaseFileName), Microsoft.Extensions.Options.Options.Create(new ConversationOptions()), TimeProvider.System);
        return await store.ReadLogAsync(QuestionLogQuery.All);
    }

    [Fact]
    public async Task Forget_deletes_the_users_entries_and_turns_and_says_how_many()
    {
        await Seed(("slack", "U0123ABCD", "slack:T1:C1:1.0"), ("slack", "U0123ABCD", "slack:T1:C2:2.0"), ("discord", "80351110224678912", "discord:G1:C1"));

        var (code, output, error) = await Run(Configuration(), withStorage: true, "forget", "--user", "slack:U0123ABCD");

        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("Forgot slack:U0123ABCD: removed 2 question log entries and 2 conversation turns.", output, StringComparison.Ordinal);
        Assert.Equal(["discord"], (await Log()).Select(e => e.Platform));

        (code, output, _) = await Run(Configuration(), withStorage: true, "forget", "--user=discord:80351110224678912");
        Assert.Equal(0, code);
        Assert.Contains("removed 1 question log entry and 1 conversation turn.", output, StringComparison.Ordinal);
        Assert.Empty(await Log());

        (code, output, _) = await Run(Configuration(), withStorage: true, "forget", "--user", "slack:U0123ABCD");
        Assert.Equal(0, code);
        Assert.Contains("removed 0 question log entries and 0 conversation turns", output, StringComparison.Ordinal);
        Assert.Contains("Nothing is kept for this user", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forget_needs_no_knowledge_folder()
    {
        var (code, output, _) = await Run(Configuration(("Advisor:KnowledgePath", Path.Combine(_data, "no-such-folder"))), withStorage: true, "forget", "--user", "slack:U1");
        Assert.Equal(0, code);
        Assert.Contains("Forgot slack:U1", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("forget")]
    [InlineData("forget", "--user")]
    [InlineData("forget", "--user", "U0123ABCD")]
    [InlineData("forget", "--user", "slack:")]
    [InlineData("forget", "--user", "teams:29:1abc")]
    [InlineData("forget", "slack:U0123ABCD")]
    [InlineData("ask", "hello", "--user", "slack:U0123ABCD")]
    public async Task Forget_without_a_platform_user_is_a_usage_error(params string[] args)
    {
        var (code, _, error) = await Run(Configuration(), withStorage: true, args);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_data, DataOptions.DatabaseFileName))); // nothing was opened
    }

    [Fact]
    public async Task A_store_that_cannot_be_opened_is_a_failure_with_the_reason()
    {
        var (code, _, error) = await Run(Configuration(("Advisor:Data:PostgresConnectionString", "Host=127.0.0.1;Port=1;Username=advisor;Database=advisor;Timeout=5")), withStorage: true, "forget", "--user", "slack:U1");
        Assert.Equal(1, code);
        Assert.Contains("error: cannot open the database (PostgreSQL 127.0.0.1:1/advisor)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_data_setting_is_a_failure_naming_the_key()
    {
        var (code, _, error) = await Run(Configuration(("Advisor:Data:RetentionDays", "0")), withStorage: true, "forget", "--user", "slack:U1");
        Assert.Equal(1, code);
        Assert.Contains("Advisor:Data:RetentionDays", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_durable_store_forget_says_so()
    {
        var (code, _, error) = await Run(Configuration(), withStorage: false, "forget", "--user", "slack:U1");
        Assert.Equal(1, code);
        Assert.Contains("no durable store is configured", error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }
}
