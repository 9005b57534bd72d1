using System.Text;
using Advisor.Core.Answers;
using Advisor.Core.Knowledge;
using Advisor.Testing;
using CsCheck;

namespace Advisor.Core.Tests;

/// <summary>
/// Property-based tests (CsCheck) of the parts that read text nobody vetted: articles and their front matter, sentence
/// splitting, mention neutralizing. Each property runs a fixed number of generated cases (a few seconds in all on two
/// cores); a failure is shrunk to a small input and printed with the seed that replays it (CsCheck_Seed=...). ADVISOR_PROPERTY_SCALE=N runs N times as many.
/// </summary>
public sealed class PropertyTests
{
    private static readonly int ArticleIterations = PropertyRuns.Iterations(1500);
    private static readonly int TextIterations = PropertyRuns.Iterations(5000);

    // ---- generators -----------------------------------------------------------------------------------------------

    private static readonly string[] Words =
    [
        "AI", "Architect", "Architects", "Scientist", "Engineer", "Research", "Engineering", "Data", "Prompt", "role",
        "skills", "Responsibilities", "Required Skills", "Educational Backgrounds", "Outlook", "Salary", "builds", "models",
        "the", "a", "and", "vs.", "vs", "versus", "between", "differences", "e.g.", "i.e.", "Ph.D.", "U.S.", "Dr.", "No.",
        "Python", "2024", "4", "min", "read", "Oct.", "30,", "Featured", "Job", "@", "company", "|", "Full", "Time", "USD",
        "100K", "Related", "articles", "Conclusion", "In", "contrast,", "AI Architect:", "Machine Learning",
        "données", "naïve", "日本語", "مرحبا", "e\u0301", "😀", "👩‍💻", "Ⅻ", "ǅ", "ß", "İ", "\t", "\u0001", "\u007F", "\u0085", "\u2028",
        "\u200E", "\u180E", "…", "’s", "\"", "”", ")", "(", ":", ";", ",", ".", "!", "?", "-", "–", "•", "·", "#",
    ];

    /// <summary>Characters the loader rewrites on purpose (CleanLine, Markdown inline marks): kept out of the "verbatim" property.</summary>
    private static readonly string[] Rewritten = ["\u00A0", "\u200B", "\uFEFF", "β", "**", "__", "`", "[x](http://y)"];

    private static Gen<string> Word(bool verbatim) =>
        verbatim ? Gen.OneOf(Words) : Gen.Frequency((12, Gen.OneOf(Words)), (2, Gen.OneOf(Rewritten)), (1, Gen.String));

    private static Gen<string> Phrase(bool verbatim, int max = 12) =>
        Word(verbatim).Array[1, max].Select(w => string.Join(' ', w));

    private static Gen<string> Line(bool verbatim) => Gen.Frequency(
        (6, Phrase(verbatim)),
        (3, Phrase(verbatim, 4)),                                                   // heading-like
        (2, Phrase(verbatim).Select(p => p + ". " + p + "? " + p + "!")),           // sentences
        (2, Gen.Select(Gen.OneOf("- ", "• ", "* ", "1. ", "12) ", "– ", "-", "•", "1.", "3)"), Phrase(verbatim), (m, p) => m + p)),
        (2, Gen.Select(Gen.OneOf("# ", "## ", "### ", "#### ", "####### ", "#", "+ "), Phrase(verbatim, 5), (m, p) => m + p)),
        (2, Gen.OneOf("---", "...", "", " ", "title: AI Architect vs. AI Scientist", "role: Prompt Engineer", "role:", "role: A, B",
            "role: A vs. B", "aliases:", "  AI Architect: architect, solutions architect", "  : x", "source: https://example.org", "key", "# comment",
            "Related articles", "Featured Job", "Table of Contents")),
        (1, Gen.Select(Phrase(verbatim, 3), Phrase(verbatim), (name, text) => name + ": " + text)), // definitions
        (1, Gen.Int[200, 3000].Select(n => new string('x', n) + ". " + string.Concat(Enumerable.Repeat("Long sentence here. ", n / 20))))); // very long lines

