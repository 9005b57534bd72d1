using System.Diagnostics;
using System.Text.Json;

namespace Advisor.Core.Hosting;

/// <summary>The failures of reading a signed platform payload that are the payload's fault, not the adapter's.</summary>
public static class JsonPayload
{
    /// <summary>
    /// True when System.Text.Json refused a value of the payload: not JSON, a value of another kind than the field's
    /// ("type": 7, a top-level array, 1.5 for an int), or a string that is not valid Unicode (a lone "\udc00"). Such a
    /// payload gets a 400 (or is dropped, on a socket), never a 500.
    /// </summary>
    public static bool IsUnreadable(Exception ex) =>
        ex is JsonException
        || (ex is InvalidOperationException or FormatException or ArgumentException or KeyNotFoundException
            && new StackTrace(ex, false).GetFrames().Take(3).Any(f => f.GetMethod()?.DeclaringType?.Assembly == typeof(JsonElement).Assembly));
}
