namespace AkkaFakeUsers.Serialization;

/// <summary>Marker for everything that is persisted or crosses the network: bound to <see cref="AfuJsonSerializer"/>.</summary>
public interface IAfuSerializable;
