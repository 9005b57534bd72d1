using Advisor.Core;
using Advisor.Core.Hosting;
using Advisor.Core.Outbound;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Slack;

/// <summary>Registers the Slack adapter.</summary>
public static class SlackServiceCollectionExtensions
{
    /// <summary>The named HttpClient the Web API client uses (replace its handler to redirect or observe calls).</summary>
    public const string HttpClientName = "Advisor.Slack";

    /// <summary>The named HttpClient for slash commands' response_url (its request logging is removed: the URL is a secret).</summary>
    public const string ResponseUrlHttpClientName = "Advisor.Slack.ResponseUrl";

    /// <summary>
    /// Adds the Slack adapter when "Advisor:Slack" is configured (see <see cref="SlackOptions.IsConfigured"/>); otherwise
    /// registers nothing. Needs the core (AddAdvisorCore: its TurnPipeline, QuestionGate, RejectionLog and
    /// AdvisorMetrics). Over Socket Mode when an app token is set; map the HTTP
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
        // The factory's default request logging is replaced: it writes the Authorization header into the structured
        // state of its Trace records (see SlackHttpLogger).
        services.AddHttpClient(HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30))
            .RemoveAllLoggers()
            .AddLogger(sp => new SlackHttpLogger(sp.GetRequiredService<ILogger<SlackHttpLogger>>()));

        // A response_url carries its secret in the path, and the factory's request logging writes request URIs at
        // Information: this client logs nothing at all.
        services.AddHttpClient(ResponseUrlHttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30)).RemoveAllLoggers();
        services.TryAddSingleton(sp =>
        {
            var clients = sp.GetRequiredService<IHttpClientFactory>();
            return new SlackApiClient(
                clients.CreateClient(HttpClientName),
                clients.CreateClient(ResponseUrlHttpClientName),
                sp.GetRequiredService<IOptions<SlackOptions>>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<AdvisorMetrics>(),
                sp.GetRequiredService<ILogger<SlackApiClient>>());
        });
        services.TryAddSingleton<ISlackWebSocketFactory, ClientWebSocketFactory>();
        services.TryAddSingleton<SlackPlatformStatus>();
        services.AddSingleton<IPlatformStatus>(sp => sp.GetRequiredService<SlackPlatformStatus>());
        // The work after intake, drained when the host stops (within its shutdown timeout, after the gate's own drain).
        services.TryAddKeyedSingleton(SlackPlatform.PlatformName, (sp, _) =>
        {
            var o = sp.GetRequiredService<IOptions<SlackOptions>>().Value;
            return new PlatformWorkQueue(SlackPlatform.PlatformName, o.Workers, o.QueueCapacity, o.QueueCapacityPerChannel,
                sp.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout, sp.GetRequiredService<ILogger<PlatformWorkQueue>>());
        });
        services.AddHostedService(sp => sp.GetRequiredKeyedService<PlatformWorkQueue>(SlackPlatform.PlatformName));
        services.TryAddSingleton<SlackBusyNotices>();
        services.TryAddSingleton<SlackSharedAnswers>();
        services.TryAddSingleton<SlackAgentHome>();
        services.TryAddSingleton<SlackAgentSessions>();
        services.TryAddSingleton<SlackStatusSupport>();
        services.TryAddSingleton<SlackInteractionHandler>();
        services.TryAddSingleton<SlackBotIdentityProvider>();
        services.TryAddSingleton<SlackEventDispatcher>();
        services.TryAddSingleton<SlackConversationHandler>();
        services.AddSingleton<ISlackEventHandler<AppMention>>(sp => sp.GetRequiredService<SlackConversationHandler>());
        services.AddSingleton<ISlackEventHandler<MessageEvent>>(sp => sp.GetRequiredService<SlackConversationHandler>());
        services.TryAddSingleton<ISlashCommandHandler, SlackCommandHandler>();

        // Another replica finishes a Slack answer this one began and could not (docs/replicas.md).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Advisor.Core.Coordination.IReplyChannelFactory, SlackReplyChannelFactory>());
        services.AddHostedService<SlackSocketModeService>();

        // What the core sends on its own (both off by default): the weekly digest and the notices after a reload.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDigestSender, SlackDigestSender>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IReloadNoticeSender, SlackReloadNoticeSender>());
        return services;
    }
}