    private static Gen<string> ArticleText(bool verbatim) => Gen.Select(
        Line(verbatim).Array[0, 40],
        Gen.OneOf("\n", "\r\n", "\r"),
        Gen.Bool,
        (lines, newline, frontMatter) => (frontMatter ? "---\ntitle: Generated vs. Article\n---\n" : "") + string.Join(newline, lines));

    private static readonly Gen<string> FileName = Gen.OneOf("a.md", "b.txt", "dir/c.MD", "Notes on careers.txt", "prompt-engineers.md");

    // ---- the article parser -------------------------------------------------------------------------------------

    [Fact]
    public void Parsing_any_text_fails_only_with_a_reason_and_otherwise_gives_citable_sections_with_unique_ids()
    {
        Gen.Select(FileName, ArticleText(verbatim: false)).Sample((file, text) =>
        {
            Article article;
            try
            {
                article = ArticleParser.Parse(file, text, "hash");
            }
            catch (FormatException ex)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                return;
            }

            Assert.NotEmpty(article.Sections);
            Assert.Equal(article.Sections.Count, article.Sections.Select(s => s.Id).Distinct(StringComparer.Ordinal).Count());
            Assert.All(article.Sections, s =>
            {
                Assert.StartsWith(file + "#", s.Id, StringComparison.Ordinal);
                Assert.Equal(file, s.File);
                Assert.NotEmpty(s.Units);
                Assert.All(s.Units, u => Assert.False(string.IsNullOrWhiteSpace(u), $"an empty unit in {s.Id}"));
                Assert.False(string.IsNullOrWhiteSpace(s.Topic));
            });
        }, iter: ArticleIterations);
    }

    [Fact]
    public void Every_unit_of_every_section_is_verbatim_text_of_the_file()
    {
        Gen.Select(FileName, ArticleText(verbatim: true)).Sample((file, text) =>
        {
            Article article;
            try
            {
                article = ArticleParser.Parse(file, text, "hash");
            }
            catch (FormatException)
            {
                return;
            }

            foreach (var unit in article.Sections.SelectMany(s => s.Units))
            {
                Assert.True(text.Contains(unit, StringComparison.Ordinal), $"'{unit}' is not in the file");
            }

            // The same text parses the same way (no hidden state between files).
            var again = ArticleParser.Parse(file, text, "hash");
            Assert.Equal(article.Sections.Select(s => (s.Id, s.Text)), again.Sections.Select(s => (s.Id, s.Text)));
        }, iter: ArticleIterations);
    }

    [Fact]
    public void Loading_any_bytes_as_a_file_fails_only_with_a_reported_reason()
    {
        using var folder = new TempFolder();
        var bytes = Gen.Frequency(
            (3, Gen.Byte.Array[0, 300]),
            (3, ArticleText(verbatim: false).Select(t => Encoding.UTF8.GetBytes(t))),
            (1, Gen.Select(ArticleText(verbatim: false), Gen.Byte.Array[1, 4], Gen.Int[0, 100], (t, junk, at) =>
            {
                var utf8 = Encoding.UTF8.GetBytes(t).ToList();
                utf8.InsertRange(Math.Min(at, utf8.Count), junk); // invalid UTF-8 in the middle of text
                return utf8.ToArray();
            })));

        var n = 0;
        bytes.Sample(content =>
        {
            var path = Path.Combine(folder.Path, $"f{Interlocked.Increment(ref n)}.md");
            File.WriteAllBytes(path, content);
            try
            {
                var article = KnowledgeLoader.LoadFile(path, "f.md");
                Assert.NotEmpty(article.Sections);
            }
            catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
            {
                // What LoadFolder reports by file name.
            }
            finally
            {
                File.Delete(path);
            }
        }, iter: PropertyRuns.Iterations(600));
    }

    [Fact]
    public void Front_matter_of_any_shape_is_read_or_refused_with_a_reason()
    {
        var lines = Gen.Frequency(
            (4, Line(verbatim: false)),
            (3, Gen.OneOf("---", "...", " --- ", "title:", "title: x", ":", "  : x", "role: Data Analyst", "role: x\nrole: y", "aliases:", "  x: a,,b", "\t y: c", "k:v", "🙂: 🙂")),
            (1, Gen.String));
        Gen.Select(lines.List[0, 20], Gen.Bool).Sample((list, fenced) =>
        {
            if (fenced)
            {
                list.Insert(0, "---");
            }

            var count = list.Count;
            try
            {
                var front = FrontMatter.Extract(list);
                Assert.Equal(count - front.LineCount, list.Count);
                Assert.True(front.Found || front.LineCount == 0);
            }
            catch (FormatException ex)
            {
                Assert.Contains("front matter", ex.Message, StringComparison.Ordinal);
            }
        }, iter: TextIterations);
    }

    // ---- sentence splitting -------------------------------------------------------------------------------------

    [Fact]
    public void Splitting_into_sentences_loses_no_character_and_makes_no_empty_sentence()
    {
        var text = Gen.Frequency(
            (4, Gen.OneOf(".", "!", "?", " ", "  ", "\t", "\"", "”", ")", "(", "A", "b", "1", "e.g", "Ph.D", "vs", "U.S", "x", "É", "😀", "\u00A0", "\u3000")
                .Array[0, 40].Select(string.Concat)),
            (1, Gen.String));
        text.Sample(paragraph =>
        {
            var sentences = TextTools.Sentences(paragraph);
            Assert.All(sentences, s =>
            {
                Assert.False(string.IsNullOrWhiteSpace(s), "an empty sentence");
                Assert.Equal(s.Trim(), s);
            });
            Assert.Equal(WithoutWhiteSpace(paragraph), WithoutWhiteSpace(string.Concat(sentences)));
        }, iter: TextIterations);
    }

    private static string WithoutWhiteSpace(string s) => string.Concat(s.Where(c => !char.IsWhiteSpace(c)));

    // ---- mention neutralizing -----------------------------------------------------------------------------------

    private static readonly Gen<string> MentionText = Gen.Frequency(
        (6, Gen.OneOf("@", "everyone", "here", "channel", "EVERYONE", "Here", "<", ">", "!", "&", "|", "^", "@everyone", "@here", "<@", "<@!", "<@&", "<!",
            "<!here>", "<!channel|channel>", "<!subteam^S0123>", "<@U0123>", "<@123|name>", "123", "U01", "subteam", "x", " ", "\u200B", ".", "-", "é", "😀")
            .Array[0, 16].Select(string.Concat)),
        (1, Gen.String));

    [Fact]
    public void Neutralized_text_never_pings_and_reads_the_same()
    {
        MentionText.Sample(text =>
        {
            var safe = MentionGuard.Neutralize(text);
            Assert.False(MentionGuard.HasMention(safe), $"still pings: {safe}");
            Assert.Equal(text.Replace("\u200B", "", StringComparison.Ordinal), safe.Replace("\u200B", "", StringComparison.Ordinal));
            Assert.Equal(safe, MentionGuard.Neutralize(safe));
        }, iter: TextIterations);
    }

    [Fact]
    public void Stripped_text_holds_no_mention()
    {
        MentionText.Sample(text =>
        {
            var stripped = MentionGuard.Strip(text);
            Assert.False(MentionGuard.HasMention(stripped), $"still holds a mention: {stripped}");
            Assert.Equal(stripped, MentionGuard.Strip(stripped));
        }, iter: TextIterations);
    }

    // ---- what the properties found (fixed; kept as plain cases) -------------------------------------------------

    [Theory]
    [InlineData("# Data Scientist vs. Data Engineer\n### •\n- Builds models.")]     // a role heading with no word in it: a role named "•" crashed
    [InlineData("# Data Scientist vs. Data Engineer\n## Skills\n**\n- Builds models.")] // a line of nothing but emphasis marks crashed
    public void Markdown_without_words_where_words_were_expected_parses(string text)
    {
        var article = ArticleParser.Parse("a.md", text, "hash");
        Assert.Contains(article.Sections, s => s.Units.Contains("Builds models."));
        Assert.DoesNotContain("•", article.Roles);
    }

    [Theory]
    [InlineData("<@1|<@2>>", "<@2>")]                                  // a mention inside another's label was left pinging
    [InlineData("<!subteam|<!here>", "<!here>")]
    public void A_mention_inside_another_mentions_label_is_neutralized(string text, string inner)
    {
        var safe = MentionGuard.Neutralize(text);
        Assert.False(MentionGuard.HasMention(safe));
        Assert.DoesNotContain(inner, safe, StringComparison.Ordinal);
    }

    [Fact]
    public void Stripping_a_mention_that_joins_the_text_around_it_into_another_strips_that_too()
    {
        Assert.False(MentionGuard.HasMention(MentionGuard.Strip("<@!123|<!here> >")));
    }

    // ---- answering any chat message ------------------------------------------------------------------------------

    private static readonly string[] ChatWords =
    [
        "ai", "ml", "mlre", "mlres", "architect", "architects", "scientist", "research", "researcher", "researchers", "engineer",
        "engineers", "engineering", "prompt", "data", "solutions", "research-y", "machine", "learning", "the", "a", "an", "other", "one",
        "vs", "or", "and", "between", "against", "what", "whats", "how", "do", "does", "i", "im", "my", "me", "you", "that", "it",
        "skills", "degree", "masters", "tools", "pay", "salary", "remote", "team", "side", "career", "overview", "takeaway",
        "distinction", "keep", "seeing", "toward", "write", "script", "docs", "hackathons", "biostatisticians", "enginer",
        "thanks", "ok", "lol", "pls", "?", ",", ".", "!", ":", "-", "—", "(", ")", "😀", "\u200b", "<@U123>", "/ask", "/compare", "",
    ];

    [Theory]
    [InlineData("research ml whats research-y ? engineers remote how thanks")] // a role's name ran past the clause's end: an exception before
    public void A_message_the_property_found_gets_an_answer(string question)
    {
        var knowledge = KnowledgeSnapshot.Load(Path.Combine(RepoPaths.RepoRoot(), "knowledge"));
        var answer = Advisor.Core.Answers.ExtractiveComposer.Compose(Advisor.Core.Retrieval.Retriever.Retrieve(knowledge, question, []));
        Assert.False(string.IsNullOrWhiteSpace(answer.Text));
    }

    [Fact]
    public void Any_chat_message_gets_an_answer_of_some_kind_and_never_an_exception()
    {
        var knowledge = KnowledgeSnapshot.Load(Path.Combine(RepoPaths.RepoRoot(), "knowledge"));
        var message = Gen.Frequency((8, Gen.OneOf(ChatWords)), (1, Gen.String[0, 12])).Array[0, 24].Select(w => string.Join(' ', w));
        Gen.Select(message, message.Array[0, 2]).Sample((question, history) =>
        {
            var turns = history.Select(h => new ConversationTurn(h, Advisor.Core.Answers.ExtractiveComposer.Compose(Advisor.Core.Retrieval.Retriever.Retrieve(knowledge, h, [])))).ToList();
            var answer = Advisor.Core.Answers.ExtractiveComposer.Compose(Advisor.Core.Retrieval.Retriever.Retrieve(knowledge, question, turns));
            Assert.False(string.IsNullOrWhiteSpace(answer.Text));
        }, iter: TextIterations / 5);
    }
}
