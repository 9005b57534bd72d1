using Advisor.Core.Coordination;
using Advisor.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Advisor.Core.Tests;

/// <summary>The single-process lease store, on a fake clock.</summary>
public sealed class InMemoryLeaseStoreTests : LeaseStoreContract
{
    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryLeaseStore _store;

    public InMemoryLeaseStoreTests() => _store = new InMemoryLeaseStore(_time);

    protected override Task<ILeaseStore> CreateAsync() => Task.FromResult<ILeaseStore>(_store);

    protected override Task PassAsync(TimeSpan span)
    {
        _time.Advance(span);
        return Task.CompletedTask;
    }
}
