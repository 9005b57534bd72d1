using System.Collections.Concurrent;
using Xunit.Abstractions;

namespace Advisor.Testing;

/// <summary>Counts the inputs on which a property test met <see cref="KnownAdapterCrash"/>, keeping the shortest, and says so in the test output.</summary>
internal sealed class KnownCrashes
{
    private readonly ConcurrentDictionary<string, byte[]> _shortest = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>How many inputs met the crash.</summary>
    public int Count => Volatile.Read(ref _count);

    public void Add(byte[] input, Exception ex)
    {
        Interlocked.Increment(ref _count);
        _shortest.AddOrUpdate(ex.Message, input, (_, old) => old.Length <= input.Length ? old : input);
    }

    public void Report(ITestOutputHelper output)
    {
        output.WriteLine(_count == 0
            ? "the known adapter crash was not met"
            : $"known adapter crash (reported, not fixed here) met on {_count} inputs; the shortest for each message:");
        foreach (var (message, input) in _shortest.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {message}\n    {JsonGen.Show(input)}");
        }
    }
}
