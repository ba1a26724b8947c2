using HaSystem.ApiService.Caching;
using HaSystem.Coordination.Redis;
using HaSystem.Coordination.Resilience;
using HaSystem.ServiceDefaults.Replicas;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Polly.Registry;
using StackExchange.Redis;
using IServer = Microsoft.AspNetCore.Hosting.Server.IServer;

namespace HaSystem.ApiService.Apis;

/// <summary><c>GET /api/info</c>: which replica answered and which Redis primary it writes to for each role, and
/// how its catalog lookups were served.</summary>
public static class InfoApi
{
    /// <summary>Anonymous only where diagnostics are open (Development); elsewhere the operator's.</summary>
    public static IEndpointRouteBuilder MapInfoApi(this IEndpointRouteBuilder app, bool anonymous)
    {
        app.MapGet("/api/info", GetInfo).WithName("GetInfo").RequireDiagnosticsAccess(anonymous).WithTags("Diagnostics");
        return app;
    }

    public static async Task<InfoResponse> GetInfo(
        ReplicaIdentity replica, IServer server, IServiceProvider services, ResiliencePipelineProvider<string> pipelines, RedisBreakers breakers, CacheStatistics cache,
        CatalogMemoryCache memoryCache)
    {
        var redis = new Dictionary<string, RedisRoleView>();
        foreach (var role in RedisRoles.All)
        {
            var multiplexer = services.GetRequiredKeyedService<IConnectionMultiplexer>(role);
            var primary = RedisPrimaryLocator.FindPrimary(multiplexer);
            double? pingMs = null;
            try
            {
                pingMs = (await pipelines.For(role, RedisCaller.Diagnostics).ExecuteCommandAsync(_ => multiplexer.GetDatabase().PingAsync())).TotalMilliseconds;
            }
            catch (Exception ex) when (RedisResilience.IsRedisFailure(ex))
            {
                // Unreachable: reported as a missing ping, the endpoint itself still answers.
            }

            redis[role] = new RedisRoleView(primary?.ToString(), multiplexer.IsConnected, pingMs, breakers.StateOf(role));
        }

        // The replica's own address (not the shared proxy), so a client can address this replica directly.
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];
        var memory = new MemoryView(Environment.WorkingSet, GC.GetTotalMemory(forceFullCollection: false), GC.GetGCMemoryInfo().TotalCommittedBytes, memoryCache.Snapshot());
        return new InfoResponse(replica.Service, replica.Id, replica.ProcessId, replica.StartedAt, addresses, redis, cache.Snapshot(), memory);
    }
}
