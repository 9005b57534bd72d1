using Advisor.Core.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Discord;

/// <summary>Discord as the worker runs it: settings under "Advisor:Discord", the gateway and/or the signed interactions endpoint.</summary>
public sealed class DiscordPlatform : IChatPlatform
{
    /// <summary>The platform's name: metrics, logs, the question log, the work queue's key.</summary>
    public const string PlatformName = "discord";

    /// <summary>How the work queue is named in the rejection log.</summary>
    public const string QueueName = "the Discord work queue";

    public string Name => PlatformName;

    /// <summary>True when "Advisor:Discord" has any value (a section without the token then fails validation, naming it).</summary>
    public bool IsConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetSection(DiscordOptions.SectionName).AsEnumerable().Any(pair => !string.IsNullOrWhiteSpace(pair.Value));
    }

    public void AddServices(IServiceCollection services, IConfiguration configuration) => services.AddDiscordAdapter(configuration);

    public void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapDiscordEndpoints();

    public IPlatformStatus Status(IServiceProvider services) => services.GetRequiredService<DiscordStatus>();
}
