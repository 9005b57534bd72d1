using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Advisor.Testing;
using Advisor.Testing.Slack;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Advisor.Slack.Tests;

/// <summary>
/// Self-tests of the Slack emulator's surface for streaming, updates, status, modals, reactions and interactivity:
/// each method called over HTTP as a client would, the recorded state and the documented error on bad input. They
/// prove the emulator, not the product.
/// </summary>
public sealed class EmulatorSurfaceTests
{
    private const string Dm = "D0DM";
    private const string Thread = "1700000000.000100";
    private static readonly HttpClient Http = new();

    private static async Task<JsonObject> Api(SlackEmulator slack, string method, JsonObject body, string token = "xoxb-test")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(slack.ApiBase, method))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static async Task<JsonObject> Form(SlackEmulator slack, string method, Dictionary<string, string> fields)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(slack.ApiBase, method)) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "xoxb-test");
        using var response = await Http.SendAsync(request);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static void Ok(JsonObject answer) => Assert.True((bool)answer["ok"]!, answer.ToJsonString());

    private static void Error(string expected, JsonObject answer)
    {
        Assert.False((bool)answer["ok"]!, answer.ToJsonString());
        Assert.Equal(expected, (string?)answer["error"]);
    }

    private static JsonArray FeedbackBlocks(string ts = "1") => new(new JsonObject
    {
        ["type"] = "context_actions",
        ["block_id"] = "fb",
        ["elements"] = new JsonArray(new JsonObject
        {
            ["type"] = "feedback_buttons",
            ["action_id"] = "answer_feedback",
            ["positive_button"] = new JsonObject { ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "👍" }, ["value"] = "good:" + ts },
            ["negative_button"] = new JsonObject { ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "👎" }, ["value"] = "bad:" + ts },
        }),
    });

    private static JsonObject Modal(string callbackId = "feedback_modal") => new()
    {
        ["type"] = "modal",
        ["callback_id"] = callbackId,
        ["private_metadata"] = """{"ts":"1"}""",
        ["title"] = new JsonObject { ["type"] = "plain_text", ["text"] = "What was missing?" },
        ["submit"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Send" },
        ["blocks"] = new JsonArray(new JsonObject
        {
            ["type"] = "input",
            ["block_id"] = "reason",
            ["label"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Tell us" },
            ["element"] = new JsonObject { ["type"] = "plain_text_input", ["action_id"] = "text", ["multiline"] = true },
        }),
    };

    [Fact]
    public async Task A_stream_accumulates_its_markdown_and_stop_stream_blocks_and_metadata_make_the_final_message()
    {
        await using var slack = await SlackEmulator.StartAsync();

        var start = await Api(slack, "chat.startStream", new JsonObject { ["channel"] = Dm, ["thread_ts"] = Thread, ["markdown_text"] = "Data engineers " });
        Ok(start);
        var ts = (string)start["ts"]!;
        Ok(await Api(slack, "chat.appendStream", new JsonObject { ["channel"] = Dm, ["ts"] = ts, ["markdown_text"] = "build **pipelines**" }));
        Ok(await Api(slack, "chat.appendStream", new JsonObject
        {
            ["channel"] = Dm,
            ["ts"] = ts,
            ["chunks"] = new JsonArray(new JsonObject { ["type"] = "markdown_text", ["text"] = " [1]." }, new JsonObject { ["type"] = "task_update", ["id"] = "t1", ["title"] = "Searching", ["status"] = "complete" }),
        }));
        Assert.Equal("Data engineers build **pipelines** [1].", slack.Stream(ts)!.Text);
        Assert.Equal(SlackStreamState.Streaming, slack.Stream(ts)!.State);

        // Form-encoded, as some clients send it: blocks and metadata arrive as JSON strings.
        var stop = await Form(slack, "chat.stopStream", new()
        {
            ["channel"] = Dm,
            ["ts"] = ts,
            ["blocks"] = FeedbackBlocks(ts).ToJsonString(),
            ["metadata"] = """{"event_type":"advisor_answer","event_payload":{"request_id":"req-1"}}""",
        });
        Ok(stop);
        Assert.Equal("Data engineers build **pipelines** [1].", (string?)stop["message"]!["text"]);
        Assert.Equal("context_actions", (string?)stop["message"]!["blocks"]![0]!["type"]);

        var stream = slack.Stream(ts)!;
        Assert.Equal(SlackStreamState.Stopped, stream.State);
        Assert.Equal(["Data engineers ", "build **pipelines**", " [1]."], stream.Pieces);
        Assert.Equal(2, stream.Chunks.Count);
        Assert.Equal("req-1", (string?)stream.Metadata!["event_payload"]!["request_id"]);
        Assert.Equal("feedback_buttons", (string?)stream.Blocks![0]!["elements"]![0]!["type"]);
        Assert.Equal(["chat.startStream", "chat.appendStream", "chat.appendStream", "chat.stopStream"], slack.History(Dm, ts).Select(v => v.Source));

        // The final message is what the thread shows, metadata included.
        var replies = await Api(slack, "conversations.replies", new JsonObject { ["channel"] = Dm, ["ts"] = Thread, ["include_all_metadata"] = true });
        var shown = Assert.Single(replies["messages"]!.AsArray());
        Assert.Equal(ts, (string?)shown!["ts"]);
        Assert.Equal("req-1", (string?)shown["metadata"]!["event_payload"]!["request_id"]);
        Assert.Equal(SlackEmulator.BotId, (string?)shown["bot_id"]);

        // After the stop the message no longer streams.
        Error("message_not_in_streaming_state", await Api(slack, "chat.appendStream", new JsonObject { ["channel"] = Dm, ["ts"] = ts, ["markdown_text"] = "more" }));
        Error("message_not_in_streaming_state", await Api(slack, "chat.stopStream", new JsonObject { ["channel"] = Dm, ["ts"] = ts }));
        Assert.Equal("message_not_in_streaming_state", slack.Calls.Last(c => c.Method == "chat.stopStream").Error);
    }

    [Fact]
    public async Task The_stream_methods_answer_the_documented_errors_for_missing_or_wrong_arguments()
    {
        await using var slack = await SlackEmulator.StartAsync();

        Error("channel_not_found", await Api(slack, "chat.startStream", new JsonObject { ["thread_ts"] = Thread }));
        Error("missing_recipient_user_id", await Api(slack, "chat.startStream", new JsonObject { ["channel"] = "C111", ["thread_ts"] = Thread }));
        Error("missing_recipient_team_id", await Api(slack, "chat.startStream", new JsonObject { ["channel"] = "C111", ["thread_ts"] = Thread, ["recipient_user_id"] = "U222" }));
        Error("invalid_arguments", await Api(slack, "chat.startStream", new JsonObject { ["channel"] = Dm, ["task_display_mode"] = "cards" }));
        Error("invalid_chunks", await Api(slack, "chat.startStream", new JsonObject { ["channel"] = Dm, ["chunks"] = new JsonArray(new JsonObject { ["type"] = "task_update", ["id"] = "t", ["title"] = "x", ["status"] = "done" }) }));
        Error("not_authed", await Api(slack, "chat.startStream", new JsonObject { ["channel"] = Dm }, token: "xapp-wrong-kind"));

        var start = await Api(slack, "chat.startStream", new JsonObject { ["channel"] = "C111", ["thread_ts"] = Thread, ["recipient_user_id"] = "U222", ["recipient_team_id"] = SlackEmulator.TeamId });
        Ok(start);
        var ts = (string)start["ts"]!;
        Assert.Equal("U222", slack.Stream(ts)!.RecipientUserId);

        Error("channel_not_found", await Api(slack, "chat.appendStream", new JsonObject { ["ts"] = ts, ["markdown_text"] = "x" }));
        Error("message_not_found", await Api(slack, "chat.appendStream", new JsonObject { ["channel"] = "C111", ["markdown_text"] = "x" }));
        Error("no_text", await Api(slack, "chat.appendStream", new JsonObject { ["channel"] = "C111", ["ts"] = ts }));
        Error("message_not_found", await Api(slack, "chat.appendStream", new JsonObject { ["channel"] = "C111", ["ts"] = "1700009999.000001", ["markdown_text"] = "x" }));
        Error("invalid_arguments", await Api(slack, "chat.appendStream", new JsonObject { ["channel"] = "C111", ["ts"] = ts, ["markdown_text"] = new string('x', 12_001) }));
        Error("message_not_found", await Api(slack, "chat.stopStream", new JsonObject { ["channel"] = "C111" }));
        Error("invalid_metadata_format", await Api(slack, "chat.stopStream", new JsonObject { ["channel"] = "C111", ["ts"] = ts, ["metadata"] = new JsonObject { ["event_type"] = "x" } }));
        var tooMany = new JsonArray([.. Enumerable.Range(0, 51).Select(_ => (JsonNode)new JsonObject { ["type"] = "divider" })]);
        Error("msg_blocks_too_many", await Api(slack, "chat.stopStream", new JsonObject { ["channel"] = "C111", ["ts"] = ts, ["blocks"] = tooMany }));

        // A posted (never streamed) message is not in the streaming state; chat.update refuses a streaming one.
        var post = await Api(slack, "chat.postMessage", new JsonObject { ["channel"] = "C111", ["text"] = "plain" });
        Error("message_not_in_streaming_state", await Api(slack, "chat.appendStream", new JsonObject { ["channel"] = "C111", ["ts"] = (string)post["ts"]!, ["markdown_text"] = "x" }));
        Error("streaming_state_conflict", await Api(slack, "chat.update", new JsonObject { ["channel"] = "C111", ["ts"] = ts, ["text"] = "edit" }));
        Assert.Equal(SlackStreamState.Streaming, slack.Stream(ts)!.State);
    }

    [Fact]
    public async Task Stop_by_the_user_makes_appends_fail_with_stopped_by_user_and_gives_the_agent_session_stopped_event()
    {
        await using var slack = await SlackEmulator.StartAsync();
        var ts = (string)(await Api(slack, "chat.startStream", new JsonObject { ["channel"] = Dm, ["thread_ts"] = Thread, ["markdown_text"] = "Partial" }))["ts"]!;

        var stopped = slack.StopStreamByUser(ts, user: "U333");

        Assert.Equal("event_callback", (string?)stopped["type"]);
        Assert.Equal("agent_session_stopped", (string?)stopped["event"]!["type"]);
        Assert.Equal(Thread, (string?)stopped["event"]!["thread_ts"]);
        Assert.Equal(ts, (string?)stopped["event"]!["streaming_message_ts"]![0]);
        Error("stopped_by_user", await Api(slack, "chat.appendStream", new JsonObject { ["channel"] = Dm, ["ts"] = ts, ["markdown_text"] = " more" }));
        Ok(await Api(slack, "chat.stopStream", new JsonObject { ["channel"] = Dm, ["ts"] = ts }));
        Assert.True(slack.Stream(ts)!.UserStopped);
        Assert.Equal(SlackStreamState.Stopped, slack.Stream(ts)!.State);
        Assert.Equal("Partial", slack.Find(Dm, ts)!.Message["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_update_edits_the_stored_message_keeps_its_history_and_answers_the_documented_errors()
    {
        await using var slack = await SlackEmulator.StartAsync();
        var post = await Api(slack, "chat.postMessage", new JsonObject
        {
            ["channel"] = "C111",
            ["thread_ts"] = Thread,
            ["text"] = "draft",
            ["metadata"] = new JsonObject { ["event_type"] = "advisor_answer", ["event_payload"] = new JsonObject { ["request_id"] = "r1" } },
        });
        var ts = (string)post["ts"]!;

        var first = await Api(slack, "chat.update", new JsonObject { ["channel"] = "C111", ["ts"] = ts, ["text"] = "draft, longer" });
        Ok(first);
        Assert.Equal("draft, longer", (string?)first["message"]!["text"]);
        Assert.Equal("r1", (string?)first["message"]!["metadata"]!["event_payload"]!["request_id"]); // kept unless resent
        Ok(await Api(slack, "chat.update", new JsonObject { ["channel"] = "C111", ["ts"] = ts, ["text"] = "final", ["blocks"] = FeedbackBlocks(ts), ["metadata"] = new JsonObject() }));

        Assert.Equal(["draft", "draft, longer", "final"], slack.History("C111", ts).Select(v => v.Text));
        Assert.Equal(["chat.postMessage", "chat.update", "chat.update"], slack.History("C111", ts).Select(v => v.Source));
        var now = slack.Find("C111", ts)!.Message;
        Assert.Null(now["metadata"]); // an empty object removes it
        Assert.Equal("fb", (string?)now["blocks"]![0]!["block_id"]);

        Error("channel_not_found", await Api(slack, "chat.update", new JsonObject { ["ts"] = ts, ["text"] = "x" }));
        Error("message_not_found", await Api(slack, "chat.update", new JsonObject { ["channel"] = "C111", ["text"] = "x" }));
        Error("no_text", await Api(slack, "chat.update", new JsonObject { ["channel"] = "C111", ["ts"] = ts }));
        Error("markdown_text_conflict", await Api(slack, "chat.update", new JsonObject { ["channel"] = "C111", ["ts"] = ts, ["text"] = "x", ["markdown_text"] = "**x**" }));
        Error("msg_too_long", await Api(slack, "chat.update", new JsonObject { ["channel"] = "C111", ["ts"] = ts, ["text"] = new string('x', 4001) }));
        Error("invalid_metadata_schema", await Api(slack, "chat.update", new JsonObject
        {
            ["channel"] = "C111",
            ["ts"] = ts,
            ["text"] = "x",
            ["metadata"] = new JsonObject { ["event_type"] = "Advisor-Answer", ["event_payload"] = new JsonObject() },
        }));

        // A ts the emulator never stored: accepted by default (it may be older than the emulator), refused when enforced.
        Ok(await Api(slack, "chat.update", new JsonObject { ["channel"] = "C111", ["ts"] = "1600000000.000001", ["text"] = "x" }));
        Assert.Single(slack.History("C111", "1600000000.000001"));
        slack.EnforceMessageState = true;
        Error("message_not_found", await Api(slack, "chat.update", new JsonObject { ["channel"] = "C111", ["ts"] = "1600000000.000002", ["text"] = "x" }));
    }

    [Fact]
    public async Task Block_kit_limits_for_answers_are_checked_on_every_message_method()
    {
        await using var slack = await SlackEmulator.StartAsync();
        JsonObject Post(JsonNode blocks) => new() { ["channel"] = "C111", ["text"] = "fallback", ["blocks"] = blocks };
        var feedback = FeedbackBlocks()[0]!;
        var button = new JsonObject { ["type"] = "button", ["action_id"] = "b", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Education" } };

        Ok(await Api(slack, "chat.postMessage", Post(FeedbackBlocks())));
        var sixElements = new JsonObject { ["type"] = "context_actions", ["elements"] = new JsonArray([.. Enumerable.Range(0, 6).Select(_ => feedback["elements"]![0]!.DeepClone())]) };
        var invalid = await Api(slack, "chat.postMessage", Post(new JsonArray(sixElements)));
        Error("invalid_blocks", invalid);
        Assert.Contains("/blocks/0/elements", (string?)invalid["response_metadata"]!["messages"]![0], StringComparison.Ordinal);
        Error("invalid_blocks", await Api(slack, "chat.postMessage", Post(new JsonArray(new JsonObject { ["type"] = "actions", ["elements"] = new JsonArray(feedback["elements"]![0]!.DeepClone()) }))));
        Error("invalid_blocks", await Api(slack, "chat.postMessage", Post(new JsonArray(new JsonObject { ["type"] = "context_actions", ["elements"] = new JsonArray(button.DeepClone()) }))));
        var longLabel = button.DeepClone().AsObject();
        longLabel["text"]!["text"] = new string('x', 76);
        Error("invalid_blocks", await Api(slack, "chat.postMessage", Post(new JsonArray(new JsonObject { ["type"] = "actions", ["elements"] = new JsonArray(longLabel) }))));
        Error("invalid_blocks", await Api(slack, "chat.postMessage", Post(new JsonArray(new JsonObject { ["type"] = "actions", ["elements"] = new JsonArray(button.DeepClone(), button.DeepClone()) }))));
        Ok(await Api(slack, "chat.postMessage", Post(new JsonArray(new JsonObject { ["type"] = "markdown", ["text"] = new string('x', 6000) }, new JsonObject { ["type"] = "markdown", ["text"] = new string('x', 6000) }))));
        Error("invalid_blocks", await Api(slack, "chat.postMessage", Post(new JsonArray(new JsonObject { ["type"] = "markdown", ["text"] = new string('x', 6000) }, new JsonObject { ["type"] = "markdown", ["text"] = new string('x', 6001) }))));
        Error("invalid_blocks", await Api(slack, "chat.postMessage", Post(new JsonArray(new JsonObject { ["type"] = "divider", ["block_id"] = "a" }, new JsonObject { ["type"] = "divider", ["block_id"] = "a" }))));
        var table = new JsonObject { ["type"] = "table", ["rows"] = new JsonArray([.. Enumerable.Range(0, 101).Select(_ => (JsonNode)new JsonArray())]) };
        Error("invalid_blocks", await Api(slack, "chat.postMessage", Post(new JsonArray(table))));
    }

    [Fact]
    public async Task Assistant_thread_status_is_recorded_validated_and_cleared_by_a_reply()
    {
        await using var slack = await SlackEmulator.StartAsync();

        Ok(await Api(slack, "assistant.threads.setStatus", new JsonObject { ["channel_id"] = Dm, ["thread_ts"] = Thread, ["status"] = "is thinking…", ["loading_messages"] = new JsonArray("Reading the handbook") }));
        Assert.Equal("is thinking…", slack.AssistantStatus(Dm, Thread));
        var update = Assert.Single(slack.StatusUpdates);
        Assert.Equal(("assistant.threads.setStatus", Dm, Thread), (update.Method, update.Channel, update.ThreadTs));

        Ok(await Api(slack, "chat.postMessage", new JsonObject { ["channel"] = Dm, ["thread_ts"] = Thread, ["text"] = "answer" }));
        Assert.Null(slack.AssistantStatus(Dm, Thread)); // a reply clears it

        Error("channel_not_found", await Api(slack, "assistant.threads.setStatus", new JsonObject { ["thread_ts"] = Thread, ["status"] = "x" }));
        Error("invalid_thread_ts", await Api(slack, "assistant.threads.setStatus", new JsonObject { ["channel_id"] = Dm, ["status"] = "x" }));
        Error("invalid_arguments", await Api(slack, "assistant.threads.setStatus", new JsonObject { ["channel_id"] = Dm, ["thread_ts"] = Thread }));
        Error("invalid_arguments", await Api(slack, "assistant.threads.setStatus", new JsonObject
        {
            ["channel_id"] = Dm,
            ["thread_ts"] = Thread,
            ["status"] = "x",
            ["loading_messages"] = new JsonArray([.. Enumerable.Range(0, 11).Select(i => (JsonNode)("m" + i))]),
        }));
        Ok(await Api(slack, "assistant.threads.setStatus", new JsonObject { ["channel_id"] = Dm, ["thread_ts"] = Thread, ["status"] = "" }));
        Assert.Null(slack.AssistantStatus(Dm, Thread));
        Assert.Equal(2, slack.StatusUpdates.Count);
    }

    [Fact]
    public async Task Agent_session_status_answers_like_slack_and_can_be_made_unavailable()
    {
        await using var slack = await SlackEmulator.StartAsync();

        var set = await Api(slack, "agents.sessions.setStatus", new JsonObject { ["channel_id"] = "C111", ["thread_ts"] = Thread, ["status"] = "processing", ["title"] = "Leave question" });
        Ok(set);
        Assert.Equal("processing", (string?)set["agent_status"]);
        Assert.Equal("Leave question", (string?)set["title"]);
        var again = await Api(slack, "agents.sessions.setStatus", new JsonObject { ["channel_id"] = "C111", ["thread_ts"] = Thread, ["status"] = "active", ["title"] = "ignored" });
        Assert.Equal("Leave question", (string?)again["title"]); // the title is only used when the call creates the session
        Assert.Equal("active", slack.AgentSessionStatus("C111", Thread));

        Error("channel_not_found", await Api(slack, "agents.sessions.setStatus", new JsonObject { ["thread_ts"] = Thread, ["status"] = "active" }));
        Error("invalid_status", await Api(slack, "agents.sessions.setStatus", new JsonObject { ["channel_id"] = "C111", ["thread_ts"] = Thread }));
        Error("invalid_status", await Api(slack, "agents.sessions.setStatus", new JsonObject { ["channel_id"] = "C111", ["thread_ts"] = Thread, ["status"] = "thinking" }));
        Error("thread_ts_required", await Api(slack, "agents.sessions.setStatus", new JsonObject { ["channel_id"] = "C111", ["status"] = "active" }));
        slack.SessionChannels["C999"] = true;
        Error("thread_ts_not_allowed", await Api(slack, "agents.sessions.setStatus", new JsonObject { ["channel_id"] = "C999", ["thread_ts"] = Thread, ["status"] = "active" }));
        Ok(await Api(slack, "agents.sessions.setStatus", new JsonObject { ["channel_id"] = "C999", ["status"] = "active" }));

        slack.AgentSessionStoppedSubscribed = false;
        Assert.Equal("missing_agent_session_stopped_event_subscription",
            (string?)(await Api(slack, "agents.sessions.setStatus", new JsonObject { ["channel_id"] = "C111", ["thread_ts"] = Thread, ["status"] = "processing" }))["warning"]);

        slack.AgentSessions = AgentSessionsSupport.MissingScope;
        var missing = await Api(slack, "agents.sessions.setStatus", new JsonObject { ["channel_id"] = "C111", ["thread_ts"] = Thread, ["status"] = "processing" });
        Error("missing_scope", missing);
        Assert.Equal("assistant:write", (string?)missing["needed"]);
        Assert.Equal(SlackEmulator.ProvidedScopes, (string?)missing["provided"]);
        slack.AgentSessions = AgentSessionsSupport.UnknownMethod;
        Error("unknown_method", await Api(slack, "agents.sessions.setStatus", new JsonObject { ["channel_id"] = "C111", ["thread_ts"] = Thread, ["status"] = "processing" }));
        Assert.Equal(4, slack.StatusUpdates.Count); // refused calls are not recorded as statuses, but are calls
        Assert.Equal("unknown_method", slack.Calls.Last().Error);

        // Any method can be refused with an error of the test's choosing, and accepted again.
        slack.Refuse("chat.startStream", "messages_tab_disabled");
        Error("messages_tab_disabled", await Api(slack, "chat.startStream", new JsonObject { ["channel"] = Dm }));
        slack.Refuse("chat.startStream", null);
        Ok(await Api(slack, "chat.startStream", new JsonObject { ["channel"] = Dm }));
    }

    [Fact]
    public async Task Views_open_needs_a_fresh_trigger_and_a_valid_modal_and_views_update_replaces_it()
    {
        await using var slack = await SlackEmulator.StartAsync();
        var trigger = slack.NewTriggerId("U222");

        Error("invalid_arguments", await Api(slack, "views.open", new JsonObject { ["view"] = Modal() }));
        Error("invalid_trigger_id", await Api(slack, "views.open", new JsonObject { ["trigger_id"] = "not a trigger", ["view"] = Modal() }));
        Error("invalid_arguments", await Api(slack, "views.open", new JsonObject { ["trigger_id"] = trigger }));
        var longTitle = Modal();
        longTitle["title"]!["text"] = new string('x', 25);
        Error("invalid_arguments", await Api(slack, "views.open", new JsonObject { ["trigger_id"] = trigger, ["view"] = longTitle }));
        var noSubmit = Modal();
        noSubmit.Remove("submit");
        Error("invalid_arguments", await Api(slack, "views.open", new JsonObject { ["trigger_id"] = trigger, ["view"] = noSubmit }));

        // Form-encoded, the view is a JSON string.
        var opened = await Form(slack, "views.open", new() { ["trigger_id"] = trigger, ["view"] = Modal().ToJsonString() });
        Ok(opened);
        var view = Assert.Single(slack.Views);
        Assert.Equal((string?)opened["view"]!["id"], view.Id);
        Assert.Equal("feedback_modal", view.CallbackId);
        Assert.Equal("""{"ts":"1"}""", view.PrivateMetadata);
        Assert.Equal("U222", view.User);
        Error("exchanged_trigger_id", await Api(slack, "views.open", new JsonObject { ["trigger_id"] = trigger, ["view"] = Modal() }));

        slack.TriggerLifetime = TimeSpan.Zero;
        var late = slack.NewTriggerId();
        await Task.Delay(20);
        Error("expired_trigger_id", await Api(slack, "views.open", new JsonObject { ["trigger_id"] = late, ["view"] = Modal() }));

        var updated = Modal("feedback_modal_thanks");
        Error("invalid_arguments", await Api(slack, "views.update", new JsonObject { ["view"] = updated.DeepClone() }));
        Error("not_found", await Api(slack, "views.update", new JsonObject { ["view_id"] = "VNOPE", ["view"] = updated.DeepClone() }));
        Error("hash_conflict", await Api(slack, "views.update", new JsonObject { ["view_id"] = view.Id, ["hash"] = "1.stale", ["view"] = updated.DeepClone() }));
        var update = await Api(slack, "views.update", new JsonObject { ["view_id"] = view.Id, ["hash"] = view.Hash, ["view"] = updated.DeepClone() });
        Ok(update);
        Assert.Equal(view.Id, (string?)update["view"]!["id"]);
        Assert.Equal(["feedback_modal", "feedback_modal_thanks"], view.Versions.Select(v => (string?)v["callback_id"]));
    }

    [Fact]
    public async Task Reactions_are_kept_per_message_and_missing_arguments_get_the_documented_errors()
    {
        await using var slack = await SlackEmulator.StartAsync();
        var reaction = new JsonObject { ["channel"] = "C111", ["timestamp"] = Thread, ["name"] = "thinking_face" };

        Ok(await Api(slack, "reactions.add", reaction));
        Assert.Equal(["thinking_face"], slack.Reactions("C111", Thread));
        Ok(await Api(slack, "reactions.remove", reaction));
        Assert.Empty(slack.Reactions("C111", Thread));

        Error("invalid_name", await Api(slack, "reactions.add", new JsonObject { ["channel"] = "C111", ["timestamp"] = Thread }));
        Error("no_item_specified", await Api(slack, "reactions.add", new JsonObject { ["channel"] = "C111", ["name"] = "eyes" }));
        Error("no_item_specified", await Api(slack, "reactions.remove", new JsonObject { ["timestamp"] = Thread, ["name"] = "eyes" }));

        slack.EnforceMessageState = true;
        Error("no_reaction", await Api(slack, "reactions.remove", reaction));
        Ok(await Api(slack, "reactions.add", reaction));
        Error("already_reacted", await Api(slack, "reactions.add", reaction));
    }

    [Fact]
    public async Task A_block_actions_click_is_built_from_the_stored_message_and_its_response_url_acts_on_that_message()
    {
        await using var slack = await SlackEmulator.StartAsync();
        var ts = (string)(await Api(slack, "chat.postMessage", new JsonObject { ["channel"] = "C111", ["thread_ts"] = Thread, ["text"] = "answer", ["blocks"] = FeedbackBlocks() }))["ts"]!;
        var message = slack.Find("C111", ts)!;

        var click = slack.BlockActions(message, "answer_feedback", "bad:1", user: "U333");

        Assert.Equal("block_actions", (string?)click["type"]);
        var action = click["actions"]![0]!;
        Assert.Equal(("feedback_buttons", "answer_feedback", "fb", "bad:1"), ((string?)action["type"], (string?)action["action_id"], (string?)action["block_id"], (string?)action["value"]));
        Assert.Equal("👎", (string?)action["text"]!["text"]);
        Assert.Equal(ts, (string?)click["message"]!["ts"]);
        Assert.Equal(ts, (string?)click["container"]!["message_ts"]);
        Assert.Equal(Thread, (string?)click["container"]!["thread_ts"]);
        Assert.Equal("C111", (string?)click["channel"]!["id"]);
        Assert.Equal("U333", (string?)click["user"]!["id"]);
        Assert.Matches(@"^\d+\.\d+\.[0-9a-f]+$", (string?)click["trigger_id"]);
        Assert.Equal("good:1", (string?)slack.BlockActions(message, "answer_feedback")["actions"]![0]!["value"]);
        Assert.Throws<InvalidOperationException>(() => slack.BlockActions(message, "no_such_action"));
        Assert.Throws<InvalidOperationException>(() => slack.BlockActions(message, "answer_feedback", "meh"));

        // The response_url replaces the clicked message, then (another click's) deletes it.
        var responseUrl = (string)click["response_url"]!;
        using (var replaced = await Http.PostAsync(responseUrl, new StringContent("""{"replace_original":true,"text":"Thanks for the feedback"}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        }

        Assert.Equal("Thanks for the feedback", (string?)slack.Find("C111", ts)!.Message["text"]);
        Assert.Null(slack.Find("C111", ts)!.Message["blocks"]);
        var other = (string)slack.BlockActions(message.Channel, ts, Thread, new JsonObject { ["type"] = "button", ["action_id"] = "x" })["response_url"]!;
        using (var deleted = await Http.PostAsync(other, new StringContent("""{"delete_original":"true"}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        Assert.Null(slack.Find("C111", ts));
        Assert.Equal(["chat.postMessage", "response_url", "response_url"], slack.History("C111", ts).Select(v => v.Source));
        Assert.True(slack.History("C111", ts)[^1].Deleted);
    }

    [Fact]
    public async Task A_view_submission_carries_the_state_values_private_metadata_and_callback_id_of_the_opened_modal()
    {
        await using var slack = await SlackEmulator.StartAsync();
        Ok(await Api(slack, "views.open", new JsonObject { ["trigger_id"] = slack.NewTriggerId(), ["view"] = Modal() }));
        var view = slack.Views[0];

        var submission = slack.ViewSubmission(view, "U333", new SlackInput("reason", "text", "It missed the salary range"));

        Assert.Equal("view_submission", (string?)submission["type"]);
        Assert.Equal(view.Id, (string?)submission["view"]!["id"]);
        Assert.Equal("feedback_modal", (string?)submission["view"]!["callback_id"]);
        Assert.Equal("""{"ts":"1"}""", (string?)submission["view"]!["private_metadata"]);
        Assert.Equal(view.Hash, (string?)submission["view"]!["hash"]);
        Assert.Equal("plain_text_input", (string?)submission["view"]!["state"]!["values"]!["reason"]!["text"]!["type"]);
        Assert.Equal("It missed the salary range", (string?)submission["view"]!["state"]!["values"]!["reason"]!["text"]!["value"]);
        Assert.Equal("U333", (string?)submission["user"]!["id"]);
        Assert.Empty(submission["response_urls"]!.AsArray());
        Assert.Null(slack.ViewSubmission(view)["view"]!["state"]!["values"]!["reason"]!["text"]!["value"]);
        Assert.Throws<InvalidOperationException>(() => slack.ViewSubmission(view, "U333", new SlackInput("reason", "other", "x")));
    }

    [Fact]
    public async Task Interactivity_posts_are_form_encoded_and_signed_as_slack_signs_them()
    {
        await using var slack = await SlackEmulator.StartAsync();
        var ts = (string)(await Api(slack, "chat.postMessage", new JsonObject { ["channel"] = "C111", ["text"] = "answer", ["blocks"] = FeedbackBlocks() }))["ts"]!;
        var click = slack.BlockActions(slack.Find("C111", ts)!, "answer_feedback");

        // What goes on the wire, captured by a plain endpoint.
        await using var capture = await Capture.StartAsync();
        using (var response = await SlackEmulator.PostInteractivityAsync(capture.Url, click, AdvisorSlackApp.SigningSecret))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal("application/x-www-form-urlencoded", capture.ContentType);
        Assert.StartsWith("payload=", Encoding.UTF8.GetString(capture.Body), StringComparison.Ordinal);
        var form = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Encoding.UTF8.GetString(capture.Body));
        Assert.True(JsonNode.DeepEquals(click, JsonNode.Parse(form["payload"].ToString())));
        Assert.Equal(SlackSignature.Compute(AdvisorSlackApp.SigningSecret, capture.Timestamp!, capture.Body), capture.Signature);
        Assert.Null(SlackSignature.Problem(AdvisorSlackApp.SigningSecret, capture.Timestamp!, capture.Signature!, capture.Body, DateTimeOffset.UtcNow));

        // The product's endpoint accepts it, and refuses the same payload signed with another secret.
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true);
        var endpoint = new Uri(app.Root, "slack/interactivity");
        using (var accepted = await SlackEmulator.PostInteractivityAsync(endpoint, click, AdvisorSlackApp.SigningSecret))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        using (var refused = await SlackEmulator.PostInteractivityAsync(endpoint, click, "another-secret"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using (var stale = await SlackEmulator.PostInteractivityAsync(endpoint, click, AdvisorSlackApp.SigningSecret, DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds()))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        }
    }

    [Fact]
    public async Task Interactive_envelopes_go_over_socket_mode_and_the_ack_is_returned()
    {
        await using var slack = await SlackEmulator.StartAsync();
        var open = await Api(slack, "apps.connections.open", [], token: "xapp-test");
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri((string)open["url"]!), CancellationToken.None);
        Assert.Equal("hello", (string?)(await ReceiveAsync(socket))["type"]);
        Ok(await Api(slack, "views.open", new JsonObject { ["trigger_id"] = slack.NewTriggerId(), ["view"] = Modal() }));
        var submission = slack.ViewSubmission(slack.Views[0], "U333", new SlackInput("reason", "text", "More on tools"));
        var ts = (string)(await Api(slack, "chat.postMessage", new JsonObject { ["channel"] = "C111", ["text"] = "answer", ["blocks"] = FeedbackBlocks() }))["ts"]!;
        var click = slack.BlockActions(slack.Find("C111", ts)!, "answer_feedback");
        await Eventually.TrueAsync(() => slack.OpenConnections == 1, "the socket counted as open");

        var sending = slack.SendInteractiveAsync(submission);
        var envelope = await ReceiveAsync(socket);
        Assert.Equal("interactive", (string?)envelope["type"]);
        Assert.True((bool)envelope["accepts_response_payload"]!);
        Assert.True(JsonNode.DeepEquals(submission, envelope["payload"]));
        await SendAsync(socket, new JsonObject { ["envelope_id"] = envelope["envelope_id"]!.DeepClone(), ["payload"] = new JsonObject { ["response_action"] = "clear" } });
        var ack = await sending;
        Assert.Equal("clear", (string?)ack!["payload"]!["response_action"]);

        var clicking = slack.SendInteractiveAsync(click);
        var clickEnvelope = await ReceiveAsync(socket);
        Assert.False((bool)clickEnvelope["accepts_response_payload"]!);
        Assert.Equal("block_actions", (string?)clickEnvelope["payload"]!["type"]);
        await SendAsync(socket, new JsonObject { ["envelope_id"] = clickEnvelope["envelope_id"]!.DeepClone() });
        Assert.NotNull(await clicking);
        Assert.True(slack.Acked((string)clickEnvelope["envelope_id"]!));
    }

    private static async Task<JsonObject> ReceiveAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var message = new MemoryStream();
        var buffer = new byte[16 * 1024];
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, timeout.Token);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        return JsonNode.Parse(message.ToArray())!.AsObject();
    }

    private static Task SendAsync(ClientWebSocket socket, JsonObject frame) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(frame.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>A loopback endpoint that keeps the last request's raw body and Slack headers.</summary>
    private sealed class Capture : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private Capture(WebApplication app) => _app = app;

        public Uri Url { get; private set; } = null!;

        public byte[] Body { get; private set; } = [];

        public string? ContentType { get; private set; }

        public string? Timestamp { get; private set; }

        public string? Signature { get; private set; }

        public static async Task<Capture> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var capture = new Capture(app);
            app.MapPost("/slack/interactivity", async (HttpContext http) =>
            {
                using var body = new MemoryStream();
                await http.Request.Body.CopyToAsync(body);
                capture.Body = body.ToArray();
                capture.ContentType = http.Request.ContentType;
                capture.Timestamp = http.Request.Headers["X-Slack-Request-Timestamp"];
                capture.Signature = http.Request.Headers["X-Slack-Signature"];
                return Results.Ok();
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            capture.Url = new Uri(address + "/slack/interactivity");
            return capture;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
