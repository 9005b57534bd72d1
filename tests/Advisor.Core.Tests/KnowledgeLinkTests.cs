using Advisor.Core.Knowledge;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Core.Tests;

/// <summary>Symbolic links in the knowledge folder: followed inside it, not out of it unless a setting allows.</summary>
public sealed class KnowledgeLinkTests : IDisposable
{
    private const string Article = "# Data Scientist vs. Data Engineer\n## Responsibilities\n### Data Scientist\n- Builds models.\n### Data Engineer\n- Builds pipelines.\n";
    private const string Secret = "# Secret Keeper vs. Vault Guard\n## Responsibilities\n### Secret Keeper\n- Knows the launch codes.\n### Vault Guard\n- Guards the vault.\n";

    private readonly TempFolder _knowledge = new();
    private readonly TempFolder _elsewhere = new();

    public KnowledgeLinkTests() => _knowledge.Write("roles.md", Article);

    public void Dispose()
    {
        _knowledge.Dispose();
        _elsewhere.Dispose();
    }

    private string Link(string relative) => Path.Combine(_knowledge.Path, relative);

    [Fact]
    public void A_file_link_out_of_the_folder_is_skipped_and_reported_with_the_setting_that_allows_it()
    {
        var target = _elsewhere.Write("secret.md", Secret);
        File.CreateSymbolicLink(Link("secret.md"), target);

        var snapshot = KnowledgeSnapshot.Load(_knowledge.Path);

        Assert.Equal(["roles.md"], snapshot.Articles.Select(a => a.File));
        Assert.DoesNotContain(snapshot.Sections, s => s.Text.Contains("launch codes", StringComparison.Ordinal));
        var skipped = Assert.Single(snapshot.Skipped);
        Assert.Equal("secret.md", skipped.File);
        Assert.Contains("outside the knowledge folder", skipped.Reason, StringComparison.Ordinal);
        Assert.Contains(target, skipped.Reason, StringComparison.Ordinal);
        Assert.Contains("Advisor:FollowLinksOutside=true", skipped.Reason, StringComparison.Ordinal);
        Assert.Empty(snapshot.Errors);
    }

