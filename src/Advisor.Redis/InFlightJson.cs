using System.Text.Json.Serialization;
using Advisor.Core.Turns;

namespace Advisor.Redis;

/// <summary>How a question in flight is written in its record: the message and its reply target as JSON.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(IncomingMessage))]
[JsonSerializable(typeof(ReplyTarget))]
internal sealed partial class InFlightJson : JsonSerializerContext;
