using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Core.Hosting;

/// <summary>
/// How a chat platform plugs into the worker. Each adapter implements it once, in its own project; the host lists the
/// platforms it ships and, for every one whose settings are present, adds its services and maps its endpoints — it
/// names none of them. A new platform (Teams, Matrix) is its transport (a connection or webhook that turns events into
/// <see cref="Turns.IncomingMessage"/>s for the <see cref="Turns.TurnPipeline"/>), its renderer (an
/// <see cref="Turns.IReplyChannel"/>), and one of these.
/// </summary>
public interface IChatPlatform
{
    /// <summary>The platform's name ("slack", "discord"): its settings section, metrics tags, logs, the question log.</summary>
    string Name { get; }

    /// <summary>
    /// True when the platform's settings are present, so the worker runs it. A section with values but without what
    /// the platform needs is still "configured": its start-up validation then names the missing key.
    /// </summary>
    bool IsConfigured(IConfiguration configuration);

    /// <summary>
    /// Adds the platform's services: its connection (a hosted service per connection), its work queue, its handlers,
    /// and an <see cref="IPlatformStatus"/> for readiness. Needs the core (<c>AddAdvisorCore</c>).
    /// </summary>
    void AddServices(IServiceCollection services, IConfiguration configuration);

    /// <summary>Maps the platform's HTTP endpoints (webhooks, interactions), if it has any.</summary>
    void MapEndpoints(IEndpointRouteBuilder endpoints);

    /// <summary>The platform connection's health (for <c>/readyz</c> and the start-up line), once its services are built.</summary>
    IPlatformStatus Status(IServiceProvider services);
}
