using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>How the HaSystem services are attached to the Redis groups.</summary>
internal static class ServiceRedisExtensions
{
    /// <summary>
    /// Gives the service the Sentinel connection string of each group (<c>ConnectionStrings__{group}</c>) and holds
    /// its first start until every group has an elected primary and Sentinels ready to fail over.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithRedisRoles(
        this IResourceBuilder<ProjectResource> service, params IResourceBuilder<RedisMonitoredGroupResource>[] groups)
    {
        foreach (var group in groups)
        {
            service.WithReference(group).WaitForFirstElection(group);
        }

        return service;
    }
}
