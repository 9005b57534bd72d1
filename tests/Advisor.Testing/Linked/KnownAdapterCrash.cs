using System.Diagnostics;
using System.Text.Json;

namespace Advisor.Testing;

/// <summary>
/// The one kind of crash the payload property tests found in the Slack and Discord adapters: the adapter read a JSON
/// value as a kind it is not (a top-level array as an object, a number as a string, 1.5 as an int) or a string that is
/// not valid UTF-16 or UTF-8, and System.Text.Json threw. Both adapters now guard their payload reading; the property
/// tests still recognise the crash so that, if it comes back, they print its shortest inputs — and then fail.
/// </summary>
internal static class KnownAdapterCrash
{
    public static bool Is(Exception ex) =>
        ex is InvalidOperationException or FormatException
        && new StackTrace(ex, false).GetFrame(0)?.GetMethod()?.DeclaringType?.Assembly == typeof(JsonElement).Assembly;
}
