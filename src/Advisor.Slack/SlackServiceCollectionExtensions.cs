using Advisor.Core.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Slack;

/// <summary>Registers the Slack adapter.</summary>
public static class SlackServiceCollectionExtensions
{
    /// <summary>The named HttpClient the Web API client uses (replace its handler to redirect or observe calls).</summary>
    public const string HttpClientName = "Advisor.Slack";

    /// <summary>
    /// Adds the Slack adapter when "Advisor:Slack" is configured (see <see cref="SlackOptions.IsConfigured"/>); otherwise
    /// registers nothing. Needs the core (AddAdvisorCore). Over Socket Mode when an app token is set; map the HTTP
    /// endpoints with <see cref="SlackEndpoints.MapSlackEndpoints"/> when a signing secret is set.
    /// </summary>
    public static IServiceCollection AddSlackAdapter(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!SlackOptions.IsConfigured(configuration))
        {
            return services;
        }

        services.AddOptions<SlackOptions>()
            .Bind(configuration.GetSection(SlackOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30));
        services.TryAddSingleton(sp => new SlackApiClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            sp.GetRequiredService<IOptions<SlackOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SlackApiClient>>()));
        services.TryAddSingleton<ISlackWebSocketFactory, ClientWebSocketFactory>();
        services.TryAddSingleton<SlackPlatformStatus>();
        services.AddSingleton<IPlatformStatus>(sp => sp.GetRequiredService<SlackPlatformStatus>());
        services.TryAddSingleton<SlackWorkQueue>();
        services.AddHostedService(sp => sp.GetRequiredService<SlackWorkQueue>());
        services.TryAddSingleton<SlackBotIdentityProvider>();
        services.TryAddSingleton<SlackEventDispatcher>();
        services.TryAddSingleton<SlackConversationHandler>();
        services.AddSingleton<ISlackEventHandler<AppMention>>(sp => sp.GetRequiredService<SlackConversationHandler>());
        services.AddSingleton<ISlackEventHandler<MessageEvent>>(sp => sp.GetRequiredService<SlackConversationHandler>());
        services.TryAddSingleton<ISlashCommandHandler, SlackCommandHandler>();
        services.AddHostedService<SlackSocketModeService>();
        return services;
    }
}
