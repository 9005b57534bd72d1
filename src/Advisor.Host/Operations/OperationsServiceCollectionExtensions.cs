using Advisor.Core.Hosting;
using Advisor.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Advisor.Host.Operations;

/// <summary>Registers the core and the operations side of the worker.</summary>
public static class OperationsServiceCollectionExtensions
{
    /// <summary>Latency buckets in milliseconds: fine below 50 ms (the bot's own time), coarse above (model calls).</summary>
    private static readonly double[] LatencyBucketsMs = [0.5, 1, 2, 5, 10, 20, 35, 50, 75, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];

    /// <summary>
    /// Adds the core (<c>AddAdvisorCore</c>) with a draining <see cref="IAdvisor"/> in front of it, the reload triggers
    /// (file watcher, SIGHUP, HTTP), readiness, graceful shutdown and the OpenTelemetry metrics with the Prometheus exporter.
    /// </summary>
    public static IServiceCollection AddAdvisorOperations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AdminOptions>().Bind(configuration.GetSection(AdminOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ReloadOptions>().Bind(configuration.GetSection(ReloadOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ServeOptions>().Bind(configuration.GetSection(ServeOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<HostOptions>().Configure<IOptions<ServeOptions>>((host, serve) => host.ShutdownTimeout = TimeSpan.FromSeconds(serve.Value.ShutdownTimeoutSeconds));

        services.AddSingleton<PlatformMetrics>();
        services.AddHostedService(sp => sp.GetRequiredService<PlatformMetrics>());
        services.AddAdvisorCore(configuration);

        // The gate goes in front of whatever IAdvisor the core registered: the registration is replaced by a decorator.
        var inner = services.Last(d => d.ServiceType == typeof(IAdvisor));
        services.Replace(ServiceDescriptor.Singleton<IAdvisor>(sp => new DrainingAdvisor(
            Create(sp, inner), sp.GetRequiredService<QuestionGate>())));

        services.AddSingleton<ReloadCoordinator>();
        services.AddSingleton<Readiness>();

        // Its StoppingAsync runs before any hosted service's StopAsync: questions drain before an adapter closes its connection.
        services.AddHostedService<ShutdownDrain>();
        services.AddHostedService<KnowledgeWatcher>();
        services.AddHostedService<SighupReloader>();

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("advisor"))
            .WithMetrics(metrics => metrics
            .AddMeter(AdvisorMetrics.MeterName)
            .AddView("advisor.answer.duration", new ExplicitBucketHistogramConfiguration { Boundaries = LatencyBucketsMs })
            .AddView("advisor.platform.rate_limit.wait.duration", new ExplicitBucketHistogramConfiguration { Boundaries = [10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000] })
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }

    /// <summary>The service a (replaced) singleton registration describes.</summary>
    private static IAdvisor Create(IServiceProvider sp, ServiceDescriptor descriptor) =>
        (IAdvisor)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!));
}
