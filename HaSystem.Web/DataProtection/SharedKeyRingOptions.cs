using System.ComponentModel.DataAnnotations;
using HaSystem.Coordination.Redis;

namespace HaSystem.Web.DataProtection;

/// <summary>Bound from <c>Web:DataProtection</c>.</summary>
public sealed class SharedKeyRingOptions
{
    public const string SectionName = "Web:DataProtection";

    /// <summary>
    /// Fixed, so that every replica derives the same purpose keys. By default the name is derived from the content
    /// root path, which differs between machines and deployments.
    /// </summary>
    [Required]
    public string ApplicationName { get; set; } = "HaSystem.Web";

    /// <summary>The Redis list in the <c>state</c> role that holds the key ring's XML.</summary>
    [Required]
    public string RedisKey { get; set; } = RedisKeyspace.WebKeyRing;

    /// <summary>
    /// Where each machine keeps its copy of the ring, read only while Redis is unreachable. It must be owner-only
    /// (mode 700); default: <c>HaSystem/DataProtection</c> in the user's local application data (<c>~/.local/share</c>).
    /// </summary>
    public string? MirrorDirectory { get; set; }

    /// <summary>
    /// The secret the key ring is encrypted with at rest, in Redis and in the mirror file: the AppHost's
    /// <c>web-keyring-secret</c> parameter. Every web replica needs the same one.
    /// </summary>
    [Required, MinLength(32)]
    public string KeyRingSecret { get; set; } = "";

    /// <summary>A mirror file not written for this long (one of an earlier deployment) is removed when a replica starts.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan MirrorRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long a starting replica waits for another one that is creating the first key.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan StartupLockWait { get; set; } = TimeSpan.FromSeconds(20);
}
