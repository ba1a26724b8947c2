using StackExchange.Redis;

namespace HaSystem.ServiceDefaults.Locking;

/// <summary>
/// The lock component's own connection to the <c>state</c> role, with the same settings as the service's shared one
/// (Sentinel discovery, timeouts, reconnect back-off, password) and its own client name.
/// </summary>
public sealed class LockConnection : IDisposable
{
    public LockConnection(ConfigurationOptions state)
    {
        var options = state.Clone();
        options.ClientName = $"{state.ClientName ?? AppDomain.CurrentDomain.FriendlyName}-locks";
        Multiplexer = ConnectionMultiplexer.Connect(options);
    }

    public IConnectionMultiplexer Multiplexer { get; }

    public void Dispose() => Multiplexer.Dispose();
}
