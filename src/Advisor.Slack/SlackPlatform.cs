using Advisor.Core.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Slack;

/// <summary>Slack as the worker runs it: settings under "Advisor:Slack", Socket Mode and/or the signed HTTP endpoints.</summary>
public sealed class SlackPlatform : IChatPlatform
{
    /// <summary>The platform's name: metrics, logs, the question log, the work queue's key.</summary>
    public const string PlatformName = "slack";

    public string Name => PlatformName;

    public bool IsConfigured(IConfiguration configuration) => SlackOptions.IsConfigured(configuration);

    public void AddServices(IServiceCollection services, IConfiguration configuration) => services.AddSlackAdapter(configuration);

    public void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapSlackEndpoints();

    public IPlatformStatus Status(IServiceProvider services) => services.GetRequiredService<SlackPlatformStatus>();
}
