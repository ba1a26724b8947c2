using System.ComponentModel.DataAnnotations;

namespace HaSystem.Coordination.Redis;

/// <summary>
/// Bound per role from <c>Redis:Topology:{role}</c> (the AppHost passes it): how many replicas the role is meant to
/// have, so that the loss of one shows as lost redundancy. Left unset, the Sentinels' list of known replicas is used.
/// </summary>
public sealed class RedisRoleTopologyOptions
{
    /// <summary>The configuration section the options are bound from, one subsection per role.</summary>
    public const string SectionName = "Redis:Topology";

    /// <summary>How many replicas the group is configured with; fewer connected means lost redundancy.</summary>
    [Range(0, 64)]
    public int? Replicas { get; set; }

    /// <summary>How often the Sentinels are asked what they see.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}
