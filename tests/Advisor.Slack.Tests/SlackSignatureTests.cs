using System.Text;
using System.Text.Json;
using Advisor.Testing;
using Xunit.Abstractions;

namespace Advisor.Slack.Tests;

public sealed class SlackSignatureTests(ITestOutputHelper output)
{
    /// <summary>The repository's copy of the vectors (tests/Advisor.Testing/Vectors/slack-signing.json): always there.</summary>
    private static List<JsonElement> Vectors() =>
        [.. JsonDocument.Parse(File.ReadAllText(RepoPaths.SlackSigningVectors())).RootElement.GetProperty("vectors").EnumerateArray()];

    public static TheoryData<string> VectorNames() => new() { "slack-docs-signing-example", "slack-url-verification-json-derived" };

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Slacks_signing_vectors_compute_and_verify(string name)
    {
        var vector = Vectors().Single(v => v.GetProperty("name").GetString() == name);
        var secret = vector.GetProperty("signingSecret").GetString()!;
        var timestamp = vector.GetProperty("timestamp").GetString()!;
        var body = Encoding.UTF8.GetBytes(vector.GetProperty("body").GetString()!);
        var expected = vector.GetProperty("signature").GetString()!;
        var at = DateTimeOffset.FromUnixTimeSeconds(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture)).AddSeconds(30);

        Assert.Equal(expected, SlackSignature.Compute(secret, timestamp, body));
        Assert.Null(SlackSignature.Problem(secret, timestamp, expected, body, at));
    }

    [Fact]
    public void The_docs_example_is_refused_when_tampered_stale_or_malformed()
    {
        const string secret = "8f742231b10e8888abcd99yyyzzz85a5";
        const string timestamp = "1531420618";
        const string signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
        var body = Encoding.UTF8.GetBytes("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c");
        var at = DateTimeOffset.FromUnixTimeSeconds(1531420618);
        Assert.Null(SlackSignature.Problem(secret, timestamp, signature, body, at));

        var tampered = (byte[])body.Clone();
        tampered[^1] ^= 1;
        Assert.NotNull(SlackSignature.Problem(secret, timestamp, signature, tampered, at));
        Assert.NotNull(SlackSignature.Problem(secret, timestamp, signature, body, at.AddSeconds(301)));
        Assert.NotNull(SlackSignature.Problem(secret, timestamp, signature, body, at.AddSeconds(-301)));
        Assert.NotNull(SlackSignature.Problem(secret, timestamp, signature[3..], body, at));
        Assert.NotNull(SlackSignature.Problem(secret, timestamp, "v0=" + new string('z', 64), body, at));
        Assert.NotNull(SlackSignature.Problem("another-secret", timestamp, signature, body, at));
        Assert.NotNull(SlackSignature.Problem(secret, null, signature, body, at));
    }

    [Fact]
    public void The_repositorys_vectors_are_Slacks_documented_example()
    {
        var documented = Vectors().Single(v => v.GetProperty("kind").GetString() == "documented");
        Assert.Equal("8f742231b10e8888abcd99yyyzzz85a5", documented.GetProperty("signingSecret").GetString());
        Assert.Equal("1531420618", documented.GetProperty("timestamp").GetString());
        Assert.Equal("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", documented.GetProperty("signature").GetString());
    }

    [SharedProtocolFact("the cross-check of the test vectors against it")]
    public void The_repositorys_vectors_match_the_shared_protocol_copy()
    {
        var shared = RepoPaths.SharedSlackSigningVectors();
        Assert.NotNull(shared);
        using var doc = JsonDocument.Parse(File.ReadAllText(shared));
        var theirs = doc.RootElement.GetProperty("official").EnumerateArray().Concat(doc.RootElement.GetProperty("derived").EnumerateArray()).ToList();
        foreach (var ours in Vectors())
        {
            var match = theirs.Single(t => t.GetProperty("name").GetString() == ours.GetProperty("name").GetString());
            Assert.Equal(match.GetProperty("signingSecretUtf8").GetString(), ours.GetProperty("signingSecret").GetString());
            Assert.Equal(match.GetProperty("headers").GetProperty("X-Slack-Request-Timestamp").GetString(), ours.GetProperty("timestamp").GetString());
            Assert.Equal(match.GetProperty("rawBody").GetString(), ours.GetProperty("body").GetString());
            Assert.Equal(match.GetProperty("expectedSignature").GetString(), ours.GetProperty("signature").GetString());
        }

        output.WriteLine($"checked against {shared}");
    }
}
