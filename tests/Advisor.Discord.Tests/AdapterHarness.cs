using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Advisor.Core;
using Advisor.Discord.Gateway;
using Advisor.Discord.Rest;
using Advisor.Discord.Sharding;
using Advisor.Testing;
using Advisor.Testing.Discord;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Advisor.Discord.Tests;

/// <summary>The real core (over the repository's knowledge/) plus the Discord adapter, pointed at an emulator.</summary>
internal sealed class AdapterHarness : IAsyncDisposable
{
    public const string PublicKeyHex = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    public const string PrivateSeedHex = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

    private readonly CancellationTokenSource _cts = new();

    public ServiceProvider Services { get; }

    public IConfiguration Configuration { get; }

    public Task? Running { get; private set; }

    /// <param name="configure">Runs after the core and the adapter are registered (to replace or tune services).</param>
    public AdapterHarness(DiscordEmulator emulator, Dictionary<string, string?>? extra = null, GatewaySettings? settings = null, Action<IServiceCollection>? configure = null)
    {
        Configuration = Config(emulator, extra);
        var services = new ServiceCollection();
        services.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = false);
        services.AddMetrics(); // the core's instruments come from this harness's own meter factory (see Metric)
        services.AddSingleton(settings ?? new GatewaySettings
        {
            InvalidSessionDelayMin = TimeSpan.Zero,
            InvalidSessionDelayMax = TimeSpan.FromMilliseconds(20),
            ReconnectDelay = TimeSpan.FromMilliseconds(50),
            DeliveryBackoff = TimeSpan.FromMilliseconds(20),
        });
        services.AddAdvisorCore(Configuration);
        services.AddDiscordAdapter(Configuration);
        configure?.Invoke(services);
        Services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    /// <summary>Replaces IAdvisor with a <see cref="GatedAdvisor"/> around the real core.</summary>
    public static void UseGatedAdvisor(IServiceCollection services)
    {
        services.AddSingleton<AdvisorService>();
        services.AddSingleton(sp => new GatedAdvisor(sp.GetRequiredService<AdvisorService>()));
        services.Replace(ServiceDescriptor.Singleton<IAdvisor>(sp => sp.GetRequiredService<GatedAdvisor>()));
    }

    public GatedAdvisor Gate => Services.GetRequiredService<GatedAdvisor>();

    public static IConfiguration Config(DiscordEmulator emulator, Dictionary<string, string?>? extra = null)
    {
        var root = RepoPaths.RepoRoot();
        var values = new Dictionary<string, string?>
        {
            ["Advisor:KnowledgePath"] = Path.Combine(root, "knowledge"),
            ["Advisor:PromptsPath"] = Path.Combine(root, "prompts"),
            ["Advisor:Discord:Token"] = DiscordEmulator.Token,
            ["Advisor:Discord:ApplicationId"] = DiscordEmulator.ApplicationId,
            ["Advisor:Discord:PublicKey"] = PublicKeyHex,
            ["Advisor:Discord:ApiBaseUrl"] = emulator.ApiBaseUrl,
        };
        foreach (var (k, v) in extra ?? [])
        {
            values[k] = v;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    /// <summary>The shard coordinator: claims the shards (all of them, alone) and runs their gateway connections.</summary>
    public ShardCoordinator Shards => Services.GetRequiredService<ShardCoordinator>();

    public DiscordRestClient Rest => Services.GetRequiredService<DiscordRestClient>();

    public DiscordStatus Status => Services.GetRequiredService<DiscordStatus>();

    public IAdvisor Advisor => Services.GetRequiredService<IAdvisor>();

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    /// <summary>Collects one of the core's instruments as recorded by this harness only.</summary>
    public MetricCollector<T> Metric<T>(string instrument) where T : struct =>
        new(Services.GetRequiredService<IMeterFactory>(), AdvisorMetrics.MeterName, instrument);

    public void StartGateway() => Running = Task.Run(() => Shards.RunAsync(_cts.Token));

    /// <summary>Cancels the gateway's token as host shutdown does (Running completes once its work has drained).</summary>
    public Task StopGatewayAsync() => _cts.CancelAsync();

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        if (Running is not null)
        {
            await Task.WhenAny(Running, Task.Delay(5000));
        }

        await Services.DisposeAsync();
    }
}
