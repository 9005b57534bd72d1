namespace Advisor.Testing;

/// <summary>
/// Files of the repository, the test vectors kept in it, and the shared protocol material (../shared/protocol beside
/// the repository, which a fresh clone does not have), found by walking up from the test binary.
/// </summary>
public static class RepoPaths
{
    /// <summary>
    /// Environment variable naming the shared protocol folder (the one holding <c>specs/</c>); <c>none</c> means there
    /// is none, as in a fresh clone. Unset: <c>shared/protocol</c> is looked for above the test binary.
    /// </summary>
    public const string SharedProtocolVariable = "ADVISOR_SHARED_PROTOCOL";

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

    /// <summary>The shared protocol folder, or null when there is none (or <see cref="SharedProtocolVariable"/> is <c>none</c>).</summary>
    public static string? SharedProtocolFolder()
    {
        var configured = Environment.GetEnvironmentVariable(SharedProtocolVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured.Trim().Equals("none", StringComparison.OrdinalIgnoreCase) || !Directory.Exists(configured)
                ? null
                : Path.GetFullPath(configured);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "protocol");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>A file of the shared protocol material, or null when it (or the whole folder) is absent.</summary>
    public static string? SharedProtocolFile(params string[] relative)
    {
        if (SharedProtocolFolder() is not { } folder)
        {
            return null;
        }

        var candidate = Path.Combine([folder, .. relative]);
        return File.Exists(candidate) ? candidate : null;
    }

    /// <summary>The line a test writes (or skips with) when a check needs the shared protocol material and it is absent.</summary>
    public static string SkippedWithoutSharedProtocol(string what) =>
        $"skipped: ../shared/protocol not present — {what} did not run (set {SharedProtocolVariable} to its path to run them)";

    /// <summary>Discord's OpenAPI spec (shared protocol material), or null.</summary>
    public static string? DiscordOpenApi() => SharedProtocolFile("specs", "discord", "openapi.json");

    /// <summary>A test-vector file kept in the repository (tests/Advisor.Testing/Vectors, copied beside the test binary).</summary>
    public static string Vector(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Vectors", fileName);
        return File.Exists(path) ? path : throw new FileNotFoundException($"the test-vector file Vectors/{fileName} was not copied beside the test binary", path);
    }

    /// <summary>RFC 8032 section 7.1 vectors plus a Discord-shaped request signed with TEST 1's key (in the repository).</summary>
    public static string Ed25519Vectors() => Vector("ed25519.json");

    /// <summary>Slack's documented request-signing example plus a derived JSON-body one (in the repository).</summary>
    public static string SlackSigningVectors() => Vector("slack-signing.json");

    /// <summary>The shared protocol material's copy of the Ed25519 vectors (to cross-check the repository's), or null.</summary>
    public static string? SharedEd25519Vectors() => SharedProtocolFile("specs", "testvectors", "ed25519_vectors.json");

    /// <summary>The shared protocol material's copy of the Slack signing vectors (to cross-check the repository's), or null.</summary>
    public static string? SharedSlackSigningVectors() => SharedProtocolFile("specs", "testvectors", "slack_signing_vectors.json");
}
