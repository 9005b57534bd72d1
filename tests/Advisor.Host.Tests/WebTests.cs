using Advisor.Core.Roles;
using Advisor.Core.Knowledge;
using Advisor.Core.Comparison;
using Advisor.Core.Answers;
using Advisor.Core;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Advisor.Core.Conversations;
using Advisor.Host.Web;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Host.Tests;

/// <summary>The web app of <c>advisor serve</c> over HTTP, on the real worker at 127.0.0.1 (a client on this machine).</summary>
public sealed class WebTests
{
    private const string Session = "web-test-session-0001";

    private static readonly Dictionary<string, string?> WithToken = new()
    {
        ["Advisor:Admin:Token"] = TestWorker.AdminToken,
        ["Advisor:Reload:WatchFiles"] = "false",
    };

    [Fact]
    public async Task Ask_answers_on_the_pipeline_with_citations_and_follow_ups_and_keeps_the_turn()
    {
        await using var worker = await TestWorker.StartAsync(settings: WithToken);

        using var response = await AskAsync(worker.Http, "What does an AI Architect do?");
        var answer = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("answer", answer.GetProperty("kind").GetString());
        Assert.Contains("[1]", answer.GetProperty("text").GetString(), StringComparison.Ordinal);
        var citation = answer.GetProperty("citations")[0];
        Assert.Equal(1, citation.GetProperty("n").GetInt32());
        Assert.Contains("AI Architect", citation.GetProperty("label").GetString(), StringComparison.Ordinal);
        Assert.True(worker.Advisor.Knowledge.SectionsById.ContainsKey(citation.GetProperty("sectionId").GetString()!));
        Assert.NotEqual(0, answer.GetProperty("followUps").GetArrayLength());
        Assert.False(string.IsNullOrEmpty(answer.GetProperty("followUps")[0].GetProperty("question").GetString()));
        Assert.True(answer.GetProperty("wantsFeedback").GetBoolean());

        var turnId = answer.GetProperty("turnId").GetString();
        var log = await Store(worker).ReadLogAsync(QuestionLogQuery.All);
        var kept = Assert.Single(log);
        Assert.Equal(turnId, kept.Id.ToString());
        Assert.Equal("web", kept.Platform);
        Assert.Equal("What does an AI Architect do?", kept.Question);
        Assert.NotNull(kept.UserHash);
        Assert.DoesNotContain(Session, kept.UserHash, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feedback_is_stored_with_what_was_missing()
    {
        await using var worker = await TestWorker.StartAsync(settings: WithToken);
        using var asked = await AskAsync(worker.Http, "What skills does an AI Architect need?");
        var turnId = (await JsonAsync(asked)).GetProperty("turnId").GetString();

        using var up = await PostJsonAsync(worker.Http, "/api/feedback", new { turnId, rating = "up", session = Session });
        using var down = await PostJsonAsync(worker.Http, "/api/feedback", new { turnId, rating = "down", text = "salary ranges", session = Session });
        using var unknown = await PostJsonAsync(worker.Http, "/api/feedback", new { turnId = new string('0', 32), rating = "down", session = Session });
        using var bad = await PostJsonAsync(worker.Http, "/api/feedback", new { turnId, rating = "meh", session = Session });

        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
        Assert.Equal(HttpStatusCode.OK, down.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var entry = Assert.Single(await Store(worker).ReadLogAsync(QuestionLogQuery.All));
        Assert.Equal(FeedbackRating.Down, entry.Feedback?.Rating); // the last click wins
        Assert.Equal("salary ranges", entry.Feedback?.Text);
    }

    [Fact]
    public async Task A_follow_up_keeps_the_sessions_conversation_and_another_session_has_its_own()
    {
        await using var worker = await TestWorker.StartAsync(settings: WithToken);
        const string other = "another-session-00002";
        using var first = await AskAsync(worker.Http, "What does an AI Architect do?");
        using var otherFirst = await AskAsync(worker.Http, "What does a Machine Learning Research Engineer do?", session: other);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherFirst.StatusCode);

        using var followUp = await AskAsync(worker.Http, "and their education?");
        using var otherFollowUp = await AskAsync(worker.Http, "and their education?", session: other);

        var mine = worker.Advisor.Knowledge.SectionsById[(await JsonAsync(followUp)).GetProperty("citations")[0].GetProperty("sectionId").GetString()!];
        var theirs = worker.Advisor.Knowledge.SectionsById[(await JsonAsync(otherFollowUp)).GetProperty("citations")[0].GetProperty("sectionId").GetString()!];
        Assert.Equal(("AI Architect", "education"), (mine.Role, mine.Aspect));
        Assert.Equal(("Machine Learning Research Engineer", "education"), (theirs.Role, theirs.Aspect));

        var log = await Store(worker).ReadLogAsync(QuestionLogQuery.All);
        Assert.Equal(4, log.Count);
        Assert.Equal(2, log.Select(e => e.UserHash).Distinct().Count());
    }

    [Fact]
    public async Task Ask_streams_server_sent_events_when_asked_to()
    {
        await using var worker = await TestWorker.StartAsync(settings: WithToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ask")
        {
            Content = JsonContent(new { question = "What does an AI Architect do?", session = Session }),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));

        using var response = await worker.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("event: answer\ndata: {", body, StringComparison.Ordinal); // the extractive answer arrives whole
        using var json = JsonDocument.Parse(body.Split('\n')[1]["data: ".Length..]);
        Assert.NotEqual(0, json.RootElement.GetProperty("citations").GetArrayLength());
    }

    [Fact]
    public async Task A_model_written_answer_streams_as_delta_events_and_ends_with_the_same_answer()
    {
        await using var worker = await TestWorker.StartAsync(settings: WithToken, services: s =>
            s.AddSingleton<IAdvisor>(sp => new StreamingAdvisor(ActivatorUtilities.CreateInstance<AdvisorService>(sp))));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ask")
        {
            Content = JsonContent(new { question = "What does an AI Architect do?", session = Session }),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));

        using var response = await worker.Http.SendAsync(request);
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => (Name: e.Split('\n')[0]["event: ".Length..], Data: e.Split('\n')[1]["data: ".Length..])).ToList();

        Assert.True(events.Count(e => e.Name == "delta") >= 3, string.Join(", ", events.Select(e => e.Name)));
        var (name, data) = events[^1];
        Assert.Equal("answer", name);
        using var final = JsonDocument.Parse(data);
        var streamed = string.Concat(events.Where(e => e.Name == "delta").Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("text").GetString()));
        Assert.Equal(final.RootElement.GetProperty("text").GetString(), streamed);
        Assert.NotEqual(0, final.RootElement.GetProperty("citations").GetArrayLength());
        Assert.NotEqual(0, final.RootElement.GetProperty("followUps").GetArrayLength());
    }

    /// <summary>A scripted model: the real answer's text in four pieces, then the answer with its citations.</summary>
    private sealed class StreamingAdvisor(IAdvisor inner) : IAdvisor
    {
        public KnowledgeSnapshot Knowledge => inner.Knowledge;

        public Task<Answer> AskAsync(AdvisorQuestion question, CancellationToken cancellationToken = default) => inner.AskAsync(question, cancellationToken);

        public async IAsyncEnumerable<AnswerUpdate> AskStreamingAsync(AdvisorQuestion question, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var answer = await inner.AskAsync(question, cancellationToken);
            foreach (var piece in answer.Text.Chunk(Math.Max(1, (answer.Text.Length + 3) / 4)))
            {
                await Task.Delay(20, cancellationToken);
                yield return new AnswerUpdate(new string(piece));
            }

            yield return new AnswerUpdate("", answer);
        }

        public CompareOutcome Compare(string roleA, string roleB, string? aspect = null) => inner.Compare(roleA, roleB, aspect);

        public IReadOnlyList<RoleInfo> Roles() => inner.Roles();

        public IReadOnlyList<RoleInfo> SuggestRoles(string fragment, int max = 25) => inner.SuggestRoles(fragment, max);

        public Task<ReloadReport> ReloadAsync(CancellationToken cancellationToken = default) => inner.ReloadAsync(cancellationToken);
    }

    [Fact]
    public async Task Ask_refuses_what_is_not_a_question_it_can_take()
    {
        await using var worker = await TestWorker.StartAsync(settings: WithToken);

        using var empty = await AskAsync(worker.Http, "   ");
        using var noSession = await PostJsonAsync(worker.Http, "/api/ask", new { question = "What does an AI Architect do?", session = "short" });
        using var form = await worker.Http.PostAsync("/api/ask", new FormUrlEncodedContent(new Dictionary<string, string> { ["question"] = "hi", ["session"] = Session }));
        using var huge = await worker.Http.PostAsync("/api/ask", new StringContent(
            JsonSerializer.Serialize(new { question = new string('a', WebEndpoints.MaxBodyBytes), session = Session }), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal("invalid", (await JsonAsync(empty)).GetProperty("kind").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, noSession.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Empty(await Store(worker).ReadLogAsync(QuestionLogQuery.All));
    }

    [Fact]
    public async Task Section_text_by_id_and_404_for_an_unknown_id()
    {
        await using var worker = await TestWorker.StartAsync(settings: WithToken);
        var known = worker.Advisor.Knowledge.Sections[0];

        using var found = await worker.Http.GetAsync("/api/section?id=" + Uri.EscapeDataString(known.Id));
        using var unknown = await worker.Http.GetAsync("/api/section?id=" + Uri.EscapeDataString("nope.md#nothing"));
        using var missing = await worker.Http.GetAsync("/api/section");
        var section = await JsonAsync(found);

        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal(known.Id, section.GetProperty("id").GetString());
        Assert.Equal(known.Label, section.GetProperty("label").GetString());
        Assert.Equal(known.Units, section.GetProperty("units").EnumerateArray().Select(u => u.GetString()!).ToList());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Admin_pages_and_apis_refuse_without_login_or_token()
    {
        await using var worker = await TestWorker.StartAsync(settings: WithToken);
        using var http = NoCookies(worker);

        foreach (var page in new[] { "/knowledge", "/insights", "/insights?days=7" })
        {
            using var response = await http.GetAsync(page);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/login?return=" + Uri.EscapeDataString(page), response.Headers.Location?.OriginalString);
        }

        using var knowledge = await http.GetAsync("/api/admin/knowledge");
        using var insights = await http.GetAsync("/api/admin/insights");
        using var reload = await PostJsonAsync(http, "/api/admin/reload", new { });
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/api/admin/knowledge");
        forged.Headers.Add("Cookie", AdminSession.CookieName + "=99999999999.AAAA");
        using var forgedResponse = await http.SendAsync(forged);
        using var wrongBearer = new HttpRequestMessage(HttpMethod.Get, "/api/admin/knowledge");
        wrongBearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestWorker.AdminToken + "x");
        using var wrongBearerResponse = await http.SendAsync(wrongBearer);
        using var wrongLogin = await LoginAsync(http, "not-the-token-at-all");

        Assert.Equal(HttpStatusCode.Unauthorized, knowledge.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, insights.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, reload.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forgedResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongBearerResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, wrongLogin.StatusCode);
        Assert.StartsWith("/login?error=wrong", wrongLogin.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.False(wrongLogin.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Login_sets_an_http_only_same_site_strict_cookie_without_the_token_and_opens_the_admin_pages()
    {
        await using var worker = await TestWorker.StartAsync(settings: WithToken);
        using var http = NoCookies(worker);

        using var login = await LoginAsync(http, TestWorker.AdminToken, "/insights");
        var setCookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        var cookie = setCookie.Split(';')[0];

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/insights", login.Headers.Location?.OriginalString);
        Assert.StartsWith(AdminSession.CookieName + "=", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", setCookie, StringComparison.OrdinalIgnoreCase); // plain HTTP here; Secure on HTTPS
        Assert.DoesNotContain(TestWorker.AdminToken, Uri.UnescapeDataString(setCookie), StringComparison.Ordinal);

        using var page = await SendWithCookieAsync(http, HttpMethod.Get, "/knowledge", cookie);
        using var insightsPage = await SendWithCookieAsync(http, HttpMethod.Get, "/insights", cookie);
        using var knowledge = await SendWithCookieAsync(http, HttpMethod.Get, "/api/admin/knowledge", cookie);
        using var reload = await SendWithCookieAsync(http, HttpMethod.Post, "/api/admin/reload", cookie, JsonContent(new { }));
        using var afterReload = await SendWithCookieAsync(http, HttpMethod.Get, "/api/admin/knowledge", cookie);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, insightsPage.StatusCode);
        var k = await JsonAsync(knowledge);
        Assert.Equal(worker.Advisor.Knowledge.Version, k.GetProperty("version").GetString());
        Assert.Equal(worker.Advisor.Knowledge.Sections.Count, k.GetProperty("sections").GetArrayLength());
        Assert.Equal(worker.Advisor.Knowledge.Articles.Count, k.GetProperty("articles").GetArrayLength());
        Assert.Equal(JsonValueKind.Array, k.GetProperty("errors").ValueKind);
        Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
        Assert.True((await JsonAsync(reload)).GetProperty("succeeded").GetBoolean());
        var last = (await JsonAsync(afterReload)).GetProperty("lastReload");
        Assert.StartsWith("Reloaded knowledge", last.GetProperty("summary").GetString(), StringComparison.Ordinal);

        using var logout = await SendWithCookieAsync(http, HttpMethod.Post, "/logout", cookie);
        Assert.Contains(logout.Headers.GetValues("Set-Cookie"), c => c.StartsWith(AdminSession.CookieName + "=;", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Insights_count_the_question_log_and_carry_the_gap_report()
    {
        await using var worker = await TestWorker.StartAsync(settings: WithToken);
        using var answered = await AskAsync(worker.Http, "What does an AI Architect do?");
        var turnId = (await JsonAsync(answered)).GetProperty("turnId").GetString();
        using var refused = await AskAsync(worker.Http, "What does a data analyst earn?");
        using var rated = await PostJsonAsync(worker.Http, "/api/feedback", new { turnId, rating = "down", text = "examples", session = Session });
        worker.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestWorker.AdminToken);

        using var response = await worker.Http.GetAsync("/api/admin/insights?days=7");
        var insights = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var total = insights.GetProperty("total");
        Assert.Equal(2, total.GetProperty("questions").GetInt32());
        Assert.Equal(1, total.GetProperty("answered").GetInt32());
        Assert.Equal(1, total.GetProperty("refused").GetInt32());
        Assert.Equal(1, total.GetProperty("disliked").GetInt32());
        Assert.Equal(0.5, total.GetProperty("answerRate").GetDouble());
        Assert.Equal(1.0, total.GetProperty("dislikeRate").GetDouble());
        Assert.True(total.GetProperty("medianLatencyMs").GetDouble() >= 0);
        var days = insights.GetProperty("perDay");
        Assert.Equal(7, days.GetArrayLength());
        Assert.Equal(2, days[6].GetProperty("questions").GetInt32());
        Assert.Equal(0, days[0].GetProperty("questions").GetInt32());
        Assert.Equal(JsonValueKind.Null, days[0].GetProperty("answerRate").ValueKind);
        var gaps = insights.GetProperty("gaps").EnumerateArray().ToList();
        Assert.Contains(gaps, g => g.GetProperty("kind").GetString() == "disliked");
        Assert.Contains(gaps, g => g.GetProperty("kind").GetString() is "uncovered-role" or "uncovered-topic" or "unanswered");
        Assert.DoesNotContain("userHash", insights.GetRawText(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Pages_send_a_content_security_policy_that_forbids_remote_and_inline_scripts()
    {
        await using var worker = await TestWorker.StartAsync(settings: WithToken);

        foreach (var path in new[] { "/", "/login", "/section?id=x", "/assets/ask.js" })
        {
            using var response = await worker.Http.GetAsync(path);
            var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        }
    }

    [Theory]
    [InlineData("/", "text/html")]
    [InlineData("/login", "text/html")]
    [InlineData("/section", "text/html")]
    [InlineData("/assets/site.css", "text/css")]
    [InlineData("/assets/ask.js", "text/javascript")]
    [InlineData("/assets/common.js", "text/javascript")]
    [InlineData("/assets/insights.js", "text/javascript")]
    [InlineData("/assets/knowledge.js", "text/javascript")]
    [InlineData("/assets/icon.svg", "image/svg+xml")]
    public async Task Static_assets_are_served_with_their_content_type(string path, string type)
    {
        await using var worker = await TestWorker.StartAsync(settings: WithToken);

        using var response = await worker.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task An_unknown_asset_is_404()
    {
        await using var worker = await TestWorker.StartAsync(settings: WithToken);
        using var response = await worker.Http.GetAsync("/assets/nothing.js");
        using var traversal = await worker.Http.GetAsync("/assets/..%2Fappsettings.json");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, traversal.StatusCode);
    }

    [Fact]
    public void Pages_have_no_inline_scripts_styles_or_handlers_and_scripts_never_write_html()
    {
        var assets = new StaticAssets();
        Assert.Contains("ask.html", assets.Names);
        foreach (var name in assets.Names)
        {
            var text = Encoding.UTF8.GetString(assets.Get(name)!.Bytes);
            if (name.EndsWith(".html", StringComparison.Ordinal))
            {
                Assert.DoesNotMatch(@"<script(?![^>]*\bsrc=)", text);
                Assert.DoesNotMatch(@"\son[a-z]+\s*=", text);
                Assert.DoesNotContain("<style", text, StringComparison.Ordinal);
                Assert.DoesNotContain(" style=", text, StringComparison.Ordinal);
                Assert.DoesNotMatch(@"(src|href)=""(https?:)?//", text); // nothing from another host
            }
            else if (name.EndsWith(".js", StringComparison.Ordinal))
            {
                Assert.DoesNotContain("innerHTML", text, StringComparison.Ordinal);
                Assert.DoesNotContain("outerHTML", text, StringComparison.Ordinal);
                Assert.DoesNotContain("insertAdjacentHTML", text, StringComparison.Ordinal);
                Assert.DoesNotContain("document.write", text, StringComparison.Ordinal);
                Assert.DoesNotContain("eval(", text, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task With_Public_false_the_ask_page_is_for_admins_only()
    {
        await using var worker = await TestWorker.StartAsync(settings: new Dictionary<string, string?>(WithToken) { ["Advisor:Web:Public"] = "false" });
        using var http = NoCookies(worker);

        using var page = await http.GetAsync("/");
        using var ask = await AskAsync(http, "What does an AI Architect do?");
        using var section = await http.GetAsync("/api/section?id=x");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestWorker.AdminToken);
        using var asAdmin = await AskAsync(http, "What does an AI Architect do?");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login?error=closed", page.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, ask.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, section.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asAdmin.StatusCode);
    }

    [Fact]
    public async Task By_default_a_request_relayed_by_a_proxy_is_not_from_this_machine()
    {
        await using var worker = await TestWorker.StartAsync(settings: WithToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ask") { Content = JsonContent(new { question = "What does an AI Architect do?", session = Session }) };
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");

        using var relayed = await worker.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, relayed.StatusCode);
    }

    [Fact]
    public async Task With_Public_true_a_relayed_request_may_ask()
    {
        await using var worker = await TestWorker.StartAsync(settings: new Dictionary<string, string?>(WithToken) { ["Advisor:Web:Public"] = "true" });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ask") { Content = JsonContent(new { question = "What does an AI Architect do?", session = Session }) };
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");

        using var relayed = await worker.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, relayed.StatusCode);
    }

    [Fact]
    public async Task With_Enabled_false_there_is_no_web_app()
    {
        await using var worker = await TestWorker.StartAsync(settings: new Dictionary<string, string?>(WithToken) { ["Advisor:Web:Enabled"] = "false" });

        using var page = await worker.Http.GetAsync("/");
        using var ask = await AskAsync(worker.Http, "What does an AI Architect do?");
        using var health = await worker.Http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, ask.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Without_an_admin_token_the_admin_api_is_404_and_the_login_page_says_how_to_turn_it_on()
    {
        await using var worker = await TestWorker.StartAsync(settings: new Dictionary<string, string?> { ["Advisor:Reload:WatchFiles"] = "false" });

        using var api = await worker.Http.GetAsync("/api/admin/knowledge");
        using var login = await worker.Http.GetAsync("/login");

        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Contains("Advisor:Admin:Token", await login.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failed_logins_are_limited_per_address_and_logged_once_a_minute()
    {
        var logs = new CollectingLoggerProvider();
        await using var worker = await TestWorker.StartAsync(
            settings: new Dictionary<string, string?>(WithToken) { ["Logging:LogLevel:Default"] = "Information" },
            services: s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs));
        using var http = NoCookies(worker);

        for (var i = 0; i < AdminSession.FailuresPerWindow; i++)
        {
            using var wrong = await LoginAsync(http, "wrong-token-" + i);
            Assert.StartsWith("/login?error=wrong", wrong.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }

        using var limited = await LoginAsync(http, TestWorker.AdminToken);

        Assert.StartsWith("/login?error=limit", limited.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.False(limited.Headers.Contains("Set-Cookie"));
        var warnings = logs.Entries.Where(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Text.Contains("/login", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, warnings.Count); // one for the wrong tokens, one for the limit
        Assert.DoesNotContain(logs.Entries, e => e.Text.Contains("wrong-token-", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/knowledge", "/knowledge")]
    [InlineData("/insights?days=7", "/insights?days=7")] // the weekly digest's link
    [InlineData("//evil.example/x", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData(null, "/")]
    public void After_login_only_a_path_on_this_site_is_followed(string? given, string expected) =>
        Assert.Equal(expected, WebEndpoints.LocalPath(given));

    [Fact]
    public void The_conversation_key_does_not_hold_the_session_id()
    {
        var key = WebEndpoints.ConversationKey(Session);
        Assert.StartsWith("web:", key, StringComparison.Ordinal);
        Assert.DoesNotContain(Session, key, StringComparison.Ordinal);
        Assert.Equal(key, WebEndpoints.ConversationKey(Session));
    }

    [Theory]
    [InlineData("http://0.0.0.0:8080", "http://localhost:8080/")]
    [InlineData("http://[::]:8080", "http://localhost:8080/")]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5000/")]
    public void The_start_up_line_shows_where_a_browser_finds_the_ask_page(string url, string shown) =>
        Assert.Equal(shown, Operations.AdvisorServer.AskUrl(url));

    private static IConversationStore Store(TestWorker worker) => worker.App.Services.GetRequiredService<IConversationStore>();

    private static HttpClient NoCookies(TestWorker worker) =>
        new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = worker.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };

    private static StringContent JsonContent(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    private static Task<HttpResponseMessage> AskAsync(HttpClient http, string question, string session = Session) =>
        PostJsonAsync(http, "/api/ask", new { question, session });

    private static Task<HttpResponseMessage> PostJsonAsync(HttpClient http, string path, object value) => http.PostAsync(path, JsonContent(value));

    private static Task<HttpResponseMessage> LoginAsync(HttpClient http, string token, string returnPath = "/knowledge") =>
        http.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token, ["return"] = returnPath }));

    private static Task<HttpResponseMessage> SendWithCookieAsync(HttpClient http, HttpMethod method, string path, string cookie, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("Cookie", cookie);
        return http.SendAsync(request);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.Clone();
    }
}
