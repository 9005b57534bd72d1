using Advisor.Core;
using Advisor.Core.Hosting;
using Advisor.Host.Platforms;
using Advisor.Host.Web;
using Advisor.Models;
using Advisor.Redis;
using Advisor.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Host.Operations;

/// <summary>Builds the worker of <c>advisor serve</c>: the core, the configured platforms and the operations endpoints.</summary>
public static class AdvisorServer
{
    /// <summary>
    /// A builder with every setting source in place (appsettings.json beside the binary, then in the current directory,
    /// environment, command line, then <paramref name="overrides"/>), logging, the core, operations, the durable
    /// conversation store (migrated before anything else starts), the state shared with other replicas (only when
    /// <c>Advisor:Redis</c> is configured) and platforms.
    /// Add or replace services on it, then call <see cref="Build"/>.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        AddBinaryAppSettings(builder.Configuration);
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey])
            && string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.HttpPortsKey])
            && string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.HttpsPortsKey]))
        {
            builder.WebHost.UseUrls(ServeOptions.DefaultUrl);
        }

        ConfigureLogging(builder);
        builder.Services.AddAdvisorOperations(builder.Configuration);
        builder.Services.AddAdvisorModels(builder.Configuration);
        builder.Services.AddAdvisorStorage(builder.Configuration);
        if (RedisOptions.IsConfigured(builder.Configuration))
        {
            builder.Services.AddAdvisorRedis(builder.Configuration); // several replicas: docs/replicas.md
            builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<Advisor.Storage.DataOptions>, ReplicaDataValidator>();
        }

        builder.Services.AddAdvisorWeb(builder.Configuration);
        builder.AddPlatforms(AdvisorPlatforms.Shipped);
        return builder;
    }

    /// <summary>Builds the application and maps the operations and platform endpoints.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.MapAdvisorWeb();
        app.MapAdvisorOperations();
        app.MapPlatformEndpoints();
        app.Lifetime.ApplicationStarted.Register(() => AnnounceStart(app));
        return app;
    }

    private static void AnnounceStart(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AdvisorServer).FullName!);
        var platforms = app.Services.GetServices<IChatPlatform>().Select(p => p.Status(app.Services).Platform).ToList();
        var knowledge = app.Services.GetRequiredService<IAdvisor>().Knowledge;
        if (platforms.Count == 0)
        {
            Log.NoPlatform(logger);
        }

        if (app.Services.GetRequiredService<IOptions<WebOptions>>().Value.Enabled)
        {
            Log.WebPage(logger, AskUrl(app.Urls.FirstOrDefault() ?? ServeOptions.DefaultUrl));
        }

        Log.Serving(logger, knowledge.Version, knowledge.Sections.Count, platforms.Count == 0 ? "none" : string.Join(", ", platforms));
    }

    /// <summary>Where a browser on this machine finds the Ask page: a wildcard binding (0.0.0.0, [::], +, *) is shown as localhost.</summary>
    internal static string AskUrl(string url)
    {
        var shown = url.Replace("0.0.0.0", "localhost", StringComparison.Ordinal).Replace("[::]", "localhost", StringComparison.Ordinal)
            .Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal);
        return shown.EndsWith('/') ? shown : shown + "/";
    }

    /// <summary>appsettings.json next to the binary, read before (so overridden by) the one in the current directory.</summary>
    private static void AddBinaryAppSettings(ConfigurationManager configuration)
    {
        var binaryFolder = AppContext.BaseDirectory;
        if (Path.GetFullPath(binaryFolder).TrimEnd(Path.DirectorySeparatorChar) == Path.GetFullPath(Directory.GetCurrentDirectory()).TrimEnd(Path.DirectorySeparatorChar))
        {
            return;
        }

        var sources = (IList<IConfigurationSource>)configuration.Sources;
        var index = sources.ToList().FindIndex(s => s is JsonConfigurationSource);
        var source = new JsonConfigurationSource
        {
            Path = "appsettings.json",
            Optional = true,
            ReloadOnChange = false,
            FileProvider = new PhysicalFileProvider(binaryFolder),
        };
        sources.Insert(index < 0 ? 0 : index, source);
    }

    private static void ConfigureLogging(WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        var format = builder.Configuration[$"{ServeOptions.SectionName}:{nameof(ServeOptions.LogFormat)}"];
        if (string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            });
        }
    }
}
