namespace Advisor.Testing;

/// <summary>Files of the repository and of the shared protocol material, found by walking up from the test binary.</summary>
public static class RepoPaths
{
    /// <summary>The repository root (the folder holding Advisor.sln).</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Advisor.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Advisor.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A file of the shared protocol material (../shared/protocol beside the repository), or null when absent.</summary>
    public static string? SharedProtocolFile(params string[] relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine([dir.FullName, "shared", "protocol", .. relative]);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Discord's OpenAPI spec.</summary>
    public static string? DiscordOpenApi() => SharedProtocolFile("specs", "discord", "openapi.json");

    /// <summary>RFC 8032 vectors plus the Discord-shaped one.</summary>
    public static string? Ed25519Vectors() => SharedProtocolFile("specs", "testvectors", "ed25519_vectors.json");

    /// <summary>Slack's documented signing example plus the derived JSON-body one.</summary>
    public static string? SlackSigningVectors() => SharedProtocolFile("specs", "testvectors", "slack_signing_vectors.json");
}
