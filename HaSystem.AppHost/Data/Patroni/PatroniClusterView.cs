using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>What <see cref="PatroniMonitor"/> saw of the cluster at one moment: each node's report, each etcd member's health.</summary>
public sealed record PatroniClusterView(string Cluster, IReadOnlyList<PatroniNodeView> Nodes, IReadOnlyList<(string Member, bool Healthy)> EtcdMembers)
{
    /// <summary>The node that reports itself primary with its PostgreSQL running, if exactly one does.</summary>
    public PatroniNodeView? Primary => Nodes.Count(n => n.IsRunningPrimary) == 1 ? Nodes.Single(n => n.IsRunningPrimary) : null;

    /// <summary>
    /// Unhealthy without a primary; Degraded, with what is missing, while a node does not run or an etcd member does not
    /// answer: the cluster takes writes, but it has lost redundancy (with no standby left, synchronous mode is off and an
    /// acknowledged commit lives on one server only). Healthy otherwise.
    /// </summary>
    public HealthCheckResult Health()
    {
        if (Primary is null)
        {
            return HealthCheckResult.Unhealthy($"{Cluster}: no primary ({Describe(Nodes)}).");
        }

        var missing = Nodes.Where(n => !n.IsRunning).Select(n => $"{n.Name} is {n.State ?? "not answering"}")
            .Concat(EtcdMembers.Where(m => !m.Healthy).Select(m => $"etcd member {m.Member} does not answer"))
            .ToList();
        return missing.Count == 0
            ? HealthCheckResult.Healthy($"{Cluster}: primary {Primary.Name}, {Nodes.Count - 1} standbys, {EtcdMembers.Count} etcd members.")
            : HealthCheckResult.Degraded($"{Cluster}: primary {Primary.Name}, but {string.Join("; ", missing)}.");
    }

    private static string Describe(IEnumerable<PatroniNodeView> nodes) =>
        string.Join(", ", nodes.Select(n => $"{n.Name}: {n.Role ?? "?"}/{n.State ?? "not answering"}"));
}

/// <summary>One node's report on Patroni's <c>/patroni</c>; <see langword="null"/> fields when it did not answer.</summary>
public sealed record PatroniNodeView(string Name, string? Role, string? State, long? Timeline)
{
    public bool IsRunning => State == "running";

    public bool IsRunningPrimary => IsRunning && Role == PatroniRoles.Primary;
}
