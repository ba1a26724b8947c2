using System.ComponentModel.DataAnnotations;

namespace HaSystem.ServiceDefaults.Redis;

/// <summary>
/// Bound per role from <c>Redis:Topology:{role}</c> (the AppHost passes it): how many replicas the role is meant to
/// have, so that the loss of one shows as lost redundancy. Left unset, the Sentinels' list of known replicas is used.
/// </summary>
public sealed class RedisRoleTopologyOptions
{
    public const string SectionName = "Redis:Topology";

    [Range(0, 64)]
    public int? Replicas { get; set; }

    /// <summary>How often the Sentinels are asked what they see.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}
