using HaSystem.ServiceDefaults.Replicas;
using Microsoft.AspNetCore.Hosting.Server;

namespace HaSystem.Web.Status;

public static class StatusExtensions
{
    public static IHostApplicationBuilder AddSystemStatus(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<SystemStatusOptions>(SystemStatusOptions.SectionName);
        builder.Services.AddScoped<SystemStatusReader>();
        builder.Services.AddSingleton(new StatusPageExposure(Detailed: builder.DiagnosticsAreAnonymous()));
        builder.Services.AddSingleton<StatusSummaryCache>();
        return builder;
    }

    /// <summary>
    /// <c>GET /replica</c>: which web replica answered and its own address. The AppHost gives the replicas one shared
    /// proxy address; asking through it until each has answered is how a client (the browser tests) finds each one.
    /// Mapped only where diagnostics are open (<see cref="StatusPageExposure"/>).
    /// </summary>
    public static IEndpointRouteBuilder MapReplicaEndpoint(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<StatusPageExposure>().Detailed)
        {
            return app;
        }

        app.MapGet("/replica", (ReplicaIdentity replica, IServer server) => SystemStatusReader.WebReplica(replica, server)).AllowAnonymous();
        return app;
    }
}
