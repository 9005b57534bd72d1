using Advisor.Discord;
using Advisor.Slack;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Advisor.Host.Platforms;

/// <summary>
/// Where the chat platforms plug into the worker: whether each one's settings are present, its services (a
/// BackgroundService per connection, an <c>IPlatformStatus</c> for /readyz) and its HTTP endpoints. The worker starts
/// each platform whose settings are present; with none, <c>advisor</c> falls back to the console chat.
/// </summary>
internal static class PlatformRegistration
{
    /// <summary>
    /// The platforms whose settings are present. A section with values but without the platform's token is a
    /// configuration mistake, reported at start-up naming the missing key rather than ignored.
    /// </summary>
    public static IReadOnlyList<string> Configured(IConfiguration configuration)
    {
        var configured = new List<string>();
        if (HasValues(configuration.GetSection(SlackOptions.SectionName)))
        {
            configured.Add("slack");
        }

        if (HasValues(configuration.GetSection(DiscordOptions.SectionName)))
        {
            configured.Add("discord");
        }

        return configured;
    }

    /// <summary>Adds the services of every configured platform.</summary>
    public static WebApplicationBuilder AddPlatforms(this WebApplicationBuilder builder)
    {
        var configured = Configured(builder.Configuration);
        if (configured.Contains("slack"))
        {
            // A section without Advisor:Slack:BotToken fails the adapter's start-up validation, naming the key.
            builder.Services.AddSlackAdapter(builder.Configuration);
        }

        if (configured.Contains("discord"))
        {
            builder.Services.AddDiscordAdapter(builder.Configuration);
        }

        return builder;
    }

    /// <summary>Maps the HTTP endpoints of every configured platform (Slack's Events API receiver, Discord's interactions).</summary>
    public static WebApplication MapPlatformEndpoints(this WebApplication app)
    {
        var configured = Configured(app.Configuration);
        if (configured.Contains("slack"))
        {
            app.MapSlackEndpoints();
        }

        if (configured.Contains("discord"))
        {
            app.MapDiscordEndpoints();
        }

        return app;
    }

    private static bool HasValues(IConfigurationSection section) =>
        section.AsEnumerable().Any(pair => !string.IsNullOrWhiteSpace(pair.Value));
}
