using Advisor.Core.Hosting;
using Advisor.Host.Platforms;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Host.Tests;

/// <summary>The host adds platforms through their contract only: a third one plugs in without the host knowing it.</summary>
public sealed class PlatformRegistrationTests
{
    [Fact]
    public async Task A_third_platform_is_added_mapped_and_reported_through_the_contract_alone_and_an_unconfigured_one_is_not()
    {
        var matrix = new FakePlatform("matrix");
        var teams = new FakePlatform("teams");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Advisor:Matrix:Token"] = "syt-1" });

        builder.AddPlatforms([matrix, teams]);
        await using var app = builder.Build();
        app.MapPlatformEndpoints();
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        Assert.Equal("matrix", await http.GetStringAsync("/matrix/hook"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("/teams/hook")).StatusCode);
        Assert.Equal([matrix], app.Services.GetServices<IChatPlatform>());
        Assert.Equal("matrix", Assert.Single(app.Services.GetServices<IPlatformStatus>()).Platform);
        Assert.Equal("matrix", matrix.Status(app.Services).Platform);
        Assert.Equal(1, matrix.Added);
        Assert.Equal(0, teams.Added);
        Assert.Equal(["slack", "discord"], AdvisorPlatforms.Shipped.Select(p => p.Name));
        await app.StopAsync();
    }

    private sealed class FakePlatform(string name) : IChatPlatform
    {
        public int Added { get; private set; }

        public string Name => name;

        public bool IsConfigured(IConfiguration configuration) =>
            configuration.GetSection($"Advisor:{char.ToUpperInvariant(name[0])}{name[1..]}").AsEnumerable().Any(p => !string.IsNullOrEmpty(p.Value));

        public void AddServices(IServiceCollection services, IConfiguration configuration)
        {
            Added++;
            services.AddSingleton<IPlatformStatus>(new Status(name));
        }

        public void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapGet($"/{name}/hook", () => name);

        public IPlatformStatus Status(IServiceProvider services) => services.GetServices<IPlatformStatus>().Single(s => s.Platform == name);
    }

    private sealed class Status(string platform) : IPlatformStatus
    {
        public string Platform => platform;

        public bool Connected => true;

        public string State => "connected";
    }
}
