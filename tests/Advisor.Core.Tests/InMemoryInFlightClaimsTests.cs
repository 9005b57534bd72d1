using Advisor.Core.Coordination;
using Advisor.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Advisor.Core.Tests;

/// <summary>The single-process claims, on a fake clock.</summary>
public sealed class InMemoryInFlightClaimsTests : InFlightClaimsContract
{
    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryInFlightClaims _store;

    public InMemoryInFlightClaimsTests() => _store = new InMemoryInFlightClaims(_time);

    protected override Task<IInFlightClaims> CreateAsync() => Task.FromResult<IInFlightClaims>(_store);

    protected override Task PassAsync(TimeSpan span)
    {
        _time.Advance(span);
        return Task.CompletedTask;
    }
}
