using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Advisor.Testing.Discord;

/// <summary>
/// Request-body checks against Discord's OpenAPI spec (shared/protocol/specs/discord/openapi.json): $ref, allOf/anyOf/oneOf,
/// type, required, properties, items, enum/const, lengths, item counts and numeric bounds.
/// </summary>
public sealed class SpecSchemas
{
    private readonly JsonElement _root;

    private SpecSchemas(JsonElement root) => _root = root;

    public static SpecSchemas? Load()
    {
        var path = RepoPaths.DiscordOpenApi();
        if (path is null)
        {
            return null;
        }

        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        return new SpecSchemas(doc.RootElement.Clone());
    }

    /// <summary>The JSON request-body schema of an operation, e.g. ("/channels/{channel_id}/messages", "post").</summary>
    public JsonElement RequestSchema(string pathTemplate, string method) =>
        _root.GetProperty("paths").GetProperty(pathTemplate).GetProperty(method)
            .GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");

    public List<string> Validate(JsonElement schema, JsonNode? value)
    {
        var errors = new List<string>();
        Check(schema, value, "$", errors);
        return errors;
    }

    private JsonElement Resolve(JsonElement schema)
    {
        while (schema.TryGetProperty("$ref", out var r))
        {
            var node = _root;
            foreach (var part in r.GetString()!.TrimStart('#', '/').Split('/'))
            {
                node = node.GetProperty(part);
            }

            schema = node;
        }

        return schema;
    }

    private void Check(JsonElement schema, JsonNode? value, string at, List<string> errors)
    {
        schema = Resolve(schema);
        if (schema.TryGetProperty("allOf", out var allOf))
        {
            foreach (var s in allOf.EnumerateArray())
            {
                Check(s, value, at, errors);
            }
        }

        foreach (var union in new[] { "anyOf", "oneOf" })
        {
            if (schema.TryGetProperty(union, out var branches))
            {
                var results = branches.EnumerateArray().Select(b => { var e = new List<string>(); Check(b, value, at, e); return e; }).ToList();
                if (results.All(e => e.Count > 0))
                {
                    errors.Add($"{at}: matches no {union} branch ({string.Join(" | ", results.Select(e => e[0]))})");
                }
            }
        }

        if (schema.TryGetProperty("type", out var type))
        {
            var types = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : [type.GetString()!];
            var kind = Kind(value);
            if (!types.Contains(kind) && !(kind == "integer" && types.Contains("number")))
            {
                errors.Add($"{at}: expected {string.Join("|", types)}, got {kind}");
                return;
            }
        }

        if (schema.TryGetProperty("const", out var constant) && !JsonNode.DeepEquals(JsonNode.Parse(constant.GetRawText()), value))
        {
            errors.Add($"{at}: expected {constant.GetRawText()}");
        }

        if (schema.TryGetProperty("enum", out var en) && !en.EnumerateArray().Any(e => JsonNode.DeepEquals(JsonNode.Parse(e.GetRawText()), value)))
        {
            errors.Add($"{at}: {value?.ToJsonString()} not in {en.GetRawText()}");
        }

        switch (value)
        {
            case JsonValue v when v.TryGetValue<string>(out var s):
                if (schema.TryGetProperty("maxLength", out var max) && s.Length > max.GetInt32())
                {
                    errors.Add($"{at}: length {s.Length} > maxLength {max.GetInt32()}");
                }

                if (schema.TryGetProperty("minLength", out var min) && s.Length < min.GetInt32())
                {
                    errors.Add($"{at}: length {s.Length} < minLength {min.GetInt32()}");
                }

                if (schema.TryGetProperty("pattern", out var pattern) && !Regex.IsMatch(s, pattern.GetString()!))
                {
                    errors.Add($"{at}: '{s}' does not match {pattern.GetString()}");
                }

                break;
            case JsonValue v when v.TryGetValue<double>(out var d):
                if (schema.TryGetProperty("minimum", out var lo) && d < lo.GetDouble())
                {
                    errors.Add($"{at}: {d} < minimum");
                }

                if (schema.TryGetProperty("maximum", out var hi) && d > hi.GetDouble())
                {
                    errors.Add($"{at}: {d} > maximum");
                }

                break;
            case JsonArray a:
                if (schema.TryGetProperty("maxItems", out var maxItems) && a.Count > maxItems.GetInt32())
                {
                    errors.Add($"{at}: {a.Count} items > maxItems {maxItems.GetInt32()}");
                }

                if (schema.TryGetProperty("items", out var items))
                {
                    for (var i = 0; i < a.Count; i++)
                    {
                        Check(items, a[i], $"{at}[{i}]", errors);
                    }
                }

                break;
            case JsonObject o:
                if (schema.TryGetProperty("required", out var required))
                {
                    foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
                    {
                        if (!o.ContainsKey(name))
                        {
                            errors.Add($"{at}: missing required property '{name}'");
                        }
                    }
                }

                if (schema.TryGetProperty("properties", out var props))
                {
                    foreach (var (name, child) in o)
                    {
                        if (props.TryGetProperty(name, out var ps))
                        {
                            Check(ps, child, $"{at}.{name}", errors);
                        }
                    }
                }

                break;
        }
    }

    private static string Kind(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => v.TryGetValue<long>(out _) || (v.TryGetValue<double>(out var d) && d == Math.Floor(d)) ? "integer" : "number",
            _ => "null",
        },
        _ => "null",
    };
}
