using Microsoft.Playwright;

namespace Advisor.Host.Tests;

/// <summary>
/// The web app in a real browser: Debian's headless <c>chromium</c> driven by Microsoft.Playwright (no browser is
/// downloaded). Skipped, saying why, when no Chromium is installed (<c>apt-get install chromium</c>; or set
/// ADVISOR_CHROMIUM to its path). Every page is checked for console errors and for overflowing a phone's width.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WebBrowserTests
{
    private static readonly string? Chromium = new[] { Environment.GetEnvironmentVariable("ADVISOR_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" }
        .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));

    [SkippableFact]
    public async Task Typing_a_question_with_the_keyboard_shows_a_cited_answer_with_no_console_errors()
    {
        Skip.If(Chromium is null, "no Chromium: apt-get install chromium (or set ADVISOR_CHROMIUM)");
        await using var worker = await TestWorker.StartAsync(settings: new Dictionary<string, string?> { ["Advisor:Reload:WatchFiles"] = "false" });
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 375, Height = 740 } }); // a phone
        page.SetDefaultTimeout(90_000); // the machine is shared with other builds
        var errors = WatchForErrors(page);

        await page.GotoAsync(worker.BaseAddress.ToString());
        await page.Keyboard.TypeAsync("What does an AI Architect do?"); // the question box has the focus
        await page.Keyboard.PressAsync("Enter");
        var answer = page.Locator("#log li.answer").First;
        await answer.Locator(".citations button").First.WaitForAsync(new() { Timeout = 90_000 });

        Assert.Contains("Design AI system architectures", await answer.InnerTextAsync(), StringComparison.Ordinal);
        var citation = answer.Locator(".citations button").First;
        Assert.Contains("AI Architect", await citation.InnerTextAsync(), StringComparison.Ordinal);
        Assert.NotEqual(0, await answer.Locator(".followups button").CountAsync());

        // The citation opens the section's text, from the keyboard.
        await citation.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await answer.Locator(".section-text a").WaitForAsync(new() { Timeout = 90_000 });
        Assert.Equal("true", await citation.GetAttributeAsync("aria-expanded"));

        // A follow-up button asks in the same conversation.
        var education = answer.Locator(".followups button", new() { HasText = "Education" });
        await education.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#log li.answer").Nth(1).Locator(".citations button").First.WaitForAsync(new() { Timeout = 90_000 });
        Assert.Contains("Educational Backgrounds", await page.Locator("#log li.answer").Nth(1).InnerTextAsync(), StringComparison.Ordinal);

        // 👎 asks what was missing, inline.
        await page.Locator("#log li.answer").Nth(1).GetByRole(AriaRole.Button, new() { Name = "Not helpful" }).ClickAsync();
        await page.Keyboard.TypeAsync("salary");
        await page.Keyboard.PressAsync("Enter");
        await page.GetByText("Thanks, noted.").WaitForAsync(new() { Timeout = 90_000 });

        Assert.True(await FitsAsync(page), "the Ask page is wider than a phone");
        Assert.Empty(errors);
    }

    [SkippableFact]
    public async Task An_admin_logs_in_reloads_and_sees_the_charts_and_the_gap_report()
    {
        Skip.If(Chromium is null, "no Chromium: apt-get install chromium (or set ADVISOR_CHROMIUM)");
        await using var worker = await TestWorker.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Advisor:Admin:Token"] = TestWorker.AdminToken,
            ["Advisor:Reload:WatchFiles"] = "false",
        });
        using (var seed = new HttpRequestMessage(HttpMethod.Post, "/api/ask"))
        {
            seed.Content = new StringContent("""{"question":"What does a data analyst earn?","session":"browser-seed-session-1"}""", System.Text.Encoding.UTF8, "application/json");
            using var seeded = await worker.Http.SendAsync(seed);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 390, Height = 800 } });
        page.SetDefaultTimeout(90_000); // the machine is shared with other builds
        var errors = WatchForErrors(page);

        await page.GotoAsync(new Uri(worker.BaseAddress, "/knowledge").ToString());
        Assert.EndsWith("/login?return=%2Fknowledge", page.Url, StringComparison.Ordinal);
        var token = page.GetByLabel("Admin token");
        await token.FillAsync(TestWorker.AdminToken);
        // Submitted with the keyboard, Enter pressed in the token field itself (not wherever the focus happens to be on a
        // slow machine). Wait for the redirect to commit, then for what the page shows: waiting for a load state after the
        // URL matched timed out once in a local run with the page loaded ("NetworkIdle" had fired).
        await token.PressAsync("Enter");
        try
        {
            await page.WaitForURLAsync("**/knowledge", new() { WaitUntil = WaitUntilState.Commit });
            await page.Locator("#sections tbody tr").First.WaitForAsync();
        }
        catch (TimeoutException e)
        {
            // Seen once in CI (the page loaded, no section rows came): say what the page showed instead.
            throw new TimeoutException($"no Knowledge page with section rows after logging in; page at {page.Url}; status: \"{await page.Locator("#reload-status").InnerTextAsync()}\"; console: {string.Join(" | ", errors)}", e);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Reload the knowledge folder" }).ClickAsync();
        await page.Locator("#reload-status", new() { HasText = "Reloaded" }).WaitForAsync(new() { Timeout = 90_000 });
        Assert.Contains("Reloaded knowledge", await page.Locator("#last").InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await FitsAsync(page), "the Knowledge page is wider than a phone");

        await page.GetByRole(AriaRole.Link, new() { Name = "Insights" }).ClickAsync();
        await page.Locator("svg.chart").First.WaitForAsync();
        Assert.Equal(3, await page.Locator("svg.chart").CountAsync());
        await page.Locator("#gaps .gap").First.WaitForAsync();
        Assert.Contains("data analyst", await page.Locator("#gaps").InnerTextAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.True(await FitsAsync(page), "the Insights page is wider than a phone");

        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await page.GetByLabel("Admin token").WaitForAsync(); // back on the login form
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        await page.GotoAsync(new Uri(worker.BaseAddress, "/insights").ToString());
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        Assert.Empty(errors);
    }

    [SkippableFact]
    public async Task The_weekly_digest_s_link_opens_the_last_seven_days_at_the_gap_report_after_logging_in()
    {
        Skip.If(Chromium is null, "no Chromium: apt-get install chromium (or set ADVISOR_CHROMIUM)");
        await using var worker = await TestWorker.StartAsync(settings: new Dictionary<string, string?> { ["Advisor:Admin:Token"] = TestWorker.AdminToken });
        using (var seed = new HttpRequestMessage(HttpMethod.Post, "/api/ask"))
        {
            seed.Content = new StringContent("""{"question":"What does a data analyst do?","session":"browser-seed-session-2"}""", System.Text.Encoding.UTF8, "application/json");
            using var seeded = await worker.Http.SendAsync(seed);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true });
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout(90_000);
        var errors = WatchForErrors(page);

        var navigations = new List<string>();
        page.FrameNavigated += (_, frame) =>
        {
            lock (navigations)
            {
                navigations.Add(frame.Url);
            }
        };
        await page.GotoAsync(new Uri(worker.BaseAddress, "/insights?days=7#gaps").ToString());
        Assert.Contains("/login?return=%2Finsights%3Fdays%3D7", page.Url, StringComparison.Ordinal);
        var token = page.GetByLabel("Admin token");
        await token.FillAsync(TestWorker.AdminToken);
        await token.PressAsync("Enter"); // in the token field itself, as the knowledge-page test does (not wherever focus is)
        try
        {
            await page.WaitForURLAsync("**/insights?days=7*", new() { WaitUntil = WaitUntilState.Commit });
            await page.Locator("#gaps .gap").First.WaitForAsync();
        }
        catch (TimeoutException ex)
        {
            // Intermittent on busy machines, cause not yet found: say where the page was and what it showed.
            var text = await page.Locator("body").InnerTextAsync(new() { Timeout = 5_000 }).ConfigureAwait(false);
            string visited;
            lock (navigations)
            {
                visited = string.Join(" -> ", navigations);
            }

            throw new TimeoutException($"{ex.Message}\npage at {page.Url} after logging in (navigations: {visited}); console: {string.Join(" | ", errors)}\n{text[..Math.Min(text.Length, 600)]}", ex);
        }

        Assert.Equal("7", await page.Locator("#days").InputValueAsync());
        Assert.Contains("data analyst", await page.Locator("#gaps").InnerTextAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(errors);
    }

    private static List<string> WatchForErrors(IPage page)
    {
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                lock (errors)
                {
                    errors.Add(message.Type + ": " + message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add("page error: " + error);
            }
        };
        return errors;
    }

    private static Task<bool> FitsAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1");
}

/// <summary>The browser tests run alone: a headless Chromium beside the rest of the suite on two cores can miss its waits.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection
{
    public const string Name = "browser";
}
