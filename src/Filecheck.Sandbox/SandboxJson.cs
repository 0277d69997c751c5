using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Filecheck.Api;
using Filecheck.Api.Models;

namespace Filecheck.Sandbox;

[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class SandboxJsonContext : JsonSerializerContext;

/// <summary>
/// The API's own models and context, with the wire details the real API shows: timestamps as
/// <c>2026-07-29T10:15:02.000Z</c>, and the fields it leaves out instead of writing null
/// (summary/results on lean or running jobs, the gateway error's <c>error</c>, unused artifact fields).
/// </summary>
internal static class SandboxJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    public static JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, TypeInfo<T>());

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(FilecheckJsonContext.Default.Options)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(FilecheckJsonContext.Default, SandboxJsonContext.Default)
                .WithAddedModifier(OmitWhenNull),
            // Like the real API: '&' in a signed URL stays '&', not \u0026.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new UtcMillisConverter());
        options.MakeReadOnly();
        return options;
    }

    private static readonly Dictionary<Type, string[]> Omit = new()
    {
        [typeof(Job)] = ["summary", "results"],
        [typeof(JobTask)] = ["inputArtifact", "currentArtifact", "slot"],
        [typeof(Artifact)] = ["*"],
        [typeof(StepOutput)] = ["*"],
        [typeof(LibraryItem)] = ["kind", "description"],
        [typeof(ErrorBody)] = ["error"],
        [typeof(JobResults)] = ["*"],
    };

    private static void OmitWhenNull(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object || !Omit.TryGetValue(info.Type, out var names)) return;
        foreach (var p in info.Properties)
        {
            if (names[0] == "*" || names.Contains(p.Name))
                p.ShouldSerialize = static (_, value) => value is not null;
        }
    }

    private sealed class UtcMillisConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture);

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
    }
}
