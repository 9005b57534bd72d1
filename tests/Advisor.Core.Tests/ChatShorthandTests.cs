using Advisor.Core.Answers;
using Advisor.Core.Knowledge;
using Advisor.Core.Retrieval;
using Advisor.Core.Understanding;

namespace Advisor.Core.Tests;

/// <summary>Chat wording read right, on a folder about other careers (nothing here knows the shipped articles).</summary>
public sealed class ChatShorthandTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly KnowledgeSnapshot _knowledge;

    public ChatShorthandTests()
    {
        _folder.Write("baker-vs-chef.md", """
            # Baker vs. Chef

            ## Definitions

            **Baker:** A Baker makes bread and pastry for a shop or a hotel.

            **Chef:** A Chef runs a restaurant kitchen and writes its menu.

            ## Responsibilities

            ### Baker
            - Mix, shape and bake dough before dawn.
            - Keep the ovens and proofers clean.

            ### Chef
            - Plan the menu and order produce.
            - Lead the line during service.

            ## Education

            ### Baker
            - A basic food hygiene certificate; most learn on the job.

            ### Chef
            - Culinary school or an apprenticeship.

            ## Tools

            ### Baker
            - Deck ovens, mixers and Google Sheets for orders.

            ### Chef
            - Knives, combi ovens and a point-of-sale system.

            ## Collaboration

            ### Baker
            - Works with the shop staff who sell the bread.

            ### Chef
            - Works with the front of house and suppliers.
            """);
        _knowledge = KnowledgeSnapshot.Load(_folder.Path);
    }

    public void Dispose() => _folder.Dispose();

    private Answer Ask(string question, params string[] history) => AskOf(_knowledge, question, history);

    /// <summary>Asks the earlier questions of a thread, then the question, of a folder.</summary>
    private static Answer AskOf(KnowledgeSnapshot knowledge, string question, params string[] history)
    {
        var turns = new List<ConversationTurn>();
        foreach (var earlier in history)
        {
            turns.Add(new ConversationTurn(earlier, ExtractiveComposer.Compose(Retriever.Retrieve(knowledge, earlier, turns))));
        }

        return ExtractiveComposer.Compose(Retriever.Retrieve(knowledge, question, turns));
    }

    /// <summary>A one-article folder whose two roles are named by their disciplines (research, design).</summary>
    private const string GameArticle = """
        # Game Research vs. Game Design

        ## Skills

        ### Game Research
        - Statistics and playtest analysis.

        ### Game Design
        - Level layout and systems balancing.
        """;

    /// <summary>The knowledge of a folder of its own holding the articles given (file name, Markdown).</summary>
    private static KnowledgeSnapshot FolderOf(params (string File, string Markdown)[] articles)
    {
        using var folder = new TempFolder();
        foreach (var (file, markdown) in articles)
        {
            folder.Write(file, markdown);
        }

        return KnowledgeSnapshot.Load(folder.Path);
    }

    /// <summary>Asks questions of a one-article folder of its own.</summary>
    private static Answer[] AskIn(string markdown, params string[] questions)
    {
        var knowledge = FolderOf(("article.md", markdown));
        return [.. questions.Select(q => AskOf(knowledge, q))];
    }

    [Fact]
    public void A_greeting_with_a_word_about_the_asker_and_a_question_about_the_bot_are_small_talk()
    {
        Assert.Equal(AnswerKind.SmallTalk, Ask("hello there, new here 👋").Kind);
        Assert.Equal(AnswerKind.SmallTalk, Ask("which careers can u tell me about?").Kind);
    }

    [Fact]
    public void The_plural_of_a_word_the_knowledge_has_is_not_a_typo_of_it()
    {
        // The folder has "basic"; "basics" still asks for the whole role.
        Assert.Equal(AnswerKind.Profile, Ask("give me the basics of being a baker").Kind);
        Assert.Equal(AnswerKind.Profile, Ask("chef, whats the gist of it as a job").Kind);
    }

    [Fact]
    public void What_courses_cost_and_one_companys_hiring_are_topics_the_folder_lacks()
    {
        Assert.Equal(AnswerKind.UncoveredTopic, Ask("how much does culinary school cost for a chef").Kind);

        // The folder names Google (a product), yet "is google hiring" asks about one employer.
        var google = Ask("is google hiring bakers rn");
        Assert.Equal(AnswerKind.UncoveredTopic, google.Kind);
        Assert.Equal(AnswerKind.UncoveredTopic, Ask("is google or amazon hiring chefs").Kind);
    }

    [Fact]
    public void Idioms_for_the_work_and_the_people_around_it()
    {
        var gig = Ask("is keeping the ovens clean actually part of the gig for a baker?");
        Assert.Equal(AnswerKind.Answer, gig.Kind);
        Assert.Equal("Responsibilities", gig.Citations[0].Section);

        var desk = Ask("what is a chef actually on the hook for");
        Assert.Equal("Responsibilities", desk.Citations[0].Section);

        var next = Ask("who does a chef sit next to");
        Assert.Equal("Collaboration", next.Citations[0].Section);
    }

    [Fact]
    public void Which_one_after_two_roles_in_turn_compares_them()
    {
        var answer = Ask("ok so which one needs more schooling", "what does a baker do", "and a chef?");
        Assert.Equal(AnswerKind.Comparison, answer.Kind);
        Assert.Contains(answer.Citations, c => c.Role == "Baker" && c.Section == "Education");
        Assert.Contains(answer.Citations, c => c.Role == "Chef" && c.Section == "Education");
    }

    [Fact]
    public void An_emoji_that_stands_for_a_word_is_read_as_it()
    {
        // "and the 💰?" after a question about a baker asks about pay, which the folder lacks: not small talk.
        Assert.Equal(AnswerKind.UncoveredTopic, Ask("cool cool and the 💰?", "what does a baker do").Kind);
        Assert.Contains("government", ChatText.Words("which govt orgs hire"));
        Assert.Contains("organizations", ChatText.Words("which govt orgs hire"));
    }

    [Fact]
    public void Asking_for_company_names_or_the_best_bootcamp_are_topics_the_folder_lacks()
    {
        var companies = Ask("who is hiring chefs right now? any specific companies");
        Assert.Equal((AnswerKind.UncoveredTopic, "Specific employers"), (companies.Kind, companies.Uncovered));
        var bootcamp = Ask("which bootcamp is the best for becoming a baker");
        Assert.Equal((AnswerKind.UncoveredTopic, "Which bootcamp, course or school to pick"), (bootcamp.Kind, bootcamp.Uncovered));
    }

    [Fact]
    public void An_apology_for_asking_is_small_talk()
    {
        var sorry = Ask("sorry for spamming you with questions haha");
        Assert.Equal(AnswerKind.SmallTalk, sorry.Kind);
        Assert.Contains("apologise", sorry.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_general_intro_asks_for_the_whole_role()
    {
        Assert.Equal(AnswerKind.Profile, Ask("can you give me a general intro to the chef role, what it involves overall?").Kind);
    }

    [Fact]
    public void People_a_role_works_between_are_not_a_job_asked_about()
    {
        var between = Ask("so a chef is basically the go between for the owners and the developers??");
        Assert.NotEqual(AnswerKind.UncoveredRole, between.Kind);

        // With no covered role named, the same people are the job asked about.
        Assert.Equal(AnswerKind.UncoveredRole, Ask("what do the developers do all day").Kind);
    }

    [Fact]
    public void Still_ties_the_question_to_what_the_asker_said_about_themselves()
    {
        // "is" inside a clause states: what the asker says of themselves is not the aspect asked.
        var stated = Ask("my education is mostly online courses. who does a chef work with");
        Assert.Equal(("Collaboration", "Chef"), (stated.Citations[0].Section, stated.Citations[0].Role));

        var still = Ask("my certificate is in food hygiene, can i still go the chef route");
        Assert.Equal(("Education", "Chef"), (still.Citations[0].Section, still.Citations[0].Role));
    }

    [Fact]
    public void Who_they_spend_their_time_with_is_collaboration()
    {
        var time = Ask("who do bakers actually spend their time with at work");
        Assert.Equal(("Collaboration", "Baker"), (time.Citations[0].Section, time.Citations[0].Role));
        Assert.Equal("impact", AspectLexicon.Detect(ChatText.Words("research vs engineering, whos playing the longer game")).Aspect);
    }

    [Fact]
    public void A_phrase_only_one_section_has_points_at_it_over_the_aspect_named()
    {
        // "tools" asks for the tools, but only the baker's education says "food hygiene".
        var hygiene = Ask("which tools matter for food hygiene as a baker");
        Assert.Equal(("Education", "Baker"), (hygiene.Citations[0].Section, hygiene.Citations[0].Role));
    }

    [Fact]
    public void Same_question_for_another_role_asks_it_again_and_is_that_different_compares_on_the_same_aspect()
    {
        var again = Ask("same q but for the chef", "who does a baker work with");
        Assert.Equal(AnswerKind.Answer, again.Kind);
        Assert.Equal(("Collaboration", "Chef"), (again.Citations[0].Section, again.Citations[0].Role));

        var different = Ask("is that different for chefs?", "what education does a baker need");
        Assert.Equal(AnswerKind.Comparison, different.Kind);
        Assert.All(different.Citations, c => Assert.Equal("Education", c.Section));
    }

    [Theory]
    [InlineData("heyyy")]
    [InlineData("nvm, figured it out")]
    [InlineData("ok ill think about it")]
    [InlineData("wish me luck!")]
    [InlineData("gn")]
    [InlineData("are you an ai?")]
    [InlineData("what topics do you cover")]
    [InlineData("is this thing on")]
    [InlineData("morning all, hope ur well")]
    [InlineData("thanks a million")]
    [InlineData("gotcha")]
    [InlineData("peace ✌️")]
    [InlineData("my bad typo")]
    [InlineData("good morning from manila ☀️")]
    [InlineData("ok bye, gotta jump on a call")]
    [InlineData("hello bot, long time no see 👋")]
    [InlineData("sorry i typed that wrong lol ignore")]
    [InlineData("ty king 👑")]
    [InlineData("Hello, I'm a parent and new to Discord. How do I use this thing?")]
    public void Everyday_chat_around_the_questions_is_small_talk(string message)
    {
        Assert.Equal(AnswerKind.SmallTalk, Ask(message).Kind);
    }

    [Fact]
    public void Age_team_size_and_what_to_wear_are_topics_the_folder_lacks()
    {
        var age = Ask("can i become a baker at 45");
        Assert.Equal((AnswerKind.UncoveredTopic, "Age"), (age.Kind, age.Uncovered));
        var team = Ask("whats the typical team size for chefs");
        Assert.Equal((AnswerKind.UncoveredTopic, "Team size"), (team.Kind, team.Uncovered));
        Assert.Equal(AnswerKind.UncoveredTopic, Ask("what would a chef wear to work lol").Kind);

        // An hour count is not an age.
        Assert.NotEqual("Age", Ask("do bakers start at 4 hours before dawn").Uncovered);
    }

    [Fact]
    public void Curious_about_a_job_is_not_holding_it()
    {
        var curious = Ask("im curious about robotics engineers, what tools do they use");
        Assert.Equal((AnswerKind.UncoveredRole, "robotics engineers"), (curious.Kind, curious.Uncovered));
    }

    [Fact]
    public void An_article_named_by_its_roles_says_where_to_look_not_what_to_compare()
    {
        var describe = Ask("in the baker vs chef guide, what is a chef exactly");
        Assert.Equal(AnswerKind.Answer, describe.Kind);
        Assert.Equal(("Definitions", "Chef"), (describe.Citations[0].Section, describe.Citations[0].Role));

        // With no other role named, the article's two roles are still compared on what is asked.
        Assert.Equal(AnswerKind.Comparison, Ask("what does the baker vs chef write up say about their education").Kind);
    }

    [Fact]
    public void Everyday_words_the_folder_also_uses_do_not_make_a_career_question()
    {
        Assert.Equal(AnswerKind.OffTopic, Ask("how do i keep my sheets clean").Kind);
    }

    [Fact]
    public void Small_talk_and_idioms_that_share_words_with_topics()
    {
        Assert.Equal(AnswerKind.SmallTalk, Ask("appreciate it, have a good weekend").Kind);
        Assert.Equal(AnswerKind.SmallTalk, Ask("hola, you speak english only?").Kind);
        Assert.Equal(AnswerKind.Profile, Ask("give me a crash course on chefs so i dont sound dumb on calls").Kind);
        Assert.Equal(AnswerKind.UncoveredTopic, Ask("does a chef make more than a baker").Kind);
    }

    [Fact]
    public void A_discipline_set_against_the_other_disciplines_people_names_both_roles()
    {
        var answers = AskIn(GameArticle,
            "research vs designer skills",
            // Two roles compared with a job beside them (not set against them): the roles are what is asked, not the job.
            "which side of research vs design has more to do with product managers");
        Assert.All(answers, a => Assert.Equal(AnswerKind.Comparison, a.Kind));
    }

    [Fact]
    public void Explain_it_to_me_like_asks_for_the_whole_role()
    {
        Assert.Equal(AnswerKind.Profile, Ask("explain being a chef to me like im a non technical manager").Kind);
    }

    [Fact]
    public void A_follow_up_skips_the_thanks_in_between_and_stays_in_the_same_article()
    {
        var after = Ask("what about chefs", "what does a baker need to study", "thx");
        Assert.Equal(("Education", "Chef"), (after.Citations[0].Section, after.Citations[0].Role));

        var same = Ask("and the chef in that same article?", "what tools does a baker use");
        Assert.Equal(("Tools", "Chef"), (same.Citations[0].Section, same.Citations[0].Role));
    }

    [Fact]
    public void Round_eleven_readings()
    {
        Assert.Equal(AnswerKind.OffTopic, Ask("can you help me write a birthday message for my coworker").Kind);
        Assert.Equal(AnswerKind.Profile, Ask("give me a snapshot of what being a chef is like").Kind);
        Assert.Contains("vscode", ChatText.Words("which IDE do bakers use? pycharm? vs code?"));
        Assert.Equal(AnswerKind.UncoveredTopic, Ask("do i need to speak japanese to work as a chef in tokyo").Kind);
        Assert.Equal(AnswerKind.UncoveredTopic, Ask("baker apprenticeship application deadlines for summer 2026?").Kind);
    }

    [Fact]
    public void A_side_the_articles_have_nothing_on_for_the_aspect_shows_what_the_role_does()
    {
        var answer = AskIn("""
            # Potter vs. Glassblower

            ## Definitions

            **Potter:** A Potter shapes clay into bowls and vases.

            **Glassblower:** A Glassblower shapes molten glass with a pipe.

            ## Tools

            ### Potter
            - A wheel, a kiln and wire cutters.
            """,
            "potter vs glassblower, which tools")[0];
        Assert.Equal(AnswerKind.Comparison, answer.Kind);
        Assert.Contains(answer.Citations, c => c.Role == "Glassblower");
    }

    [Fact]
    public void Equity_negotiation_and_how_many_years_it_takes_are_topics_of_their_own()
    {
        Assert.Equal("Benefits and leave", Ask("do chefs get stock options or equity").Uncovered);
        Assert.Equal("Negotiating an offer", Ask("how do i negotiate a chef job offer").Uncovered);
        Assert.Equal("How long it takes to get there", Ask("how many years does it take to become a chef").Uncovered);

        // Stressing about something is not asking about stress at work.
        var stressing = Ask("my daughter is stressing that she needs a certificate to become a baker. is that true?");
        Assert.Equal(("Education", "Baker"), (stressing.Citations[0].Section, stressing.Citations[0].Role));
    }

    [Fact]
    public void A_word_people_write_often_is_not_a_typo_of_a_topic_word()
    {
        // "strokes" is one letter from "strikes" (unions), yet an everyday word: only its own forms may stand for it.
        Assert.NotEqual(AnswerKind.UncoveredTopic, Ask("whats being a baker like, broad strokes").Kind);
        var typo = Ask("what eduction does a chef need");
        Assert.Equal(("Education", "Chef"), (typo.Citations[0].Section, typo.Citations[0].Role));
    }

    [Fact]
    public void Talk_to_the_bot_or_the_channel_in_words_of_its_own_is_small_talk()
    {
        Assert.Equal(AnswerKind.SmallTalk, Ask("sorry for flooding this channel all morning 🙏").Kind);
        Assert.Equal(AnswerKind.SmallTalk, Ask("hold on, are u a bot or an actual mod").Kind);
        Assert.Equal(AnswerKind.OffTopic, Ask("how long do i boil pasta").Kind);
    }

    [Theory]
    [InlineData("squash or rebase when merging a feature branch, which do u prefer", AspectClassifier.OffTopicLabel)]
    [InlineData("whats the weather like in lisbon this weekend", AspectClassifier.OffTopicLabel)]
    [InlineData("which tools do they use day to day", AspectClassifier.CareerLabel)]
    [InlineData("what degree do i need", AspectClassifier.CareerLabel)]
    public void The_learned_reader_of_chat_tells_a_question_about_something_else_from_a_career_question(string question, string expected)
    {
        var words = AspectClassifier.WordsOf(QuestionReader.Read(_knowledge, question));
        var guess = AspectClassifier.Chat.Guess(words, [AspectClassifier.OffTopicLabel, AspectClassifier.CareerLabel]);
        Assert.Equal(expected, guess?.Aspect);
    }

    [Fact]
    public void A_field_named_as_a_career_is_a_role_the_folder_lacks()
    {
        Assert.Equal(AnswerKind.UncoveredRole, Ask("is ux design a good career rn").Kind);
        Assert.Equal(AnswerKind.UncoveredRole, Ask("whats the outlook for devops roles").Kind);
        Assert.Equal(AnswerKind.UncoveredRole, Ask("what about qa testing as a path into baking").Kind);

        // Beside a role the folder has, a bare field may be where that role leads.
        Assert.NotEqual(AnswerKind.UncoveredRole, Ask("do chefs move into management roles").Kind);
    }

    [Fact]
    public void An_aspect_a_role_has_no_section_on_is_named_as_people_read_it()
    {
        // "till" is "until"; the reply names the topic by its name, not by the reader's key ("impact", "industries").
        Assert.Equal("How long it takes to get there", Ask("how long till i can be a chef").Uncovered);
        var industries = Ask("which industries hire bakers");
        Assert.Equal("Industries", industries.Uncovered);
        Assert.Contains("don't cover industries for Bakers", industries.Text);
    }

    [Fact]
    public void Someone_in_the_askers_life_is_not_a_topic_and_the_vibe_asks_for_the_whole_role()
    {
        Assert.NotEqual(AnswerKind.UncoveredTopic, Ask("how do i explain to my grandma what a chef does").Kind);
        Assert.Equal(AnswerKind.Profile, Ask("whats the vibe of a bakers job").Kind);
        Assert.Equal(AnswerKind.Profile, Ask("whats being a chef like as a job").Kind);
    }

    [Fact]
    public void Who_is_asking_in_a_short_clause_ending_in_here_is_not_the_aspect_asked()
    {
        var answer = Ask("postdoc here, whats the collaboration like for bakers vs chefs");
        Assert.Equal(AnswerKind.Comparison, answer.Kind);
        Assert.Equal("Collaboration", answer.Citations[0].Section);
        Assert.Equal("Collaboration", Ask("masters student here, how do bakers vs chefs work with others").Citations[0].Section);
    }

    [Theory]
    [InlineData("anything")]
    [InlineData("went")]
    [InlineData("nothing")]
    [InlineData("total")]
    [InlineData("completely")]
    public void Pronouns_the_past_of_go_and_intensifiers_carry_no_topic(string word) => Assert.True(QuestionReader.IsNoise(word));

    [Theory]
    [InlineData("sir kindly tell what is the work of a baker", "Baker")]
    [InlineData("kindly tell me the work of chef", "Chef")]
    public void Polite_address_is_filler_and_the_work_of_a_role_is_what_it_does(string question, string role)
    {
        var answer = Ask(question);
        Assert.Equal(("Responsibilities", role), (answer.Citations[0].Section, answer.Citations[0].Role));
    }

    [Fact]
    public void Round_fourteen_readings()
    {
        Assert.Equal("Specific employers", Ask("which companies are hiring bakers right now").Uncovered);
        Assert.Equal("How long it takes to get there", Ask("how long does the job search take for chefs").Uncovered);
        Assert.Equal("Time Horizon and Impact", Ask("and the time frame for chefs?").Uncovered);
        Assert.Equal(AnswerKind.UncoveredRole, Ask("tenure track faculty positions, still worth it?").Kind);
        Assert.Contains("engineering", ChatText.Words("what is ai engg all about"));

        // An acknowledgement that asks about the other role is a follow-up, not small talk.
        var other = Ask("ok and the other one?", "what tools does a baker use");
        Assert.Equal(("Tools", "Chef"), (other.Citations[0].Section, other.Citations[0].Role));
    }

    [Fact]
    public void Currency_signs_on_their_own_ask_about_money()
    {
        Assert.Equal("Pay", Ask("ok and the $$$ for a chef?").Uncovered);
    }

    [Fact]
    public void The_intro_or_the_end_after_a_question_about_an_article_is_that_articles_section()
    {
        using var folder = new TempFolder();
        folder.Write("article.md", """
            # Potter vs. Glassblower

            ## Introduction

            Two crafts that shape what people drink from.

            ## Tools

            ### Potter
            - A wheel, a kiln and wire cutters.

            ### Glassblower
            - A blowpipe, a furnace and jacks.

            ## Conclusion

            Pick the material you like to touch.
            """);
        var knowledge = KnowledgeSnapshot.Load(folder.Path);
        const string earlier = "what tools does a potter use";
        Assert.Equal("Introduction", AskOf(knowledge, "and the intro? who is it aimed at", earlier).Citations[0].Section);
        Assert.Equal("Conclusion", AskOf(knowledge, "k and how does the article end", earlier).Citations[0].Section);

        // An aspect asked of the article by name is that aspect, not the article itself.
        Assert.Equal("Tools", AskOf(knowledge, "in the potter vs glassblower article what are the tools").Citations[0].Section);
    }

    [Fact]
    public void Round_fifteen_readings()
    {
        // A job wanted is what is asked about, even in a sentence of its own before the question.
        Assert.Equal(AnswerKind.UncoveredRole, Ask("My kid wants to be a \"data analyst\". What does that job involve?").Kind);
        Assert.Equal(AnswerKind.UncoveredRole, Ask("My kid wants to be a data analyst. What does it involve?").Kind);

        Assert.Equal("Age", Ask("can a 16 yo get hired as a baker").Uncovered);
        Assert.Equal("Which bootcamp, course or school to pick", Ask("top unis for becoming a chef?").Uncovered);
        Assert.Equal("Promotion and job changes", Ask("is there a people manager track for chefs or is it IC only").Uncovered);

        // Words of a participle that name a kind of work make another job; a leader of a function is another job too.
        Assert.Equal(AnswerKind.UncoveredRole, Ask("what skills does an applied chef need").Kind);
        Assert.Equal(AnswerKind.UncoveredRole, Ask("what does a head of baking do all day").Kind);
        Assert.Contains("heads of baking", Ask("how do i become head of baking").Text, StringComparison.Ordinal);

        Assert.Equal(AnswerKind.SmallTalk, Ask("wsg bot").Kind);
        Assert.Equal(AnswerKind.SmallTalk, Ask("r u like chatgpt or smth").Kind);
        Assert.Equal(AnswerKind.SmallTalk, Ask("ok bet thats all i needed ty", "what tools does a baker use").Kind);
        Assert.Equal(AnswerKind.Profile, Ask("brain dump on chefs pls").Kind);
        var plate = Ask("whats on a chef's plate besides cooking");
        Assert.Equal(("Responsibilities", "Chef"), (plate.Citations[0].Section, plate.Citations[0].Role));

        // "instead" asks the thread's question again of the role named.
        var instead = Ask("what if i wanna go the chef route instead", "what does a baker need to study");
        Assert.Equal(("Education", "Chef"), (instead.Citations[0].Section, instead.Citations[0].Role));
    }

    [Fact]
    public void A_percentage_of_an_amount_is_a_sum_even_when_a_section_has_the_word()
    {
        var answers = AskIn("""
            # Baker

            ## Tips

            - Tip: start on early shifts in a small bakery.
            """,
            "whats a 20% tip on $84",
            "what's 15 percent of 240");
        Assert.All(answers, a => Assert.Equal(AnswerKind.OffTopic, a.Kind));
    }

    [Fact]
    public void Two_disciplines_either_side_of_vs_compare_their_roles()
    {
        var answers = AskIn("""
            # Game Research vs. Game Design

            ## Output

            ### Game Research
            - Playtest reports.

            ### Game Design
            - Level documents.

            ## Definitions

            **Game Research:** studies how players play.

            **Game Design:** shapes what players play.
            """,
            "what does research output look like vs what design ships");
        Assert.Equal(AnswerKind.Comparison, answers[0].Kind);
        Assert.Equal(2, answers[0].Citations.Select(c => c.Role).Distinct().Count());
    }

    [Fact]
    public void Round_sixteen_readings()
    {
        // A topic in a clause that sets the scene gives way to what the question clause asks; a topic asked stays.
        var skills = Ask("screening chef resumes rn and i cant tell good from bad. what tools am i looking for");
        Assert.Equal(("Tools", "Chef"), (skills.Citations[0].Section, skills.Citations[0].Role));
        Assert.Equal("Diversity", Ask("how many women are chefs? will i be the only one").Uncovered);
        var what = Ask("whats a baker? keep seeing it on job boards");
        Assert.Equal(("Definitions", "Baker"), (what.Citations[0].Section, what.Citations[0].Role));

        // Hiring for a job makes it the job asked about, not the asker's own.
        Assert.Equal(AnswerKind.UncoveredRole, Ask("we're opening a data analyst req — what skills do we screen for").Kind);

        Assert.Equal(AnswerKind.SmallTalk, Ask("gm team ☀️").Kind);
        Assert.Equal("How long it takes to get there", Ask("typical time to fill for a chef req? leadership wants a date").Uncovered);
        Assert.Equal("Where to post jobs and find candidates", Ask("best sourcing channels for bakers? which job boards work").Uncovered);
        Assert.Equal("Pay", Ask("comp for a chef — whats market rate? base + bonus").Uncovered);
        Assert.NotEqual(AnswerKind.Profile, Ask("how do chefs know a menu change actually helped and not just vibes").Kind);
    }

    [Fact]
    public void A_word_of_a_roles_name_spelled_out_or_misheard_is_that_word()
    {
        var answers = AskIn("""
            # AI Tutor vs. Data Steward

            ## Definitions

            **AI Tutor:** An AI Tutor teaches students with the help of chat assistants.

            **Data Steward:** A Data Steward keeps a company's records tidy and findable.

            ## Tools

            ### AI Tutor
            - Chat assistants and a learning platform.

            ### Data Steward
            - A data catalog and spreadsheets.
            """,
            "what tools does an Al tutor use",
            "a i tutor tools?",
            "what tools does an a eye tutor use");
        Assert.All(answers, a => Assert.Equal(("Tools", "AI Tutor"), (a.Citations[0].Section, a.Citations[0].Role)));
    }

    [Fact]
    public void Round_seventeen_readings()
    {
        Assert.Equal(AnswerKind.UncoveredRole, Ask("MLOps vs DevOps which one pays more").Kind);
        Assert.Equal("Visas and immigration", Ask("H1B sponsorship for chef roles — do restaurants actually do it").Uncovered);
        Assert.Equal(AnswerKind.SmallTalk, Ask("happy friday all").Kind);
        Assert.Equal("Pay", Ask("saw a tweet saying chefs make 300k+. cope or real").Uncovered);
        Assert.Equal("Specific employers", Ask("which companies in austin are hiring chefs right now").Uncovered);

        // A bare title with the years served in it is the asker's own job, not the one asked about.
        Assert.NotEqual(AnswerKind.UncoveredRole, Ask("are cooking courses worth it for becoming a chef, or should i go to culinary school? teacher, 8 yrs in").Kind);

        // A line quoted from an article is answered by the section that holds it.
        var quoted = Ask("someone said 'mix, shape and bake dough before dawn' — which job was that about");
        Assert.Equal(("Responsibilities", "Baker"), (quoted.Citations[0].Section, quoted.Citations[0].Role));
    }

    [Fact]
    public void Round_eighteen_readings()
    {
        // The learned reader of chat, sure at 0.9 rather than 0.99, takes remarks to the channel for small talk.
        Assert.All(new[] { "happy diwali to all 🪔✨", "hooah 👋", "sorry for my english jaja" }, q => Assert.Equal(AnswerKind.SmallTalk, Ask(q).Kind));

        // Words the knowledge lacks, worded as questions about what the articles don't cover are worded (learned).
        Assert.Equal(AnswerKind.UncoveredTopic, Ask("which specific bootcamp should i do to become a baker — name names").Kind);
        Assert.Equal(AnswerKind.UncoveredTopic, Ask("do bakers get their own name on the bread they make at hotels").Kind);

        // A question the rules read as asking for a profile, that the learned reader is sure asks about one aspect.
        var schooling = Ask("what schooling do i need for chef jobs — culinary degree, all of it?");
        Assert.Equal((AnswerKind.Answer, "Education", "Chef"), (schooling.Kind, schooling.Citations[0].Section, schooling.Citations[0].Role));
    }

    [Fact]
    public void Round_nineteen_reading_a_request_for_the_whole_role_with_no_aspect_asked_is_a_profile()
    {
        // The rules found no aspect asked outright and would answer from the section the words match; the learned reader
        // is sure the message asks about the role as a whole.
        Assert.Equal(AnswerKind.Profile, Ask("i know nothing about chefs. go").Kind);
    }

    [Fact]
    public void Round_twenty_a_general_section_far_ahead_answers_for_both_roles()
    {
        var answers = AskIn("""
            # Baker vs. Chef

            ## Skills

            ### Baker
            - Shaping dough by hand and reading a proof.

            ### Chef
            - Knife work and seasoning by taste.

            ## Practical Tips

            - Good food safety habits matter in both jobs: label, date and chill everything.
            - Stage for a week in a working kitchen before you commit.
            """,
            "do food safety habits matter for bakers and chefs, or is it all skills",
            "baker vs chef, which skills are harder to learn");

        // The tips section ranks far ahead of either role's skills: it answers, for both.
        Assert.Equal((AnswerKind.Answer, "Practical Tips"), (answers[0].Kind, answers[0].Citations[0].Section));

        // A plain comparison is still side by side.
        Assert.Equal(AnswerKind.Comparison, answers[1].Kind);
    }

    [Fact]
    public void Round_twenty_one_readings()
    {
        // "…or is that only a Y thing": Y is what the question sets X against, not a second role asked about.
        var contrast = Ask("do bakers keep the ovens clean or is that only a chef thing");
        Assert.Equal((AnswerKind.Answer, "Baker"), (contrast.Kind, contrast.Citations[0].Role));

        // A covered name in the plural in front of a title's head word is the subject of a verb, not a job title.
        Assert.NotEqual(AnswerKind.UncoveredRole, Ask("do bakers lead the shop staff or do they work alone").Kind);

        // "=" ends a clause: "baker = chef" is not a "baker chef".
        Assert.NotEqual(AnswerKind.UncoveredRole, Ask("baker = chef or cook? confused").Kind);

        // "for someone who loves …" is a preference to weigh the roles against, not a topic asked about.
        Assert.Equal(AnswerKind.Comparison, Ask("baker or chef for someone who loves whiteboarding menus").Kind);

        // "top to bottom" asks for the whole role.
        Assert.Equal(AnswerKind.Profile, Ask("chef, top to bottom pls").Kind);

        // A LinkedIn headline is application material, which the folder doesn't cover.
        Assert.Equal(AnswerKind.UncoveredTopic, Ask("whats a good linkedin headline for chef jobs").Kind);

        // "long term" (time horizon) about roles without such a section reads their outlook.
        var longTerm = AskIn("""
            # Baker vs. Chef

            ## Skills

            ### Baker
            - Shaping dough by hand.

            ### Chef
            - Knife work.

            ## Outlook

            ### Baker
            - Demand for bakers grows with every new cafe.

            ### Chef
            - Restaurants keep hiring chefs.
            """, "is being a baker a good long term career bet");
        Assert.Equal((AnswerKind.Answer, "Outlook"), (longTerm[0].Kind, longTerm[0].Citations[0].Section));
    }

    [Fact]
    public void Round_twenty_two_readings()
    {
        // What the answer is for ("for the job ladder doc", "for the leveling rubric") is not a topic asked about.
        var definition = Ask("defn of baker for the job ladder doc");
        Assert.Equal((AnswerKind.Answer, "Definitions", "Baker"), (definition.Kind, definition.Citations[0].Section, definition.Citations[0].Role));
        var duties = Ask("chef responsibilities pls, need it for the leveling rubric");
        Assert.Equal((AnswerKind.Answer, "Responsibilities"), (duties.Kind, duties.Citations[0].Section));

        // Thanks in other languages are small talk.
        Assert.All(new[] { "asante sana!", "merci beaucoup", "terima kasih banyak" }, q => Assert.Equal(AnswerKind.SmallTalk, Ask(q).Kind));
    }

    [Fact]
    public void Round_twenty_three_readings()
    {
        // A title the asker likens the role to is not a job asked about.
        var likened = Ask("so bakers are basically chemists with an oven lol. what else is in their toolbox");
        Assert.Equal((AnswerKind.Answer, "Tools", "Baker"), (likened.Kind, likened.Citations[0].Section, likened.Citations[0].Role));

        // A clause that asks only what the role is asks its definition; aspect words elsewhere set the scene.
        var defined = Ask("everyone keeps saying collaboration this collaboration that. what is a chef");
        Assert.Equal((AnswerKind.Answer, "Definitions"), (defined.Kind, defined.Citations[0].Section));

        // Worded the way requests for a whole role are, with only "what is it" read by the rules: a profile.
        Assert.Equal(AnswerKind.Profile, Ask("baker, whats that about? lab tech here, curious").Kind);

        // A topic the roles lack (interviews, from "resumes") that both learned readers are sure is a career question
        // about one of the roles' aspects is answered from it ...
        var internships = Ask("do internships matter when screening baker resumes");
        Assert.Equal((AnswerKind.Answer, "Education"), (internships.Kind, internships.Citations[0].Section));

        // ... but not when the aspect reader learned the topic itself and reads it (Round_seventeen_readings: "chefs make 300k").
        Assert.Equal(AnswerKind.UncoveredTopic, Ask("saw a tweet saying chefs make 300k+. cope or real").Kind);
    }

    [Fact]
    public void Round_twenty_four_a_topic_named_where_nothing_is_asked_does_not_refuse_a_profile_or_a_comparison()
    {
        Assert.Equal(AnswerKind.Profile, Ask("EVERYTHING about being a baker please, seriously considering it at 39").Kind);
        Assert.Equal(AnswerKind.Comparison, Ask("ok so i love bread and early mornings, but i also like money lol, baker or chef??").Kind);

        // Asked outright, the topic is still what the question is about.
        Assert.Equal((AnswerKind.UncoveredTopic, "Pay"), (Ask("bakers vs chefs — who earns more?").Kind, Ask("bakers vs chefs — who earns more?").Uncovered));
        Assert.Equal((AnswerKind.UncoveredTopic, "Age"), (Ask("am i too old to become a baker at 50").Kind, Ask("am i too old to become a baker at 50").Uncovered));
    }

    [Fact]
    public void Round_twenty_five_thanks_with_more_words_and_talk_to_the_bot_are_small_talk()
    {
        // Thanks said outright, in a message that asks nothing, with words the small talk does not take.
        Assert.Equal(AnswerKind.SmallTalk, Ask("ugh. ok thanks i guess 😂", "do bakers need a degree").Kind);
        Assert.Equal(AnswerKind.SmallTalk, Ask("Thank you, this has been genuinely useful for my evening with the kids").Kind);

        // A question after the thanks is still asked.
        Assert.NotEqual(AnswerKind.SmallTalk, Ask("thanks! and what tools do bakers use").Kind);

        // Said to the bot, no role, no aspect: talk to the bot.
        Assert.Equal(AnswerKind.SmallTalk, Ask("are you a real person or ai").Kind);
    }

    [Fact]
    public void Round_twenty_six_a_likened_role_a_question_after_know_and_unknown_words_beside_an_aspect()
    {
        // A title the folder lacks, with a covered role named only as what it is likened to: the title is asked about.
        var stylist = Ask("food stylist responsibilities? is it close to a chef");
        Assert.Equal((AnswerKind.UncoveredRole, "food stylist"), (stylist.Kind, stylist.Uncovered));
        Assert.Equal(AnswerKind.UncoveredRole, Ask("pastry cook, what's the role? kinda like a baker?").Kind);

        // Two covered roles, one likened to the other, are still compared.
        Assert.Equal(AnswerKind.Comparison, Ask("what does a chef do, is it like a baker").Kind);

        // "need to know how bad it is" asks to be told, not what a baker needs to know: the pay asked is what the folder lacks.
        var pay = Ask("how much do bakers make. i need to know how bad it is");
        Assert.Equal((AnswerKind.UncoveredTopic, "Pay"), (pay.Kind, pay.Uncovered));

        // Two words the folder lacks beside an aspect it has ("hire" reads as industries): the chat reader's word is enough.
        var industries = AskIn(IndustriesArticle,
            "which firms in lagos hire chefs? jumia?",
            "which hotels hire chefs",
            "which industries hire bakers in the uk");
        Assert.Equal(AnswerKind.UncoveredTopic, industries[0].Kind);
        Assert.Equal(AnswerKind.Answer, industries[1].Kind);
        Assert.Equal(AnswerKind.Answer, industries[2].Kind);
    }

    private const string IndustriesArticle = """
        # Baker vs. Chef

        ## Definitions

        **Baker:** A Baker makes bread and pastry for a shop or a hotel.

        **Chef:** A Chef runs a restaurant kitchen and writes its menu.

        ## Common Industries

        ### Baker
        - Bakeries, supermarkets and hotels.

        ### Chef
        - Restaurants, hotels and catering firms.
        """;

    [Fact]
    public void Round_twenty_seven_follow_ups_comparisons_shorthand_and_a_topic_the_roles_have()
    {
        var knowledge = FolderOf(("article.md", """
            # Baker vs. Chef

            ## Definitions

            **Baker:** A Baker makes bread and pastry for a shop or a hotel.

            **Chef:** A Chef runs a restaurant kitchen and writes its menu.

            ## Skills

            ### Chef
            - Knife work, menu costing and running a line.

            ## Education

            ### Baker
            - A food hygiene certificate; most learn on the job.

            ### Chef
            - Culinary school or an apprenticeship.

            ## Salary

            ### Baker
            - Bakers in the US earn between USD 30K and 45K.

            ### Chef
            - Head chefs in the US earn between USD 50K and 80K.
            """));

        // A topic asked outright that the roles have is answered, whatever words the folder lacks beside it.
        var pay = AskOf(knowledge, "baker salary in the US? ballpark is fine");
        Assert.Equal(AnswerKind.Answer, pay.Kind);
        Assert.Equal("Salary", pay.Citations[0].Section);

        // A short follow-up whose only content is a word the folder lacks keeps the thread's aspect.
        var place = AskOf(knowledge, "is that just america or everywhere", "how much do bakers make");
        Assert.Equal(AnswerKind.Answer, place.Kind);
        Assert.Equal("Salary", place.Citations[0].Section);

        // Texting shorthand: "n" is "and".
        var shorthand = AskOf(knowledge, "n for chefs?", "whats the education for bakers");
        Assert.Equal(AnswerKind.Answer, shorthand.Kind);
        Assert.Equal(("Education", "Chef"), (shorthand.Citations[0].Section, shorthand.Citations[0].Role));

        // A comparison on an aspect one role lacks, with another asked outright that both have, compares on that one.
        var both = AskOf(knowledge, "baker vs chef, which is easier to get into without a degree");
        Assert.Equal((AnswerKind.Comparison, "education"), (both.Kind, both.Aspect));
        Assert.All(both.Citations, c => Assert.Equal("Education", c.Section));

        // A follow-up that asks to compare with the people of the thread's other discipline compares the two ("the
        // designers" names no role alone: a sound designer is a designer too).
        var game = FolderOf(("article.md", GameArticle), ("sound.md", "# Sound Designer\n\n## Skills\n\n### Sound Designer\n- Foley, mixing and middleware.\n"));
        var compared = AskOf(game, "compare that with the designers", "what skills does game research need");
        Assert.Equal(AnswerKind.Comparison, compared.Kind);
        Assert.Equal(["Game Research", "Game Design"], compared.Citations.Select(c => c.Role).Distinct());
    }

    [Fact]
    public void Round_twenty_eight_deciding_on_tools_is_a_duty_and_chat_words_are_not_a_topic()
    {
        // A verb of deciding before the tools asks whose job the choice is.
        Assert.Equal("responsibilities", Ask("do bakers pick the software and tools they use").Aspect);
        Assert.Equal("responsibilities", Ask("would a chef be the one picking the software").Aspect);
        Assert.Equal("tools", Ask("what tools do bakers use").Aspect);

        // Words the folder lacks in a question the chat reader is all but certain is a career question: answered.
        Assert.Equal(AnswerKind.Answer, Ask("im pretty awkward talking to people tbh. is chef a mistake for someone like me").Kind);
        Assert.Equal(AnswerKind.Answer, Ask("what should someone who wants to be a baker do first? practical steps pls").Kind);

        // Words that name something the folder lacks are still refused.
        Assert.Equal((AnswerKind.UncoveredTopic, "car"), (Ask("do bakers need a car").Kind, Ask("do bakers need a car").Uncovered));
    }

    [Fact]
    public void A_topic_the_folder_lacks_is_named_by_what_the_words_hint_at_or_not_quoted_when_they_are_many()
    {
        // "bootcamp" hints at the topic of which bootcamp or course to pick; "name" was the word left over.
        var bootcamp = Ask("which specific bootcamp should i do to become a baker — name names");
        Assert.Equal((AnswerKind.UncoveredTopic, "Which bootcamp, course or school to pick"), (bootcamp.Kind, bootcamp.Uncovered));

        // Four leftover words ("l5 l6 bar separates") are not a name worth quoting.
        var levels = Ask("L5 vs L6 bar for bakers, what separates them");
        Assert.Equal(AnswerKind.UncoveredTopic, levels.Kind);
        Assert.StartsWith("The articles I have don't cover that for Bakers", levels.Text, StringComparison.Ordinal);
        Assert.Null(levels.Uncovered);
    }

    [Fact]
    public void A_covered_discipline_with_another_word_in_front_is_another_field()
    {
        var answers = AskIn(GameArticle,
            "is ux research a good path into games in 2026",
            "is game design a good career");
        Assert.Equal(AnswerKind.UncoveredRole, answers[0].Kind);
        Assert.NotEqual(AnswerKind.UncoveredRole, answers[1].Kind);
    }

    /// <summary>Two roles of one article whose names share their first word, and a second article with one of them beside another engineer.</summary>
    private static readonly (string File, string Markdown)[] SiteArticles =
    [
        ("site.md", """
            # Site Architect vs. Site Engineer

            ## Definitions

            **Site Architect:** A Site Architect designs the buildings on a plot and how they sit on it.

            **Site Engineer:** A Site Engineer turns the drawings into a safe build on the ground.

            ## Responsibilities

            ### Site Architect
            - Draw plans and elevations.
            - Meet clients to agree on the brief.

            ### Site Engineer
            - Deal with the crews on site and check levels.
            - Keep the daily log.

            ## Nature of Work

            ### Site Architect
            - Work at a desk most of the time.

            ### Site Engineer
            - Work outdoors in all weather.

            ## Evaluation

            ### Site Architect
            - Judged by how clients rate the design over time.

            ### Site Engineer
            - Judged by builds finished safely and on time.
            """),
        ("plant.md", """
            # Site Engineer vs. Plant Engineer

            ## Responsibilities

            ### Site Engineer
            - Hand finished work over to production.

            ### Plant Engineer
            - Keep the machines running.
            """),
    ];

    [Fact]
    public void Round_twenty_nine_short_answers_praise_briefings_and_voice_typing()
    {
        var site = FolderOf(SiteArticles);

        // "What does X do" put shortly asks what the role is.
        Assert.Equal("definition", AskOf(site, "what does a site engineer actually do, in one sentence").Aspect);
        Assert.Equal("responsibilities", AskOf(site, "what does a site engineer actually do").Aspect);

        // Praise that asks nothing is thanks, whatever it names on the way.
        Assert.Equal(AnswerKind.SmallTalk, Ask("ngl this is more useful than our recruiter").Kind);
        Assert.Equal(AnswerKind.SmallTalk, Ask("Thank you, this has been helpful for planning the menu with my team next week.").Kind);
        Assert.NotEqual(AnswerKind.SmallTalk, Ask("super helpful, what tools do bakers use?").Kind);

        // Asking to be briefed on a role, or for a summary of it, asks for the whole role.
        Assert.Equal(AnswerKind.Profile, Ask("brief me on chefs, new to the kitchen team").Kind);
        Assert.Equal(AnswerKind.Profile, Ask("can u summarize the chef role, writing a hiring one-pager").Kind);

        // A voice keyboard's "and" inside a role's name, and a role's word spelt as it sounds.
        Assert.Equal((AnswerKind.Profile, "Site Engineer"), ProfileOf(AskOf(site, "site and engineer tell me about this job")));
        Assert.Equal((AnswerKind.Profile, "Site Architect"), ProfileOf(AskOf(site, "site arkitect overview pls")));

        // The word in front of the first name is the second's too.
        var both = AskOf(site, "how are site architects and engineers judged differently?");
        Assert.Equal(AnswerKind.Comparison, both.Kind);
        Assert.Equal(["Site Architect", "Site Engineer"], both.Citations.Select(c => c.Role).Distinct().Order(StringComparer.Ordinal));

        // "prod" is production: the section that says so comes first.
        Assert.Equal("plant.md", AskOf(site, "does a site engineer ever deal with prod").Citations[0].File);
    }

    [Fact]
    public void Round_twenty_nine_days_goodbyes_reporting_lines_loans_and_teams()
    {
        var site = FolderOf(SiteArticles);
        Assert.Equal((AnswerKind.Answer, "Responsibilities"), (Ask("chef do what every day?").Kind, Ask("chef do what every day?").Citations[0].Section));
        Assert.Equal(AnswerKind.SmallTalk, AskOf(site, "hey there, first time using this. how does it work?").Kind);
        Assert.Equal(AnswerKind.SmallTalk, Ask("what are your sources").Kind);
        Assert.Equal(AnswerKind.SmallTalk, Ask("ok signing off for the weekend, have a good one").Kind);
        var boss = Ask("who does a chef usually report to, the owner or the GM?");
        Assert.Equal((AnswerKind.UncoveredTopic, "Reporting lines"), (boss.Kind, boss.Uncovered));
        Assert.Equal(AnswerKind.UncoveredTopic, Ask("if i work as a baker for a hospital will my student loans get forgiven?").Kind);

        // A team of people with a title is not the title asked about.
        Assert.NotEqual(AnswerKind.UncoveredRole, AskOf(site, "does a site engineer run in sprints / agile like normal dev teams or is it different").Kind);
        Assert.Equal(AnswerKind.UncoveredRole, Ask("what does a dev do all day").Kind);
    }

    /// <summary>A role in two articles with an education section each, and a role with no tools section.</summary>
    private static readonly (string File, string Markdown)[] SurveyorArticles =
    [
        ("a.md", """
            # Site Engineer vs. Quantity Surveyor

            ## Skills

            ### Site Engineer
            - Reading drawings and using a total station.

            ### Quantity Surveyor
            - Costing, contracts and spreadsheets.

            ## Education

            ### Site Engineer
            - A civil engineering degree.

            ### Quantity Surveyor
            - A surveying degree.

            ## Industries

            ### Site Engineer
            - Construction firms and utilities.

            ### Quantity Surveyor
            - Consultancies and public estates.

            ## Collaboration

            ### Site Engineer
            - Works with the crews and the architect.

            ### Quantity Surveyor
            - Works with the client's finance team.
            """),
        ("b.md", """
            # Site Engineer vs. Plant Engineer

            ## Education

            ### Site Engineer
            - A mechanical engineering degree or an apprenticeship.

            ### Plant Engineer
            - An apprenticeship.
            """),
    ];

    [Fact]
    public void Round_thirty_the_askers_background_sectors_and_where_they_work()
    {
        var folder = FolderOf(SurveyorArticles);

        // The asker's own background decides between the same role's sections on the same aspect in two articles.
        Assert.Equal("b.md", AskOf(folder, "i have a mechanical engineering degree, does that count for site engineer roles?").Citations[0].File);

        // Tools asked of a role with no tools section: its skills, the nearest section it has.
        Assert.Equal((AnswerKind.Answer, "Skills"), SectionOf(AskOf(folder, "what tools do quantity surveyors use?")));

        // A sector named asks where the roles work.
        var sector = AskOf(folder, "which one works in healthcare, site engineers or quantity surveyors?");
        Assert.Equal(AnswerKind.Comparison, sector.Kind);
        Assert.All(sector.Citations, c => Assert.Equal("Industries", c.Section));

        // "formation" (education, in several languages) and "where they work".
        Assert.Equal((AnswerKind.Answer, "Education"), SectionOf(AskOf(folder, "whats the formation needed for a quantity surveyor?")));
        Assert.Equal((AnswerKind.Answer, "Industries"), SectionOf(AskOf(folder, "and where they work usually", "what skills does a quantity surveyor need")));

        // "which languages" after a question about skills asks about the role, not the languages the bot speaks.
        Assert.NotEqual(AnswerKind.SmallTalk, AskOf(folder, "which languages specifically", "what skills does a site engineer need").Kind);
        Assert.Equal(AnswerKind.SmallTalk, Ask("what languages do you speak").Kind);

        // Working more, or closely, with someone is collaboration.
        Assert.Equal("collaboration", AspectLexicon.Detect(ChatText.Words("who works more with product managers and ops")).Aspect);
    }

    [Fact]
    public void Letters_m_and_l_spelt_out_by_a_voice_keyboard_are_ml()
    {
        Assert.Equal(["what", "does", "an", "ml", "research", "engineer", "do"], ChatText.Words("what does an m l research engineer do"));
        Assert.Equal(["i", "looking"], ChatText.Words("I'm looking"));
    }

    private static (AnswerKind, string?) SectionOf(Answer answer) => (answer.Kind, answer.Citations.Select(c => c.Section).FirstOrDefault());

    private static (AnswerKind, string?) ProfileOf(Answer answer) => (answer.Kind, answer.Citations.Select(c => c.Role).FirstOrDefault());
}
