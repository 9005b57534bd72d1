using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Advisor.Core.Knowledge;
using Advisor.Core.Semantic;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Advisor.Core;

/// <summary>Registers the platform-neutral core.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Adds the knowledge store, the Semantic Kernel with the knowledge plugin, the extractive composer
    /// (unless a composer is already registered), <see cref="IAdvisor"/>, and what every chat platform shares: the
    /// <see cref="Turns.TurnPipeline"/> over the conversation store (in memory until <c>AddAdvisorStorage</c> puts a durable
    /// one in its place), the question gate, the per-user limit and the rejection log.
    /// </summary>
    public static IServiceCollection AddAdvisorCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AdvisorOptions>()
            .Bind(configuration.GetSection(AdvisorOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<ConversationOptions>()
            .Bind(configuration.GetSection(ConversationOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();
        services.TryAddSingleton<IKnowledgeStore, KnowledgeStore>();
        services.TryAddSingleton<KnowledgePlugin>();
        services.TryAddSingleton(sp => new AdvisorMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton(sp =>
        {
            var builder = Kernel.CreateBuilder();
            builder.Services.AddSingleton(sp.GetRequiredService<ILoggerFactory>());
            builder.Plugins.AddFromObject(sp.GetRequiredService<KnowledgePlugin>(), KnowledgePlugin.PluginName);
            foreach (var configure in sp.GetServices<Action<IKernelBuilder>>())
            {
                configure(builder);
            }

            return builder.Build();
        });
        services.TryAddSingleton<IAnswerComposer, ExtractiveComposer>();
        services.TryAddSingleton<IAdvisor, AdvisorService>();
        services.TryAddSingleton<IConversationStore, InMemoryConversationStore>(); // AddAdvisorStorage puts a durable store here
        services.TryAddSingleton(_ => UserHasher.Ephemeral()); // and a salt that outlives the process
        services.TryAddSingleton<Hosting.QuestionGate>();
        services.TryAddSingleton<Hosting.RejectionLog>();
        services.TryAddSingleton<UserRateLimiter>();
        services.TryAddSingleton<IUserRateLimit>(sp => sp.GetRequiredService<UserRateLimiter>()); // AddAdvisorRedis counts across replicas
        services.TryAddSingleton<Coordination.IEventDedupe, Coordination.InMemoryEventDedupe>(); // and shares the dedupe
        services.TryAddSingleton<Turns.TurnPipeline>();
        services.TryAddSingleton(_ => Coordination.ReplicaIdentity.ForThisProcess());
        services.TryAddSingleton<Coordination.ILeaseStore, Coordination.InMemoryLeaseStore>(); // AddAdvisorRedis shares them
        AddOutbound(services, configuration);
        services.AddOptions<Coordination.InFlightOptions>()
            .Bind(configuration.GetSection(Coordination.InFlightOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Options.IValidateOptions<Coordination.InFlightOptions>, Coordination.InFlightOptionsValidator>());
        services.TryAddSingleton<Coordination.IInFlightClaims, Coordination.InMemoryInFlightClaims>(); // and the questions in flight
        return services;
    }

    /// <summary>
    /// What the bot sends on its own, both off by default: the weekly digest (<see cref="Outbound.DigestScheduler"/>,
    /// "Advisor:Digest") and the notices after a reload (<see cref="Outbound.ReloadNotices"/>, "Advisor:ReloadNotices").
    /// Each platform adapter adds its <see cref="Outbound.IDigestSender"/> and <see cref="Outbound.IReloadNoticeSender"/>.
    /// </summary>
    private static void AddOutbound(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<Outbound.DigestOptions>().Bind(configuration.GetSection(Outbound.DigestOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Outbound.DigestOptions>, Outbound.DigestOptionsValidator>());
        services.AddOptions<Outbound.ReloadNoticeOptions>().Bind(configuration.GetSection(Outbound.ReloadNoticeOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Outbound.ReloadNoticeOptions>, Outbound.ReloadNoticeOptionsValidator>());
        services.TryAddSingleton<Outbound.DigestPublisher>();
        if (services.Any(d => d.ServiceType == typeof(Outbound.DigestScheduler)))
        {
            return; // added already
        }

        // Switched off, each runs as a dormant hosted service: nothing it needs (the knowledge, the store) is built.
        services.AddSingleton<Outbound.DigestScheduler>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<IOptions<Outbound.DigestOptions>>().Value.Enabled
            ? sp.GetRequiredService<Outbound.DigestScheduler>()
            : Outbound.Dormant.Instance);
        services.AddSingleton<Outbound.ReloadNotices>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<IOptions<Outbound.ReloadNoticeOptions>>().Value.Enabled
            ? sp.GetRequiredService<Outbound.ReloadNotices>()
            : Outbound.Dormant.Instance);
    }
}
