using Advisor.Core.Coordination;
using Advisor.Core.Turns;
using Xunit;

namespace Advisor.Testing;

/// <summary>
/// What every <see cref="IInFlightClaims"/> does, run against each implementation (in memory with a fake clock, Redis
/// with real expiry). A derived class supplies the store and a way to let time pass.
/// </summary>
public abstract class InFlightClaimsContract
{
    private static readonly DateTimeOffset Received = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The claims' lease; a store on real time lengthens it so a stall of a loaded machine cannot end one.</summary>
    protected virtual TimeSpan Lease => TimeSpan.FromMilliseconds(400);

    /// <summary>A store with no claims of this test's ids (use <see cref="Record"/>).</summary>
    protected abstract Task<IInFlightClaims> CreateAsync();

    /// <summary>Lets <paramref name="span"/> pass for the store (advance a fake clock, or wait).</summary>
    protected abstract Task PassAsync(TimeSpan span);

    /// <summary>A claim id unique to this run.</summary>
    protected string Id { get; } = "test:" + Guid.NewGuid().ToString("N");

    /// <summary>A question in flight under <paramref name="owner"/> (of replica <paramref name="replica"/>).</summary>
    protected InFlightRecord Record(string owner, string replica = "replica-a") => new()
    {
        Id = Id,
        Message = new IncomingMessage
        {
            Platform = "test",
            DedupeKey = Id["test:".Length..],
            ConversationKey = "test:C1:T1",
            PerUser = true,
            UserKey = "U123",
            Text = "What does an AI Architect do?",
            IsCommand = true,
            Addressed = false,
            ReceivedAt = Received,
        },
        Target = new ReplyTarget
        {
            Platform = "test",
            Kind = "thread",
            Values = new Dictionary<string, string> { ["channel"] = "C1", ["thread"] = "1700000000.000100" },
            Until = Received.AddMinutes(14),
        },
        Owner = owner,
        Replica = replica,
        Dedupe = "message:test:" + Id["test:".Length..],
        DedupeLifetime = TimeSpan.FromHours(2),
        Since = Received,
    };

    [SkippableFact]
    public async Task One_attempt_holds_a_question_and_its_record_reads_back_whole()
    {
        var store = await CreateAsync();
        var mine = Record("a#1");
        Assert.Equal(ClaimBegin.Begun, await store.TryBeginAsync(mine, Lease));
        Assert.Equal(ClaimBegin.HeldElsewhere, await store.TryBeginAsync(Record("b#1", "replica-b"), Lease));
        Assert.Equal(ClaimBegin.HeldElsewhere, await store.TryBeginAsync(Record("a#2"), Lease)); // another attempt of the same replica
        Assert.Equal(ClaimBegin.Begun, await store.TryBeginAsync(mine, Lease)); // the same attempt again

        var read = await store.ReadAsync(Id);
        Assert.NotNull(read);
        Assert.Equal(mine.Message, read.Message);
        Assert.Equal(("test", "thread", "C1", "1700000000.000100", Received.AddMinutes(14)),
            (read.Target.Platform, read.Target.Kind, read.Target.Value("channel"), read.Target.Value("thread"), read.Target.Until));
        Assert.Equal(("a#1", "replica-a", mine.Dedupe, TimeSpan.FromHours(2), 0, Received),
            (read.Owner, read.Replica, read.Dedupe, read.DedupeLifetime, read.TakeOvers, read.Since));
    }

    [SkippableFact]
    public async Task A_completed_question_is_gone_and_may_be_claimed_again()
    {
        var store = await CreateAsync();
        Assert.Equal(ClaimBegin.Begun, await store.TryBeginAsync(Record("a#1"), Lease));
        await store.CompleteAsync(Record("b#1")); // not the owner: nothing happens
        Assert.NotNull(await store.ReadAsync(Id));

        await store.CompleteAsync(Record("a#1"));

        Assert.Null(await store.ReadAsync(Id));
        Assert.False(await store.RenewAsync(Record("a#1"), Lease));
        Assert.Equal(ClaimBegin.Begun, await store.TryBeginAsync(Record("b#1"), Lease));
    }

