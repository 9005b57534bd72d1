using Advisor.Core;
using Advisor.Core.Conversations;
using Advisor.Core.Coordination;
using Advisor.Core.Turns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Advisor.Redis.Tests;

/// <summary>
/// Several replicas' turn pipelines, each a service provider of its own with the core and <c>AddAdvisorRedis</c>, on one
/// Redis server: a message delivered to all of them is answered once, and a user's limit is one limit.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class ReplicaPipelineTests(RedisServer server, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string Knowledge = Path.Combine(Testing.RepoPaths.RepoRoot(), "knowledge");
    private readonly string _prefix = RedisServer.NewPrefix();
    private readonly List<ServiceProvider> _replicas = [];

    private TurnPipeline Replica(int perMinute = 10)
    {
        server.SkipUnlessAvailable(output);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Advisor:KnowledgePath"] = Knowledge,
            ["Advisor:Conversations:QuestionsPerUserPerMinute"] = perMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Advisor:Redis:ConnectionString"] = server.ConnectionString,
            ["Advisor:Redis:KeyPrefix"] = _prefix,
        }).Build();
        var services = new ServiceCollection();
        services.AddAdvisorCore(configuration);
        services.AddAdvisorRedis(configuration);
        services.AddSingleton(new UserHasher(new byte[32])); // replicas share the salt (Advisor:Data:UserHashSalt)
        var provider = services.BuildServiceProvider();
        _replicas.Add(provider);
        Assert.True(provider.GetRequiredService<IEventDedupe>().Shared);
        return provider.GetRequiredService<TurnPipeline>();
    }

    private static IncomingMessage Message(string key, string user = "U1") => new()
    {
        Platform = "slack",
        DedupeKey = key,
        ConversationKey = "slack:T1:C1:" + key,
        UserKey = user,
        Text = "What does an AI Architect do?",
    };

    [SkippableFact]
    public async Task A_message_delivered_to_three_replicas_at_once_is_answered_once()
    {
        var replicas = new[] { Replica(), Replica(), Replica() };
        var channels = replicas.Select(_ => new RecordingChannel()).ToArray();

        var outcomes = await Task.WhenAll(replicas.Select((pipeline, i) => Task.Run(() => pipeline.HandleAsync(Message("C1:1700000000.000100"), channels[i], CancellationToken.None))));

        Assert.Equal(1, outcomes.Count(o => o.Status == TurnStatus.Answered));
        Assert.Equal(2, outcomes.Count(o => o.Status == TurnStatus.Repeat));
        Assert.Equal(1, channels.Sum(c => c.Answers.Count));
        Assert.All(channels, c => Assert.Empty(c.Notices));
    }

    [SkippableFact]
    public async Task A_user_switching_replicas_meets_one_limit()
    {
        var a = Replica(perMinute: 2);
        var b = Replica(perMinute: 2);
        var channel = new RecordingChannel();

        Assert.Equal(TurnStatus.Answered, (await a.HandleAsync(Message("k1"), channel, CancellationToken.None)).Status);
        Assert.Equal(TurnStatus.Answered, (await b.HandleAsync(Message("k2"), channel, CancellationToken.None)).Status);
        var over = await a.HandleAsync(Message("k3"), channel, CancellationToken.None);
        var again = await b.HandleAsync(Message("k4"), channel, CancellationToken.None);

        Assert.Equal(TurnStatus.Refused, over.Status);
        Assert.Equal(TurnStatus.Refused, again.Status);
        Assert.Equal(NoticeKind.RateLimited, Assert.Single(channel.Notices).Kind); // told once, though by the other replica
        Assert.Equal(2, channel.Answers.Count);
        Assert.Equal(TurnStatus.Answered, (await b.HandleAsync(Message("k5", user: "U2"), channel, CancellationToken.None)).Status);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var provider in _replicas)
        {
            await provider.DisposeAsync();
        }

        await server.DeleteAsync(_prefix);
    }
}
