using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Advisor.Core.Hosting;
using Advisor.Testing;
using Advisor.Testing.Slack;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Advisor.Slack.Tests;

public sealed class SlackHttpTests
{
    private static string Command(SlackEmulator slack, string command, string text, string user, out string responseUrl)
    {
        responseUrl = slack.NewResponseUrl();
        return "token=gIkuvaNzQIHg97ATvDxqgjtO&team_id=T111&team_domain=example&channel_id=C111&channel_name=test"
            + $"&user_id={user}&user_name=someone&command={Uri.EscapeDataString(command)}&text={Uri.EscapeDataString(text)}"
            + $"&response_url={Uri.EscapeDataString(responseUrl)}&trigger_id=13345224609.738474920.8088930838d88f008e0&api_app_id=A111";
    }

    [Fact]
    public async Task Url_verification_returns_the_challenge_as_text()
    {
        await using var slack = await SlackEmulator.StartAsync();
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true);

        var body = """{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}""";
        using var response = await app.PostSignedAsync("slack/events", body, "application/json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_bad_or_stale_signature_gets_401_and_nothing_is_processed()
    {
        await using var slack = await SlackEmulator.StartAsync();
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true);

        var forged = SlackEmulator.Mention("What skills does an AI Architect need?", "1700000500.000100", "EvForged").ToJsonString();
        using (var bad = await app.PostSignedAsync("slack/events", forged, "application/json", badSignature: true))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        }

