using Advisor.Core.Conversations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Storage;

/// <summary>Registers the durable conversation store.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates "Advisor:Data" and registers, in place of the core's in-memory store,
    /// <see cref="IConversationStore"/> on SQLite (<c>{Folder}/advisor.db</c>) or, when
    /// <c>PostgresConnectionString</c> is set, on PostgreSQL; a <see cref="UserHasher"/> with the kept salt; migrations
    /// at start-up (<see cref="StorageStartup"/>) and the daily retention purge. Nothing is opened until the store or
    /// the host is used. Order with <c>AddAdvisorCore</c> does not matter.
    /// </summary>
    public static IServiceCollection AddAdvisorStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DataOptions>()
            .Bind(configuration.GetSection(DataOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DataOptions>, DataOptionsAnnotationsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DataOptions>, DataOptionsValidator>());
        services.AddOptions<ConversationOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();

        services.Replace(ServiceDescriptor.Singleton<SqlConversationStore>(Create));
        services.Replace(ServiceDescriptor.Singleton<IConversationStore>(sp => sp.GetRequiredService<SqlConversationStore>()));
        services.Replace(ServiceDescriptor.Singleton(sp => new UserHasher(UserHashSalt.Load(sp.GetRequiredService<IOptions<DataOptions>>().Value))));
        services.AddHostedService<StorageStartup>();
        services.AddSingleton<RetentionService>();
        services.AddHostedService(sp => sp.GetRequiredService<RetentionService>());
        return services;
    }

    private static SqlConversationStore Create(IServiceProvider sp)
    {
        var data = sp.GetRequiredService<IOptions<DataOptions>>().Value;
        var conversations = sp.GetRequiredService<IOptions<ConversationOptions>>();
        var time = sp.GetRequiredService<TimeProvider>();
        var logs = sp.GetRequiredService<ILoggerFactory>();
        return data.UsesPostgres
            ? new PostgresConversationStore(data.PostgresConnectionString!, conversations, time, logs.CreateLogger<PostgresConversationStore>())
            : new SqliteConversationStore(data.DatabasePath, conversations, time, logs.CreateLogger<SqliteConversationStore>());
    }
}
