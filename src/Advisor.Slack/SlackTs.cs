using System.Globalization;

namespace Advisor.Slack;

/// <summary>Slack message timestamps ("1716200000.000000") for a time.</summary>
internal static class SlackTs
{
    public static string Of(DateTimeOffset time) => time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + ".000000";
}
