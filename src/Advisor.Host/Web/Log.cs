using Microsoft.Extensions.Logging;

namespace Advisor.Host.Web;

/// <summary>The web app's log messages. No message carries a token, a cookie or a question's text.</summary>
internal static partial class Log
{
    [LoggerMessage(150, LogLevel.Information, "Web app is on: Ask page open to {Audience}; admin pages {AdminState}")]
    private static partial void WebOnCore(ILogger logger, string audience, string adminState);

    public static void WebOn(ILogger logger, string audience, bool admin) =>
        WebOnCore(logger, audience, admin ? "on" : "off (no Advisor:Admin:Token)");

    [LoggerMessage(151, LogLevel.Information, "Web app is off (Advisor:Web:Enabled = false)")]
    public static partial void WebOff(ILogger logger);
}
