using Advisor.Cli;
using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Advisor.Core.Retrieval;
using Advisor.Slack;
using Advisor.Storage;
using Advisor.Testing;
using Advisor.Testing.Slack;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Cli.Tests;

/// <summary><c>advisor digest [--dry-run]</c>: the weekly digest from a SQLite question log, printed, and posted now through the platform's sender.</summary>
public sealed class DigestCommandTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "advisor-cli-digest-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private IConfiguration Configuration(Dictionary<string, string?>? extra = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Advisor:KnowledgePath"] = Path.Combine(RepoPaths.RepoRoot(), "knowledge"),
            ["Advisor:Data:Folder"] = _data,
            ["Advisor:Digest:WebUrl"] = "https://advisor.example.com",
        };
        foreach (var (key, value) in extra ?? [])
        {
            values[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    private async Task<(int Code, string Out, string Err)> Run(IConfiguration configuration, Action<IServiceCollection, IConfiguration>? senders, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var app = new CliApp(new StringReader(""), output, error) { AddPlatformSenders = senders };
        var code = await app.RunAsync(args, configuration, static (services, config) => services.AddAdvisorStorage(config));
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Asks each question through the real reader and keeps the turn, as the bot would.</summary>
    private async Task Seed(params string[] questions)
    {
        var services = new ServiceCollection();
        services.AddAdvisorCore(Configuration());
        services.AddAdvisorStorage(Configuration());
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IConversationStore>();
        var knowledge = provider.GetRequiredService<IAdvisor>().Knowledge;
        var n = 0;
        foreach (var question in questions)
        {
            var answer = ExtractiveComposer.Compose(Retriever.Retrieve(knowledge, question, []));
            var id = await store.AppendTurnAsync(TurnRecord.From($"slack:T1:C1:{n++}", "slack", "hash-" + n, question, answer, TimeSpan.FromMilliseconds(2)));
            if (n == 1)
            {
                await store.RecordFeedbackAsync(id, new TurnFeedback(FeedbackRating.Up));
            }
        }
    }

    [Fact]
    public async Task Dry_run_prints_the_week_s_counts_gaps_and_link_and_sends_nothing()
    {
        await Seed("What skills does an AI Architect need?", "what does a data analyst do", "how do i become a data analyst");
        await using var slack = await SlackEmulator.StartAsync();
        var configuration = Configuration(SlackSettings(slack, ("Advisor:Digest:Channels:slack", "C0ADMIN")));

        var (code, text, error) = await Run(configuration, (s, c) => s.AddSlackAdapter(c), "digest", "--dry-run");

        Assert.Equal(0, code);
        Assert.StartsWith("Advisor weekly digest: ", text, StringComparison.Ordinal);
        Assert.Contains("Questions: 3 · answered from the knowledge: 1 · refused: 2 · 👍 1 · 👎 0", text, StringComparison.Ordinal);
        Assert.Contains("1. 2 questions — a role the articles don't cover: data analyst", text, StringComparison.Ordinal);
        Assert.Contains("Gap report: https://advisor.example.com/insights?days=7#gaps", text, StringComparison.Ordinal);
        Assert.Equal("dry run: not sent; it would go to slack channel C0ADMIN", error.Trim());
        Assert.Empty(slack.Calls);
    }

    [Fact]
    public async Task Without_dry_run_it_is_posted_to_each_admin_channel_and_a_platform_not_configured_is_named()
    {
        await Seed("What skills does an AI Architect need?");
        await using var slack = await SlackEmulator.StartAsync();
        var configuration = Configuration(SlackSettings(slack, ("Advisor:Digest:Channels:slack", "C0ADMIN"), ("Advisor:Digest:Channels:discord", "444000000000000001")));

        var (code, text, error) = await Run(configuration, (s, c) => s.AddSlackAdapter(c), "digest");

        Assert.True(code == 1, error);
        Assert.True(text.Contains("Questions: 1", StringComparison.Ordinal), error);
        Assert.Contains("sent to slack channel C0ADMIN", error, StringComparison.Ordinal);
        Assert.Contains("error: not sent to discord channel 444000000000000001: discord is not configured in this process (configured: slack)", error, StringComparison.Ordinal);
        var post = Assert.Single(slack.Posts).Body;
        Assert.Equal("C0ADMIN", (string?)post["channel"]);
        Assert.Equal("header", (string?)post["blocks"]![0]!["type"]);
    }

    [Fact]
    public async Task Without_a_channel_or_a_durable_store_it_says_what_is_missing()
    {
        var (noChannel, _, channelError) = await Run(Configuration(), null, "digest");
        Assert.Equal(1, noChannel);
        Assert.Contains("error: not sent: no channel is set (Advisor:Digest:Channels:<platform>", channelError, StringComparison.Ordinal);

        var output = new StringWriter();
        var error = new StringWriter();
        var code = await new CliApp(new StringReader(""), output, error).RunAsync(["digest", "--dry-run"], Configuration());
        Assert.Equal(1, code);
        Assert.Contains("no durable store is configured", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("digest extra", "digest takes no arguments")]
    [InlineData("ask hello --dry-run", "--dry-run goes with digest")]
    public async Task Misuse_is_a_usage_error(string line, string message)
    {
        var (code, _, error) = await Run(Configuration(), null, line.Split(' '));

        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> SlackSettings(SlackEmulator slack, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Advisor:Slack:BotToken"] = EmulatorSettings.SlackBotToken,
            ["Advisor:Slack:AppToken"] = EmulatorSettings.SlackAppToken, // a complete configuration; nothing connects
            ["Advisor:Slack:ApiBaseUrl"] = slack.ApiBase.ToString(),
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }
}
