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

    /// <summary>Discord's OpenAPI spec, found by walking up to a folder that contains shared/protocol.</summary>
    public static string? DiscordOpenApi()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "protocol", "specs", "discord", "openapi.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public static string? Ed25519Vectors()
    {
        var spec = DiscordOpenApi();
        return spec is null ? null : Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(spec)!)!, "testvectors", "ed25519_vectors.json");
    }
}
