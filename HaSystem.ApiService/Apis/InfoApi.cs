using HaSystem.ServiceDefaults.Redis;
using HaSystem.ServiceDefaults.Replicas;
using IServer = Microsoft.AspNetCore.Hosting.Server.IServer;
using Microsoft.AspNetCore.Hosting.Server.Features;
using StackExchange.Redis;

namespace HaSystem.ApiService.Apis;

/// <summary><c>GET /api/info</c>: which replica answered and which Redis primary it writes to for each role.</summary>
public static class InfoApi
{
    public static IEndpointRouteBuilder MapInfoApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/info", GetInfo).WithName("GetInfo");
        return app;
    }

    public static InfoResponse GetInfo(ReplicaIdentity replica, IServer server, IServiceProvider services)
    {
        var redis = RedisRoles.All.ToDictionary(role => role, role =>
        {
            var multiplexer = services.GetRequiredKeyedService<IConnectionMultiplexer>(role);
            var primary = RedisPrimaryLocator.FindPrimary(multiplexer);
            return new RedisRoleView(primary?.ToString(), multiplexer.IsConnected);
        });

        // The replica's own address (not the shared proxy), so a client can address this replica directly.
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];
        return new InfoResponse(replica.Service, replica.Id, replica.ProcessId, replica.StartedAt, addresses, redis);
    }
}

public sealed record InfoResponse(
    string Service,
    string Replica,
    int ProcessId,
    DateTimeOffset StartedAt,
    string[] Addresses,
    IReadOnlyDictionary<string, RedisRoleView> Redis);

/// <summary>The primary a role's client writes to now (<see langword="null"/> while it has none).</summary>
public sealed record RedisRoleView(string? Primary, bool Connected);
