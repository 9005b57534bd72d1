using System.Diagnostics;
using System.Text.Json;
using Advisor.Cli;
using Advisor.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Cli.Tests;

public sealed class CliTests
{
    private static readonly string RepoRoot = RepoPaths.RepoRoot();
    private static readonly string Knowledge = Path.Combine(RepoRoot, "knowledge");

    private static async Task<(int Code, string Out, string Err)> Run(string stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var app = new CliApp(new StringReader(stdin), output, error);
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Advisor:KnowledgePath"] = Knowledge,
            ["Advisor:PromptsPath"] = Path.Combine(RepoRoot, "prompts"),
        }).Build();
        var code = await app.RunAsync(args, config);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Ask_prints_a_cited_answer()
    {
        var (code, output, _) = await Run("", "ask", "What skills does an AI Architect need?");
        Assert.Equal(0, code);
        Assert.Contains("Proficiency in system architecture and design principles.", output, StringComparison.Ordinal);
        Assert.Contains("[1] AI Architect vs. Machine Learning Research Engineer › Required Skills › AI Architect", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_json_has_the_answer_as_data()
    {
        var (code, output, _) = await Run("", "ask", "Do AI scientists need a PhD?", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var citation = doc.RootElement.GetProperty("citations")[0];
        Assert.Equal("Educational Backgrounds", citation.GetProperty("section").GetString());
        Assert.Equal("AI Scientist", citation.GetProperty("role").GetString());
        Assert.Equal("ai-scientist-vs-ml-research-engineer.txt", citation.GetProperty("file").GetString());
        Assert.False(doc.RootElement.GetProperty("abstained").GetBoolean());
    }

    [Fact]
    public async Task Ask_jsonl_writes_exactly_one_line_per_input_in_the_documented_shape()
    {
        var input = string.Join('\n',
            """{"id": "q1", "question": "What tools does an MLRE use?"}""",
            """{"id": 2, "question": "What is the capital of France?"}""",
            "this is not json",
            """{"id": "q4"}""",
            """{"id": "q5", "question": ""}""",
            $$"""{"id": "q6", "question": "{{new string('x', 4001)}}"}""",
            "",
            """["an", "array"]""",
            """{"id": "q8", "question": "Who hires AI scientists?"}""");
        var (code, output, _) = await Run(input, "ask", "--jsonl");
        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8, lines.Length);

        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal(["id", "answer", "kind", "abstained", "citations"], first.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("answer", first.RootElement.GetProperty("kind").GetString());
        Assert.Equal("q1", first.RootElement.GetProperty("id").GetString());
        var citation = first.RootElement.GetProperty("citations")[0];
        Assert.Equal(["article", "section", "role", "file", "quote"], citation.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Machine Learning Research Engineer", citation.GetProperty("role").GetString());

        using var second = JsonDocument.Parse(lines[1]);
        Assert.Equal(2, second.RootElement.GetProperty("id").GetInt32());
        Assert.True(second.RootElement.GetProperty("abstained").GetBoolean());
        Assert.Equal(0, second.RootElement.GetProperty("citations").GetArrayLength());

        foreach (var (line, id, message) in new[] { (lines[2], (string?)null, "not valid JSON"), (lines[3], "q4", "no \"question\""), (lines[4], "q5", "empty"), (lines[5], "q6", "4,000"), (lines[6], null, "JSON object") })
        {
            using var doc = JsonDocument.Parse(line);
            Assert.Equal(["id", "error"], doc.RootElement.EnumerateObject().Select(p => p.Name));
            Assert.Equal(id, doc.RootElement.GetProperty("id").ValueKind == JsonValueKind.Null ? null : doc.RootElement.GetProperty("id").GetString());
            Assert.Contains(message, doc.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        using var last = JsonDocument.Parse(lines[7]);
        Assert.Equal("q8", last.RootElement.GetProperty("id").GetString());
        Assert.Equal("Common Industries", last.RootElement.GetProperty("citations")[0].GetProperty("section").GetString());
    }

    [Fact]
    public async Task Ask_jsonl_reports_a_question_that_fails_on_its_line_and_goes_on()
    {
        var output = new StringWriter();
        var app = new CliApp(new StringReader("{\"id\": \"a\", \"question\": \"boom please\"}\n{\"id\": \"b\", \"question\": \"What tools do AI scientists use?\"}\n"), output, new StringWriter());
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Advisor:KnowledgePath"] = Knowledge }).Build();
        var code = await app.RunAsync(["ask", "--jsonl"], config, (services, _) =>
        {
            services.Remove(services.Single(d => d.ServiceType == typeof(Advisor.Core.IAdvisor)));
            services.AddSingleton<Advisor.Core.AdvisorService>();
            services.AddSingleton<Advisor.Core.IAdvisor>(sp => new FailingOn("boom", sp.GetRequiredService<Advisor.Core.AdvisorService>()));
        });

        Assert.Equal(0, code);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var failed = JsonDocument.Parse(lines[0]);
        Assert.Equal(["id", "error"], failed.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Contains("could not be answered", failed.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("\"id\":\"b\"", lines[1], StringComparison.Ordinal);
        Assert.Contains("Tools and Software Used", lines[1], StringComparison.Ordinal);
    }

    /// <summary>An advisor that throws for questions containing a word, and otherwise asks the real one.</summary>
    private sealed class FailingOn(string word, Advisor.Core.IAdvisor inner) : Advisor.Core.IAdvisor
    {
        public Advisor.Core.Knowledge.KnowledgeSnapshot Knowledge => inner.Knowledge;

        public Task<Advisor.Core.Answers.Answer> AskAsync(Advisor.Core.Answers.AdvisorQuestion question, CancellationToken cancellationToken = default) =>
            question.Text.Contains(word, StringComparison.Ordinal) ? throw new InvalidOperationException("simulated failure") : inner.AskAsync(question, cancellationToken);

        public IAsyncEnumerable<Advisor.Core.Answers.AnswerUpdate> AskStreamingAsync(Advisor.Core.Answers.AdvisorQuestion question, CancellationToken cancellationToken = default) => inner.AskStreamingAsync(question, cancellationToken);

        public Advisor.Core.Comparison.CompareOutcome Compare(string roleA, string roleB, string? aspect = null) => inner.Compare(roleA, roleB, aspect);

        public IReadOnlyList<Advisor.Core.Roles.RoleInfo> Roles() => inner.Roles();

        public IReadOnlyList<Advisor.Core.Roles.RoleInfo> SuggestRoles(string fragment, int max = 25) => inner.SuggestRoles(fragment, max);

        public Task<Advisor.Core.Knowledge.ReloadReport> ReloadAsync(CancellationToken cancellationToken = default) => inner.ReloadAsync(cancellationToken);
    }

    [Fact]
    public async Task Compare_lines_up_two_roles_and_an_unknown_role_is_a_usage_error()
    {
        var (code, output, _) = await Run("", "compare", "AI Architect", "AI Scientist", "--aspect", "skills");
        Assert.Equal(0, code);
        Assert.Contains("== Skills ==", output, StringComparison.Ordinal);
        Assert.Contains("[AI Scientist vs. Machine Learning Research Engineer › Required Skills › AI Scientist]", output, StringComparison.Ordinal);

        var (bad, _, err) = await Run("", "compare", "AI Architect", "Data Wrangler");
        Assert.Equal(2, bad);
        Assert.Contains("Known roles: AI Architect", err, StringComparison.Ordinal);

        var (jsonCode, json, _) = await Run("", "compare", "MLRE", "AI architekt", "--json");
        Assert.Equal(0, jsonCode);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("Machine Learning Research Engineer", doc.RootElement.GetProperty("roleA").GetString());
        Assert.Equal("AI Architect", doc.RootElement.GetProperty("roleB").GetString());
    }

    [Fact]
    public async Task Compare_reads_one_argument_as_the_chat_does_with_its_aspect()
    {
        var (code, output, err) = await Run("", "compare", "AI architect vs MLRE outlook");
        Assert.True(code == 0, err);
        Assert.StartsWith("AI Architect vs. Machine Learning Research Engineer", output, StringComparison.Ordinal);
        Assert.Equal(["== Outlook =="], output.Split('\n').Where(l => l.StartsWith("== ", StringComparison.Ordinal)).Select(l => l.TrimEnd()));
        Assert.Single(output.Split('\n'), l => l.StartsWith("Both:", StringComparison.Ordinal));
        Assert.DoesNotContain("\nAI Architect:", output, StringComparison.Ordinal);
        Assert.Contains("[AI Architect vs. Machine Learning Research Engineer › Outlooks]", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_reads_one_argument_without_an_aspect_and_aspect_option_wins()
    {
        var (code, output, err) = await Run("", "compare", "AI Architect vs. AI Scientist", "--json");
        Assert.True(code == 0, err);
        using (var doc = JsonDocument.Parse(output))
        {
            Assert.Equal("AI Architect", doc.RootElement.GetProperty("roleA").GetString());
            Assert.Equal("AI Scientist", doc.RootElement.GetProperty("roleB").GetString());
            var aspects = doc.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("aspect").GetString()).ToList();
            Assert.Contains("skills", aspects);
            Assert.Contains("education", aspects);
            Assert.Contains("outlook", aspects);
        }

        var (overridden, text, _) = await Run("", "compare", "AI Architect vs AI Scientist skills", "--aspect", "education");
        Assert.Equal(0, overridden);
        Assert.Contains("== Education ==", text, StringComparison.Ordinal);
        Assert.DoesNotContain("== Skills ==", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_json_has_one_both_cell_for_a_shared_section_and_a_b_cells_otherwise()
    {
        var (code, output, _) = await Run("", "compare", "AI Architect", "MLRE", "--aspect", "outlook", "--json");
        Assert.Equal(0, code);
        using var shared = JsonDocument.Parse(output);
        var row = Assert.Single(shared.RootElement.GetProperty("rows").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("a").ValueKind);
        Assert.Equal(JsonValueKind.Null, row.GetProperty("b").ValueKind);
        Assert.Equal("Outlooks", row.GetProperty("both").GetProperty("citation").GetProperty("section").GetString());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("both").GetProperty("citation").GetProperty("role").ValueKind);

        var (_, separate, _) = await Run("", "compare", "AI Scientist", "AI Architect", "--aspect", "outlook", "--json");
        using var two = JsonDocument.Parse(separate);
        var twoRow = Assert.Single(two.RootElement.GetProperty("rows").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, twoRow.GetProperty("both").ValueKind);
        Assert.Equal("ai-scientist-vs-ml-research-engineer.txt", twoRow.GetProperty("a").GetProperty("citation").GetProperty("file").GetString());
        Assert.Equal("ai-architect-vs-ml-research-engineer.txt", twoRow.GetProperty("b").GetProperty("citation").GetProperty("file").GetString());
    }

    [Fact]
    public async Task Roles_json_lists_the_catalog()
    {
        var (code, output, _) = await Run("", "roles", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Contains(doc.RootElement.EnumerateArray(), r => r.GetProperty("name").GetString() == "AI Scientist");
        Assert.Contains(doc.RootElement.EnumerateArray(), r => r.GetProperty("aliases").EnumerateArray().Any(a => a.GetString() == "mlre"));
    }

    [Fact]
    public async Task Sections_shows_after_each_file_what_page_clutter_was_dropped_and_why()
    {
        var (code, output, _) = await Run("", "sections");
        Assert.Equal(0, code);
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var header = lines.IndexOf("-- ai-architect-vs-ml-research-engineer.txt: dropped as page clutter");
        Assert.True(header > 0, output);
        Assert.StartsWith("ai-architect-vs-ml-research-engineer.txt#", lines[header - 2], StringComparison.Ordinal); // after the file's sections
        Assert.StartsWith("ai-research-vs-ai-engineering.txt#", lines.First(l => !l.StartsWith(' ') && l.Length > 0 && lines.IndexOf(l) > header), StringComparison.Ordinal);
        Assert.Contains("    lines 127–132 (job ad): Featured Job 👀 · Data Engineer · @ murmuration", output, StringComparison.Ordinal);
        Assert.Contains("    line 7 (table of contents): Table of contents", output, StringComparison.Ordinal);
        Assert.Contains("    line 164 (page footer): Related articles", output, StringComparison.Ordinal);
        Assert.DoesNotContain("-- ai-research-vs-ai-engineering.txt", output, StringComparison.Ordinal); // nothing dropped there

        var (jsonCode, json, _) = await Run("", "sections", "--json");
        Assert.Equal(0, jsonCode);
        using var doc = JsonDocument.Parse(json);
        Assert.Contains(doc.RootElement.GetProperty("sections").EnumerateArray(), s => s.GetProperty("Id").GetString() == "ai-architect-vs-ml-research-engineer.txt#educational-backgrounds/ai-architect");
        var ad = doc.RootElement.GetProperty("dropped").EnumerateArray().First(d => d.GetProperty("reason").GetString() == "job ad");
        Assert.Equal(("ai-architect-vs-ml-research-engineer.txt", 127, 132), (ad.GetProperty("file").GetString(), ad.GetProperty("line").GetInt32(), ad.GetProperty("endLine").GetInt32()));
    }

    [Fact]
    public async Task A_markdown_single_role_article_is_listed_with_every_section_about_its_role_and_compares()
    {
        var folder = Directory.CreateTempSubdirectory("advisor-cli-");
        try
        {
            foreach (var f in Directory.GetFiles(Knowledge))
            {
                File.Copy(f, Path.Combine(folder.FullName, Path.GetFileName(f)));
            }

            File.Copy(Path.Combine(RepoRoot, "tests", "Advisor.Core.Tests", "Quality", "extra", "prompt-engineer.md"), Path.Combine(folder.FullName, "prompt-engineer.md"));
            var (code, output, _) = await Run("", "sections", "--knowledge", folder.FullName);
            Assert.Equal(0, code);
            Assert.Equal(
                new[] { "overview", "responsibilities", "skills", "education", "tools", "salary", "outlook" }.Select(t => $"prompt-engineer.md#{t}/prompt-engineer"),
                output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("prompt-engineer.md#", StringComparison.Ordinal)));
            Assert.DoesNotContain("-- prompt-engineer.md", output, StringComparison.Ordinal); // Markdown is never filtered

            var (rolesCode, roles, _) = await Run("", "roles", "--knowledge", folder.FullName);
            Assert.Equal(0, rolesCode);
            Assert.Contains("- Prompt Engineer  (also:", roles, StringComparison.Ordinal);

            var (compareCode, compared, err) = await Run("", "compare", "prompt designer", "MLRE", "--aspect", "education", "--knowledge", folder.FullName);
            Assert.Equal(0, compareCode);
            Assert.Contains("[Prompt Engineer › Education › Prompt Engineer]", compared, StringComparison.Ordinal);
            Assert.Contains("› Machine Learning Research Engineer]", compared, StringComparison.Ordinal);
            Assert.Equal("", err);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData(new[] { "ask" }, "needs a question")]
    [InlineData(new[] { "ask", "   " }, "empty")]
    [InlineData(new[] { "frobnicate" }, "unknown command")]
    [InlineData(new[] { "ask", "x", "--colour" }, "unknown option")]
    [InlineData(new[] { "compare", "AI Architect" }, "two roles")]
    [InlineData(new[] { "compare", "AI Architect versus" }, "two roles")]
    [InlineData(new[] { "compare", "AI Architect", "AI Scientist", "MLRE" }, "two roles")]
    [InlineData(new[] { "compare" }, "two roles")]
    [InlineData(new[] { "ask", "--knowledge" }, "needs a value")]
    [InlineData(new[] { "eval" }, "eval needs one file")]
    [InlineData(new[] { "eval", "a.jsonl", "--min", "2" }, "--min takes a share")]
    [InlineData(new[] { "ask", "x", "--min", "0.5" }, "--min goes with eval")]
    public async Task Usage_errors_exit_2_with_a_clear_message(string[] args, string message)
    {
        var (code, _, err) = await Run("", args);
        Assert.Equal(2, code);
        Assert.Contains(message, err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_question_over_4000_characters_exits_2()
    {
        var (code, _, err) = await Run("", "ask", new string('q', 6000));
        Assert.Equal(2, code);
        Assert.Contains("6,000 characters", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_knowledge_folder_exits_1_naming_it()
    {
        var (code, _, err) = await Run("", "ask", "hello", "--knowledge", "/nonexistent/kb");
        Assert.Equal(1, code);
        Assert.Contains("/nonexistent/kb", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_file_is_reported_and_the_rest_answers()
    {
        var folder = Directory.CreateTempSubdirectory("advisor-cli-");
        try
        {
            foreach (var f in Directory.GetFiles(Knowledge))
            {
                File.Copy(f, Path.Combine(folder.FullName, Path.GetFileName(f)));
            }

            File.WriteAllBytes(Path.Combine(folder.FullName, "bad.txt"), [0xFF, 0xFE, 0x00, 0x41]);
            var (code, output, err) = await Run("", "ask", "What does an AI architect do?", "--knowledge", folder.FullName);
            Assert.Equal(0, code);
            Assert.Contains("warning: bad.txt was not loaded", err, StringComparison.Ordinal);
            Assert.Contains("Responsibilities", output, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_link_out_of_the_knowledge_folder_is_a_warning_and_is_not_served()
    {
        var folder = Directory.CreateTempSubdirectory("advisor-cli-");
        var elsewhere = Directory.CreateTempSubdirectory("advisor-cli-elsewhere-");
        try
        {
            foreach (var f in Directory.GetFiles(Knowledge))
            {
                File.Copy(f, Path.Combine(folder.FullName, Path.GetFileName(f)));
            }

            var secret = Path.Combine(elsewhere.FullName, "secret.txt");
            File.WriteAllText(secret, "Vault Guard vs. Secret Keeper\nResponsibilities\nVault Guard\n- Knows the launch codes.\nSecret Keeper\n- Guards the vault.\n");
            File.CreateSymbolicLink(Path.Combine(folder.FullName, "secret.txt"), secret);

            var (code, output, err) = await Run("", "roles", "--knowledge", folder.FullName);
            Assert.Equal(0, code);
            Assert.Contains($"warning: secret.txt was not loaded: a link to a file outside the knowledge folder ({secret}) is not followed; set Advisor:FollowLinksOutside=true to allow it", err, StringComparison.Ordinal);
            Assert.DoesNotContain("Vault Guard", output, StringComparison.Ordinal);

            var allowed = new StringWriter();
            var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Advisor:KnowledgePath"] = folder.FullName,
                ["Advisor:FollowLinksOutside"] = "true",
            }).Build();
            Assert.Equal(0, await new CliApp(new StringReader(""), allowed, new StringWriter()).RunAsync(["roles"], config));
            Assert.Contains("Vault Guard", allowed.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
            elsewhere.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Eval_prints_the_scorecard_with_its_misses_and_min_sets_the_exit_code()
    {
        var folder = Directory.CreateTempSubdirectory("advisor-eval-");
        try
        {
            var file = Path.Combine(folder.FullName, "questions.jsonl");
            File.WriteAllLines(file,
            [
                """{"id": "a", "question": "whats the education needed for an AI architect", "expect": "answer", "sections": ["ai-architect-vs-ml-research-engineer.txt#educational-backgrounds/ai-architect"]}""",
                """{"id": "b", "question": "what skills does a data analyst need?", "expect": "uncovered-role"}""",
                """{"id": "c", "question": "thanks!", "expect": "small-talk"}""",
                """{"id": "d", "question": "what tools do AI scientists use", "expect": "answer", "sections": ["ai-architect-vs-ml-research-engineer.txt#required-skills/ai-architect"]}""",
                """{"id": "e", "question": "x", "expect": "maybe"}""",
                "not json",
            ]);

            var (code, output, _) = await Run("", "eval", file);
            Assert.Equal(0, code);
            Assert.Contains("3/4 right = 75.0%", output, StringComparison.Ordinal);
            Assert.Contains("  d [answer] \"what tools do AI scientists use\"", output, StringComparison.Ordinal);
            Assert.Contains("Not read: line 5: \"expect\" is \"maybe\"", output, StringComparison.Ordinal);
            Assert.Contains("Not read: line 6: not valid JSON", output, StringComparison.Ordinal);

            var (below, _, err) = await Run("", "eval", file, "--min", "0.8");
            Assert.Equal(1, below);
            Assert.Contains("below --min", err, StringComparison.Ordinal);

            var (_, json, _) = await Run("", "eval", file, "--json");
            using var doc = JsonDocument.Parse(json);
            Assert.Equal(3, doc.RootElement.GetProperty("right").GetInt32());
            Assert.Equal("d", doc.RootElement.GetProperty("misses")[0].GetProperty("id").GetString());
            Assert.Equal(1, doc.RootElement.GetProperty("byKind").GetProperty("uncovered-role").GetProperty("right").GetInt32());

            var (missing, _, missingErr) = await Run("", "eval", Path.Combine(folder.FullName, "nope.jsonl"));
            Assert.Equal(2, missing);
            Assert.Contains("does not exist", missingErr, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Chat_answers_an_unknown_command_with_the_command_list()
    {
        var (code, output, _) = await Run("/frobnicate now\n/quit\n", "chat");
        Assert.Equal(0, code);
        Assert.Contains("Unknown command “/frobnicate”", output, StringComparison.Ordinal);
        Assert.Contains("/compare", output, StringComparison.Ordinal);
        Assert.DoesNotContain("does not cover", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_offers_numbered_follow_ups_a_number_asks_one_and_the_answer_can_be_rated()
    {
        var (code, output, _) = await Run("What skills does an AI Architect need?\n2\n/bad wanted more on cloud\n9\n/quit\n", "chat");
        Assert.Equal(0, code);
        Assert.Contains("Next: 1) Compare with Machine Learning Research Engineer", output, StringComparison.Ordinal);

        // "2" asked the second suggestion (another aspect of the same role), answered from its section.
        var asked = output[output.IndexOf("> ", output.IndexOf("Next:", StringComparison.Ordinal), StringComparison.Ordinal)..];
        Assert.Matches(@"^> \w+ of an AI Architect\?", asked.Split('\n')[0].Replace("> > ", "> ", StringComparison.Ordinal));
        Assert.Contains("(thanks — noted)", output, StringComparison.Ordinal);
        Assert.Contains("There are 3 suggestions under the last answer.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_keeps_context_between_turns()
    {
        var (code, output, _) = await Run("What does an AI Architect do?\nand their education?\n/quit\n", "chat");
        Assert.Equal(0, code);
        Assert.Contains("Educational Backgrounds › AI Architect", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_advisor_executable_answers_json_lines_from_a_pipe()
    {
        var exe = Path.Combine(AppContext.BaseDirectory, "advisor.dll");
        var start = new ProcessStartInfo("dotnet", [exe, "ask", "--jsonl", "--knowledge", Knowledge])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoRoot,
        };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteLineAsync("""{"id": "a", "question": "What degree does an AI architect need?"}""");
        await process.StandardInput.WriteLineAsync("""{"id": "b", "question": "pizza?"}""");
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains("\"section\":\"Educational Backgrounds\"", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"abstained\":true", lines[1], StringComparison.Ordinal);
    }
}
