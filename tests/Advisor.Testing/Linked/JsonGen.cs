using System.Globalization;
using System.Text;
using System.Text.Json;
using CsCheck;

namespace Advisor.Testing;

/// <summary>
/// CsCheck generators of platform payloads: real payload shapes with some of their values swapped for anything (so
/// that generated bodies get past the first checks and into the parsing behind them), random JSON built from the field
/// names and values an adapter reads, and bytes that are not JSON or not UTF-8 at all.
/// </summary>
internal static class JsonGen
{
    private static readonly string[] ScalarTokens =
    [
        "null", "true", "false", "0", "1", "2", "3", "4", "5", "-1", "-0", "1.5", "1e3", "1e300", "-1e300", "2147483648", "9223372036854775808",
        "123456789012345678901234567890", "\"\"", "\" \"", "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00x\"", "\"a\\ud83d\"", "\"\\ud83d\\ude00\"",
        "\"\\\"\"", "\"\\\\\"", "\"<@U123>\"", "\"@everyone\"", "\"<!here>\"", "\"\\n\\t\"", "{}", "[]",
    ];

    /// <summary>Byte sequences that are not UTF-8: a stray continuation byte, an overlong form, an encoded surrogate, 0xFF, a cut sequence.</summary>
    private static readonly Gen<byte[]> InvalidUtf8 = Gen.OneOf<byte[]>([0x80], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xFF], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82]);

    /// <summary>JSON text: objects with the given keys (and others), nested to <paramref name="depth"/>, strings from <paramref name="words"/> and anything.</summary>
    public static Gen<string> Json(string[] keys, string[] words, int depth = 4) => Value(keys, words, depth, top: true);

    /// <summary>
    /// One of the <paramref name="shapes"/> (JSON payloads as the platform sends them) with up to four of its values,
    /// at any depth, replaced by generated JSON or removed, and members added.
    /// </summary>
    public static Gen<string> Shaped(string[] shapes, string[] keys, string[] words)
    {
        var parsed = shapes.Select(Node.Parse).ToArray();
        var edit = Gen.Select(Gen.Int[0, 10_000], Gen.Int[0, 3], Gen.OneOf(keys), Value(keys, words, 2));
        return Gen.Select(Gen.Int[0, parsed.Length - 1], edit.Array[0, 4], (i, edits) =>
        {
            var root = parsed[i].Copy();
            foreach (var (at, action, key, value) in edits)
            {
                root.Edit(at, action, key, new Node.Raw(value));
            }

            return root.ToString();
        });
    }

    /// <summary>
    /// Request or frame bodies: mostly the JSON of <see cref="Shaped"/> and <see cref="Json"/> as UTF-8, some with
    /// bytes that are not UTF-8 put inside, cut short, or random bytes.
    /// </summary>
    public static Gen<byte[]> Bytes(string[] shapes, string[] keys, string[] words)
    {
        var json = Gen.Frequency((3, Shaped(shapes, keys, words)), (2, Json(keys, words)));
        return Gen.Frequency(
            (8, json.Select(Encoding.UTF8.GetBytes)),
            (2, Gen.Select(json, InvalidUtf8, Gen.Int[0, 1000], (text, junk, at) =>
            {
                var bytes = Encoding.UTF8.GetBytes(text).ToList();
                bytes.InsertRange(bytes.Count == 0 ? 0 : at % bytes.Count, junk);
                return bytes.ToArray();
            })),
            (1, Gen.Select(json, Gen.Int[0, 1000], (text, at) =>
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                return bytes[..(bytes.Length == 0 ? 0 : at % bytes.Length)];
            })),
            (1, Gen.Byte.Array[0, 64]));
    }

    /// <summary>Bytes shown as text for a failure report (bytes that are not UTF-8 as \xNN).</summary>
    public static string Show(byte[] bytes)
    {
        var text = new StringBuilder();
        var decoder = new UTF8Encoding(false, true);
        for (var i = 0; i < bytes.Length;)
        {
            var length = bytes[i] < 0x80 ? 1 : bytes[i] >= 0xF0 ? 4 : bytes[i] >= 0xE0 ? 3 : bytes[i] >= 0xC0 ? 2 : 1;
            try
            {
                text.Append(decoder.GetString(bytes, i, Math.Min(length, bytes.Length - i)));
                i += length;
            }
            catch (ArgumentException)
            {
                text.Append(CultureInfo.InvariantCulture, $"\\x{bytes[i]:X2}");
                i++;
            }
        }

        return text.ToString();
    }

    private static Gen<string> Value(string[] keys, string[] words, int depth, bool top = false)
    {
        var scalar = Gen.Frequency(
            (4, Gen.OneOf(words).Select(Quote)),
            (3, Gen.OneOf(ScalarTokens)),
            (1, Gen.String.Select(Quote)),
            (1, Gen.Long.Select(n => n.ToString(CultureInfo.InvariantCulture))),
            (1, Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "0")));
        if (depth == 0)
        {
            return scalar;
        }

        var member = Gen.Select(Gen.Frequency((6, Gen.OneOf(keys)), (1, Gen.String)), Value(keys, words, depth - 1));
        var obj = member.Array[0, 8].Select(ms => "{" + string.Join(",", ms.Select(m => Quote(m.Item1) + ":" + m.Item2)) + "}");
        var array = Value(keys, words, depth - 1).Array[0, 4].Select(vs => "[" + string.Join(",", vs) + "]");
        return top
            ? Gen.Frequency((10, obj), (1, array), (1, scalar))
            : Gen.Frequency((4, scalar), (3, obj), (1, array));
    }

    /// <summary>A JSON string literal (lone surrogates come out as \uD800 escapes, as another sender might write them).</summary>
    private static string Quote(string s) => JsonSerializer.Serialize(s);

    /// <summary>A JSON tree whose leaves are kept as raw text, so that anything (even invalid escapes) can be put in.</summary>
    private abstract record Node
    {
        public sealed record Raw(string Text) : Node
        {
            public override string ToString() => Text;
        }

        public sealed record Obj(List<(string Key, Node Value)> Members) : Node
        {
            public override string ToString() => "{" + string.Join(",", Members.Select(m => Quote(m.Key) + ":" + m.Value)) + "}";
        }

        public sealed record Arr(List<Node> Items) : Node
        {
            public override string ToString() => "[" + string.Join(",", Items) + "]";
        }

        public static Node Parse(string json)
        {
            using var doc = JsonDocument.Parse(json);
            return From(doc.RootElement);

            static Node From(JsonElement e) => e.ValueKind switch
            {
                JsonValueKind.Object => new Obj([.. e.EnumerateObject().Select(p => (p.Name, From(p.Value)))]),
                JsonValueKind.Array => new Arr([.. e.EnumerateArray().Select(From)]),
                _ => new Raw(e.GetRawText()),
            };
        }

        public Node Copy() => this switch
        {
            Obj o => new Obj([.. o.Members.Select(m => (m.Key, m.Value.Copy()))]),
            Arr a => new Arr([.. a.Items.Select(i => i.Copy())]),
            _ => this,
        };

        /// <summary>
        /// Edits the node numbered <paramref name="at"/> (modulo the count, depth first): 0, 1 replace it, 2 removes it
        /// from its object or array, 3 adds <paramref name="key"/> beside it.
        /// </summary>
        public void Edit(int at, int action, string key, Node value)
        {
            var slots = new List<(Node Parent, int Index)>();
            Collect(this, slots);
            if (slots.Count == 0)
            {
                return;
            }

            var (parent, index) = slots[at % slots.Count];
            switch (parent, action)
            {
                case (Obj o, 2):
                    o.Members.RemoveAt(index);
                    break;
                case (Obj o, 3):
                    o.Members.Insert(index, (key, value));
                    break;
                case (Obj o, _):
                    o.Members[index] = (o.Members[index].Key, value);
                    break;
                case (Arr a, 2):
                    a.Items.RemoveAt(index);
                    break;
                case (Arr a, 3):
                    a.Items.Insert(index, value);
                    break;
                case (Arr a, _):
                    a.Items[index] = value;
                    break;
                default:
                    break;
            }
        }

        private static void Collect(Node node, List<(Node, int)> slots)
        {
            switch (node)
            {
                case Obj o:
                    for (var i = 0; i < o.Members.Count; i++)
                    {
                        slots.Add((o, i));
                        Collect(o.Members[i].Value, slots);
                    }

                    break;
                case Arr a:
                    for (var i = 0; i < a.Items.Count; i++)
                    {
                        slots.Add((a, i));
                        Collect(a.Items[i], slots);
                    }

                    break;
                default:
                    break;
            }
        }
    }
}
