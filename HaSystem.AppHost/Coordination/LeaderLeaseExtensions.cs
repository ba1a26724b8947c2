using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Aspire.Hosting;

public static class LeaderLeaseExtensions
{
    /// <summary>
    /// Shows on every replica of <paramref name="service"/> which replica holds the lease <paramref name="leaseKey"/>
    /// in <paramref name="group"/> (properties <c>leader.*</c>), read from the lease's holder description.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithLeaderLease(
        this IResourceBuilder<ProjectResource> service, IResourceBuilder<RedisMonitoredGroupResource> group, string leaseKey)
    {
        service.WithAnnotation(new LeaderLeaseAnnotation(group.Resource, leaseKey));
        service.ApplicationBuilder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LeaderLeaseMonitor>());
        return service;
    }
}
