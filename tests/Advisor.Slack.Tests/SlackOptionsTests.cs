using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Advisor.Slack.Tests;

public sealed class SlackOptionsTests
{
    private static OptionsValidationException? Validate(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection().AddLogging().AddSlackAdapter(configuration).BuildServiceProvider();
        try
        {
            _ = provider.GetRequiredService<IOptions<SlackOptions>>().Value;
            return null;
        }
        catch (OptionsValidationException ex)
        {
            return ex;
        }
    }

    [Theory]
    [InlineData("xoxp-user-token", "xapp-1", null, "Advisor:Slack:BotToken")]
    [InlineData("xoxb-1", "xoxb-not-an-app-token", null, "Advisor:Slack:AppToken")]
    [InlineData("xoxb-1", null, null, "Advisor:Slack:SigningSecret")]
    [InlineData("xoxb-1", "xapp-1", null, null)]
    [InlineData("xoxb-1", null, "secret", null)]
    [InlineData(null, "xapp-1", null, "Advisor:Slack:BotToken")]
    [InlineData("", null, "secret", "Advisor:Slack:BotToken")]
    public void Bad_settings_fail_naming_the_key(string? bot, string? app, string? secret, string? key)
    {
        var ex = Validate(new() { ["Advisor:Slack:BotToken"] = bot, ["Advisor:Slack:AppToken"] = app, ["Advisor:Slack:SigningSecret"] = secret });

        if (key is null)
        {
            Assert.Null(ex);
        }
        else
        {
            Assert.NotNull(ex);
            Assert.Contains(key, ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Workers", "0", "Advisor:Slack:Workers")]
    [InlineData("Workers", "257", "Advisor:Slack:Workers")]
    [InlineData("QueueCapacity", "0", "Advisor:Slack:QueueCapacity")]
    [InlineData("QueueCapacityPerChannel", "0", "Advisor:Slack:QueueCapacityPerChannel")]
    [InlineData("QueueCapacityPerChannel", "1001", "Advisor:Slack:QueueCapacityPerChannel")]
    [InlineData("QueueCapacityPerChannel", "1000", null)]
    [InlineData("Workers", "1", null)]
    public void Bad_work_queue_settings_fail_naming_the_key(string name, string value, string? key)
    {
        var ex = Validate(new() { ["Advisor:Slack:BotToken"] = "xoxb-1", ["Advisor:Slack:AppToken"] = "xapp-1", [$"Advisor:Slack:{name}"] = value });

        if (key is null)
        {
            Assert.Null(ex);
        }
        else
        {
            Assert.NotNull(ex);
            Assert.Contains(key, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_work_queue_defaults_are_sixteen_workers_a_thousand_items_and_a_hundred_per_channel()
    {
        var options = new SlackOptions();

        Assert.Equal((16, 1000, 100), (options.Workers, options.QueueCapacity, options.QueueCapacityPerChannel));
    }

    [Fact]
    public void Without_a_slack_section_nothing_is_registered()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Advisor:KnowledgePath"] = "k" }).Build();

        Assert.False(SlackOptions.IsConfigured(configuration));
        var services = new ServiceCollection().AddSlackAdapter(configuration);
        Assert.Empty(services);

        // Like the host's rule: blank values do not make a section; any value does.
        Assert.False(SlackOptions.IsConfigured(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Advisor:Slack:BotToken"] = " " }).Build()));
        Assert.True(SlackOptions.IsConfigured(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Advisor:Slack:SigningSecret"] = "s" }).Build()));
    }

    [Fact]
    public async Task A_section_without_a_bot_token_fails_start_up_naming_the_key()
    {
        await using var slack = await Advisor.Testing.Slack.SlackEmulator.StartAsync();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            AdvisorSlackApp.StartAsync(slack, socketMode: true, http: false, s => s.Remove("Advisor:Slack:BotToken")));

        Assert.Contains("Advisor:Slack:BotToken", ex.Message, StringComparison.Ordinal);
        Assert.Empty(slack.Calls); // nothing was started
    }
}
