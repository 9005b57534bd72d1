using Advisor.Core.Hosting;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Host.Operations;

/// <summary>The HTTP endpoints of the operations side: health, readiness, metrics and the admin reload.</summary>
public static class OperationsEndpoints
{
    /// <summary>Maps <c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c> and (when a token is configured) <c>POST /admin/reload</c>.</summary>
    public static IEndpointRouteBuilder MapAdvisorOperations(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Text("ok\n", "text/plain"));
        endpoints.MapGet("/readyz", (Readiness readiness) =>
        {
            var report = readiness.Check();
            return Results.Json(report, statusCode: report.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        endpoints.MapPrometheusScrapingEndpoint("/metrics");

        var services = endpoints.ServiceProvider;
        var admin = services.GetRequiredService<IOptions<AdminOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OperationsEndpoints).FullName!);
        if (!admin.Enabled)
        {
            Log.AdminEndpoint(logger, "off (no Advisor:Admin:Token)");
            return endpoints;
        }

        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(admin.Token!));
        var rejections = services.GetRequiredService<RejectionLog>();
        endpoints.MapPost("/admin/reload", async (HttpContext context, ReloadCoordinator coordinator) =>
        {
            if (Refusal(context.Request.Headers.Authorization.ToString(), expected) is { } reason)
            {
                rejections.Rejected("/admin/reload", reason); // a flood of bad tokens is one line a minute, not one each
                context.Response.Headers.WWWAuthenticate = "Bearer";
                return Results.Json(new { error = reason }, statusCode: StatusCodes.Status401Unauthorized);
            }

            var report = await coordinator.ReloadAsync("POST /admin/reload", context.RequestAborted).ConfigureAwait(false);
            return Results.Json(ReloadReportJson.From(report), statusCode: report.Succeeded ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
        });
        Log.AdminEndpoint(logger, "on");
        return endpoints;
    }

    /// <summary>Why an Authorization header does not carry the admin token, or null when it does.</summary>
    internal static string? Refusal(string header, byte[] expectedHash)
    {
        const string scheme = "Bearer ";
        if (string.IsNullOrEmpty(header))
        {
            return "missing bearer token";
        }

        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return "the Authorization header is not a bearer token";
        }

        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(given, expectedHash) ? null : "wrong bearer token";
    }
}
