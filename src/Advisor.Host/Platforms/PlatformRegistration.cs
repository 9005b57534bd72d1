using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Advisor.Host.Platforms;

/// <summary>
/// THE EXTENSION POINT for chat platforms. Each adapter plugs in here in three places: whether its settings are present,
/// its services (a BackgroundService per connection, an <c>IPlatformStatus</c> for /readyz) and its HTTP endpoints.
/// The worker starts each platform whose settings are present; with none, <c>advisor</c> falls back to the console chat.
/// </summary>
internal static class PlatformRegistration
{
    /// <summary>
    /// The platforms whose settings are present in <paramref name="configuration"/>.
    /// TODO(lead): replace the section checks with the adapters' own "is configured" tests when they are merged.
    /// </summary>
    public static IReadOnlyList<string> Configured(IConfiguration configuration)
    {
        var configured = new List<string>();
        if (HasValues(configuration.GetSection("Advisor:Slack")))
        {
            configured.Add("slack");
        }

        if (HasValues(configuration.GetSection("Advisor:Discord")))
        {
            configured.Add("discord");
        }

        return configured;
    }

    /// <summary>Adds the services of every configured platform.</summary>
    public static WebApplicationBuilder AddPlatforms(this WebApplicationBuilder builder)
    {
        var configured = Configured(builder.Configuration);
        _ = configured;

        // TODO(lead): when the adapters are merged:
        // if (configured.Contains("slack")) builder.Services.AddSlackAdapter(builder.Configuration);
        // if (configured.Contains("discord")) builder.Services.AddDiscordAdapter(builder.Configuration);
        // Each registers its IPlatformStatus (read by /readyz and the advisor_platform_connected gauge) and may take
        // PlatformMetrics and QuestionGate from DI (see docs/operations.md, "For adapter authors").
        return builder;
    }

    /// <summary>Maps the HTTP endpoints of every configured platform (e.g. Slack's Events API receiver).</summary>
    public static WebApplication MapPlatformEndpoints(this WebApplication app)
    {
        var configured = Configured(app.Configuration);
        _ = configured;

        // TODO(lead): if (configured.Contains("slack")) app.MapSlackEndpoints();
        //             if (configured.Contains("discord")) app.MapDiscordEndpoints();
        return app;
    }

    private static bool HasValues(IConfigurationSection section) =>
        section.AsEnumerable().Any(pair => !string.IsNullOrWhiteSpace(pair.Value));
}
