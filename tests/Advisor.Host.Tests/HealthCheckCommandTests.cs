using System.Net;
using System.Net.Sockets;

namespace Advisor.Host.Tests;

public sealed class HealthCheckCommandTests
{
    [Fact]
    public async Task Healthcheck_exits_0_against_a_running_worker()
    {
        await using var worker = await TestWorker.StartAsync();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await HealthCheckCommand.RunAsync(["--url", new Uri(worker.BaseAddress, "/healthz").ToString()], output, error);

        Assert.Equal(0, code);
        Assert.StartsWith("healthy", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthcheck_exits_1_when_nothing_listens()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await HealthCheckCommand.RunAsync(["--url", $"http://127.0.0.1:{port}/healthz"], output, error);

        Assert.Equal(1, code);
        Assert.StartsWith("unhealthy", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, "http://127.0.0.1:8080/healthz")]
    [InlineData(null, "9090", "http://127.0.0.1:9090/healthz")]
    [InlineData("http://+:7000;https://+:7001", null, "http://127.0.0.1:7000/healthz")]
    [InlineData("http://0.0.0.0:5005", "9090", "http://127.0.0.1:5005/healthz")]
    public void Healthcheck_finds_the_port_from_the_environment(string? urls, string? ports, string expected)
    {
        var env = new Dictionary<string, string?> { ["ASPNETCORE_URLS"] = urls, ["ASPNETCORE_HTTP_PORTS"] = ports };

        Assert.Equal(expected, HealthCheckCommand.DefaultUrl(name => env.GetValueOrDefault(name)));
    }
}
