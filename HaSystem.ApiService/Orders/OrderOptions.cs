using System.ComponentModel.DataAnnotations;

namespace HaSystem.ApiService.Orders;

/// <summary>
/// Bound from <c>Orders</c>: the lock each order is placed under. How long an order waits for its lock (held by a
/// repeat of the same order, or unreachable during a failover) is the request deadline, <c>Redis:Resilience:RequestDeadline</c>.
/// </summary>
public sealed class OrderOptions
{
    public const string SectionName = "Orders";

    /// <summary>The order lock's lease; renewed in the background while the charge and the write run.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan LockTimeToLive { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the order lock's fencing counter is kept; the stored order answers repeats for ever.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan FenceRetention { get; set; } = TimeSpan.FromDays(1);
}
