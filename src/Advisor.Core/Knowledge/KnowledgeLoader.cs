using System.Security.Cryptography;
using System.Text;

namespace Advisor.Core.Knowledge;

/// <summary>Reads every .txt and .md file under the knowledge folder; a file that fails is reported, the rest load.</summary>
public static class KnowledgeLoader
{
    /// <summary>The largest knowledge file read, in bytes.</summary>
    public const long MaxFileBytes = 4 * 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Loads a folder. A symbolic link (to a file or a folder) whose target, with every link resolved, lies outside the
    /// folder is not followed unless <paramref name="followLinksOutside"/> is set: it is listed in
    /// <see cref="FolderLoad.Skipped"/> with the reason. Links that stay inside are followed; a folder link back into
    /// a folder it is in (a loop) is skipped and listed; a file reached by several paths loads once, under its path
    /// without links when it has one. Throws <see cref="KnowledgeLoadException"/> only when the folder itself is unusable.
    /// </summary>
    public static FolderLoad LoadFolder(string folder, bool followLinksOutside = false)
    {
        if (!Directory.Exists(folder))
        {
            throw new KnowledgeLoadException($"the knowledge folder '{folder}' does not exist");
        }

        var root = Path.GetFullPath(folder);
        var walk = new FolderWalk(RealPath(root) ?? root, followLinksOutside);
        try
        {
            walk.Walk(root, walk.Root, "", viaLink: false, [walk.Root]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KnowledgeLoadException($"the knowledge folder '{folder}' cannot be read: {ex.Message}");
        }

        // The same file through several paths (a link inside the folder to a file in it) loads once: under its own
        // path when it has one without links, else under the first path in order.
        var files = walk.Files
            .GroupBy(f => f.Real, PathComparer)
            .Select(g => g.OrderBy(f => f.ViaLink).ThenBy(f => f.Relative, StringComparer.Ordinal).First())
            .OrderBy(f => f.Relative, StringComparer.Ordinal)
            .ToList();

        var articles = new List<Article>(files.Count);
        var errors = new List<LoadError>(walk.Errors);
        foreach (var file in files)
        {
            try
            {
                // Read through the resolved path: the file that was checked is the one read.
                articles.Add(LoadFile(file.Real, file.Relative));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or DecoderFallbackException)
            {
                errors.Add(new LoadError(file.Relative, Describe(ex)));
            }
        }

        return new FolderLoad(articles, [.. errors.OrderBy(e => e.File, StringComparer.Ordinal)], [.. walk.Skipped.OrderBy(e => e.File, StringComparer.Ordinal)]);
    }

    /// <summary>Parses one file.</summary>
    public static Article LoadFile(string fullPath, string relativePath)
    {
        var info = new FileInfo(fullPath);
        if (info.Length > MaxFileBytes)
        {
            throw new FormatException($"the file is {info.Length / 1024 / 1024.0:0.#} MB, over the {MaxFileBytes / 1024 / 1024} MB limit");
        }

        var bytes = File.ReadAllBytes(fullPath);
        if (bytes.AsSpan().Contains((byte)0))
        {
            throw new FormatException("the file looks binary (it contains NUL bytes), not text");
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var text = StrictUtf8.GetString(bytes);
        return ArticleParser.Parse(relativePath, text.TrimStart('\uFEFF'), hash);
    }

    /// <summary>True for the files the loader reads (.txt, .md; not README.md).</summary>
    public static bool IsKnowledgeFile(string path)
    {
        var name = Path.GetFileName(path);
        var ext = Path.GetExtension(path);
        return (ext.Equals(".txt", StringComparison.OrdinalIgnoreCase) || ext.Equals(".md", StringComparison.OrdinalIgnoreCase))
            && !name.Equals("README.md", StringComparison.OrdinalIgnoreCase)
            && !name.StartsWith('.');
    }

    /// <summary>Paths compare as the file system does: case-sensitively on Linux, not on Windows and macOS.</summary>
    private static StringComparer PathComparer => OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> or lies under it (both resolved).</summary>
    internal static bool IsInside(string path, string folder)
    {
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var trimmed = Path.TrimEndingDirectorySeparator(folder);
        return path.Equals(trimmed, comparison)
            || (path.StartsWith(trimmed, comparison) && path.Length > trimmed.Length && (path[trimmed.Length] == Path.DirectorySeparatorChar || path[trimmed.Length] == Path.AltDirectorySeparatorChar))
            || Path.GetPathRoot(trimmed) == trimmed && path.StartsWith(trimmed, comparison);
    }

    /// <summary>
    /// The path with every symbolic link in it resolved, component by component (what realpath(3) does), or null when
    /// the links nest too deep (more than 40, as the kernel's limit) or loop. A missing component ends the resolution:
    /// the rest is appended as it is.
    /// </summary>
    internal static string? RealPath(string path)
    {
        const int MaxLinks = 40;
        var full = Path.GetFullPath(path);
        var current = Path.GetPathRoot(full) ?? "";
        var pending = new List<string>(Split(full[current.Length..]));
        pending.Reverse(); // a stack: the next component is at the end
        var links = 0;
        while (pending.Count > 0)
        {
            var name = pending[^1];
            pending.RemoveAt(pending.Count - 1);
            if (name == ".")
            {
                continue;
            }

            if (name == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            var candidate = Path.Join(current, name);
            string? target;
            try
            {
                target = new FileInfo(candidate).LinkTarget;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                target = null;
            }

            if (target is null)
            {
                current = candidate;
                continue;
            }

            if (++links > MaxLinks)
            {
                return null;
            }

            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(Path.GetFullPath(target)) ?? current;
                target = target[Path.GetPathRoot(target)!.Length..];
            }

            var parts = Split(target);
            for (var i = parts.Length - 1; i >= 0; i--)
            {
                pending.Add(parts[i]);
            }
        }

        return current;

        static string[] Split(string p) => p.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
    }

    private static string Describe(Exception ex) => ex switch
    {
        DecoderFallbackException => "the file is not valid UTF-8 text",
        UnauthorizedAccessException => "the file cannot be read (permission denied)",
        FileNotFoundException => "the file disappeared while loading",
        _ => ex.Message,
    };
}

/// <summary>The knowledge folder as a whole could not be used.</summary>
public sealed class KnowledgeLoadException(string message) : Exception(message)
{
    /// <summary>Set when the knowledge loaded but its eval file scored below the floor.</summary>
    public Evaluation.EvalReport? Eval { get; init; }
}

/// <summary>What <see cref="KnowledgeLoader.LoadFolder"/> read from a folder.</summary>
/// <param name="Articles">The files that loaded.</param>
/// <param name="Errors">Files that could not be loaded, and why.</param>
/// <param name="Skipped">Links that were not followed (out of the folder, or a loop), and why.</param>
public sealed record FolderLoad(IReadOnlyList<Article> Articles, IReadOnlyList<LoadError> Errors, IReadOnlyList<LoadError> Skipped);

/// <summary>Walks the knowledge folder without <see cref="EnumerationOptions.RecurseSubdirectories"/>, deciding on each link itself.</summary>
internal sealed class FolderWalk(string root, bool followLinksOutside)
{
    private static readonly EnumerationOptions OneLevel = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = false,
        AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
    };

    /// <summary>The knowledge folder, every link in its own path resolved.</summary>
    public string Root { get; } = root;

    public List<(string Relative, string Real, bool ViaLink)> Files { get; } = [];

    public List<LoadError> Errors { get; } = [];

    public List<LoadError> Skipped { get; } = [];

    /// <param name="path">The folder as reached (through links, maybe).</param>
    /// <param name="real">The same folder with every link resolved.</param>
    /// <param name="relative">Its path relative to the knowledge folder ("" for the folder itself).</param>
    /// <param name="viaLink">True when a link was followed to get here.</param>
    /// <param name="chain">The resolved folders from the knowledge folder down to this one (to tell loops).</param>
    public void Walk(string path, string real, string relative, bool viaLink, List<string> chain)
    {
        List<FileSystemInfo> entries;
        try
        {
            entries = [.. new DirectoryInfo(path).EnumerateFileSystemInfos("*", OneLevel).OrderBy(e => e.Name, StringComparer.Ordinal)];
        }
        catch (Exception ex) when (relative.Length > 0 && ex is IOException or UnauthorizedAccessException)
        {
            Errors.Add(new LoadError(relative + "/", ex is UnauthorizedAccessException ? "the folder cannot be read (permission denied)" : $"the folder cannot be read: {ex.Message}"));
            return;
        }

        foreach (var entry in entries)
        {
            if (entry.Name.StartsWith('.'))
            {
                continue; // hidden files and folders
            }

            var entryRelative = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
            if (entry.LinkTarget is null)
            {
                var entryReal = Path.Join(real, entry.Name);
                if (entry is DirectoryInfo)
                {
                    Walk(entry.FullName, entryReal, entryRelative, viaLink, [.. chain, entryReal]);
                }
                else if (KnowledgeLoader.IsKnowledgeFile(entry.Name))
                {
                    Files.Add((entryRelative, entryReal, viaLink));
                }

                continue;
            }

            FollowLink(entry, entryRelative, chain);
        }
    }

    private void FollowLink(FileSystemInfo link, string relative, List<string> chain)
    {
        var target = KnowledgeLoader.RealPath(link.FullName);
        var isFolder = target is not null && Directory.Exists(target);
        var isFile = target is not null && !isFolder && File.Exists(target);
        if (!isFolder && !KnowledgeLoader.IsKnowledgeFile(link.Name))
        {
            return; // a link the loader would not read anyway (notes.json, a broken link to no knowledge file)
        }

        if (target is null)
        {
            Errors.Add(new LoadError(relative, "the link cannot be resolved (too many levels of links, or a loop)"));
            return;
        }

        if (!isFolder && !isFile)
        {
            Errors.Add(new LoadError(relative, $"the link's target ({link.LinkTarget}) does not exist"));
            return;
        }

        if (!followLinksOutside && !KnowledgeLoader.IsInside(target, Root))
        {
            Skipped.Add(new LoadError(relative, $"a link to {(isFolder ? "a folder" : "a file")} outside the knowledge folder ({target}) is not followed; set Advisor:FollowLinksOutside=true to allow it"));
            return;
        }

        if (isFile)
        {
            Files.Add((relative, target, true));
            return;
        }

        if (chain.Any(c => KnowledgeLoader.IsInside(c, target)))
        {
            Skipped.Add(new LoadError(relative, $"a link to a folder that contains it ({target}) is not followed: it would loop"));
            return;
        }

        Walk(link.FullName, target, relative, viaLink: true, [.. chain, target]);
    }
}
