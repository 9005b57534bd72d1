using Advisor.Cli;
using Advisor.Host;
using Advisor.Host.Platforms;
using Advisor.Models;
using Advisor.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// The one executable:
//   advisor serve          the worker: configured platforms + health, metrics, admin reload (ASP.NET Core)
//   advisor healthcheck    GET /healthz of a running worker, exit 0/1 (the container's HEALTHCHECK)
//   advisor                serve when a platform is configured, else the console chat
//   advisor ask|compare|roles|sections|chat   command-line use, straight on the core, no web host (fast start)
//   advisor forget --user slack:U123           deletes a user's question log entries and turns from the store
//   advisor digest [--dry-run]                 the weekly digest, printed (and posted to the admin channels)
if (args.Length > 0 && args[0] == "serve")
{
    return await ServeCommand.RunAsync(args[1..], Console.Error);
}

if (args.Length > 0 && args[0] == "healthcheck")
{
    return await HealthCheckCommand.RunAsync(args[1..], Console.Out, Console.Error);
}

var configuration = new ConfigurationBuilder()
    .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
    .AddJsonFile("appsettings.json", optional: true)
    .AddEnvironmentVariables()
    .Build();

if (args.Length == 0)
{
    if (PlatformRegistration.Configured(configuration).Count > 0)
    {
        return await ServeCommand.RunAsync([], Console.Error);
    }

    await Console.Error.WriteLineAsync("""
        No chat platform is configured, so Advisor starts as a console chat.
        To connect Slack or Discord, set their settings (see docs/operations.md) and run `advisor serve`.
        Type a question; /quit (or Ctrl+D) leaves.

        """);
    args = ["chat"];
}

Console.OutputEncoding = System.Text.Encoding.UTF8;
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var stdout = new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false), 1 << 16) { AutoFlush = false };
var stdin = new StreamReader(Console.OpenStandardInput(), System.Text.Encoding.UTF8, false, 1 << 16);
try
{
    var app = new CliApp(stdin, stdout, Console.Error)
    {
        Manifests = new Dictionary<string, Func<IConfiguration, TextWriter, Task<int>>> { ["discord"] = Advisor.Discord.DiscordManifest.WriteAsync },
        Doctors = [new Advisor.Slack.SlackDoctor(), new Advisor.Discord.DiscordDoctor()],
        AddPlatformSenders = static (services, configuration) =>
        {
            foreach (var platform in PlatformRegistration.Configured(configuration, AdvisorPlatforms.Shipped))
            {
                platform.AddServices(services, configuration); // registered only: advisor digest posts through their senders
            }
        },
    };
    return await app.RunAsync(args, configuration, static (services, configuration) =>
    {
        services.AddLogging(logging => logging
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddFilter(level => level >= LogLevel.Error)
            .Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        services.AddAdvisorModels(configuration);
        services.AddAdvisorStorage(configuration); // opened only by the commands that use it (forget)
    },
        cancel.Token);
}
catch (OperationCanceledException)
{
    return 130;
}
finally
{
    await stdout.FlushAsync();
}