        var stale = SlackEmulator.Mention("What skills does an AI Architect need?", "1700000501.000100", "EvStale").ToJsonString();
        using (var old = await app.PostSignedAsync("slack/events", stale, "application/json", timestamp: DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds()))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        }

        var forgedCommand = Command(slack, "/reload", "", "UADMIN", out var forgedUrl);
        slack.Users["UADMIN"] = (true, false);
        using (var badCommand = await app.PostSignedAsync("slack/commands", forgedCommand, "application/x-www-form-urlencoded", badSignature: true))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, badCommand.StatusCode);
        }

        using (var badInteraction = await app.PostSignedAsync("slack/interactivity", "payload=%7B%22type%22%3A%22block_actions%22%7D", "application/x-www-form-urlencoded", badSignature: true))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, badInteraction.StatusCode);
        }

        // A genuine event afterwards is answered; the refused ones left no trace.
        var genuine = SlackEmulator.Mention("What tools does an AI Scientist use?", "1700000502.000100", "EvGenuine").ToJsonString();
        using (var ok = await app.PostSignedAsync("slack/events", genuine, "application/json"))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        await Eventually.TrueAsync(() => slack.Posts.Count == 1, "the genuine answer");
        Assert.Equal("1700000502.000100", (string?)slack.Posts[0].Body["thread_ts"]);
        Assert.DoesNotContain(slack.Calls, c => (string?)c.Body["timestamp"] is "1700000500.000100" or "1700000501.000100");
        Assert.DoesNotContain(slack.Calls, c => c.Method == "users.info");
        Assert.Empty(slack.Responses(forgedUrl));
    }

    [Fact]
    public async Task An_http_retry_of_an_event_is_answered_once()
    {
        await using var slack = await SlackEmulator.StartAsync();
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true);

        var body = SlackEmulator.Mention("What skills does an AI Architect need?", "1700000600.000100", "EvHttp").ToJsonString();
        using (var first = await app.PostSignedAsync("slack/events", body, "application/json"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using (var retry = await app.PostSignedAsync("slack/events", body, "application/json", retryNum: 1))
        {
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        }

        await Eventually.TrueAsync(() => slack.Posts.Count == 1, "the answer");
        var sentinel = SlackEmulator.Mention("What tools does an AI Scientist use?", "1700000601.000100", "EvSentinel").ToJsonString();
        (await app.PostSignedAsync("slack/events", sentinel, "application/json")).Dispose();
        await Eventually.TrueAsync(() => slack.Posts.Count == 2, "the sentinel answer");
        Assert.Single(slack.Posts, p => (string?)p.Body["thread_ts"] == "1700000600.000100");
    }

    [Fact]
    public async Task A_retry_that_reaches_another_replica_is_not_worked_on_there()
    {
        await using var slack = await SlackEmulator.StartAsync();
        var shared = new SharedDedupe();
        await using var a = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true, customize: b => b.Services.AddSingleton(shared.For("a")));
        await using var b = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true, customize: b => b.Services.AddSingleton(shared.For("b")));

        var body = SlackEmulator.Mention("What skills does an AI Architect need?", "1700000700.000100", "EvTwoReplicas").ToJsonString();
        (await a.PostSignedAsync("slack/events", body, "application/json")).Dispose();
        await Eventually.TrueAsync(() => slack.Posts.Count == 1, "the answer from replica a");
        using (var retry = await b.PostSignedAsync("slack/events", body, "application/json", retryNum: 1))
        {
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode); // acknowledged: another replica has it
        }

        await Eventually.TrueAsync(() => shared.Asked.Any(x => x is ("b", "slack-event:EvTwoReplicas", false)), "replica b to find the event taken");
        var sentinel = SlackEmulator.Mention("What tools does an AI Scientist use?", "1700000701.000100", "EvSentinel2").ToJsonString();
        (await b.PostSignedAsync("slack/events", sentinel, "application/json")).Dispose();
        await Eventually.TrueAsync(() => slack.Posts.Count == 2, "the sentinel answer from replica b");
        Assert.Single(slack.Posts, p => (string?)p.Body["thread_ts"] == "1700000700.000100");
        static bool ThatMessage((string Replica, string Key, bool Granted) x) => x.Key.StartsWith("message:slack:", StringComparison.Ordinal) && x.Key.Contains("1700000700.000100", StringComparison.Ordinal);
        Assert.Contains(shared.Asked, x => x.Replica == "a" && ThatMessage(x) && x.Granted);
        Assert.DoesNotContain(shared.Asked, x => x.Replica == "b" && ThatMessage(x)); // b never reached the pipeline
    }

    [Fact]
    public async Task Reload_by_a_non_admin_is_refused_ephemerally_and_an_admin_gets_the_summary()
    {
        await using var slack = await SlackEmulator.StartAsync();
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true,
            s => s["Advisor:Slack:AdminUserIds:0"] = "UCONFIGURED");
        slack.Users["UMEMBER"] = (false, false);
        slack.Users["UOWNER"] = (false, true);

        using (var ack = await app.PostSignedAsync("slack/commands", Command(slack, "/reload", "", "UMEMBER", out var memberUrl), "application/x-www-form-urlencoded"))
        {
            Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
            await Eventually.TrueAsync(() => slack.Responses(memberUrl).Count == 1, "the refusal");
            var refusal = slack.Responses(memberUrl)[0];
            Assert.Equal("ephemeral", (string?)refusal["response_type"]);
            Assert.Equal(SlackCommandHandler.ReloadRefusal, (string?)refusal["text"]);
        }

        (await app.PostSignedAsync("slack/commands", Command(slack, "/reload", "", "UOWNER", out var ownerUrl), "application/x-www-form-urlencoded")).Dispose();
        await Eventually.TrueAsync(() => slack.Responses(ownerUrl).Count == 1, "the owner's summary");
        Assert.StartsWith("Reloaded knowledge", (string?)slack.Responses(ownerUrl)[0]["text"], StringComparison.Ordinal);

        // A configured admin id needs no users.info call.
        var usersInfoCalls = slack.Calls.Count(c => c.Method == "users.info");
        (await app.PostSignedAsync("slack/commands", Command(slack, "/reload", "", "UCONFIGURED", out var configuredUrl), "application/x-www-form-urlencoded")).Dispose();
        await Eventually.TrueAsync(() => slack.Responses(configuredUrl).Count == 1, "the configured admin's summary");
        Assert.StartsWith("Reloaded knowledge", (string?)slack.Responses(configuredUrl)[0]["text"], StringComparison.Ordinal);
        Assert.Equal(usersInfoCalls, slack.Calls.Count(c => c.Method == "users.info"));
    }

    [Fact]
    public async Task Ask_compare_and_roles_answer_through_the_response_url()
    {
        await using var slack = await SlackEmulator.StartAsync();
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true, s => s["Advisor:Slack:AskEphemeral"] = "false");

        (await app.PostSignedAsync("slack/commands", Command(slack, "/ask", "What skills does an AI Architect need?", "U1", out var askUrl), "application/x-www-form-urlencoded")).Dispose();
        (await app.PostSignedAsync("slack/commands", Command(slack, "/compare", "AI Architect vs AI Scientist skills", "U1", out var compareUrl), "application/x-www-form-urlencoded")).Dispose();
        (await app.PostSignedAsync("slack/commands", Command(slack, "/compare", "AI Architect vs Astronaut", "U1", out var unknownUrl), "application/x-www-form-urlencoded")).Dispose();
        (await app.PostSignedAsync("slack/commands", Command(slack, "/roles", "", "U1", out var rolesUrl), "application/x-www-form-urlencoded")).Dispose();
        using var usage = await app.PostSignedAsync("slack/commands", Command(slack, "/compare", "just one role", "U1", out _), "application/x-www-form-urlencoded");
        var usageAck = JsonNode.Parse(await usage.Content.ReadAsStringAsync())!;
        Assert.Equal("ephemeral", (string?)usageAck["response_type"]);
        Assert.Contains("/compare", (string?)usageAck["text"], StringComparison.Ordinal);

        await Eventually.TrueAsync(() => slack.Responses(askUrl).Count >= 1 && slack.Responses(compareUrl).Count >= 1
            && slack.Responses(unknownUrl).Count >= 1 && slack.Responses(rolesUrl).Count >= 1, "all command results");

        var ask = slack.Responses(askUrl)[0];
        Assert.True("in_channel" == (string?)ask["response_type"], ask.ToJsonString());
        Assert.Contains(ask["blocks"]!.AsArray(), b => (string?)b!["type"] == "context" && ((string?)b["elements"]![0]!["text"])!.Contains('›', StringComparison.Ordinal));

        var compare = slack.Responses(compareUrl)[0];
        Assert.True("in_channel" == (string?)compare["response_type"], compare.ToJsonString());
        var blocks = compare["blocks"]!.AsArray();
        Assert.Equal("header", (string?)blocks[0]!["type"]);
        var header = blocks.First(b => (string?)b!["type"] == "table")!["rows"]![0]!.AsArray();
        Assert.Equal(3, header.Count);
        Assert.Contains("AI Architect", (string?)header[1]!["text"], StringComparison.Ordinal);
        Assert.Contains("AI Scientist", (string?)header[2]!["text"], StringComparison.Ordinal);

        var unknown = slack.Responses(unknownUrl)[0];
        Assert.Equal("ephemeral", (string?)unknown["response_type"]);

        var roles = slack.Responses(rolesUrl)[0];
        Assert.Contains("AI Architect", (string?)roles["text"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_notice_longer_than_a_section_reaches_the_response_url_as_valid_blocks()
    {
        await using var slack = await SlackEmulator.StartAsync();
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true);

        // An unknown role of 3,500 characters makes an error notice longer than one section may be.
        var role = string.Join(' ', Enumerable.Repeat("Astronaut <&>", 270));
        (await app.PostSignedAsync("slack/commands", Command(slack, "/compare", $"{role} vs AI Architect", "U1", out var url), "application/x-www-form-urlencoded")).Dispose();

        await Eventually.TrueAsync(() => slack.Responses(url).Count >= 1 || !slack.ResponseErrors.IsEmpty, "the notice");
        Assert.Empty(slack.ResponseErrors);
        var sections = slack.Responses(url).SelectMany(r => r["blocks"]!.AsArray()).Select(b => (string)b!["text"]!["text"]!).ToList();
        Assert.True(sections.Count >= 2, $"{sections.Count} sections");
        Assert.All(sections, t => Assert.InRange(t.Length, 1, 3000));
        Assert.All(slack.Responses(url), r => Assert.Equal("ephemeral", (string?)r["response_type"]));
        Assert.True(sections.Sum(t => t.Length) > 3000);
        Assert.Contains("Known roles:", string.Concat(sections), StringComparison.Ordinal);
        Assert.DoesNotContain("<&>", string.Concat(sections), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_response_url_and_the_bot_token_never_appear_in_the_logs()
    {
        await using var slack = await SlackEmulator.StartAsync();
        FakeLogCollector? logs = null;
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true, customize: b =>
        {
            // Everything, down to Trace: a superset of what the host logs by default.
            b.Logging.AddFakeLogging();
            b.Logging.SetMinimumLevel(LogLevel.Trace);
        });
        logs = app.Services.GetRequiredService<FakeLogCollector>();
        slack.Users["UOWNER"] = (false, true);

        (await app.PostSignedAsync("slack/commands", Command(slack, "/ask", "What skills does an AI Architect need?", "UOWNER", out var askUrl), "application/x-www-form-urlencoded")).Dispose();
        (await app.PostSignedAsync("slack/commands", Command(slack, "/reload", "", "UOWNER", out var reloadUrl), "application/x-www-form-urlencoded")).Dispose();
        await Eventually.TrueAsync(() => slack.Responses(askUrl).Count >= 1 && slack.Responses(reloadUrl).Count >= 1, "both results");

        var records = logs.GetSnapshot();
        var text = string.Join('\n', records.Select(Flat));

        // The capture works: the Web API client's request logging is there...
        Assert.Contains(records, r => r.Category == typeof(SlackHttpLogger).FullName && r.Message.Contains("users.info", StringComparison.Ordinal));
        Assert.Contains(records, r => r.Level == LogLevel.Trace);

        // ...but neither response_url (its path is the secret) nor the bot token (a header, redacted) is anywhere.
        foreach (var secret in new[] { askUrl.Split('/').Last(), reloadUrl.Split('/').Last(), "xoxb-test-token" })
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), string.Join('\n', records.Where(r => Flat(r).Contains(secret, StringComparison.Ordinal)).Select(r => $"{r.Level} {r.Category} [{r.Message}] {r.State?.GetType()}")));
        }
    }

    /// <summary>The response URLs: a local service on another port, by address, by name, and behind user info.</summary>
    public static TheoryData<string> ForeignResponseUrls() => new()
    {
        "http://127.0.0.1:{0}/response/x",
        "http://localhost:{0}/response/x",
        "http://hooks.slack.com@127.0.0.1:{0}/response/x",
    };

    [Theory]
    [MemberData(nameof(ForeignResponseUrls))]
    public async Task A_command_whose_response_url_is_not_slacks_is_refused_and_nothing_is_sent_there(string pattern)
    {
        await using var slack = await SlackEmulator.StartAsync();
        await using var other = await SlackEmulator.StartAsync(); // the "internal service" on another port
        FakeLogCollector? logs = null;
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true, customize: b => b.Logging.AddFakeLogging());
        logs = app.Services.GetRequiredService<FakeLogCollector>();
        var foreign = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, other.Root.Port);

        var body = "team_id=T111&channel_id=C111&user_id=U1&command=%2Fask&text=What%20skills%20does%20an%20AI%20Architect%20need%3F"
            + $"&response_url={Uri.EscapeDataString(foreign)}&trigger_id=1.2.3&api_app_id=A111";
        using (var ack = await app.PostSignedAsync("slack/commands", body, "application/x-www-form-urlencoded"))
        {
            Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
            var refusal = JsonNode.Parse(await ack.Content.ReadAsStringAsync())!;
            Assert.Equal("ephemeral", (string?)refusal["response_type"]);
            Assert.Equal(SlackCommandHandler.ForeignResponseUrl, (string?)refusal["text"]);
        }

        // A genuine command afterwards (same channel, so queued behind anything the refused one could have queued) is answered…
        (await app.PostSignedAsync("slack/commands", Command(slack, "/roles", "", "U1", out var genuineUrl), "application/x-www-form-urlencoded")).Dispose();
        await Eventually.TrueAsync(() => slack.Responses(genuineUrl).Count == 1, "the genuine command's result");

        // …and nothing reached the other server; the refusal was logged once, without the URL.
        Assert.Empty(other.Responses(foreign));
        var warning = Assert.Single(logs.GetSnapshot(), r => r.Level >= LogLevel.Warning);
        Assert.Contains("response_url", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(other.Root.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), warning.Message, StringComparison.Ordinal);
    }

    /// <summary>Signed bodies Slack would never send (issue 10, item 6).</summary>
    public static TheoryData<string, byte[]> OddBodies() => new()
    {
        { "an array", "[1,2,3]"u8.ToArray() },
        { "null", "null"u8.ToArray() },
        { "an event with a number for its type", """{"event":{"type":7}}"""u8.ToArray() },
        { "an event_callback with a number for the event type", """{"type":"event_callback","event_id":"EvOdd","event":{"type":7}}"""u8.ToArray() },
        { "a number for the type", """{"type":7}"""u8.ToArray() },
        { "invalid UTF-8 in the text", [.. """{"type":"event_callback","event_id":"EvUtf8","event":{"type":"app_mention","channel":"C111","ts":"1.2","user":"U1","text":"hi """u8, 0xFF, 0xFE, .. "\"}}"u8] },
        { "not JSON", "{\"type\":"u8.ToArray() },
    };

    [Theory]
    [MemberData(nameof(OddBodies))]
    public async Task A_signed_body_slack_would_never_send_gets_400_and_one_log_line(string what, byte[] body)
    {
        await using var slack = await SlackEmulator.StartAsync();
        FakeLogCollector? logs = null;
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true, customize: b => b.Logging.AddFakeLogging());
        logs = app.Services.GetRequiredService<FakeLogCollector>();

        using (var response = await app.PostSignedAsync("slack/events", body, "application/json"))
        {
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {(int)response.StatusCode}");
        }

        using (var again = await app.PostSignedAsync("slack/events", body, "application/json"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        }

        var warning = Assert.Single(logs.GetSnapshot(), r => r.Level >= LogLevel.Warning);
        Assert.Equal(typeof(RejectionLog).FullName, warning.Category);
        Assert.Null(warning.Exception);

        // The app goes on answering.
        (await app.PostSignedAsync("slack/events", SlackEmulator.Mention("What skills does an AI Architect need?", "1700000900.000100", "EvAfterOdd").ToJsonString(), "application/json")).Dispose();
        await Eventually.TrueAsync(() => slack.Posts.Count == 1, "an answer after the odd body");
    }

    [Fact]
    public async Task A_thousand_unsigned_or_forged_posts_write_a_couple_of_warnings_not_a_thousand()
    {
        await using var slack = await SlackEmulator.StartAsync();
        FakeLogCollector? logs = null;
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true, customize: b => b.Logging.AddFakeLogging());
        logs = app.Services.GetRequiredService<FakeLogCollector>();
        using var http = new HttpClient();
        var body = SlackEmulator.Mention("What skills does an AI Architect need?", "1700001000.000100", "EvFlood").ToJsonString();

        for (var i = 0; i < 1000; i++)
        {
            if (i % 2 == 0)
            {
                using var unsigned = await http.PostAsync(new Uri(app.Root, "slack/events"), new StringContent(body, Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
            }
            else
            {
                using var forged = await app.PostSignedAsync("slack/events", body, "application/json", badSignature: true);
                Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
            }
        }

        var warnings = logs.GetSnapshot().Where(r => r.Level >= LogLevel.Warning).ToList();
        Assert.InRange(warnings.Count, 1, 2);
        Assert.All(warnings, w => Assert.Equal(typeof(RejectionLog).FullName, w.Category));
        Assert.Empty(slack.Posts);
    }

    [Fact]
    public async Task The_content_type_and_the_size_are_checked_and_a_refusal_never_reaches_the_handlers()
    {
        await using var slack = await SlackEmulator.StartAsync();
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true);
        var body = SlackEmulator.Mention("What skills does an AI Architect need?", "1700001100.000100", "EvType").ToJsonString();

        using (var wrongType = await app.PostSignedAsync("slack/events", body, "text/plain"))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        }

        using (var jsonCommand = await app.PostSignedAsync("slack/commands", "{}", "application/json"))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, jsonCommand.StatusCode);
        }

        var huge = "{\"type\":\"event_callback\",\"pad\":\"" + new string('x', (1 << 20) + 10) + "\"}";
        using (var tooLarge = await app.PostSignedAsync("slack/events", huge, "application/json"))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        }

        using (var hugeTimestamp = await app.PostSignedAsync("slack/events", body, "application/json", timestamp: 99_999_999_999_999))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, hugeTimestamp.StatusCode);
        }

        using (var interaction = await app.PostSignedAsync("slack/interactivity", "payload=%5B1%2C", "application/x-www-form-urlencoded"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, interaction.StatusCode);
        }

        Assert.DoesNotContain(slack.Calls, c => c.Method is "chat.postMessage" or "reactions.add");
    }

    /// <summary>Everything a sink could write of a record: message, exception, structured state and scopes.</summary>
    private static string Flat(FakeLogRecord r) => string.Join(" | ",
        r.Category, r.Message, r.Exception?.ToString(),
        string.Join(",", r.StructuredState?.Select(kv => kv.Value) ?? []),
        string.Join(",", r.Scopes.Select(scope => scope is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(",", pairs.Select(p => p.Value)) : scope?.ToString())));
}
