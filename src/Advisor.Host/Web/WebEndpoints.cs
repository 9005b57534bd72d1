using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Advisor.Core;
using Advisor.Core.Conversations;
using Advisor.Core.Hosting;
using Advisor.Core.Turns;
using Advisor.Host.Operations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Host.Web;

/// <summary>
/// The web app of <c>advisor serve</c>: the Ask page (<c>/</c>) on the same turn pipeline as the chat platforms, and
/// the admin pages Knowledge (<c>/knowledge</c>) and Insights (<c>/insights</c>) behind the admin token, with their
/// JSON APIs. Pages are static files from the assembly; every response carries a Content-Security-Policy that allows
/// this origin's scripts and styles only.
/// </summary>
public static class WebEndpoints
{
    /// <summary>The platform name of web turns: metrics, logs, the question log, the user hash.</summary>
    public const string Platform = "web";

    /// <summary>The largest request body the web APIs read (a question is far smaller).</summary>
    public const int MaxBodyBytes = 16 * 1024;

    internal const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    /// <summary>Adds the web app's services (unless <c>Advisor:Web:Enabled</c> is false, they cost nothing until used).</summary>
    public static IServiceCollection AddAdvisorWeb(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        services.AddOptions<WebOptions>().Bind(configuration.GetSection(WebOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<StaticAssets>();
        services.AddSingleton<LastReload>();
        services.AddHostedService(sp => sp.GetRequiredService<LastReload>());
        services.AddSingleton(sp => new AdminSession(
            sp.GetRequiredService<IOptions<AdminOptions>>().Value.Token,
            TimeSpan.FromHours(sp.GetRequiredService<IOptions<WebOptions>>().Value.LoginHours),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>Maps the pages, assets and APIs, and the security headers; nothing when <c>Advisor:Web:Enabled</c> is false.</summary>
    public static WebApplication MapAdvisorWeb(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<IOptions<WebOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WebEndpoints).FullName!);
        if (!options.Enabled)
        {
            Log.WebOff(logger);
            return app;
        }

        var assets = app.Services.GetRequiredService<StaticAssets>();
        var session = app.Services.GetRequiredService<AdminSession>();
        var rejections = app.Services.GetRequiredService<RejectionLog>();

        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            await next(context).ConfigureAwait(false);
        });

        // ---- pages and assets ----
        app.MapGet("/", (HttpContext c) => MayAsk(c, options, session) ? Page(c, assets, "ask.html") : AskClosed(c, session));
        app.MapGet("/section", (HttpContext c) => MayAsk(c, options, session) ? Page(c, assets, "section.html") : AskClosed(c, session));
        app.MapGet("/knowledge", (HttpContext c) => AdminPage(c, assets, session, "knowledge.html", "/knowledge"));
        app.MapGet("/insights", (HttpContext c) => AdminPage(c, assets, session, "insights.html", "/insights" + c.Request.QueryString)); // the digest links ?days=7
        app.MapGet("/assets/{name}", (HttpContext c, string name) => Page(c, assets, name) ?? Results.NotFound());
        app.MapGet("/login", (HttpContext c, string? @return, string? error) => LoginPage(c, assets, session, LocalPath(@return), error));
        app.MapPost("/login", (HttpContext c, RejectionLog log) => LoginAsync(c, session, log));
        app.MapPost("/logout", (HttpContext c) =>
        {
            c.Response.Cookies.Delete(AdminSession.CookieName, session.CookieOptions(c, expired: true));
            return Results.Redirect("/login?error=out", permanent: false, preserveMethod: false);
        });

        // ---- the Ask API ----
        app.MapPost("/api/ask", AskAsync);
        app.MapPost("/api/feedback", FeedbackAsync);
        app.MapGet("/api/section", (HttpContext c, string? id, IAdvisor advisor) =>
        {
            if (!MayAsk(c, options, session))
            {
                return Refused(c, rejections, "/api/section", "the Ask page is not open to this client", StatusCodes.Status403Forbidden);
            }

            if (id is null || !advisor.Knowledge.SectionsById.TryGetValue(id, out var s))
            {
                return Results.Json(new { error = "no such section" }, statusCode: StatusCodes.Status404NotFound);
            }

            var article = advisor.Knowledge.Articles.FirstOrDefault(a => a.File == s.File);
            return Results.Json(new
            {
                s.Id,
                s.Label,
                Article = s.ArticleTitle,
                s.Topic,
                s.Role,
                s.Aspect,
                s.File,
                article?.SourceUrl,
                s.IsList,
                s.Units,
                KnowledgeVersion = advisor.Knowledge.Version,
            }, Json);
        });

        // ---- the admin API: the login cookie or the bearer token ----
        app.MapGet("/api/admin/knowledge", (HttpContext c, IAdvisor advisor, LastReload last) =>
        {
            if (AdminRefusal(c, session, rejections, "/api/admin/knowledge") is { } refusal)
            {
                return refusal;
            }

            var k = advisor.Knowledge;
            return Results.Json(new
            {
                k.Version,
                LoadMs = Math.Round(k.LoadTime.TotalMilliseconds, 1),
                Articles = k.Articles.Select(a => new { a.File, a.Title, a.SourceUrl, a.Roles, Sections = a.Sections.Count, Dropped = a.Dropped.Count }),
                Sections = k.Sections.Select(s => new { s.Id, s.Label, s.Aspect, Units = s.Units.Count, s.IsList }),
                Errors = k.Errors,
                k.Skipped,
                LastReload = last.Report is { } r ? ReloadReportJson.From(r) : null,
            }, Json);
        });
        app.MapPost("/api/admin/reload", async (HttpContext c, ReloadCoordinator coordinator, LastReload last) =>
        {
            if (AdminRefusal(c, session, rejections, "/api/admin/reload") is { } refusal)
            {
                return refusal;
            }

            var report = await coordinator.ReloadAsync("web page", c.RequestAborted).ConfigureAwait(false);
            last.Set(report);
            return Results.Json(ReloadReportJson.From(report), statusCode: report.Succeeded ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
        });
        app.MapGet("/api/admin/insights", async (HttpContext c, int? days, int? gaps, IConversationStore store, IAdvisor advisor, TimeProvider time) =>
        {
            if (AdminRefusal(c, session, rejections, "/api/admin/insights") is { } refusal)
            {
                return refusal;
            }

            var period = Math.Clamp(days ?? 30, 1, 366);
            var now = time.GetUtcNow();
            var since = new DateTimeOffset(now.UtcDateTime.Date.AddDays(-(period - 1)), TimeSpan.Zero);
            var entries = await store.ReadLogAsync(new QuestionLogQuery { Since = since, Limit = InsightsJson.MaxEntries }, c.RequestAborted).ConfigureAwait(false);
            return Results.Json(InsightsJson.From(entries, advisor.Knowledge, now, period, Math.Clamp(gaps ?? 20, 1, 100)), Json);
        });

        Log.WebOn(logger, options.Public switch { true => "everyone", false => "admins only", null => "this machine (Advisor:Web:Public unset)" }, session.Enabled);
        return app;

        async Task<IResult> AskAsync(HttpContext context, TurnPipeline pipeline, QuestionGate gate, TimeProvider time)
        {
            var received = time.GetUtcNow();
            if (!MayAsk(context, options, session))
            {
                return Refused(context, rejections, "/api/ask", "the Ask page is not open to this client", StatusCodes.Status403Forbidden);
            }

            var (request, problem) = await ReadAsync<AskRequest>(context).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            if (!ValidSession(request!.Session))
            {
                return Results.Json(new { error = "session must be 16 to 64 letters, digits, '-' or '_'" }, statusCode: StatusCodes.Status400BadRequest);
            }

            var stream = context.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase);
            var channel = new WebReplyChannel(stream ? context.Response : null);
            using var held = gate.TryAccept();
            if (held is null)
            {
                await channel.SendNoticeAsync(TurnNotice.Restarting, context.RequestAborted).ConfigureAwait(false);
                return stream ? Results.Empty : Results.Json(channel.Notice, Json, statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            var message = new IncomingMessage
            {
                Platform = Platform,
                DedupeKey = request.Id is { Length: > 0 and <= 64 } id ? request.Session + ":" + id : "",
                ConversationKey = ConversationKey(request.Session!),
                UserKey = request.Session!,
                Text = request.Question ?? "",
                IsCommand = true, // asked in a box, like /ask: every refusal is said
                ReceivedAt = received,
            };
            var outcome = await pipeline.HandleAsync(message, channel, context.RequestAborted).ConfigureAwait(false);
            if (stream)
            {
                if (channel.Answer is null && channel.Notice is null)
                {
                    await channel.StartAsync(context.RequestAborted).ConfigureAwait(false); // a repeat: an empty stream
                }

                return Results.Empty;
            }

            if (channel.Answer is { } answer)
            {
                return Results.Json(outcome.TurnId is null ? answer with { WantsFeedback = false } : answer, Json);
            }

            if (channel.Notice is { } notice)
            {
                return Results.Json(notice, Json, statusCode: notice.Kind switch
                {
                    "invalid" => StatusCodes.Status400BadRequest,
                    "ratelimited" => StatusCodes.Status429TooManyRequests,
                    "restarting" or "busy" => StatusCodes.Status503ServiceUnavailable,
                    _ => StatusCodes.Status500InternalServerError,
                });
            }

            return Results.Json(new { error = "this question was asked before" }, statusCode: StatusCodes.Status409Conflict);
        }

        async Task<IResult> FeedbackAsync(HttpContext context, TurnPipeline pipeline)
        {
            if (!MayAsk(context, options, session))
            {
                return Refused(context, rejections, "/api/feedback", "the Ask page is not open to this client", StatusCodes.Status403Forbidden);
            }

            var (request, problem) = await ReadAsync<FeedbackRequest>(context).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            FeedbackRating? rating = request!.Rating switch { "up" => FeedbackRating.Up, "down" => FeedbackRating.Down, _ => null };
            if (rating is null || request.TurnId is null)
            {
                return Results.Json(new { error = "turnId and rating (\"up\" or \"down\") are required" }, statusCode: StatusCodes.Status400BadRequest);
            }

            var text = string.IsNullOrWhiteSpace(request.Text) ? null : request.Text;
            var result = await pipeline.RecordFeedbackAsync(Platform, request.TurnId, rating.Value, text, context.RequestAborted).ConfigureAwait(false);
            return result switch
            {
                FeedbackOutcome.Recorded => Results.Json(new { recorded = true }, Json),
                FeedbackOutcome.UnknownTurn => Results.Json(new { recorded = false, error = "no such turn" }, Json, statusCode: StatusCodes.Status404NotFound),
                _ => Results.Json(new { recorded = false, error = "feedback could not be kept" }, Json, statusCode: StatusCodes.Status500InternalServerError),
            };
        }
    }

    /// <summary>The conversation of a browser session: a hash of its id, so the store never holds the id itself.</summary>
    internal static string ConversationKey(string session) =>
        "web:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("advisor web conversation:" + session)))[..24];

    internal static bool ValidSession(string? session) =>
        session is { Length: >= 16 and <= 64 } && session.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>
    /// Whether this request may use the Ask page: everyone with <c>Advisor:Web:Public</c> true, admins only with false,
    /// and unset, a client on this machine (a loopback peer whose request no proxy relayed) or an admin.
    /// </summary>
    internal static bool MayAsk(HttpContext context, WebOptions options, AdminSession session) => options.Public switch
    {
        true => true,
        false => session.IsAdmin(context),
        null => IsLocal(context) || session.IsAdmin(context),
    };

    internal static bool IsLocal(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address)
        && !context.Request.Headers.ContainsKey("X-Forwarded-For") && !context.Request.Headers.ContainsKey("Forwarded");

    private static IResult? Page(HttpContext context, StaticAssets assets, string name)
    {
        if (assets.Get(name) is not { } asset)
        {
            return null;
        }

        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch.ToString() == asset.ETag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Bytes, asset.ContentType);
    }

    private static IResult AdminPage(HttpContext context, StaticAssets assets, AdminSession session, string page, string path) =>
        session.IsAdmin(context) ? Page(context, assets, page)! : Results.Redirect("/login?return=" + Uri.EscapeDataString(path));

    private static IResult AskClosed(HttpContext context, AdminSession session) => session.Enabled
        ? Results.Redirect("/login?error=closed&return=%2F")
        : Results.Text("The Ask page is open to this machine only (Advisor:Web:Public).\n", "text/plain", statusCode: StatusCodes.Status403Forbidden);

    /// <summary>The login form, with its message (the only page written by the server: every value HTML-encoded).</summary>
    private static IResult LoginPage(HttpContext context, StaticAssets assets, AdminSession session, string returnPath, string? error)
    {
        var message = !session.Enabled
            ? "The admin pages are off: set Advisor:Admin:Token (16 characters or more) and restart to use them."
            : error switch
            {
                "wrong" => "That is not the admin token.",
                "limit" => "Too many failed logins from this address. Wait a minute and try again.",
                "closed" => "The Ask page is open to this machine only. Admins can log in to use it.",
                "out" => "You are logged out.",
                _ => session.IsAdmin(context) ? "You are logged in." : "",
            };
        var html = Encoding.UTF8.GetString(assets.Get("login.html")!.Bytes)
            .Replace("{{message}}", HtmlEncoder.Default.Encode(message), StringComparison.Ordinal)
            .Replace("{{return}}", HtmlEncoder.Default.Encode(returnPath), StringComparison.Ordinal)
            .Replace("{{disabled}}", session.Enabled ? "" : "disabled", StringComparison.Ordinal);
        context.Response.Headers.CacheControl = "no-store";
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, session.Enabled ? StatusCodes.Status200OK : StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> LoginAsync(HttpContext context, AdminSession session, RejectionLog rejections)
    {
        if (!session.Enabled)
        {
            return Results.NotFound();
        }

        var address = context.Connection.RemoteIpAddress;
        if (!session.MayTry(address))
        {
            rejections.Rejected("/login", "too many failed logins");
            return Results.Redirect("/login?error=limit");
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        string? token = null;
        string returnPath = "/";
        if (context.Request.HasFormContentType)
        {
            try
            {
                var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
                token = form["token"].ToString();
                returnPath = LocalPath(form["return"].ToString());
            }
            catch (Exception ex) when (ex is BadHttpRequestException or InvalidDataException)
            {
                return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
            }
        }

        if (!session.IsToken(token))
        {
            session.Failed(address);
            rejections.Rejected("/login", "wrong admin token"); // a flood is one line a minute, not one each
            return Results.Redirect("/login?error=wrong&return=" + Uri.EscapeDataString(returnPath));
        }

        context.Response.Cookies.Append(AdminSession.CookieName, session.Issue(), session.CookieOptions(context));
        return Results.Redirect(returnPath);
    }

    /// <summary>A path on this site to go back to after logging in; "/" for anything else (no open redirect).</summary>
    internal static string LocalPath(string? path) =>
        path is ['/', ..] && !path.StartsWith("//", StringComparison.Ordinal) && !path.Contains('\\', StringComparison.Ordinal)
            && Uri.IsWellFormedUriString(path, UriKind.Relative) ? path : "/";

    private static IResult? AdminRefusal(HttpContext context, AdminSession session, RejectionLog rejections, string endpoint)
    {
        if (!session.Enabled)
        {
            return Results.NotFound();
        }

        if (session.IsAdmin(context))
        {
            return null;
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Refused(context, rejections, endpoint, "not logged in and no valid bearer token", StatusCodes.Status401Unauthorized);
    }

    private static IResult Refused(HttpContext context, RejectionLog rejections, string endpoint, string reason, int status)
    {
        _ = context;
        rejections.Rejected(endpoint, reason);
        return Results.Json(new { error = reason }, statusCode: status);
    }

    /// <summary>
    /// Reads a JSON body of at most <see cref="MaxBodyBytes"/>; a POST must say it is JSON (so another site's form cannot
    /// post here without the browser asking first).
    /// </summary>
    private static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpContext context)
        where T : class
    {
        if (!context.Request.HasJsonContentType())
        {
            return (null, Results.Json(new { error = "send application/json" }, statusCode: StatusCodes.Status415UnsupportedMediaType));
        }

        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return (null, Results.Json(new { error = "request too large" }, statusCode: StatusCodes.Status413PayloadTooLarge));
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, Json, context.RequestAborted).ConfigureAwait(false);
            return value is null ? (null, Results.Json(new { error = "empty request" }, statusCode: StatusCodes.Status400BadRequest)) : (value, null);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Results.Json(new { error = "request too large" }, statusCode: StatusCodes.Status413PayloadTooLarge));
        }
        catch (JsonException)
        {
            return (null, Results.Json(new { error = "the body is not the JSON expected" }, statusCode: StatusCodes.Status400BadRequest));
        }
    }

    internal sealed record AskRequest(string? Question, string? Session, string? Id);

    internal sealed record FeedbackRequest(string? TurnId, string? Rating, string? Text, string? Session);
}
