using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The cluster's checks, from its own APIs: a node is healthy when Patroni's <c>/health</c> says its PostgreSQL runs, an
/// etcd member when its <c>/health</c> says so, and the cluster as <see cref="PatroniMonitor"/> last saw it.
/// </summary>
internal static class PatroniHealthChecks
{
    /// <summary>One client for every probe: each probe is bounded by its own timeout.</summary>
    internal static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public static IHealthCheck Node(PatroniNodeResource node) => new Probe(node.RestEndpoint, "/health", "PostgreSQL is not running on it");

    public static IHealthCheck Etcd(EtcdMemberResource member) => new Probe(member.ClientEndpoint, "/health", "it does not answer as a healthy member");

    public static IHealthCheck Cluster(PatroniClusterResource cluster) => new ClusterCheck(cluster);

    private sealed class Probe(EndpointReference endpoint, string path, string failure) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                using var response = await Http.GetAsync(await LoopbackEndpoints.UrlAsync(endpoint, path, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                return response.IsSuccessStatusCode
                    ? HealthCheckResult.Healthy()
                    : HealthCheckResult.Unhealthy($"{endpoint.Resource.Name}: {failure} ({path} answered {(int)response.StatusCode}).");
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return HealthCheckResult.Unhealthy($"{endpoint.Resource.Name}: {path} did not answer ({ex.GetType().Name}).");
            }
        }
    }

    private sealed class ClusterCheck(PatroniClusterResource cluster) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(cluster.LastView?.Health() ?? HealthCheckResult.Unhealthy($"{cluster.Name}: not seen yet."));
    }
}
