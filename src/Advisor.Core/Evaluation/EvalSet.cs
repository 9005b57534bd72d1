using System.Text.Json;

namespace Advisor.Core.Evaluation;

/// <summary>
/// One question of an eval file and what a right answer is. <see cref="Expect"/> is one of <see cref="EvalSet.Kinds"/>:
/// "answer" (the first citation is one of <see cref="Sections"/>), "compare" (both <see cref="Roles"/> cited, on
/// <see cref="Aspect"/> when given), "profile" (a profile of the one role in <see cref="Roles"/>), "uncovered-role",
/// "uncovered-topic", "small-talk" or "off-topic".
/// </summary>
public sealed record EvalCase(
    string Id,
    string Question,
    string Expect,
    IReadOnlyList<string> Sections,
    IReadOnlyList<string> Roles,
    string? Aspect,
    IReadOnlyList<string> History,
    int Line);

/// <summary>A line of an eval file that could not be read, and why.</summary>
public sealed record EvalLineError(int Line, string Reason)
{
    public override string ToString() => $"line {Line}: {Reason}";
}

/// <summary>Reads eval files: JSON lines, one question each (see <see cref="EvalCase"/>); a bad line is reported and the rest are read.</summary>
public static class EvalSet
{
    /// <summary>The name of the eval file a knowledge folder may hold, run on every reload.</summary>
    public const string DefaultFileName = "eval.jsonl";

    /// <summary>The expectation kinds.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["answer", "compare", "profile", "uncovered-role", "uncovered-topic", "small-talk", "off-topic"];

    public static (IReadOnlyList<EvalCase> Cases, IReadOnlyList<EvalLineError> Errors) Read(TextReader reader)
    {
        var cases = new List<EvalCase>();
        var errors = new List<EvalLineError>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                var parsed = Parse(line, number);
                if (!ids.Add(parsed.Id))
                {
                    errors.Add(new EvalLineError(number, $"the id \"{parsed.Id}\" is used twice"));
                    continue;
                }

                cases.Add(parsed);
            }
            catch (JsonException ex)
            {
                errors.Add(new EvalLineError(number, $"not valid JSON ({ex.Message.Split(" Path:")[0].TrimEnd('.')})"));
            }
            catch (FormatException ex)
            {
                errors.Add(new EvalLineError(number, ex.Message));
            }
        }

        return (cases, errors);
    }

    public static (IReadOnlyList<EvalCase> Cases, IReadOnlyList<EvalLineError> Errors) ReadFile(string path)
    {
        using var reader = new StreamReader(path);
        return Read(reader);
    }

    private static EvalCase Parse(string line, int number)
    {
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("each line must be a JSON object like {\"id\": \"q1\", \"question\": \"...\", \"expect\": \"answer\", \"sections\": [\"file.txt#topic/role\"]}");
        }

        var question = String(root, "question") ?? throw new FormatException("the line has no \"question\" string");
        var expect = String(root, "expect") ?? throw new FormatException("the line has no \"expect\" string");
        if (!Kinds.Contains(expect))
        {
            throw new FormatException($"\"expect\" is \"{expect}\"; it must be one of {string.Join(", ", Kinds)}");
        }

        var sections = Strings(root, "sections");
        var roles = Strings(root, "roles");
        switch (expect)
        {
            case "answer" when sections.Count == 0:
                throw new FormatException("an \"answer\" line needs \"sections\": the section ids a right answer may cite first");
            case "compare" when roles.Count != 2:
                throw new FormatException("a \"compare\" line needs \"roles\" with the two roles");
            case "profile" when roles.Count != 1:
                throw new FormatException("a \"profile\" line needs \"roles\" with the one role");
        }

        var id = root.TryGetProperty("id", out var idValue) ? idValue.ToString() : $"line {number}";
        return new EvalCase(id, question, expect, sections, roles, String(root, "aspect"), Strings(root, "history"), number);
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static List<string> Strings(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            throw new FormatException($"\"{name}\" must be an array of strings");
        }

        return value.EnumerateArray().Select(v => v.GetString()!).ToList();
    }
}
