using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using SerializationException = System.Runtime.Serialization.SerializationException;

namespace AkkaFakeUsers.Serialization;

/// <summary>
/// System.Text.Json for every <see cref="IAfuSerializable"/>: events, snapshots and cross-node messages.
/// The manifest is the type's short name, so the journal stays readable and survives namespace moves.
/// </summary>
public sealed class AfuJsonSerializer : SerializerWithStringManifest
{
    public const int SerializerId = 7301;

    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly Lazy<Dictionary<string, Type>> TypesByManifest = new(() =>
        new[] { typeof(IAfuSerializable).Assembly, typeof(AfuJsonSerializer).Assembly }.SelectMany(a => a.GetTypes())
            .Where(t => typeof(IAfuSerializable).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .ToDictionary(t => t.Name, t => t));

    private static readonly ConcurrentDictionary<Type, string> ManifestsByType = new();

    public AfuJsonSerializer(ExtendedActorSystem system) : base(system)
    {
    }

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => ManifestsByType.GetOrAdd(o.GetType(), t => t.Name);

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Options);

    /// <summary>The type written under <paramref name="manifest"/> (a type's short name), or null.</summary>
    public static Type? TypeOf(string manifest) => TypesByManifest.Value.GetValueOrDefault(manifest);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!TypesByManifest.Value.TryGetValue(manifest, out var type))
            throw new SerializationException($"unknown manifest '{manifest}': this build does not know that event or message type");
        return JsonSerializer.Deserialize(bytes, type, Options)
               ?? throw new SerializationException($"'{manifest}' deserialized to null");
    }
}

/// <summary>
/// Writes a property typed <c>object</c> (a message inside a message) as <c>{"type": short name, "value": …}</c>, and
/// reads it back as that type: only <see cref="IAfuSerializable"/> types, so nothing else can be named from the wire.
/// </summary>
public sealed class NamedTypeConverter : JsonConverter<object>
{
    public override object? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var doc = JsonDocument.ParseValue(ref reader);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var name) || name.GetString() is not { } manifest)
            throw new JsonException("a nested message needs its \"type\"");
        var type = AfuJsonSerializer.TypeOf(manifest) ?? throw new JsonException($"unknown nested message type '{manifest}'");
        return root.TryGetProperty("value", out var value) ? value.Deserialize(type, options) : throw new JsonException($"nested '{manifest}' has no value");
    }

    public override void Write(Utf8JsonWriter writer, object value, JsonSerializerOptions options)
    {
        if (value is not IAfuSerializable)
            throw new JsonException($"{value.GetType().Name} cannot cross the network inside a message: it is not IAfuSerializable");
        writer.WriteStartObject();
        writer.WriteString("type", value.GetType().Name);
        writer.WritePropertyName("value");
        JsonSerializer.Serialize(writer, value, value.GetType(), options);
        writer.WriteEndObject();
    }
}
