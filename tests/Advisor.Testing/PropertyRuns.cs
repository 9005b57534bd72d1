using System.Globalization;

namespace Advisor.Testing;

/// <summary>
/// How many generated cases a property test runs. The numbers in the tests keep the whole suite's property tests
/// within seconds on two cores (CI); ADVISOR_PROPERTY_SCALE=N multiplies them for a longer search on a developer's
/// machine. A failure prints the seed that replays it (CsCheck_Seed=...).
/// </summary>
public static class PropertyRuns
{
    public const string ScaleVariable = "ADVISOR_PROPERTY_SCALE";

    public static int Iterations(int baseline)
    {
        var text = Environment.GetEnvironmentVariable(ScaleVariable);
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var scale) && scale > 1 ? checked(baseline * scale) : baseline;
    }
}
