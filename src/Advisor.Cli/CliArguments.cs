namespace Advisor.Cli;

/// <summary>Parsed command line: a command, its positional arguments and its options.</summary>
internal sealed record CliArguments(string Command, IReadOnlyList<string> Positional, IReadOnlyDictionary<string, string?> Options)
{
    private static readonly Dictionary<string, bool> KnownOptions = new(StringComparer.Ordinal)
    {
        // option → takes a value
        ["--json"] = false,
        ["--jsonl"] = false,
        ["--no-model"] = false,
        ["--explain"] = false,
        ["--knowledge"] = true,
        ["--prompts"] = true,
        ["--aspect"] = true,
        ["--min"] = true,
        ["--user"] = true,
        ["--since"] = true,
        ["--max"] = true,
        ["--http"] = true,
        ["--dry-run"] = false,
        ["--help"] = false,
        ["-h"] = false,
    };

    public bool Has(string option) => Options.ContainsKey(option);

    public string? Get(string option) => Options.GetValueOrDefault(option);

    /// <summary>Parses; returns an error message for the user instead of throwing.</summary>
    public static (CliArguments? Args, string? Error) Parse(IReadOnlyList<string> args)
    {
        var positional = new List<string>();
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        string? command = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                positional.AddRange(args.Skip(i + 1));
                break;
            }

            if (arg.StartsWith('-') && arg.Length > 1 && !IsNegativeNumber(arg))
            {
                var name = arg;
                string? value = null;
                var eq = arg.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    name = arg[..eq];
                    value = arg[(eq + 1)..];
                }

                if (!KnownOptions.TryGetValue(name, out var takesValue))
                {
                    return (null, $"unknown option '{name}'");
                }

                if (takesValue && value is null)
                {
                    if (i + 1 >= args.Count)
                    {
                        return (null, $"option '{name}' needs a value");
                    }

                    value = args[++i];
                }
                else if (!takesValue && value is not null)
                {
                    return (null, $"option '{name}' takes no value");
                }

                options[name] = value;
                continue;
            }

            if (command is null)
            {
                command = arg;
            }
            else
            {
                positional.Add(arg);
            }
        }

        return (new CliArguments(command ?? "", positional, options), null);
    }

    private static bool IsNegativeNumber(string arg) => arg.Length > 1 && char.IsDigit(arg[1]);
}
