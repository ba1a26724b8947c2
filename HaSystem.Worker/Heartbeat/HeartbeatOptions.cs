using System.ComponentModel.DataAnnotations;
using HaSystem.Coordination.Redis;

namespace HaSystem.Worker.Heartbeat;

/// <summary>Bound from <c>Worker:Heartbeat</c>.</summary>
public sealed class HeartbeatOptions
{
    public const string SectionName = "Worker:Heartbeat";

    /// <summary>How often the replica writes its heartbeat.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a heartbeat lives: a replica that stops writing disappears after this.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The key prefix; the replica id is appended.</summary>
    [Required]
    public string KeyPrefix { get; set; } = RedisKeyspace.WorkerHeartbeats;
}
