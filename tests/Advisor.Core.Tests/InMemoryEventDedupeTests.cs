using Advisor.Core.Coordination;
using Microsoft.Extensions.Time.Testing;

namespace Advisor.Core.Tests;

/// <summary>The single-process dedupe, on a fake clock.</summary>
public sealed class InMemoryEventDedupeTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task A_key_is_claimed_once_per_scope_until_its_lifetime_ends_or_it_is_released()
    {
        var dedupe = new InMemoryEventDedupe(_time);
        var events = new DedupeScope("events", TimeSpan.FromMinutes(10));
        var clicks = new DedupeScope("clicks", TimeSpan.FromMinutes(1));

        Assert.True(dedupe.TryClaim(events, "k"));
        Assert.False(dedupe.TryClaim(events, "k"));
        Assert.True(dedupe.TryClaim(clicks, "k")); // another scope
        Assert.True(await dedupe.TryClaimAcrossReplicasAsync(events, "k")); // no other replica: this one's claim stands
        Assert.False(dedupe.Shared);

        dedupe.Release(events, "k");
        Assert.True(dedupe.TryClaim(events, "k"));

        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.True(dedupe.TryClaim(clicks, "k")); // its minute is over
        Assert.False(dedupe.TryClaim(events, "k"));
        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.True(dedupe.TryClaim(events, "k"));
    }

    [Fact]
    public void A_scope_remembers_at_most_its_capacity()
    {
        var dedupe = new InMemoryEventDedupe(_time);
        var small = new DedupeScope("small", TimeSpan.FromHours(1), capacity: 2);
        Assert.True(dedupe.TryClaim(small, "a"));
        Assert.True(dedupe.TryClaim(small, "b"));
        Assert.True(dedupe.TryClaim(small, "c")); // "a", the oldest, makes room
        Assert.False(dedupe.TryClaim(small, "c"));
        Assert.True(dedupe.TryClaim(small, "a")); // forgotten
    }

    [Fact]
    public void A_scope_needs_a_name_a_lifetime_and_room()
    {
        Assert.Throws<ArgumentException>(() => new DedupeScope(" ", TimeSpan.FromMinutes(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DedupeScope("x", TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DedupeScope("x", TimeSpan.FromMinutes(1), 0));
    }
}
