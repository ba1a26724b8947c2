using System.Diagnostics;
using HaSystem.Coordination.Redis;
using HaSystem.Coordination.Resilience;
using HaSystem.ServiceDefaults.Replicas;
using Microsoft.AspNetCore.Http.HttpResults;
using Polly.Registry;
using StackExchange.Redis;

namespace HaSystem.ApiService.Apis;

/// <summary>
/// <c>POST /api/redis/{role}/probe</c>: one real write to a role's primary, answered with the replica, the primary
/// and the latency. It is how the failover tests, and an operator, see writes stop and resume.
/// </summary>
public static class RedisProbeApi
{
    private static readonly TimeSpan ProbeTtl = TimeSpan.FromMinutes(1);

    /// <summary>Anonymous only where diagnostics are open (Development); elsewhere the operator's, since it writes to Redis.</summary>
    public static IEndpointRouteBuilder MapRedisProbeApi(this IEndpointRouteBuilder app, bool anonymous)
    {
        app.MapPost("/api/redis/{role}/probe", WriteProbe).WithName("WriteRedisProbe").RequireDiagnosticsAccess(anonymous).WithTags("Diagnostics");
        return app;
    }

    public static async Task<Results<Ok<ProbeResponse>, ProblemHttpResult>> WriteProbe(
        string role, ReplicaIdentity replica, IServiceProvider services, ResiliencePipelineProvider<string> pipelines, TimeProvider time, HttpContext context)
    {
        if (!RedisRoles.All.Contains(role))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Unknown Redis role",
                detail: $"The roles are: {string.Join(", ", RedisRoles.All)}.");
        }

        var multiplexer = services.GetRequiredKeyedService<IConnectionMultiplexer>(role);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            await pipelines.For(role, RedisCaller.Diagnostics).ExecuteCommandAsync(_ =>
                multiplexer.GetDatabase().StringSetAsync($"{RedisKeyspace.Probes}{replica.Id}", time.GetUtcNow().ToUnixTimeMilliseconds(), ProbeTtl));
            var primary = RedisPrimaryLocator.FindPrimary(multiplexer)?.ToString();
            return TypedResults.Ok(new ProbeResponse(replica.Id, role, primary, stopwatch.Elapsed.TotalMilliseconds));
        }
        catch (Exception ex) when (RedisResilience.IsRedisFailure(ex))
        {
            context.Response.Headers.RetryAfter = "1";
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Redis unavailable",
                detail: $"The '{role}' primary could not be written to ({ex.GetType().Name}); retry shortly.");
        }
    }
}
