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
        typeof(IAfuSerializable).Assembly.GetTypes()
            .Where(t => typeof(IAfuSerializable).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .ToDictionary(t => t.Name, t => t));

    private static readonly ConcurrentDictionary<Type, string> ManifestsByType = new();

    public AfuJsonSerializer(ExtendedActorSystem system) : base(system)
    {
    }

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => ManifestsByType.GetOrAdd(o.GetType(), t => t.Name);

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Options);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!TypesByManifest.Value.TryGetValue(manifest, out var type))
            throw new SerializationException($"unknown manifest '{manifest}': this build does not know that event or message type");
        return JsonSerializer.Deserialize(bytes, type, Options)
               ?? throw new SerializationException($"'{manifest}' deserialized to null");
    }
}
