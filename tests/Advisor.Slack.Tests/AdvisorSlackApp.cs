using System.Net.Http.Headers;
using System.Text;
using Advisor.Core;
using Advisor.Testing;
using Advisor.Testing.Slack;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Advisor.Slack.Tests;

/// <summary>
/// The adapter as the host runs it: real core over the repository's knowledge, Kestrel on 127.0.0.1:0, and a
/// shutdown drain like the host's (<see cref="GateDrain"/>): stopping closes the QuestionGate and waits for the
/// work held on it.
/// </summary>
internal sealed class AdvisorSlackApp : IAsyncDisposable
{
    public const string SigningSecret = "8f742231b10e8888abcd99yyyzzz85a5";

    private readonly WebApplication _app;
    private int _stopped;

    private AdvisorSlackApp(WebApplication app, Uri root)
    {
        _app = app;
        Root = root;
    }

    public Uri Root { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the app; <paramref name="customize"/> runs after the core and the adapter are added (replace services, add loggers).</summary>
    public static async Task<AdvisorSlackApp> StartAsync(SlackEmulator slack, bool socketMode, bool http, Action<IDictionary<string, string?>>? configure = null,
        Action<WebApplicationBuilder>? customize = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Advisor:KnowledgePath"] = Path.Combine(RepoPaths.RepoRoot(), "knowledge"),
            ["Advisor:PromptsPath"] = Path.Combine(RepoPaths.RepoRoot(), "prompts"),
            ["Advisor:Slack:BotToken"] = "xoxb-test-token",
            ["Advisor:Slack:ApiBaseUrl"] = slack.ApiBase.ToString(),
            ["Advisor:Slack:DeliveryWindowSeconds"] = "30",
            // Progress as the older tests expect it (the reaction at once); the progress tests set Auto and a delay.
            ["Advisor:Slack:Progress"] = "Reaction",
            ["Advisor:Slack:ProgressDelayMilliseconds"] = "0",
        };
        if (socketMode)
        {
            settings["Advisor:Slack:AppToken"] = "xapp-test-token";
        }

        if (http)
        {
            settings["Advisor:Slack:SigningSecret"] = SigningSecret;
        }

        configure?.Invoke(settings);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Services.AddAdvisorCore(builder.Configuration);
        builder.Services.AddSlackAdapter(builder.Configuration);
        builder.Services.AddSingleton<GateDrain>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GateDrain>());
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        customize?.Invoke(builder);
        var app = builder.Build();
        app.MapSlackEndpoints();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new AdvisorSlackApp(app, new Uri(address + "/"));
    }

    /// <summary>POSTs a body signed like Slack does (or with a wrong signature).</summary>
    public Task<HttpResponseMessage> PostSignedAsync(string path, string body, string contentType, bool badSignature = false, int? retryNum = null,
        long? timestamp = null) =>
        PostSignedAsync(path, Encoding.UTF8.GetBytes(body), contentType, badSignature, retryNum, timestamp);

    /// <summary>POSTs raw bytes signed like Slack does (or with a wrong signature).</summary>
    public async Task<HttpResponseMessage> PostSignedAsync(string path, byte[] body, string contentType, bool badSignature = false, int? retryNum = null,
        long? timestamp = null)
    {
        using var http = new HttpClient();
        var ts = (timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = SlackSignature.Compute(badSignature ? "not-the-secret" : SigningSecret, ts, body);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Root, path.TrimStart('/')))
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("x-slack-signature", signature);
        if (retryNum is { } n)
        {
            request.Headers.Add("X-Slack-Retry-Num", n.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("X-Slack-Retry-Reason", "http_timeout");
        }

        return await http.SendAsync(request);
    }

    /// <summary>Stops the app as SIGTERM would: the drain first, then the services.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _app.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }
}
