using System.Runtime.CompilerServices;

namespace Advisor.Testing;

/// <summary>
/// A fact that needs the shared protocol material (../shared/protocol: the platforms' official specs). Without it (a
/// fresh clone, or ADVISOR_SHARED_PROTOCOL=none) the test is reported as skipped instead of failing or passing, and
/// its name in the results says why: "… — skipped: ../shared/protocol not present — the OpenAPI checks did not run".
/// </summary>
/// <remarks>
/// xunit 2 has no skipping from inside a test, so the condition is read when the test is discovered. Compiled into
/// the test projects that use it (linked from tests/Advisor.Testing/Linked), which keeps xunit out of Advisor.Testing.
/// </remarks>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class SharedProtocolFactAttribute : FactAttribute
{
    /// <param name="what">What does not run without the material, e.g. "the OpenAPI checks".</param>
    public SharedProtocolFactAttribute(string what, [CallerMemberName] string test = "")
    {
        if (RepoPaths.SharedProtocolFolder() is null)
        {
            Skip = RepoPaths.SkippedWithoutSharedProtocol(what);
            DisplayName = $"{test} — skipped: ../shared/protocol not present — {what} did not run";
        }
    }
}
