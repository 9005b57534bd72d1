using System.Text;
using System.Text.Json.Nodes;
using Advisor.Core;
using Advisor.Core.Hosting;
using Advisor.Discord.Gateway;
using Advisor.Testing.Discord;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Advisor.Discord.Tests;

/// <summary>
/// A web host (Kestrel on loopback) serving the HTTP interactions endpoint, with the adapter pointed at an emulator
/// and, like the worker, a shutdown step that closes the <see cref="QuestionGate"/> and waits for the work it holds.
/// </summary>
internal sealed class InteractionHost : IAsyncDisposable
{
    private InteractionHost(WebApplication app, HttpClient client, DiscordEmulator emulator)
    {
        App = app;
        Client = client;
        Emulator = emulator;
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public DiscordEmulator Emulator { get; }

    public Uri BaseAddress => Client.BaseAddress!;

    public FakeLogCollector Logs => App.Services.GetFakeLogCollector();

    public QuestionGate Gate => App.Services.GetRequiredService<QuestionGate>();

    public GatedAdvisor Advisor => App.Services.GetRequiredService<GatedAdvisor>();

    public static async Task<InteractionHost> StartAsync(DiscordEmulator emulator, Dictionary<string, string?>? extra = null, bool gated = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = false);
        var settings = new Dictionary<string, string?>
        {
            ["Advisor:Discord:UseGateway"] = "false",
            ["Advisor:Discord:AdminRoleIds:0"] = "888000000000000001",
        };
        foreach (var (k, v) in extra ?? [])
        {
            settings[k] = v;
        }

        builder.Configuration.AddConfiguration(AdapterHarness.Config(emulator, settings));
        builder.Services.AddSingleton(new GatewaySettings { DeliveryBackoff = TimeSpan.FromMilliseconds(20) });
        builder.Services.AddAdvisorCore(builder.Configuration);
        builder.Services.AddDiscordAdapter(builder.Configuration);
        builder.Services.AddSingleton<IHostedService, GateDrain>();
        if (gated)
        {
            AdapterHarness.UseGatedAdvisor(builder.Services);
        }

        var app = builder.Build();
        app.MapDiscordEndpoints();
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new InteractionHost(app, new HttpClient { BaseAddress = new Uri(url) }, emulator);
    }

    public static string Sign(string timestamp, byte[] body)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, new Ed25519PrivateKeyParameters(Convert.FromHexString(AdapterHarness.PrivateSeedHex)));
        var message = Encoding.UTF8.GetBytes(timestamp).Concat(body).ToArray();
        signer.BlockUpdate(message, 0, message.Length);
        return Convert.ToHexStringLower(signer.GenerateSignature());
    }

    public Task<HttpResponseMessage> PostAsync(string json, string? signature = null, string timestamp = "1700000000") =>
        PostAsync(Encoding.UTF8.GetBytes(json), signature, timestamp);

    public async Task<HttpResponseMessage> PostAsync(byte[] body, string? signature = null, string timestamp = "1700000000")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, DiscordEndpoints.InteractionsPath) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Signature-Timestamp", timestamp);
        request.Headers.Add("X-Signature-Ed25519", signature ?? Sign(timestamp, body));
        return await Client.SendAsync(request);
    }

    /// <summary>A slash command interaction as Discord sends it.</summary>
    public static JsonObject Command(string name, JsonArray options, string permissions = "0", string id = "786008729715212338",
        string userId = "53908232506183680", string channelId = "645027906669510667") => new()
    {
        ["id"] = id,
        ["application_id"] = DiscordEmulator.ApplicationId,
        ["type"] = 2,
        ["token"] = "tok-" + id,
        ["version"] = 1,
        ["guild_id"] = "290926798626357999",
        ["channel_id"] = channelId,
        ["member"] = new JsonObject { ["user"] = new JsonObject { ["id"] = userId, ["username"] = "Mason" }, ["roles"] = new JsonArray(), ["permissions"] = permissions },
        ["data"] = new JsonObject { ["id"] = "1", ["name"] = name, ["type"] = 1, ["options"] = options },
    };

    /// <summary>/ask with one question.</summary>
    public static JsonObject Ask(string question, string id, string userId = "53908232506183680", string channelId = "645027906669510667") =>
        Command("ask", [new JsonObject { ["type"] = 3, ["name"] = "question", ["value"] = question }], id: id, userId: userId, channelId: channelId);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }

    /// <summary>The worker's first shutdown step (the host's ShutdownDrain): close the gate, wait for what it holds.</summary>
    private sealed class GateDrain(QuestionGate gate) : IHostedLifecycleService
    {
        public async Task StoppingAsync(CancellationToken cancellationToken)
        {
            gate.Close();
            try
            {
                await gate.WaitDrainedAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }
        }

        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
