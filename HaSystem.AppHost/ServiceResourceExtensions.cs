using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Aspire.Hosting;

/// <summary>How the HaSystem services are attached to the Redis groups and configured.</summary>
internal static class ServiceResourceExtensions
{
    /// <summary>
    /// Gives the service the Sentinel connection string of each group as its own Redis <paramref name="user"/>
    /// (<c>ConnectionStrings__{group}</c>) and the number of replicas the group is meant to have
    /// (<c>Redis__Topology__{group}__Replicas</c>, so the service's health check reports the loss of one), and holds its
    /// first start until every group has an elected primary and Sentinels ready to fail over.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithRedisRoles(
        this IResourceBuilder<ProjectResource> service, RedisUser user, params IResourceBuilder<RedisMonitoredGroupResource>[] groups)
    {
        foreach (var group in groups)
        {
            service.WithReference(group, user)
                .WithEnvironment($"Redis__Topology__{group.Resource.Name}__Replicas", (group.Resource.Nodes.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture))
                .WaitForFirstElection(group);
        }

        return service;
    }

    /// <summary>
    /// Tells the service whether its diagnostics are open to anonymous callers (<c>Diagnostics__Anonymous</c>): the
    /// AppHost's <c>Diagnostics:Anonymous</c> if set, else whether the AppHost runs in Development, as
    /// <c>dotnet run</c> does. Outside Development they are the operator's.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDiagnosticsExposure(this IResourceBuilder<ProjectResource> service)
    {
        var builder = service.ApplicationBuilder;
        var anonymous = builder.Configuration.GetValue<bool?>("Diagnostics:Anonymous") ?? builder.Environment.IsDevelopment();
        return service.WithEnvironment("Diagnostics__Anonymous", anonymous ? "true" : "false");
    }

    /// <summary>
    /// Serves the web front end over HTTPS as well as HTTP, with the ASP.NET Core development certificate
    /// (<c>dotnet dev-certs https</c>). Outside Development (or with <c>Web:HttpsRedirect=true</c>) its replicas redirect
    /// HTTP to the shared HTTPS address and send HSTS.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithHttps(this IResourceBuilder<ProjectResource> web)
    {
        var builder = web.ApplicationBuilder;
        var redirect = builder.Configuration.GetValue<bool?>("Web:HttpsRedirect") ?? !builder.Environment.IsDevelopment();
        web.WithHttpsEndpoint();
        return web
            .WithEnvironment("Web__Https__RedirectHttp", redirect ? "true" : "false")
            // Where a redirect sends the browser: the shared (proxied) HTTPS port, not the replica's own.
            .WithEnvironment("HTTPS_PORT", web.GetEndpoint("https").Property(EndpointProperty.Port));
    }

    /// <summary>
    /// Passes every key of the configuration section <paramref name="section"/> to the service as an environment
    /// variable, so a run (or a test) can tune a service without editing it: <c>ApiService:Environment:Catalog__Cache__Duration=00:00:05</c>.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithConfiguredEnvironment(this IResourceBuilder<ProjectResource> service, string section)
    {
        foreach (var setting in service.ApplicationBuilder.Configuration.GetSection(section).GetChildren())
        {
            service.WithEnvironment(setting.Key, setting.Value ?? "");
        }

        return service;
    }
}
