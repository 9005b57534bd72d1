using System.Text.Json.Nodes;
using Advisor.Discord.Messages;
using Advisor.Testing;
using Advisor.Testing.Discord;

namespace Advisor.Discord.Tests;

/// <summary>Checks that need Discord's official OpenAPI spec (../shared/protocol): skipped, and said so, without it.</summary>
public sealed class OpenApiSpecTests
{
    [SharedProtocolFact("the OpenAPI checks")]
    public async Task The_emulator_checks_the_adapters_requests_against_Discords_OpenAPI_spec()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        Assert.True(emulator.SpecLoaded, "the OpenAPI spec is there but the emulator did not load it");
        await using var adapter = new AdapterHarness(emulator);

        foreach (var message in DiscordFormatter.Text("Hello @everyone, here is a long answer. " + new string('x', 2500)))
        {
            await adapter.Rest.CreateMessageAsync("42", message, CancellationToken.None);
        }

        EmulatorAssert.NoViolations(emulator.Violations);
    }

    [SharedProtocolFact("the OpenAPI checks")]
    public void The_spec_check_catches_a_body_that_breaks_the_schema()
    {
        var spec = SpecSchemas.Load()!;
        var schema = spec.RequestSchema("/channels/{channel_id}/messages", "post");

        Assert.Empty(spec.Validate(schema, JsonNode.Parse("""{"content": "hi", "allowed_mentions": {"parse": []}}""")));
        Assert.NotEmpty(spec.Validate(schema, JsonNode.Parse("""{"content": 5}""")));
        Assert.NotEmpty(spec.Validate(schema, JsonNode.Parse("""{"content": "hi", "allowed_mentions": {"parse": ["nobody"]}}""")));
    }
}
