using System.ComponentModel.DataAnnotations;

namespace HaSystem.ApiService.Retention;

/// <summary>Bound from <c>Retention</c>: how long fences and sales reports are kept, and how often old ones are removed.</summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Retention";

    /// <summary>
    /// A fence not moved for this long is removed. It must outlive the lock's fencing counter in Redis
    /// (<c>Orders:FenceRetention</c>, 1 day): a token is only ever compared with fences of locks that may still be held.
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan Fences { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Sales reports of periods that started longer ago than this are removed.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan Reports { get; set; } = TimeSpan.FromDays(90);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}
