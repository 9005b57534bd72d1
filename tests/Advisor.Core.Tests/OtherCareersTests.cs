using Advisor.Core.Answers;
using Advisor.Core.Knowledge;
using Advisor.Core.Retrieval;

namespace Advisor.Core.Tests;

/// <summary>Nothing in the question reading knows the shipped articles: a folder about other careers works the same.</summary>
public sealed class OtherCareersTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly KnowledgeSnapshot _knowledge;

    public OtherCareersTests()
    {
        _folder.Write("ux-vs-pm.md", """
            # UX Designer vs. Product Manager

            Small product teams often blur these two jobs. This comparison is for people choosing between them, and for teams deciding whom to hire first.

            ## Definitions

            **UX Designer:** A UX Designer shapes how a product feels to use. They study users and turn what they learn into flows and prototypes.

            **Product Manager:** A Product Manager decides what a team builds next and why. They weigh user needs against business goals.

            ## Responsibilities

            ### UX Designer
            - Interview users and run usability tests.
            - Draw wireframes and clickable prototypes.

            ### Product Manager
            - Write the roadmap and prioritise the backlog.
            - Align engineering, design and sales on each release.

            ## Skills

            ### UX Designer
            - Visual design and interaction design.
            - Empathy and careful listening.

            ### Product Manager
            - Prioritisation and clear written communication.
            - Reading metrics and running experiments.

            ## Tools

            ### UX Designer
            - Figma and other prototyping tools.

            ### Product Manager
            - Jira, spreadsheets and analytics dashboards.
            """);
        _folder.Write("nurse-practitioner.md", """
            # Nurse Practitioner

            ## Overview

            A Nurse Practitioner is a registered nurse with graduate training who diagnoses and treats patients.

            ## Education

            - A master's degree in nursing and a national certification.

            ## Outlook

            Demand for nurse practitioners is expected to grow quickly over the next decade.
            """);
        _knowledge = KnowledgeSnapshot.Load(_folder.Path);
    }

    public void Dispose() => _folder.Dispose();

    private Answer Ask(string question) => ExtractiveComposer.Compose(Retriever.Retrieve(_knowledge, question, []));

    private Answer FollowUp(string first, string question)
    {
        var earlier = Ask(first);
        return ExtractiveComposer.Compose(Retriever.Retrieve(_knowledge, question, [new ConversationTurn(first, earlier)]));
    }

    [Fact]
    public void Roles_come_from_the_folder_and_chat_questions_are_read_the_same_way()
    {
        Assert.Equal(["Nurse Practitioner", "Product Manager", "UX Designer"], _knowledge.Catalog.Roles.Select(r => r.Name).Order());

        var skills = Ask("ok so whats a ux desinger need to be good at lol");
        Assert.Equal(("Skills", "UX Designer"), (skills.Citations[0].Section, skills.Citations[0].Role));

        var education = Ask("what degree do nurse practitioners need");
        Assert.Equal(("Education", "Nurse Practitioner"), (education.Citations[0].Section, education.Citations[0].Role));
    }

    [Fact]
    public void Comparisons_profiles_uncovered_roles_and_topics_and_small_talk_work_on_other_careers()
    {
        var compare = Ask("product manager vs ux designer, which one if i like talking to users?");
        Assert.Equal(AnswerKind.Comparison, compare.Kind);
        Assert.Contains(compare.Citations, c => c.Role == "UX Designer");
        Assert.Contains(compare.Citations, c => c.Role == "Product Manager");

        var profile = Ask("give me an overview of the product manager role");
        Assert.Equal(AnswerKind.Profile, profile.Kind);
        Assert.All(profile.Citations, c => Assert.True(c.Role is "Product Manager" or null));
        Assert.Equal("Product Manager", profile.Citations[0].Role);

        var uncovered = Ask("what does a data analyst do");
        Assert.Equal(AnswerKind.UncoveredRole, uncovered.Kind);

        var pay = Ask("how much do ux designers make");
        Assert.Equal(AnswerKind.UncoveredTopic, pay.Kind);

        var hello = Ask("hey!");
        Assert.Equal(AnswerKind.SmallTalk, hello.Kind);
        Assert.Contains("UX Designer", hello.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_verb_ending_in_ing_in_front_of_a_role_is_not_a_job_title()
    {
        var answer = Ask("i keep seeing ux designers everywhere, what tools do they use");
        Assert.Equal(AnswerKind.Answer, answer.Kind);
        Assert.Equal(("Tools", "UX Designer"), (answer.Citations[0].Section, answer.Citations[0].Role));

        // A real title in front of a covered head is still another job.
        Assert.Equal(AnswerKind.UncoveredRole, Ask("what does a graphic designer need to know").Kind);
    }

    [Fact]
    public void What_the_asker_says_about_themselves_does_not_choose_the_aspect()
    {
        // "skills" and "tools" words in the asker's own statements; the question clause asks about education.
        var answer = Ask("im a figma power user, i have strong skills in visual design, what degree does a nurse practitioner need");
        Assert.Equal(("Education", "Nurse Practitioner"), (answer.Citations[0].Section, answer.Citations[0].Role));
    }

    [Fact]
    public void A_request_for_work_done_is_off_topic_even_with_the_knowledge_words_in_it()
    {
        Assert.Equal(AnswerKind.OffTopic, Ask("write me a script that reads metrics from our analytics dashboards").Kind);
        Assert.Equal(AnswerKind.OffTopic, Ask("explain how usability tests work step by step, the math pls").Kind);

        // Naming a role keeps it a career question.
        Assert.Equal(AnswerKind.Answer, Ask("do ux designers write code or run usability tests").Kind);
    }

    [Fact]
    public void A_question_about_the_comparison_itself_is_answered_from_the_article_not_side_by_side()
    {
        var answer = Ask("why does the ux designer vs product manager distinction even matter");
        Assert.Null(answer.Citations[0].Role);
        Assert.StartsWith("ux-vs-pm.md#", answer.Citations[0].SectionId, StringComparison.Ordinal);
    }

    [Fact]
    public void The_other_one_after_a_question_about_one_role_of_an_article_is_its_other_role()
    {
        var answer = FollowUp("what tools do ux designers use", "and what about the other one");
        Assert.Equal(("Tools", "Product Manager"), (answer.Citations[0].Section, answer.Citations[0].Role));
    }

    [Fact]
    public void The_field_in_front_of_a_degree_or_skills_word_is_not_an_aspect_asked_about()
    {
        // "tools" in "design tools degree" names what was studied; the question is about education.
        var answer = Ask("can i become a nurse practitioner with a design tools degree");
        Assert.Equal(("Education", "Nurse Practitioner"), (answer.Citations[0].Section, answer.Citations[0].Role));
    }

    [Fact]
    public void A_description_of_the_asker_over_several_clauses_is_context()
    {
        // The list after "im 31" goes on describing the asker: its tools and outlook words are not the question.
        var answer = Ask("im 31, figma all day, worried about the future. what skills does a product manager need");
        Assert.Equal(("Skills", "Product Manager"), (answer.Citations[0].Section, answer.Citations[0].Role));
    }

    [Fact]
    public void A_compound_job_title_is_a_title_the_knowledge_lacks()
    {
        var answer = Ask("what tools do biostatisticians use");
        Assert.Equal(AnswerKind.UncoveredRole, answer.Kind);
        Assert.Contains("biostatistician", answer.Uncovered, StringComparison.Ordinal);
    }

    [Fact]
    public void Who_decides_asks_whose_job_it_is_whatever_is_decided()
    {
        // "tools" and "stack" ask about tools; "who picks" asks whose job that is.
        var reading = Advisor.Core.Understanding.QuestionReader.Read(_knowledge, "who picks the tools and the stack, is that the product managers job");
        Assert.Equal("responsibilities", reading.Aspect);
        Assert.Equal("tools", Advisor.Core.Understanding.QuestionReader.Read(_knowledge, "which tools and stack do product managers use").Aspect);
    }

    [Fact]
    public void A_title_followed_by_here_is_the_asker_and_a_title_after_break_in_as_is_the_job_wanted()
    {
        var context = Ask("data analyst here 👋 what skills does a product manager need");
        Assert.Equal(("Skills", "Product Manager"), (context.Citations[0].Section, context.Citations[0].Role));

        var wanted = Ask("how do i break in as a data analyst");
        Assert.Equal(AnswerKind.UncoveredRole, wanted.Kind);
    }

    [Fact]
    public void Round_six_readings_work_on_other_careers()
    {
        // A named employer's hiring, and how long it takes to become one: topics the folder lacks.
        Assert.Equal(AnswerKind.UncoveredTopic, Ask("does netflix hire ux designers").Kind);
        Assert.Equal(AnswerKind.UncoveredTopic, Ask("how long does it take to become a nurse practitioner").Kind);

        // A field of work named by what is done is a role the folder lacks; a sum is not a career question.
        Assert.Equal(AnswerKind.UncoveredRole, Ask("how do i get into IT support with no experience").Kind);
        Assert.Equal(AnswerKind.OffTopic, Ask("what's 17 times 23").Kind);
        Assert.Equal(AnswerKind.OffTopic, FollowUp("what is a nurse practitioner", "what's 17 times 23").Kind);

        // Whether two roles of one article are distinct jobs at all: the article, not side by side.
        var same = Ask("are ux designers and product managers even different jobs or the same thing");
        Assert.Null(same.Citations[0].Role);
        Assert.StartsWith("ux-vs-pm.md#", same.Citations[0].SectionId, StringComparison.Ordinal);

        // A follow-up's own hinted aspect ("growing") beats the previous turn's.
        var growing = FollowUp("what is a nurse practitioner", "are those jobs growing");
        Assert.Equal(("Outlook", "Nurse Practitioner"), (growing.Citations[0].Section, growing.Citations[0].Role ?? "Nurse Practitioner"));
    }

    [Fact]
    public void Chat_shorthand_for_names_degrees_and_the_whole_role_is_read()
    {
        // "what's the deal with X" asks about X in general: a profile, not the work X deals with.
        var deal = Ask("whats the deal with product managers");
        Assert.Equal(AnswerKind.Profile, deal.Kind);
        Assert.Equal("Product Manager", deal.Citations[0].Role);

        // The plural of a clipped last word still names the role ("nurse practs").
        var clipped = Ask("what do nurse practs need to study");
        Assert.Equal(("Education", "Nurse Practitioner"), (clipped.Citations[0].Section, clipped.Citations[0].Role));

        // "comp sci" is computer science, not compensation: asked of a role, a question about its education.
        var background = Ask("does a nurse practitioner gotta be comp sci");
        Assert.Equal(("Education", "Nurse Practitioner"), (background.Citations[0].Section, background.Citations[0].Role));
    }
}
