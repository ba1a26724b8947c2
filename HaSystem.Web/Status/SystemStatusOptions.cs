using System.ComponentModel.DataAnnotations;
using HaSystem.Coordination.Redis;

namespace HaSystem.Web.Status;

/// <summary>Bound from <c>Web:Status</c>.</summary>
public sealed class SystemStatusOptions
{
    public const string SectionName = "Web:Status";

    /// <summary>The worker's leader lease in the <c>state</c> role (the AppHost's <c>WithLeaderLease</c> key).</summary>
    [Required]
    public string LeaderLeaseKey { get; set; } = RedisKeyspace.WorkerLease;
}
