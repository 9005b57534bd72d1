using System.Text.Json.Serialization;

namespace Advisor.Storage;

/// <summary>Source-generated JSON for the lists kept in text columns.</summary>
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class StorageJson : JsonSerializerContext;
