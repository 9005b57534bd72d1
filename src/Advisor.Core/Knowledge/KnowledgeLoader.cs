using System.Security.Cryptography;
using System.Text;

namespace Advisor.Core.Knowledge;

/// <summary>Reads every .txt and .md file under the knowledge folder; a file that fails is reported, the rest load.</summary>
public static class KnowledgeLoader
{
    /// <summary>The largest knowledge file read, in bytes.</summary>
    public const long MaxFileBytes = 4 * 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Loads a folder. Throws <see cref="KnowledgeLoadException"/> only when the folder itself is unusable.</summary>
    public static (IReadOnlyList<Article> Articles, IReadOnlyList<LoadError> Errors) LoadFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new KnowledgeLoadException($"the knowledge folder '{folder}' does not exist");
        }

        var root = Path.GetFullPath(folder);
        var files = Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System })
            .Where(IsKnowledgeFile)
            .Select(f => (Full: f, Relative: Path.GetRelativePath(root, f).Replace('\\', '/')))
            .Where(f => !f.Relative.Split('/').Any(part => part.StartsWith('.')))
            .OrderBy(f => f.Relative, StringComparer.Ordinal)
            .ToList();

        var articles = new List<Article>(files.Count);
        var errors = new List<LoadError>();
        foreach (var (full, relative) in files)
        {
            try
            {
                articles.Add(LoadFile(full, relative));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or DecoderFallbackException)
            {
                errors.Add(new LoadError(relative, Describe(ex)));
            }
        }

        return (articles, errors);
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
