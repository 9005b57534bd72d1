using Xunit;

namespace Advisor.Testing;

/// <summary>Assertions on what the emulators recorded, with the whole text in the failure message.</summary>
internal static class EmulatorAssert
{
    /// <summary>
    /// No violations (a Discord emulator's <c>Violations</c>): on failure every one is printed in full. Assert.Empty
    /// shows each string cut at 50 characters, which leaves only "PATCH /api/v10/webhooks/{app}/tok-120" of a
    /// violation and not what was wrong.
    /// </summary>
    public static void NoViolations(IEnumerable<string> violations)
    {
        var all = violations.ToList();
        Assert.True(all.Count == 0, $"{all.Count} violation(s):{Environment.NewLine}{string.Join(Environment.NewLine, all)}");
    }
}
