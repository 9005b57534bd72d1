using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Text.Json;
using Advisor.Core.Answers;
using Advisor.Discord.Interactions;
using Advisor.Discord.Messages;
using Advisor.Discord.Rest;
using Advisor.Testing;
using Advisor.Testing.Discord;
using Xunit.Abstractions;

namespace Advisor.Discord.Tests;

public sealed class RestAndFormatTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_429_is_waited_out_and_the_message_then_sent()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator);
        using var waits = adapter.Metric<double>("advisor.platform.rate_limit.wait.duration");
        emulator.RateLimitNext("/api/v10/channels/42/messages", 0.3, global: false);

        var id = await adapter.Rest.CreateMessageAsync("42", new DiscordMessagePayload { Content = "hello" }, CancellationToken.None);

        Assert.NotNull(id);
        var attempts = emulator.Requests.Where(r => r.Path == "/api/v10/channels/42/messages").ToList();
        Assert.Equal(2, attempts.Count);
        Assert.True(attempts[1].At - attempts[0].At >= TimeSpan.FromSeconds(0.25), "the retry did not wait for retry_after");
        EmulatorAssert.NoViolations(emulator.Violations);

        var wait = Assert.Single(waits.GetMeasurementSnapshot());
        Assert.Equal("discord", wait.Tags["platform"]);
        // Milliseconds: what was left of the 0.3 s retry_after when the request was held (less on a loaded machine, as
        // time passes between the 429 and the wait; never more, give or take a millisecond of rounding).
        Assert.InRange(wait.Value, 1, 302);
    }

    [Fact]
    public async Task The_bot_token_and_interaction_tokens_never_reach_the_logs_even_at_trace()
    {
        const string interactionToken = "interaction-token-never-log-0123456789";
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator, configure: s => s.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace)));

        await adapter.Rest.CreateMessageAsync("42", new DiscordMessagePayload { Content = "hello" }, CancellationToken.None);
        await adapter.Rest.EditOriginalResponseAsync(interactionToken, new DiscordMessagePayload { Content = "edited" }, CancellationToken.None);

        Assert.Contains(emulator.Requests, r => r.Path.Contains(interactionToken, StringComparison.Ordinal));
        var logs = adapter.Logs.GetSnapshot();
        foreach (var secret in new[] { DiscordEmulator.Token, interactionToken })
        {
            Assert.DoesNotContain(logs, r => r.Message.Contains(secret, StringComparison.Ordinal)
                || (r.StructuredState ?? []).Any(kv => kv.Value?.Contains(secret, StringComparison.Ordinal) == true)
                || r.Exception?.ToString().Contains(secret, StringComparison.Ordinal) == true);
        }
    }

    [Fact]
    public async Task A_global_429_holds_a_concurrent_request_on_another_route_until_it_passes()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator);
        emulator.RateLimitNext("/api/v10/channels/43/messages", 1.0, global: true);

        var limited = adapter.Rest.CreateMessageAsync("43", new DiscordMessagePayload { Content = "a" }, CancellationToken.None);

        // Once the client has taken in the global 429 (it logs it), a request on another route starts meanwhile.
        await Eventually.TrueAsync(
            () => adapter.Logs.GetSnapshot().Any(l => l.Message.Contains("rate limited", StringComparison.Ordinal) && l.Message.Contains("global: True", StringComparison.Ordinal)),
            "the global 429 was received");
        var rateLimitedAt = emulator.Requests.First(r => r.Path == "/api/v10/channels/43/messages").At;
        await adapter.Rest.TriggerTypingAsync("44", CancellationToken.None);
        await limited;

        // Without the global limit the typing call would have gone out at once, well inside the second.
        var other = emulator.Requests.Single(r => r.Path == "/api/v10/channels/44/typing");
        Assert.True(other.At - rateLimitedAt >= TimeSpan.FromSeconds(0.95), $"the other route went out {(other.At - rateLimitedAt).TotalMilliseconds:0} ms after a global retry_after of 1 s");
        Assert.Equal(2, emulator.Requests.Count(r => r.Path == "/api/v10/channels/43/messages"));
    }

    [Fact]
    public async Task A_401_stops_the_adapter_with_a_clear_message()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator);
        emulator.RejectToken = true;

        await Assert.ThrowsAsync<DiscordUnauthorizedException>(() => adapter.Rest.CreateMessageAsync("42", new DiscordMessagePayload { Content = "x" }, CancellationToken.None));
        Assert.Contains("Advisor:Discord:Token", adapter.Status.State, StringComparison.Ordinal);
        Assert.True(adapter.Status.Stopped.IsCancellationRequested);
        await Assert.ThrowsAsync<DiscordUnauthorizedException>(() => adapter.Rest.TriggerTypingAsync("42", CancellationToken.None));
        Assert.Single(emulator.Requests);
    }

    [Fact]
    public void A_long_answer_is_split_within_every_discord_limit_and_loses_nothing()
    {
        var paragraphs = Enumerable.Range(1, 120).Select(i => $"- Point {i}: " + string.Join(' ', Enumerable.Repeat($"word{i}", 40)) + $" [{i % 30 + 1}]");
        var text = string.Join("\n", paragraphs);
        var citations = Enumerable.Range(1, 30).Select(i => new Citation($"Article {i}", "Skills", "AI Architect", $"file{i}.txt", new string('q', 1500))).ToList();
        var answer = new Answer { Text = text, Citations = citations };

        var messages = DiscordFormatter.Answer(answer);

        Assert.True(messages.Count > 1);
        foreach (var m in messages)
        {
            Assert.True((m.Content?.Length ?? 0) <= 2000);
            Assert.Empty(m.AllowedMentions.Parse);
            var embed = Assert.Single(m.Embeds!);
            Assert.True((embed.Description?.Length ?? 0) <= 4096);
            Assert.True((embed.Fields?.Count ?? 0) <= 25);
            Assert.All(embed.Fields ?? [], f => Assert.True(f.Name.Length <= 256 && f.Value.Length <= 1024 && f.Value.Length > 0));
            var total = (embed.Title?.Length ?? 0) + (embed.Description?.Length ?? 0) + (embed.Fields ?? []).Sum(f => f.Name.Length + f.Value.Length);
            Assert.True(total <= 6000, $"embed total {total}");
        }

        var joined = string.Join("\n", messages.Select(m => m.Embeds![0].Description).Where(d => d is not null));
        Assert.Equal(Normalize(text), Normalize(joined));
        Assert.Equal(30, messages.Sum(m => m.Embeds![0].Fields?.Count ?? 0));
        Assert.Contains(messages.SelectMany(m => m.Embeds![0].Fields ?? []), f => f.Name == "[1] Article 1 › Skills › AI Architect");
    }

    [Fact]
    public void Plain_text_splits_at_2000_and_mentions_are_neutralized()
    {
        var text = "@everyone " + string.Join(' ', Enumerable.Repeat("abcdefghi", 700));
        var messages = DiscordFormatter.Text(text);
        Assert.All(messages, m => Assert.InRange(m.Content!.Length, 1, 2000));
        Assert.False(MentionGuard.HasMention(messages[0].Content!));
        var json = JsonSerializer.Serialize(messages[0], DiscordJson.Options);
        Assert.Contains("\"allowed_mentions\":{\"parse\":[],\"replied_user\":false}", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Mentions_are_neutralized_before_titles_descriptions_and_fields_are_cut_to_their_limits()
    {
        static string Pings(int count) => string.Concat(Enumerable.Repeat("@everyone <@&123456789012345678> ", count));
        var citations = Enumerable.Range(1, 8).Select(i => new Citation(Pings(10), Pings(5), "AI Architect", $"file{i}.txt", Pings(60))).ToList();
        var answer = new Answer { Text = Pings(400), Citations = citations, Note = Pings(20) };

        var messages = DiscordFormatter.Answer(answer).Concat(DiscordFormatter.Pack(Pings(20), Pings(200), [new EmbedField(Pings(20), Pings(60))])).ToList();

        foreach (var embed in messages.SelectMany(m => m.Embeds!))
        {
            Assert.InRange(embed.Title!.Length, 1, 256);
            Assert.InRange(embed.Description?.Length ?? 0, 0, 4096);
            Assert.All(embed.Fields ?? [], f =>
            {
                Assert.InRange(f.Name.Length, 1, 256);
                Assert.InRange(f.Value.Length, 1, 1024);
                Assert.False(MentionGuard.HasMention(f.Name) || MentionGuard.HasMention(f.Value));
            });
            var total = embed.Title.Length + (embed.Description?.Length ?? 0) + (embed.Fields ?? []).Sum(f => f.Name.Length + f.Value.Length);
            Assert.True(total <= 6000, $"embed total {total}");
            Assert.False(MentionGuard.HasMention(embed.Title) || MentionGuard.HasMention(embed.Description ?? ""));
        }

        // The quotes really were long enough to be cut (each is far over 1,024 characters before and after neutralizing).
        Assert.Contains(messages.SelectMany(m => m.Embeds![0].Fields ?? []), f => f.Value.EndsWith('…'));
    }

    [Fact]
    public void Ed25519_verifies_the_rfc8032_vectors_and_rejects_tampering()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RepoPaths.Ed25519Vectors()));
        var vectors = doc.RootElement.GetProperty("rfc8032").EnumerateArray().ToList();
        Assert.Equal(3, vectors.Count);
        foreach (var v in vectors)
        {
            var pk = Convert.FromHexString(v.GetProperty("publicKey").GetString()!);
            var msg = Convert.FromHexString(v.GetProperty("message").GetString()!);
            var sig = Convert.FromHexString(v.GetProperty("signature").GetString()!);
            var verifier = Ed25519Verifier.FromBytes(pk);
            Assert.True(verifier.Verify(msg, sig), v.GetProperty("name").GetString());
            var bad = sig.ToArray();
            bad[0] ^= 1;
            Assert.False(verifier.Verify(msg, bad));
            Assert.False(verifier.Verify([.. msg, 0], sig));
        }

        var derived = doc.RootElement.GetProperty("discordRequests")[0];
        var raw = System.Text.Encoding.UTF8.GetBytes(derived.GetProperty("body").GetString()!);
        var ts = derived.GetProperty("timestamp").GetString();
        var signature = derived.GetProperty("signature").GetString();
        var discord = Ed25519Verifier.FromHex(derived.GetProperty("publicKey").GetString());
        Assert.True(discord.VerifyDiscordRequest(ts, raw, signature));
        for (var i = 0; i < raw.Length; i += 7)
        {
            var flipped = raw.ToArray();
            flipped[i] ^= 0x01;
            Assert.False(discord.VerifyDiscordRequest(ts, flipped, signature));
        }

        Assert.False(Ed25519Verifier.FromHex(null).VerifyDiscordRequest(ts, raw, signature));
        Assert.False(Ed25519Verifier.FromHex("not hex").VerifyDiscordRequest(ts, raw, signature));
    }

    [Fact]
    public void The_repositorys_ed25519_vectors_are_the_rfcs_keys_and_signatures()
    {
        // Every secret key gives its public key and, Ed25519 being deterministic, its signature (an independent
        // implementation: BouncyCastle's signer, where the adapter only verifies).
        using var doc = JsonDocument.Parse(File.ReadAllText(RepoPaths.Ed25519Vectors()));
        var all = doc.RootElement.GetProperty("rfc8032").EnumerateArray()
            .Concat(doc.RootElement.GetProperty("discordRequests").EnumerateArray()).ToList();
        foreach (var v in all)
        {
            var key = new Org.BouncyCastle.Crypto.Parameters.Ed25519PrivateKeyParameters(Convert.FromHexString(v.GetProperty("secretKey").GetString()!));
            Assert.Equal(v.GetProperty("publicKey").GetString(), Convert.ToHexStringLower(key.GeneratePublicKey().GetEncoded()));
            var message = v.TryGetProperty("message", out var hex)
                ? Convert.FromHexString(hex.GetString()!)
                : System.Text.Encoding.UTF8.GetBytes(v.GetProperty("timestamp").GetString() + v.GetProperty("body").GetString());
            var signer = new Org.BouncyCastle.Crypto.Signers.Ed25519Signer();
            signer.Init(true, key);
            signer.BlockUpdate(message, 0, message.Length);
            Assert.Equal(v.GetProperty("signature").GetString(), Convert.ToHexStringLower(signer.GenerateSignature()));
        }

        Assert.Equal("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b", all[0].GetProperty("signature").GetString());
    }

    [SharedProtocolFact("the cross-check of the test vectors against it")]
    public void The_repositorys_ed25519_vectors_match_the_shared_protocol_copy()
    {
        var shared = RepoPaths.SharedEd25519Vectors();
        Assert.NotNull(shared);
        using var doc = JsonDocument.Parse(File.ReadAllText(RepoPaths.Ed25519Vectors()));
        var all = doc.RootElement.GetProperty("rfc8032").EnumerateArray()
            .Concat(doc.RootElement.GetProperty("discordRequests").EnumerateArray()).ToList();
        using var theirs = JsonDocument.Parse(File.ReadAllText(shared));
        var rfc = theirs.RootElement.GetProperty("ed25519_rfc8032").EnumerateArray().ToList();
        Assert.Equal(rfc.Count, all.Count(v => v.TryGetProperty("message", out _)));
        for (var i = 0; i < rfc.Count; i++)
        {
            Assert.Equal(rfc[i].GetProperty("secretKeySeedHex").GetString(), all[i].GetProperty("secretKey").GetString());
            Assert.Equal(rfc[i].GetProperty("publicKeyHex").GetString(), all[i].GetProperty("publicKey").GetString());
            Assert.Equal(rfc[i].GetProperty("messageHex").GetString(), all[i].GetProperty("message").GetString());
            Assert.Equal(rfc[i].GetProperty("signatureHex").GetString(), all[i].GetProperty("signature").GetString());
        }

        var discord = theirs.RootElement.GetProperty("discord_derived")[0];
        var ours = all[^1];
        Assert.Equal(discord.GetProperty("rawBody").GetString(), ours.GetProperty("body").GetString());
        Assert.Equal(discord.GetProperty("headers").GetProperty("X-Signature-Ed25519").GetString(), ours.GetProperty("signature").GetString());
        output.WriteLine($"checked against {shared}");
    }

    [Fact]
    public void Missing_settings_fail_validation_naming_the_key()
    {
        var options = new DiscordOptions { Token = "", ApplicationId = "x", ShardId = 2, ShardCount = 2 };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, true);
        Assert.Contains(results, r => r.ErrorMessage!.Contains("Advisor:Discord:Token", StringComparison.Ordinal));
        Assert.Contains(results, r => r.ErrorMessage!.Contains("Advisor:Discord:ApplicationId", StringComparison.Ordinal));
    }

    private static string Normalize(string s) => string.Join(' ', s.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
}
