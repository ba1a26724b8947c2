using HaSystem.Coordination.Resilience;
using Microsoft.Extensions.Caching.Distributed;
using Polly;

namespace HaSystem.Web.Sessions;

/// <summary>
/// The session store's <see cref="IDistributedCache"/> behind the <c>state</c> role's sessions pipeline: a call that
/// meets a failover is tried again until the new primary answers (within the request deadline); while the role has
/// no primary and none can be promoted, calls fail as soon as the Sentinels say so, and then at once (breaker).
/// Failures surface as exceptions, which the session turns into "unavailable".
/// </summary>
/// <remarks>
/// The calls are abandoned at the pipeline's timeout (<see cref="RedisCommandExtensions"/>): the Redis client takes a
/// token but does not cancel a command in flight. Deliberately not <see cref="IDisposable"/>: the inner cache would dispose the shared multiplexer.</remarks>
public sealed class ResilientDistributedCache(IDistributedCache inner, ResiliencePipeline pipeline) : IDistributedCache
{
    public byte[]? Get(string key) => pipeline.Execute(() => inner.Get(key));

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default) =>
        await pipeline.ExecuteCommandAsync(ct => inner.GetAsync(key, ct), token);

    public void Refresh(string key) => pipeline.Execute(() => inner.Refresh(key));

    public async Task RefreshAsync(string key, CancellationToken token = default) =>
        await pipeline.ExecuteCommandAsync(ct => inner.RefreshAsync(key, ct), token);

    public void Remove(string key) => pipeline.Execute(() => inner.Remove(key));

    public async Task RemoveAsync(string key, CancellationToken token = default) =>
        await pipeline.ExecuteCommandAsync(ct => inner.RemoveAsync(key, ct), token);

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => pipeline.Execute(() => inner.Set(key, value, options));

    public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        await pipeline.ExecuteCommandAsync(ct => inner.SetAsync(key, value, options, ct), token);
}
