using Advisor.Core.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Host.Platforms;

/// <summary>
/// Where the chat platforms plug into the worker, through their one contract (<see cref="IChatPlatform"/>): the worker
/// runs each shipped platform (<see cref="AdvisorPlatforms.Shipped"/>) whose settings are present — its services (a
/// BackgroundService per connection, an <c>IPlatformStatus</c> for /readyz) and its HTTP endpoints. With none,
/// <c>advisor</c> falls back to the console chat. Nothing here knows any platform by name.
/// </summary>
internal static class PlatformRegistration
{
    /// <summary>
    /// The names of the shipped platforms whose settings are present. A section with values but without the platform's
    /// token is a configuration mistake, reported at start-up naming the missing key rather than ignored.
    /// </summary>
    public static IReadOnlyList<string> Configured(IConfiguration configuration) =>
        Configured(configuration, AdvisorPlatforms.Shipped).Select(p => p.Name).ToList();

    /// <summary>The platforms of <paramref name="platforms"/> whose settings are present.</summary>
    public static IReadOnlyList<IChatPlatform> Configured(IConfiguration configuration, IEnumerable<IChatPlatform> platforms) =>
        platforms.Where(p => p.IsConfigured(configuration)).ToList();

    /// <summary>Adds the services of every configured platform, and the platform itself (as <see cref="IChatPlatform"/>).</summary>
    public static WebApplicationBuilder AddPlatforms(this WebApplicationBuilder builder, IEnumerable<IChatPlatform> platforms)
    {
        foreach (var platform in Configured(builder.Configuration, platforms))
        {
            // A section without the platform's token fails the adapter's start-up validation, naming the key.
            platform.AddServices(builder.Services, builder.Configuration);
            builder.Services.AddSingleton(platform);
        }

        return builder;
    }

    /// <summary>Maps the HTTP endpoints of every platform added (Slack's Events API receiver, Discord's interactions, …).</summary>
    public static WebApplication MapPlatformEndpoints(this WebApplication app)
    {
        foreach (var platform in app.Services.GetServices<IChatPlatform>())
        {
            platform.MapEndpoints(app);
        }

        return app;
    }
}
