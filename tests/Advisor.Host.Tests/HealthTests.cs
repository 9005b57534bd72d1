using System.Net;
using System.Text.Json;
using Advisor.Core.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Host.Tests;

public sealed class HealthTests
{
    [Fact]
    public async Task Healthz_answers_200_while_the_process_is_up()
    {
        await using var worker = await TestWorker.StartAsync();

        using var response = await worker.Http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", (await response.Content.ReadAsStringAsync()).Trim());
    }

    [Fact]
    public async Task Readyz_is_ready_with_knowledge_loaded_and_every_platform_connected()
    {
        await using var worker = await TestWorker.StartAsync(services: s => s.AddSingleton<IPlatformStatus>(new FakePlatformStatus("slack", true, "connected")));

        using var response = await worker.Http.GetAsync("/readyz");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(root.GetProperty("ready").GetBoolean());
        Assert.Equal(worker.Store.Current.Version, root.GetProperty("knowledge").GetProperty("version").GetString());
        Assert.Equal(worker.Store.Current.Sections.Count, root.GetProperty("knowledge").GetProperty("sections").GetInt32());
        Assert.True(worker.Store.Current.Sections.Count > 0);
        var platform = Assert.Single(root.GetProperty("platforms").EnumerateArray());
        Assert.Equal("slack", platform.GetProperty("platform").GetString());
        Assert.Equal("connected", platform.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Readyz_is_503_and_names_the_platform_while_one_is_disconnected()
    {
        var discord = new FakePlatformStatus("discord", false, "reconnecting: 4000 unknown error");
        await using var worker = await TestWorker.StartAsync(services: s =>
        {
            s.AddSingleton<IPlatformStatus>(new FakePlatformStatus("slack", true, "connected"));
            s.AddSingleton<IPlatformStatus>(discord);
        });

        using var down = await worker.Http.GetAsync("/readyz");
        using var json = JsonDocument.Parse(await down.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.False(json.RootElement.GetProperty("ready").GetBoolean());
        Assert.Equal("discord not connected", json.RootElement.GetProperty("status").GetString());
        Assert.Contains(json.RootElement.GetProperty("platforms").EnumerateArray(), p => p.GetProperty("state").GetString() == "reconnecting: 4000 unknown error");

        discord.Connected = true;
        using var up = await worker.Http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
    }
}
