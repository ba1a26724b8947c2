using System.ComponentModel.DataAnnotations;
using HaSystem.Coordination.Redis;

namespace HaSystem.Web.Sessions;

/// <summary>
/// Bound from <c>Web:Session</c>: how long an idle session lives, its cookie and its keys. How long a load or save may
/// wait for Redis is the request deadline (<c>Redis:Resilience:RequestDeadline</c>): one that meets a failover waits
/// for the new primary; one that meets a role with no primary left fails as soon as the Sentinels say so.
/// </summary>
public sealed class WebSessionOptions
{
    public const string SectionName = "Web:Session";

    /// <summary>A session (the cart) untouched this long is gone; every request that loads it slides it.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    [Required, RegularExpression("^[A-Za-z0-9._-]+$")]
    public string CookieName { get; set; } = ".HaSystem.Session";

    /// <summary>The prefix of every session key in the <c>state</c> role.</summary>
    [Required]
    public string KeyPrefix { get; set; } = RedisKeyspace.WebSessions;
}
