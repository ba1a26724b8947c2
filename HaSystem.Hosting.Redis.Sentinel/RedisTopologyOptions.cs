using System.ComponentModel.DataAnnotations;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>Settings of the Sentinel topology, bound from the AppHost's <c>Redis</c> configuration section.</summary>
public sealed class RedisTopologyOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Redis";

    /// <summary>The <c>redis-server</c> executable: a name looked up on PATH, or a full path.</summary>
    [Required]
    public string ServerExecutable { get; set; } = "redis-server";

    /// <summary>The <c>redis-sentinel</c> executable: a name looked up on PATH, or a full path.</summary>
    [Required]
    public string SentinelExecutable { get; set; } = "redis-sentinel";

    /// <summary>How many Sentinels run. Three survive the loss of one.</summary>
    [Range(1, 9)]
    public int Sentinels { get; set; } = 3;

    /// <summary>How many Sentinels must agree that a primary is down before a failover starts.</summary>
    [Range(1, 9)]
    public int Quorum { get; set; } = 2;

    /// <summary><c>down-after-milliseconds</c>: how long a primary may be silent before it is considered down.</summary>
    [Range(100, 600_000)]
    public int DownAfterMilliseconds { get; set; } = 1000;

    /// <summary>
    /// <c>failover-timeout</c>: the budget of one failover attempt, and half the wait before the next. When the
    /// Sentinels' vote splits (all three start an election at once), the next attempt comes 2 × this after the first:
    /// with 3 s, CI saw failovers of 7.8 s, longer than an order's 8 s deadline can ride through; with 2 s such a
    /// failover takes about 5 s. A promotion itself is seen within about 1 s.
    /// </summary>
    [Range(500, 3_600_000)]
    public int FailoverTimeoutMilliseconds { get; set; } = 2000;


    /// <summary>Checks the options and explains every problem in one message.</summary>
    public void Validate()
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true);
        if (Quorum > Sentinels)
        {
            results.Add(new ValidationResult($"Quorum ({Quorum}) cannot be larger than the number of Sentinels ({Sentinels})."));
        }

        if (results.Count > 0)
        {
            throw new DistributedApplicationException(
                $"Invalid '{SectionName}' configuration: {string.Join(" ", results.Select(r => r.ErrorMessage))}");
        }
    }
}
