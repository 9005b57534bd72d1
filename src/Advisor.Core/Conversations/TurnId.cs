using System.Diagnostics.CodeAnalysis;

namespace Advisor.Core.Conversations;

/// <summary>
/// The stable id of a stored turn (a version-7 UUID: unique, ordered by time, not guessable), written as 32 lowercase
/// hex digits, e.g. in a feedback button's value.
/// </summary>
public readonly record struct TurnId(Guid Value)
{
    /// <summary>A new id for a turn recorded at <paramref name="at"/>.</summary>
    public static TurnId New(DateTimeOffset at) => new(Guid.CreateVersion7(at));

    /// <summary>Reads an id written by <see cref="ToString"/>; false for anything else.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out TurnId id)
    {
        if (text is { Length: 32 } && Guid.TryParseExact(text, "N", out var value))
        {
            id = new TurnId(value);
            return true;
        }

        id = default;
        return false;
    }

    /// <inheritdoc/>
    public override string ToString() => Value.ToString("N");
}