    [Fact]
    public void A_folder_link_out_of_the_folder_is_skipped_and_so_is_a_link_whose_chain_of_links_ends_outside()
    {
        _elsewhere.Write("more/secret.md", Secret);
        Directory.CreateSymbolicLink(Link("more"), Path.Combine(_elsewhere.Path, "more"));
        // A link to a link inside the folder that itself leads out: what counts is where the last link ends.
        File.CreateSymbolicLink(Link("hop.md"), Path.Combine(_elsewhere.Path, "more", "secret.md"));
        File.CreateSymbolicLink(Link("via-hop.md"), "hop.md");
        // A link inside the folder whose path goes through a folder link out of it.
        File.CreateSymbolicLink(Link("through.md"), Path.Combine("more", "secret.md"));

        var snapshot = KnowledgeSnapshot.Load(_knowledge.Path);

        Assert.Equal(["roles.md"], snapshot.Articles.Select(a => a.File));
        Assert.Equal(["hop.md", "more", "through.md", "via-hop.md"], snapshot.Skipped.Select(s => s.File));
        Assert.Contains("a folder outside", snapshot.Skipped[1].Reason, StringComparison.Ordinal);
        Assert.All(snapshot.Skipped, s => Assert.Contains("is not followed", s.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Links_that_stay_inside_the_folder_are_followed_and_a_file_reached_twice_loads_once()
    {
        _knowledge.Write("drafts/data.md", Article.Replace("Data", "Cloud", StringComparison.Ordinal));
        _knowledge.Write("archive/old/ml.txt", "Research Scientist vs. Research Engineer\nResponsibilities\nResearch Scientist\n- Writes papers.\nResearch Engineer\n- Builds training runs.\n");
        Directory.CreateSymbolicLink(Link("current"), Path.Combine(_knowledge.Path, "archive", "old")); // absolute, inside
        File.CreateSymbolicLink(Link("latest.md"), "drafts/data.md"); // relative, inside: the same file as drafts/data.md

        var snapshot = KnowledgeSnapshot.Load(_knowledge.Path);

        Assert.Empty(snapshot.Skipped);
        Assert.Empty(snapshot.Errors);
        // Each file once, under the path that has no link in it.
        Assert.Equal(["archive/old/ml.txt", "drafts/data.md", "roles.md"], snapshot.Articles.Select(a => a.File));
        Assert.Contains("Cloud Scientist", snapshot.Catalog.Roles.Select(r => r.Name));
    }

    [Fact]
    public void A_file_only_reachable_through_an_inside_link_loads_under_the_links_path()
    {
        _knowledge.Write(".drafts/cloud.md", Article.Replace("Data", "Cloud", StringComparison.Ordinal)); // hidden: not loaded itself
        File.CreateSymbolicLink(Link("cloud.md"), Path.Combine(".drafts", "cloud.md"));

        var snapshot = KnowledgeSnapshot.Load(_knowledge.Path);

        Assert.Equal(["cloud.md", "roles.md"], snapshot.Articles.Select(a => a.File));
        Assert.Contains(snapshot.Sections, s => s.Id == "cloud.md#responsibilities/cloud-scientist");
    }

    [Fact]
    public async Task Folder_links_that_loop_end_the_walk_and_are_reported()
    {
        _knowledge.Write("a/b/notes.md", Article.Replace("Data", "Loop", StringComparison.Ordinal));
        Directory.CreateSymbolicLink(Link("a/b/up"), Path.Combine("..", "..")); // back to the knowledge folder
        Directory.CreateSymbolicLink(Link("a/self"), "."); // itself
        Directory.CreateSymbolicLink(Link("ping"), "pong"); // a link to a link to it: resolves to nothing
        Directory.CreateSymbolicLink(Link("pong"), "ping");
        File.CreateSymbolicLink(Link("circle.md"), "circle.md");

        var snapshot = await Task.Run(() => KnowledgeSnapshot.Load(_knowledge.Path)).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(["a/b/notes.md", "roles.md"], snapshot.Articles.Select(a => a.File));
        Assert.Equal(["a/b/up", "a/self"], snapshot.Skipped.Select(s => s.File));
        Assert.All(snapshot.Skipped, s => Assert.Contains("loop", s.Reason, StringComparison.Ordinal));
        var error = Assert.Single(snapshot.Errors);
        Assert.Equal("circle.md", error.File);
        Assert.Contains("cannot be resolved", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_link_is_an_error_naming_its_target()
    {
        File.CreateSymbolicLink(Link("gone.md"), Path.Combine(_elsewhere.Path, "nowhere.md"));

        var snapshot = KnowledgeSnapshot.Load(_knowledge.Path);

        var error = Assert.Single(snapshot.Errors);
        Assert.Equal("gone.md", error.File);
        Assert.Contains("does not exist", error.Reason, StringComparison.Ordinal);
        Assert.Empty(snapshot.Skipped);
    }

    [Fact]
    public void The_knowledge_folder_itself_may_be_a_link()
    {
        var real = _elsewhere.Write("kb/roles.md", Article);
        var linked = Path.Combine(_knowledge.Path, "kb-link");
        Directory.CreateSymbolicLink(linked, Path.GetDirectoryName(real)!);
        File.CreateSymbolicLink(Path.Combine(Path.GetDirectoryName(real)!, "alias.md"), real); // inside the real folder

        var snapshot = KnowledgeSnapshot.Load(linked);

        Assert.Empty(snapshot.Skipped);
        Assert.Equal(["roles.md"], snapshot.Articles.Select(a => a.File));
    }

    [Fact]
    public async Task The_setting_follows_links_out_of_the_folder_and_the_reload_report_names_links_not_followed()
    {
        var target = _elsewhere.Write("more/secret.md", Secret);
        Directory.CreateSymbolicLink(Link("more"), Path.GetDirectoryName(target)!);
        File.CreateSymbolicLink(Link("secret.md"), target);

        var followed = KnowledgeSnapshot.Load(_knowledge.Path, followLinksOutside: true);
        Assert.Empty(followed.Skipped);
        // The same file through two links loads once, under the first path.
        Assert.Equal(["more/secret.md", "roles.md"], followed.Articles.Select(a => a.File));
        Assert.Contains("Secret Keeper", followed.Catalog.Roles.Select(r => r.Name));

        using (var services = TestKnowledge.Services(_knowledge.Path, s => s.Configure<AdvisorOptions>(o => o.FollowLinksOutside = true)))
        {
            var store = services.GetRequiredService<IKnowledgeStore>();
            Assert.Contains("Secret Keeper", store.Current.Catalog.Roles.Select(r => r.Name));
        }

        using (var services = TestKnowledge.Services(_knowledge.Path))
        {
            var store = services.GetRequiredService<IKnowledgeStore>();
            Assert.DoesNotContain("Secret Keeper", store.Current.Catalog.Roles.Select(r => r.Name));
            var report = await store.ReloadAsync();
            Assert.True(report.Succeeded);
            Assert.Equal(["more", "secret.md"], report.Skipped.Select(s => s.File));
            var summary = report.Summary();
            Assert.Contains("Not followed: secret.md: a link to a file outside the knowledge folder", summary, StringComparison.Ordinal);
            Assert.Contains("Advisor:FollowLinksOutside=true", summary, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_folder_of_nothing_but_links_out_of_it_fails_saying_why()
    {
        File.Delete(Link("roles.md"));
        File.CreateSymbolicLink(Link("secret.md"), _elsewhere.Write("secret.md", Secret));

        var ex = Assert.Throws<KnowledgeLoadException>(() => KnowledgeSnapshot.Load(_knowledge.Path));

        Assert.Contains("secret.md: a link to a file outside the knowledge folder", ex.Message, StringComparison.Ordinal);
    }
}
