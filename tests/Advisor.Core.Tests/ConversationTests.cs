using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Advisor.Core.Tests;

public sealed class ConversationTests
{
    private static readonly IOptions<ConversationOptions> Options = Microsoft.Extensions.Options.Options.Create(new ConversationOptions { MaxTurns = 2, IdleMinutes = 10, MaxConversations = 2, QuestionsPerUserPerMinute = 3 });

    [Fact]
    public async Task The_in_memory_store_keeps_the_last_turns_and_forgets_idle_conversations()
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryConversationStore(Options, time);
        foreach (var question in new[] { "q1", "q2", "q3" })
        {
            await store.AppendTurnAsync(Turn("t1", question));
        }

        Assert.Equal(["q2", "q3"], (await store.RecentTurnsAsync("t1")).Select(t => t.Question));
        Assert.True(await store.KnowsAsync("t1"));

        time.Advance(TimeSpan.FromMinutes(11));
        Assert.False(await store.KnowsAsync("t1"));
        Assert.Empty(await store.RecentTurnsAsync("t1"));
    }

    [Fact]
    public async Task The_in_memory_store_drops_the_least_recently_active_conversation_when_full()
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryConversationStore(Options, time);
        await store.TouchAsync("a");
        time.Advance(TimeSpan.FromSeconds(1));
        await store.TouchAsync("b");
        time.Advance(TimeSpan.FromSeconds(1));
        await store.AppendTurnAsync(Turn("c", "q"));
        Assert.False(await store.KnowsAsync("a"));
        Assert.True(await store.KnowsAsync("b") && await store.KnowsAsync("c"));
    }

    private static TurnRecord Turn(string conversation, string question) =>
        new(conversation, "test", null, question, new TurnAnswer { Kind = AnswerKind.Answer }, TimeSpan.Zero);

    [Fact]
    public void Rate_limiter_allows_the_limit_per_minute_then_says_when_to_retry()
    {
        var time = new FakeTimeProvider();
        var limiter = new UserRateLimiter(Options, time);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(limiter.TryAcquire("u1", out _));
            time.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.False(limiter.TryAcquire("u1", out var wait));
        Assert.Equal(TimeSpan.FromSeconds(30), wait);
        Assert.Contains("30 seconds", limiter.Refusal(wait), StringComparison.Ordinal);
        Assert.True(limiter.TryAcquire("u2", out _)); // per user

        time.Advance(TimeSpan.FromSeconds(31));
        Assert.True(limiter.TryAcquire("u1", out _));
    }
}

public sealed class RecentKeysTests
{
    [Fact]
    public void A_key_is_claimed_once_until_it_ages_out()
    {
        var time = new FakeTimeProvider();
        var keys = new RecentKeys(time, TimeSpan.FromMinutes(5));
        Assert.True(keys.TryClaim("ev1"));
        Assert.False(keys.TryClaim("ev1"));
        time.Advance(TimeSpan.FromMinutes(6));
        Assert.True(keys.TryClaim("ev2")); // pruning happens on the next claim
        Assert.True(keys.TryClaim("ev1"));
    }

    [Fact]
    public void The_oldest_keys_give_way_when_the_capacity_is_reached()
    {
        var keys = new RecentKeys(new FakeTimeProvider(), TimeSpan.FromHours(1), capacity: 2);
        Assert.True(keys.TryClaim("a"));
        Assert.True(keys.TryClaim("b"));
        Assert.True(keys.TryClaim("c"));
        Assert.False(keys.TryClaim("c"));
        Assert.True(keys.TryClaim("a"));
    }
}
