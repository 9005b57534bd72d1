using System.Text.Json.Serialization;

namespace Advisor.Redis;

/// <summary>A reload announcement: the version to serve, who announced it and when.</summary>
internal sealed record Announcement(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("replica")] string Replica,
    [property: JsonPropertyName("at")] DateTimeOffset At);

[JsonSerializable(typeof(Announcement))]
internal sealed partial class AnnouncementJson : JsonSerializerContext;
