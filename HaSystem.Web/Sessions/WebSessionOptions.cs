using System.ComponentModel.DataAnnotations;

namespace HaSystem.Web.Sessions;

/// <summary>Bound from <c>Web:Session</c>: how long an idle session lives and how long one Redis round trip may take.</summary>
public sealed class WebSessionOptions
{
    public const string SectionName = "Web:Session";

    /// <summary>A session (the cart) untouched this long is gone; every request that loads it slides it.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// The most a session load or save may wait for Redis. Short, because a page that cannot reach its session still
    /// renders (saying the cart is unavailable); the breaker makes later attempts fail at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30")]
    public TimeSpan IOTimeout { get; set; } = TimeSpan.FromSeconds(2);

    [Required, RegularExpression("^[A-Za-z0-9._-]+$")]
    public string CookieName { get; set; } = ".HaSystem.Session";

    /// <summary>The prefix of every session key in the <c>state</c> role.</summary>
    [Required]
    public string KeyPrefix { get; set; } = "web:session:";
}
