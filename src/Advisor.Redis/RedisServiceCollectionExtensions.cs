using Advisor.Core.Conversations;
using Advisor.Core.Coordination;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Advisor.Redis;

/// <summary>Registers the state several replicas share through Redis.</summary>
public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates "Advisor:Redis" (a bad connection string stops start-up naming the setting) and puts, in
    /// place of the core's single-process defaults: leases (<see cref="ILeaseStore"/>), the dedupe across replicas
    /// (<see cref="IEventDedupe"/>), the per-user limit across replicas (<see cref="IUserRateLimit"/>), the questions in
    /// flight (<see cref="IInFlightClaims"/>) with the sweeper that finishes those a dead replica left
    /// (<see cref="Advisor.Core.Hosting.InFlightSweeper"/>, a hosted service), the reload
    /// broadcast (a hosted service, which also connects at start-up) and the status <c>/readyz</c> shows
    /// (<see cref="ISharedStateStatus"/>). Call it only when <see cref="RedisOptions.IsConfigured"/>; order with
    /// <c>AddAdvisorCore</c> does not matter. Nothing fails when Redis is unreachable: see docs/replicas.md.
    /// </summary>
    public static IServiceCollection AddAdvisorRedis(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(RedisOptions.SectionName);
        services.AddOptions<RedisOptions>()
            .Bind(section)
            .Configure(o =>
            {
                // "Advisor:Redis=host:port" alone is the connection string.
                if (string.IsNullOrWhiteSpace(o.ConnectionString) && !string.IsNullOrWhiteSpace(section.Value))
                {
                    o.ConnectionString = section.Value;
                }
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisOptions>, RedisOptionsValidator>());
        services.AddOptions<ConversationOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => ReplicaIdentity.ForThisProcess());
        services.TryAddSingleton<UserRateLimiter>();
        services.AddLogging();

        services.TryAddSingleton<RedisConnection>();
        services.Replace(ServiceDescriptor.Singleton<ILeaseStore, RedisLeaseStore>());
        services.Replace(ServiceDescriptor.Singleton<IEventDedupe, RedisEventDedupe>());
        services.Replace(ServiceDescriptor.Singleton<IUserRateLimit, RedisUserRateLimit>());
        services.Replace(ServiceDescriptor.Singleton<IInFlightClaims, RedisInFlightClaims>());
        services.AddHostedService<Advisor.Core.Hosting.InFlightSweeper>();
        services.TryAddSingleton<RedisReloadBroadcast>();
        services.AddHostedService(sp => sp.GetRequiredService<RedisReloadBroadcast>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISharedStateStatus, RedisStatus>());
        return services;
    }
}
