using System.Diagnostics;
using System.Text.Json;

namespace Advisor.Testing;

/// <summary>
/// The one kind of crash the payload property tests found in the Slack and Discord adapters, reported and left to
/// their owners (it is not fixed by the change that added the tests): the adapter reads a JSON value as a kind it is
/// not — a top-level array or number as an object, a number or <c>true</c> as a string, 1.5 as an int — or reads a
/// string that is not valid UTF-16 (a lone "\udc00" escape) or not valid UTF-8, and System.Text.Json throws
/// <see cref="InvalidOperationException"/> or <see cref="FormatException"/>. The property tests count it (and print an
/// example) instead of failing on it; any other exception fails them. The pinned cases that reproduce it are skipped
/// tests named <c>Known_crash_*</c>: when an adapter is fixed, drop their Skip and this tolerance.
/// </summary>
internal static class KnownAdapterCrash
{
    public const string Reason = "known adapter crash found by the property tests, reported and not fixed here: a JSON value read as a kind it is not, or a string that is not valid UTF-16/UTF-8";

    public static bool Is(Exception ex) =>
        ex is InvalidOperationException or FormatException
        && new StackTrace(ex, false).GetFrame(0)?.GetMethod()?.DeclaringType?.Assembly == typeof(JsonElement).Assembly;
}
