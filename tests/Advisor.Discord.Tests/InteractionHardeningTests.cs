using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Advisor.Core.Hosting;
using Advisor.Core.Turns;
using Advisor.Discord.Messages;
using Advisor.Testing;
using Advisor.Testing.Discord;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Advisor.Discord.Tests;

/// <summary>The HTTP interactions endpoint under fault injection (issue 10).</summary>
public sealed class InteractionHardeningTests
{
    private const string Question = "What skills does an AI Architect need?";

    private static string Snowflake(int n) => (786008729715300000L + n).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Fifty_interactions_accepted_before_shutdown_are_all_answered_and_one_arriving_during_it_is_told_to_come_back()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var host = await InteractionHost.StartAsync(emulator, gated: true);
        host.Advisor.Hold(Question);

        // 50 /ask from 50 users over 5 channels: each deferred at once, the answers held in the core.
        var ids = Enumerable.Range(1, 50).Select(Snowflake).ToList();
        var posts = ids.Select((id, i) => host.PostAsync(InteractionHost.Ask(Question, id, userId: Snowflake(1000 + i), channelId: Snowflake(2000 + i % 5)).ToJsonString()));
        foreach (var response in await Task.WhenAll(posts))
        {
            using (response)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(5, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["type"]!.GetValue<int>());
            }
        }

        await Eventually.TrueAsync(() => !host.Advisor.Entered.IsEmpty, "an answer being worked out");
        Assert.Equal(50, host.Gate.InFlight); // every accepted one is held until its answer is delivered
        var stopping = Task.Run(() => host.App.StopAsync());
        await Eventually.TrueAsync(() => !host.Gate.Accepting, "shutdown to close the gate");

        // Discord cannot be told to retry an interaction: one arriving now is answered, ephemerally, at once.
        using (var late = await host.PostAsync(InteractionHost.Ask(Question, Snowflake(99), userId: Snowflake(1099)).ToJsonString()))
        {
            var json = JsonNode.Parse(await late.Content.ReadAsStringAsync())!;
            Assert.Equal(4, json["type"]!.GetValue<int>());
            Assert.Equal(64, json["data"]!["flags"]!.GetValue<int>());
            Assert.Equal(QuestionGate.RestartingText, json["data"]!["content"]!.GetValue<string>());
        }

        Assert.False(stopping.IsCompleted, "shutdown did not wait for the accepted interactions");
        host.Advisor.Release(Question);
        await stopping.WaitAsync(TimeSpan.FromSeconds(60));

        foreach (var id in ids)
        {
            var original = Assert.Contains("tok-" + id, (IDictionary<string, JsonObject>)emulator.Originals);
            Assert.True(original["embeds"] is JsonArray { Count: > 0 }, $"interaction {id} was not answered: {original.ToJsonString()}");
        }

        Assert.Equal(50, emulator.Requests.Count(r => r.Method == "PATCH"));
        Assert.Equal(0, host.Gate.InFlight);
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    [Fact]
    public async Task A_command_beyond_the_queue_gets_an_ephemeral_busy_notice()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var host = await InteractionHost.StartAsync(emulator, new() { ["Advisor:Discord:Workers"] = "1", ["Advisor:Discord:QueueCapacity"] = "1" }, gated: true);
        host.Advisor.Hold(Question);

        using (var first = await host.PostAsync(InteractionHost.Ask(Question, Snowflake(1)).ToJsonString()))
        {
            Assert.Equal(5, JsonNode.Parse(await first.Content.ReadAsStringAsync())!["type"]!.GetValue<int>());
        }

        using (var second = await host.PostAsync(InteractionHost.Ask(Question, Snowflake(2), userId: Snowflake(1002)).ToJsonString()))
        {
            var json = JsonNode.Parse(await second.Content.ReadAsStringAsync())!;
            Assert.Equal(4, json["type"]!.GetValue<int>());
            Assert.Equal(64, json["data"]!["flags"]!.GetValue<int>());
            Assert.Equal(TurnNotice.BusyText, json["data"]!["content"]!.GetValue<string>());
        }

        host.Advisor.Release(Question);
        await Eventually.TrueAsync(() => emulator.Originals.ContainsKey("tok-" + Snowflake(1)), "the held answer");
        Assert.False(emulator.Originals.ContainsKey("tok-" + Snowflake(2)));
    }

    [Fact]
    public async Task The_same_interaction_twice_gets_the_same_deferral_one_answer_and_one_log_line()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var host = await InteractionHost.StartAsync(emulator);
        var body = InteractionHost.Ask(Question, Snowflake(7)).ToJsonString();

        using var first = await host.PostAsync(body);
        using var second = await host.PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(5, JsonNode.Parse(await second.Content.ReadAsStringAsync())!["type"]!.GetValue<int>());

        // A later interaction's answer shows the work queue went past where a second answer would have been.
        await Eventually.TrueAsync(() => emulator.Originals.ContainsKey("tok-" + Snowflake(7)), "the answer");
        using (await host.PostAsync(InteractionHost.Ask(Question, Snowflake(8)).ToJsonString()))
        {
        }

        await Eventually.TrueAsync(() => emulator.Originals.ContainsKey("tok-" + Snowflake(8)), "the later answer");
        Assert.Single(emulator.Requests, r => r.Method == "PATCH" && r.Path.Contains("tok-" + Snowflake(7), StringComparison.Ordinal));
        var lines = host.Logs.GetSnapshot().Where(l => l.Message.Contains("repeated interaction", StringComparison.Ordinal)).ToList();
        Assert.Single(lines);
        Assert.Equal(LogLevel.Warning, lines[0].Level);
    }

    [Fact]
    public async Task A_thousand_unsigned_posts_are_refused_with_at_most_a_couple_of_warnings()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var host = await InteractionHost.StartAsync(emulator);

        for (var i = 0; i < 1000; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, DiscordEndpoints.InteractionsPath) { Content = new StringContent("{\"type\":1}", Encoding.UTF8, "application/json") };
            if (i % 2 == 0)
            {
                request.Headers.Add("X-Signature-Timestamp", "1700000000");
                request.Headers.Add("X-Signature-Ed25519", new string('a', 128));
            }

            using var response = await host.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var warnings = host.Logs.GetSnapshot().Where(l => l.Level >= LogLevel.Warning).ToList();
        // One per kind of refusal (no headers, a wrong signature) and minute; a minute boundary could add a count line.
        Assert.InRange(warnings.Count, 1, 4);
        Assert.All(warnings, w => Assert.Contains(DiscordEndpoints.InteractionsPath, w.Message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_declared_larger_than_the_cap_is_refused_without_reading_it(bool signed)
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var host = await InteractionHost.StartAsync(emulator);
        var http = Context(host, new ThrowingStream(), contentLength: 29_000_000, signed);

        await DiscordEndpoints.HandleAsync(http);

        // Signed-looking headers: 413 by the declared length. None: 401 before anything else. Either way unread.
        Assert.Equal(signed ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status401Unauthorized, http.Response.StatusCode);
    }

    [Fact]
    public async Task A_chunked_body_is_cut_off_just_past_the_cap()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var host = await InteractionHost.StartAsync(emulator, new() { ["Advisor:Discord:MaxInteractionBodyBytes"] = "65536" });
        var endless = new EndlessStream();
        var http = Context(host, endless, contentLength: null, signed: true);

        await DiscordEndpoints.HandleAsync(http);

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, http.Response.StatusCode);
        Assert.Equal(65_537, endless.BytesRead);
    }

    [Fact]
    public async Task Sixteen_parallel_oversized_posts_over_the_wire_are_refused_at_once()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var host = await InteractionHost.StartAsync(emulator);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => RawPostAsync(host.BaseAddress, 29_000_000, signed: i % 2 == 0)));

        Assert.All(statuses.Where((_, i) => i % 2 == 0), s => Assert.Equal(413, s));
        Assert.All(statuses.Where((_, i) => i % 2 == 1), s => Assert.Equal(401, s));
    }

    [Theory]
    [InlineData("../../../channels/555/messages")]
    [InlineData("tok?x=1#frag")]
    [InlineData("..")]
    [InlineData("")]
    public async Task An_interaction_whose_token_is_not_a_token_is_refused_and_never_reaches_a_REST_path(string token)
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var host = await InteractionHost.StartAsync(emulator);
        await Eventually.TrueAsync(() => emulator.Requests.Any(r => r.Method == "PUT"), "the command registration");
        var interaction = InteractionHost.Ask(Question, Snowflake(5));
        interaction["token"] = token;

        using var response = await host.PostAsync(interaction.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await Task.Delay(200);
        Assert.DoesNotContain(emulator.Requests, r => r.Method is "PATCH" or "POST" && r.Path.StartsWith("/api/v10/webhooks", StringComparison.Ordinal));
        Assert.DoesNotContain(emulator.Requests, r => r.Path.Contains("/channels/555", StringComparison.Ordinal));
    }

    /// <summary>
    /// Odd but signed bodies: never a 500, never an Error log line, at most one log line each; well-formed ones of a
    /// kind the bot lacks get a polite ephemeral 200, malformed ones a 400.
    /// </summary>
    [Fact]
    public async Task Odd_but_signed_payloads_get_400_or_a_polite_200_and_never_a_500()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var host = await InteractionHost.StartAsync(emulator);
        await Eventually.TrueAsync(() => emulator.Requests.Any(r => r.Method == "PUT"), "the command registration");
        await Eventually.TrueAsync(() => host.Logs.GetSnapshot().Any(l => l.Message.Contains("registered", StringComparison.Ordinal)), "its log line");
        var valid = InteractionHost.Ask(Question, Snowflake(300));

        var bodies = new List<byte[]>();
        foreach (var text in new[]
        {
            "[1,2,3]", "null", "\"text\"", "42", "true", "{}", "{\"type\":\"2\"}", "{\"type\":2.5}", "{\"type\":2}", "{\"type\":-1}",
            "{\"type\":2,\"id\":5,\"token\":\"t\"}", "{\"type\":99,\"id\":\"1\",\"token\":\"t\",\"user\":{\"id\":\"2\"}}",
            "{\"type\":3,\"id\":\"1\",\"token\":\"t\",\"user\":{\"id\":\"2\"},\"data\":{\"custom_id\":\"x\"}}",
            string.Concat(Enumerable.Repeat("[", 200)) + string.Concat(Enumerable.Repeat("]", 200)),
        })
        {
            bodies.Add(Encoding.UTF8.GetBytes(text));
        }

        // Every field of a valid /ask replaced, one at a time, by values of every JSON type.
        JsonNode?[] odd = [null, 0, -1, 1.5, true, "", "x", "../x", new JsonArray(), new JsonArray(1, "a"), new JsonObject(), new JsonObject { ["a"] = 1 }];
        var paths = new[] { "type", "id", "token", "guild_id", "channel_id", "member", "member.user", "member.user.id", "member.roles", "member.permissions", "data", "data.name", "data.options", "data.options.0", "data.options.0.name", "data.options.0.value", "data.options.0.focused" };
        var seeded = new Random(10);
        foreach (var path in paths)
        {
            foreach (var value in odd.OrderBy(_ => seeded.Next()).Take(6))
            {
                var copy = (JsonObject)valid.DeepClone();
                copy["id"] = Snowflake(seeded.Next(1000, 900_000));
                copy["token"] = "tok-" + copy["id"]!.GetValue<string>();
                Set(copy, path, value?.DeepClone());
                bodies.Add(Encoding.UTF8.GetBytes(copy.ToJsonString()));
            }
        }

        // Invalid UTF-8 inside an option value (the JSON itself parses).
        var utf8 = valid.DeepClone().AsObject();
        utf8["id"] = Snowflake(301);
        utf8["token"] = "tok-" + Snowflake(301);
        var marker = "\"QQQ\"";
        utf8["data"]!["options"]![0]!["value"] = "QQQ";
        var raw = Encoding.UTF8.GetBytes(utf8.ToJsonString());
        var at = Encoding.UTF8.GetString(raw).IndexOf(marker, StringComparison.Ordinal) + 1;
        raw[at] = 0xC3;
        raw[at + 1] = 0x28;
        raw[at + 2] = 0xFF;
        var invalidUtf8 = raw;
        bodies.Add(invalidUtf8);

        foreach (var body in bodies)
        {
            var before = host.Logs.GetSnapshot().Count;
            using var response = await host.PostAsync(body);
            var shown = Encoding.UTF8.GetString(body);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{(int)response.StatusCode} for {shown}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            }

            // The app's own lines (ASP.NET Core's request lines are Information here; the worker sets them to Warning).
            var added = host.Logs.GetSnapshot().Skip(before).Where(l => l.Category?.StartsWith("Microsoft.", StringComparison.Ordinal) != true).ToList();
            Assert.True(added.Count <= 1, string.Join("\n", added.Select(l => $"{l.Category}: {l.Message}")));
        }

        using (var bad = await host.PostAsync(invalidUtf8))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        Assert.DoesNotContain(host.Logs.GetSnapshot(), l => l.Level >= LogLevel.Error);
    }

    private static void Set(JsonObject root, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        JsonNode node = root;
        foreach (var part in parts[..^1])
        {
            node = int.TryParse(part, out var i) ? node[i]! : node[part]!;
        }

        if (int.TryParse(parts[^1], out var index))
        {
            node[index] = value;
        }
        else
        {
            node[parts[^1]] = value;
        }
    }

    private static DefaultHttpContext Context(InteractionHost host, Stream body, long? contentLength, bool signed)
    {
        var http = new DefaultHttpContext { RequestServices = host.App.Services };
        http.Request.Method = "POST";
        http.Request.Path = DiscordEndpoints.InteractionsPath;
        http.Request.Body = body;
        http.Request.ContentLength = contentLength;
        http.Response.Body = new MemoryStream();
        if (signed)
        {
            http.Request.Headers["X-Signature-Timestamp"] = "1700000000";
            http.Request.Headers["X-Signature-Ed25519"] = new string('0', 128);
        }

        return http;
    }

    /// <summary>Sends only the headers of a large POST and reads the status line the server answers with.</summary>
    private static async Task<int> RawPostAsync(Uri baseAddress, long contentLength, bool signed)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port);
        var stream = tcp.GetStream();
        var headers = new StringBuilder()
            .Append("POST ").Append(DiscordEndpoints.InteractionsPath).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(baseAddress.Authority).Append("\r\n")
            .Append("Content-Type: application/json\r\n")
            .Append("Content-Length: ").Append(contentLength).Append("\r\n");
        if (signed)
        {
            headers.Append("X-Signature-Timestamp: 1700000000\r\nX-Signature-Ed25519: ").Append(new string('b', 128)).Append("\r\n");
        }

        headers.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(headers.ToString()));
        await stream.WriteAsync(new byte[64 * 1024]); // a little of the body; the rest never comes
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var status = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        return int.Parse(status!.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A body that must not be read.</summary>
    private sealed class ThrowingStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("the body was read");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => throw new InvalidOperationException("the body was read");

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A body that never ends (as a chunked upload can), counting what was read.</summary>
    private sealed class EndlessStream : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill((byte)'a');
            BytesRead += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            buffer.Span.Fill((byte)'a');
            BytesRead += buffer.Length;
            return ValueTask.FromResult(buffer.Length);
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