    [SkippableFact]
    public async Task A_renewed_question_is_never_abandoned_and_an_unrenewed_one_is()
    {
        var store = await CreateAsync();
        Assert.Equal(ClaimBegin.Begun, await store.TryBeginAsync(Record("a#1"), Lease));
        for (var i = 0; i < 4; i++)
        {
            await PassAsync(Lease / 2);
            Assert.True(await store.RenewAsync(Record("a#1"), Lease), $"renewal {i} failed");
            Assert.DoesNotContain(Id, await store.ExpiredAsync(100));
        }

        Assert.Null(await store.TryTakeOverAsync(Record("a#1"), "b#1", "replica-b", Lease)); // alive: not abandoned

        await PassAsync(Lease * 2);

        Assert.Contains(Id, await store.ExpiredAsync(100));
    }

    [SkippableFact]
    public async Task An_abandoned_question_is_taken_over_once_and_its_old_owner_learns_it()
    {
        var store = await CreateAsync();
        Assert.Equal(ClaimBegin.Begun, await store.TryBeginAsync(Record("a#1"), Lease));
        await PassAsync(Lease * 2);
        var abandoned = await store.ReadAsync(Id);
        Assert.NotNull(abandoned);

        // A redelivery of the message does not claim it: an abandoned question is the sweepers' to take over.
        Assert.Equal(ClaimBegin.HeldElsewhere, await store.TryBeginAsync(Record("c#1", "replica-c"), Lease));

        var taken = await store.TryTakeOverAsync(abandoned, "b#1", "replica-b", Lease);

        Assert.NotNull(taken);
        Assert.Equal(("b#1", "replica-b", 1), (taken.Owner, taken.Replica, taken.TakeOvers));
        Assert.Equal(abandoned.Message, taken.Message);
        Assert.Null(await store.TryTakeOverAsync(abandoned, "c#1", "replica-c", Lease)); // taken already
        Assert.False(await store.RenewAsync(Record("a#1"), Lease)); // the old owner must not reply
        await store.CompleteAsync(Record("a#1")); // nor can it delete the new owner's claim
        Assert.True(await store.RenewAsync(taken, Lease));
        Assert.Equal(("b#1", 1), ((await store.ReadAsync(Id))!.Owner, (await store.ReadAsync(Id))!.TakeOvers));
        Assert.DoesNotContain(Id, await store.ExpiredAsync(100));
    }

    [SkippableFact]
    public async Task A_released_question_is_taken_over_at_once()
    {
        var store = await CreateAsync();
        Assert.Equal(ClaimBegin.Begun, await store.TryBeginAsync(Record("a#1"), TimeSpan.FromMinutes(5)));

        await store.ReleaseAsync(Record("a#1"));

        Assert.Contains(Id, await store.ExpiredAsync(100));
        Assert.NotNull(await store.TryTakeOverAsync(Record("a#1"), "b#1", "replica-b", Lease));
    }

    [SkippableFact]
    public async Task Only_an_abandoned_question_as_read_is_dropped()
    {
        var store = await CreateAsync();
        Assert.Equal(ClaimBegin.Begun, await store.TryBeginAsync(Record("a#1"), Lease));
        await store.DropAsync(Record("a#1")); // alive
        Assert.NotNull(await store.ReadAsync(Id));

        await PassAsync(Lease * 2);
        await store.DropAsync(Record("b#1")); // not as read
        Assert.NotNull(await store.ReadAsync(Id));
        await store.DropAsync(Record("a#1"));

        Assert.Null(await store.ReadAsync(Id));
        Assert.DoesNotContain(Id, await store.ExpiredAsync(100));
    }

    [SkippableFact]
    public async Task Racing_sweepers_take_a_question_over_exactly_once()
    {
        var store = await CreateAsync();
        Assert.Equal(ClaimBegin.Begun, await store.TryBeginAsync(Record("a#1"), Lease));
        await PassAsync(Lease * 2);
        var abandoned = (await store.ReadAsync(Id))!;

        var taken = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => store.TryTakeOverAsync(abandoned, $"s{i}#1", $"replica-s{i}", Lease * 20))));

        var winner = Assert.Single(taken, t => t is not null)!;
        Assert.Equal(winner.Owner, (await store.ReadAsync(Id))!.Owner);
    }
}
